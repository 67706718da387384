/**
 * The rate-limit headers Mistral (La Plateforme) sends, parsed for the transport's limiter. Its
 * limits are "by size", in tokens: `x-ratelimitbysize-{limit,remaining}-minute` for the
 * per-minute window, `x-ratelimitbysize-{limit,remaining}-month` for the monthly quota, and
 * `ratelimitbysize-{limit,remaining,reset}` (`-query-cost` too). Mistral does not document them;
 * the names are the ones several clients observed (wire-formats.md §5). Pure; runs anywhere.
 *
 * What goes into the limiter, and why:
 * - The minute window is the `tokens` bucket. Where both spellings carry a remaining figure the
 *   smaller one counts.
 * - `ratelimitbysize-reset` is its reset, in seconds from the response: the unit the clients that
 *   read it use (a reset of `28` read as 28 s), and the delta-seconds of the IETF `RateLimit-Reset`
 *   field these names resemble. It is capped at a minute: a per-minute window refills within one,
 *   and a value past that is not a wait for it.
 * - With no usable reset and nothing remaining, the reset is taken as a full minute: the longest
 *   a per-minute window can take to refill, so the limiter never lets a call go early into a
 *   certain 429 (it may hold one a little too long). With something remaining and no reset, no
 *   reset is set: the limiter then holds nothing back on a guess.
 * - The month quota is left out. An empty month is a quota, not a wait: holding calls back for
 *   weeks (or failing every call at once as "rate limited") would be wrong; the provider's 429 is
 *   the honest answer there.
 *
 * @since 0.1.0
 */
import * as ServerLimits from "@aiu/transport/ServerLimits"

const MINUTE_MS = 60_000

const smaller = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b)

/**
 * The parser the adapter hands the transport (`HttpRequest.serverLimits`), so the limiter holds
 * calls back while Mistral has said the per-minute token window is empty. Resets are relative, so
 * `nowMs` is not needed. Undefined when the response carried none of the minute headers.
 * @since 0.1.0
 * @category parsers
 */
export const serverLimits: ServerLimits.Parser = (headers) => {
  const limit =
    ServerLimits.number(headers["x-ratelimitbysize-limit-minute"]) ??
    ServerLimits.number(headers["ratelimitbysize-limit"])
  const remaining = smaller(
    ServerLimits.number(headers["x-ratelimitbysize-remaining-minute"]),
    ServerLimits.number(headers["ratelimitbysize-remaining"])
  )
  const resetSeconds = ServerLimits.number(headers["ratelimitbysize-reset"])
  const resetMs =
    resetSeconds !== undefined && resetSeconds >= 0
      ? Math.min(resetSeconds * 1000, MINUTE_MS)
      : remaining !== undefined && remaining <= 0
        ? MINUTE_MS
        : undefined
  return ServerLimits.make({ tokens: ServerLimits.bucket(limit, remaining, resetMs) })
}
