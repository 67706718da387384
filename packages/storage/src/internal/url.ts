/**
 * Parses `AIU_DATABASE_URL` into a backend choice plus pool and timeout settings. Our own query
 * parameters are removed before the URL reaches a driver; the URL itself is a secret (it may hold
 * a password), so errors describe it only in its redacted form.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"

/** @internal */
export interface PoolSettings {
  readonly maxConnections?: number
  readonly minConnections?: number
  readonly connectTimeout?: Duration.Duration
  readonly idleTimeout?: Duration.Duration
}

/** @internal */
export type Target =
  | { readonly _tag: "sqlite"; readonly filename: string; readonly busyTimeout?: Duration.Duration }
  | ({ readonly _tag: "pg"; readonly url: Redacted.Redacted<string> } & PoolSettings)
  | ({
      readonly _tag: "mysql"
      readonly host: string
      readonly port?: number
      readonly database?: string
      readonly username?: string
      readonly password?: Redacted.Redacted<string>
    } & PoolSettings)

const ours = ["pool_max", "pool_min", "connect_timeout", "idle_timeout", "busy_timeout"] as const

const bad = (raw: string, why: string) =>
  Either.left(
    new AiuError.ConfigError({
      message: `AIU_DATABASE_URL (${Redaction.redactUrl(raw)}) ${why}`,
      key: "AIU_DATABASE_URL"
    })
  )

const positiveInt = (value: string | null): number | undefined | "bad" => {
  if (value === null) return undefined
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 ? n : "bad"
}

/** Pool settings from `?pool_max=…&pool_min=…&connect_timeout=<s>&idle_timeout=<s>`. */
const poolFrom = (params: URLSearchParams): PoolSettings | string => {
  const max = positiveInt(params.get("pool_max"))
  const min = positiveInt(params.get("pool_min"))
  const connect = positiveInt(params.get("connect_timeout"))
  const idle = positiveInt(params.get("idle_timeout"))
  if (max === "bad" || min === "bad" || connect === "bad" || idle === "bad") {
    return "has a pool_max, pool_min, connect_timeout or idle_timeout that is not a non-negative integer"
  }
  return {
    ...(max !== undefined ? { maxConnections: max } : {}),
    ...(min !== undefined ? { minConnections: min } : {}),
    ...(connect !== undefined ? { connectTimeout: Duration.seconds(connect) } : {}),
    ...(idle !== undefined ? { idleTimeout: Duration.seconds(idle) } : {})
  }
}

/** @internal */
export const parse = (raw: string): Either.Either<Target, AiuError.ConfigError> => {
  const trimmed = raw.trim()
  if (trimmed === "") return bad(raw, "is empty")
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase()
  if (scheme === "postgres" || scheme === "postgresql" || scheme === "mysql" || scheme === "mariadb") {
    let url: URL
    try {
      url = new URL(trimmed)
    } catch {
      return bad(raw, "is not a valid URL")
    }
    const pool = poolFrom(url.searchParams)
    if (typeof pool === "string") return bad(raw, pool)
    for (const name of ours) url.searchParams.delete(name)
    if (scheme === "postgres" || scheme === "postgresql") {
      return Either.right({ _tag: "pg", url: Redacted.make(url.toString()), ...pool })
    }
    if (url.hostname === "") return bad(raw, "has no host")
    const port = url.port === "" ? undefined : Number(url.port)
    const database = decodeURIComponent(url.pathname.replace(/^\//, ""))
    return Either.right({
      _tag: "mysql",
      host: url.hostname,
      ...(port !== undefined ? { port } : {}),
      ...(database !== "" ? { database } : {}),
      ...(url.username !== "" ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password !== "" ? { password: Redacted.make(decodeURIComponent(url.password)) } : {}),
      ...pool
    })
  }
  // SQLite: `file:PATH`, `sqlite:PATH`, or a plain path; `?busy_timeout=<ms>` is ours.
  let path = trimmed
  if (scheme === "file" || scheme === "sqlite") path = trimmed.slice(scheme.length + 1).replace(/^\/\/(?=\/)/, "")
  else if (scheme !== undefined && scheme.length > 1) return bad(raw, `has an unsupported scheme '${scheme}:'`)
  const q = path.indexOf("?")
  let busyTimeout: Duration.Duration | undefined
  if (q >= 0) {
    const params = new URLSearchParams(path.slice(q + 1))
    path = path.slice(0, q)
    const busy = positiveInt(params.get("busy_timeout"))
    if (busy === "bad") return bad(raw, "has a busy_timeout that is not a non-negative integer (milliseconds)")
    if (busy !== undefined) busyTimeout = Duration.millis(busy)
  }
  if (path === "") return bad(raw, "names no SQLite file")
  return Either.right({ _tag: "sqlite", filename: path, ...(busyTimeout !== undefined ? { busyTimeout } : {}) })
}
