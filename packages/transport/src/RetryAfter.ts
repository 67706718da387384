/**
 * Pure parsers for the headers a server uses to ask for a wait: `retry-after-ms` (milliseconds,
 * may be fractional), `retry-after` (delta-seconds or an HTTP date) and `x-should-retry`.
 *
 * @since 0.1.0
 */

/**
 * Milliseconds to wait, or undefined when the headers say nothing usable. `now` is the current
 * time in ms (from `Clock`), needed for HTTP-date values.
 * @since 0.1.0
 * @category parsers
 */
export const parseRetryAfterMs = (headers: Readonly<Record<string, string>>, now: number): number | undefined => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined) {
    const n = Number.parseFloat(ms)
    if (Number.isFinite(n) && n >= 0) return n
  }
  const ra = headers["retry-after"]
  if (ra === undefined) return undefined
  const trimmed = ra.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * `true` / `false` when the server said whether to retry, undefined otherwise.
 * @since 0.1.0
 * @category parsers
 */
export const parseShouldRetry = (headers: Readonly<Record<string, string>>): boolean | undefined => {
  const v = headers["x-should-retry"]
  if (v === "true") return true
  if (v === "false") return false
  return undefined
}
