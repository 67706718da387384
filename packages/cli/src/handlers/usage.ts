/**
 * What `aiu usage` and `aiu usage log` do (options in commands/usage.ts).
 */
import * as UsageStore from "@aiu/storage/UsageStore"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as MainLayer from "../MainLayer.js"
import * as Output from "../Output.js"
import { table, when } from "./table.js"

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30m`, `24h`, `7d`, `2w` back from now, or a date / date-time (`2026-11-01`, ISO). */
export const parseSince = (text: string, now: number): Date | undefined => {
  const relative = /^(\d+)\s*([mhdw])$/.exec(text.trim())
  if (relative) return new Date(now - Number(relative[1]) * units[relative[2]!]!)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined
  const date = new Date(text.trim())
  return Number.isNaN(date.getTime()) ? undefined : date
}

const usd = (n: number) => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`
const ms = (n: number) => `${Math.round(n)} ms`

export const summary = (args: {
  readonly since: Option.Option<string>
  readonly by: "provider" | "model" | "day"
  readonly json: boolean
}) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    let since: Date | undefined
    if (Option.isSome(args.since)) {
      since = parseSince(args.since.value, now)
      if (since === undefined) {
        return yield* Effect.fail(
          new Output.UsageError(
            `--since '${args.since.value}' is neither a duration (30m, 24h, 7d) nor a date (2026-11-01)`
          )
        )
      }
    }
    const store = yield* UsageStore.UsageStore
    const rows = yield* store.aggregate({ by: args.by, ...(since !== undefined ? { since } : {}) })
    if (args.json) return yield* Output.printJson(rows)
    if (rows.length === 0) return yield* Output.stderr("no requests recorded yet\n")
    const keyHeader = args.by === "provider" ? ["PROVIDER"] : args.by === "model" ? ["PROVIDER", "MODEL"] : ["DAY"]
    yield* Output.stdout(
      table(
        [...keyHeader, "REQUESTS", "ERRORS", "IN TOKENS", "OUT TOKENS", "COST", "P50", "P95"],
        rows.map((r) => [
          ...(args.by === "provider"
            ? [r.provider ?? ""]
            : args.by === "model"
              ? [r.provider ?? "", r.model ?? ""]
              : [r.day ?? ""]),
          String(r.requests),
          String(r.errors),
          String(r.inputTokens),
          String(r.outputTokens),
          usd(r.costUsd),
          ms(r.p50LatencyMs),
          ms(r.p95LatencyMs)
        ])
      )
    )
  }).pipe(Effect.provide(MainLayer.storage))

export const log = (args: { readonly limit: number; readonly json: boolean }) =>
  Effect.gen(function* () {
    if (args.limit <= 0) return yield* Effect.fail(new Output.UsageError("--limit must be positive"))
    const records = yield* (yield* UsageStore.UsageStore).recent(args.limit)
    if (args.json) {
      return yield* Output.printJson(records.map((r) => ({ ...r, time: r.time.toISOString() })))
    }
    if (records.length === 0) return yield* Output.stderr("no requests recorded yet\n")
    yield* Output.stdout(
      table(
        ["TIME", "OPERATION", "MODEL", "KEY", "STATUS", "IN", "OUT", "LATENCY", "COST", "REQUEST ID"],
        records.map((r) => [
          when(r.time),
          r.operation,
          `${r.provider}:${r.model}`,
          r.keyAlias ?? "-",
          r.status === "ok" ? "ok" : `error ${r.errorTag ?? ""}`.trim(),
          String(r.inputTokens),
          String(r.outputTokens),
          ms(r.latencyMs),
          r.costUsd !== undefined ? usd(r.costUsd) : "-",
          r.requestId ?? "-"
        ])
      )
    )
  }).pipe(Effect.provide(MainLayer.storage))
