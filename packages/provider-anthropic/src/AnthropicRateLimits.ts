/**
 * The rate-limit headers Anthropic sends on every response, parsed for the transport's limiter:
 * `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
 * where each reset is an RFC 3339 timestamp (`2026-04-05T14:28:55Z`) rather than a wait, so the
 * caller's clock turns it into one. Pure; runs anywhere.
 *
 * @since 0.1.0
 */
import * as ServerLimits from "@aiu/transport/ServerLimits"

// Strict RFC 3339 (date-time with a zone): `Date.parse` alone would also take `2026`, an HTTP
// date or `2026-02-30` and return a time, where a garbage header must give no reset at all.
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * An RFC 3339 timestamp in epoch milliseconds; undefined when it is not one.
 * @since 0.1.0
 * @category parsers
 */
export const parseTimestamp = (text: string): number | undefined => {
  const m = rfc3339.exec(text.trim())
  if (m === null) return undefined
  const field = (i: number) => Number(m[i])
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)]
  // Second 60 is a leap second (it rolls over into the next minute, as it should).
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return undefined
  const date = Date.UTC(year, month - 1, day)
  // Date.UTC rolls 30 February over into March: a day the month does not have is not a date.
  if (day < 1 || new Date(date).getUTCDate() !== day) return undefined
  const fractionMs = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000
  const offsetMs = m[8] !== undefined ? 0 : (m[9] === "-" ? -1 : 1) * (field(10) * 60 + field(11)) * 60_000
  return date + ((hour * 60 + minute) * 60 + second) * 1000 + fractionMs - offsetMs
}

const families = {
  requests: "anthropic-ratelimit-requests",
  tokens: "anthropic-ratelimit-tokens",
  inputTokens: "anthropic-ratelimit-input-tokens",
  outputTokens: "anthropic-ratelimit-output-tokens"
} as const

/**
 * The parser the adapter hands the transport (`HttpRequest.serverLimits`), so the limiter holds
 * calls back while Anthropic has said a bucket is empty. `nowMs` (from `Clock`) turns the reset
 * timestamps into waits; an unparseable reset is left out. Undefined when the response carried
 * none of these headers.
 * @since 0.1.0
 * @category parsers
 */
export const serverLimits: ServerLimits.Parser = (headers, nowMs) => {
  const bucket = (prefix: string) => {
    const reset = headers[`${prefix}-reset`]
    const at = reset === undefined ? undefined : parseTimestamp(reset)
    return ServerLimits.bucket(
      ServerLimits.number(headers[`${prefix}-limit`]),
      ServerLimits.number(headers[`${prefix}-remaining`]),
      at === undefined ? undefined : at - nowMs
    )
  }
  return ServerLimits.make({
    requests: bucket(families.requests),
    tokens: bucket(families.tokens),
    inputTokens: bucket(families.inputTokens),
    outputTokens: bucket(families.outputTokens)
  })
}

/**
 * The wait until every exhausted bucket refills, for a 429 that carries no `retry-after`;
 * undefined when none is exhausted. The resets are absolute and an error mapper has no clock, so
 * they are measured against the response's own `date` header: the server's clock on both sides,
 * so no skew with ours, and since `date` has whole seconds the wait errs at most a second long.
 * Without a usable `date` header: undefined.
 * @since 0.1.0
 * @category getters
 */
export const exhaustedResetMs = (headers: Readonly<Record<string, string>>): number | undefined => {
  const date = headers.date === undefined ? Number.NaN : Date.parse(headers.date)
  if (!Number.isFinite(date)) return undefined
  const limits = serverLimits(headers, date)
  return limits === undefined ? undefined : ServerLimits.exhaustedResetMs(limits)
}
