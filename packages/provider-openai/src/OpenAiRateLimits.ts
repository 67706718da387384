/**
 * The rate-limit headers OpenAI-shaped APIs send on every response, parsed for limiters and
 * dashboards: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` with Go-style durations
 * (`6ms`, `1s`, `6m0s`, Groq's `2m59.56s`), and OpenRouter's `x-ratelimit-{limit,remaining,reset}`
 * with the reset in epoch milliseconds. Pure; runs anywhere.
 *
 * @since 0.1.0
 */
import * as ServerLimits from "@aiu/transport/ServerLimits"

/**
 * @since 0.1.0
 * @category models
 */
export type Bucket = ServerLimits.Bucket

/**
 * @since 0.1.0
 * @category models
 */
export type RateLimits = ServerLimits.ServerLimits

const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 }

/**
 * A Go duration (`1h2m3.5s`, `6ms`, `0s`) in milliseconds; undefined when it is not one.
 * @since 0.1.0
 * @category parsers
 */
export const parseDuration = (text: string): number | undefined => {
  const s = text.trim()
  if (s.length === 0) return undefined
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy
  let total = 0
  let consumed = 0
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * (units[m[2]!] ?? 0)
    consumed = re.lastIndex
  }
  return consumed === s.length ? total : undefined
}

const num = ServerLimits.number
const bucket = ServerLimits.bucket

/**
 * Parses lowercased response headers. `nowMs` (from `Clock`) turns epoch resets into waits; when
 * it is undefined, epoch resets are left out.
 * @since 0.1.0
 * @category parsers
 */
export const parse = (headers: Readonly<Record<string, string>>, nowMs: number | undefined): RateLimits => {
  const h = (name: string) => headers[name]
  const reset = (v: string | undefined) => {
    if (v === undefined) return undefined
    const n = num(v)
    // OpenRouter: epoch milliseconds
    if (n !== undefined && n > 1e12) return nowMs === undefined ? undefined : Math.max(0, n - nowMs)
    return parseDuration(v)
  }
  const requests =
    bucket(
      num(h("x-ratelimit-limit-requests")),
      num(h("x-ratelimit-remaining-requests")),
      reset(h("x-ratelimit-reset-requests"))
    ) ?? bucket(num(h("x-ratelimit-limit")), num(h("x-ratelimit-remaining")), reset(h("x-ratelimit-reset")))
  const tokens = bucket(
    num(h("x-ratelimit-limit-tokens")),
    num(h("x-ratelimit-remaining-tokens")),
    reset(h("x-ratelimit-reset-tokens"))
  )
  return { ...(requests !== undefined ? { requests } : {}), ...(tokens !== undefined ? { tokens } : {}) }
}

/**
 * The wait until an exhausted bucket refills (the longest, when both are empty), for a 429 that
 * carries no `retry-after`.
 * @since 0.1.0
 * @category getters
 */
export const exhaustedResetMs: (limits: RateLimits) => number | undefined = ServerLimits.exhaustedResetMs

/**
 * The parser the adapter hands the transport (`HttpRequest.serverLimits`), so the limiter holds
 * calls back while OpenAI has said a bucket is empty.
 * @since 0.1.0
 * @category parsers
 */
export const serverLimits: ServerLimits.Parser = (headers, nowMs) => ServerLimits.make(parse(headers, nowMs))
