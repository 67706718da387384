/**
 * Pure parsers for the ways a server asks for a wait: `retry-after-ms` (milliseconds, may be
 * fractional), `retry-after` (delta-seconds or an HTTP date), `x-should-retry`, and Google's
 * `RetryInfo.retryDelay` ("34.4s") in an error body, which Gemini sends instead of headers.
 *
 * @since 0.1.0
 */

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/

/**
 * Milliseconds to wait, or undefined when the headers say nothing usable. `now` is the current
 * time in ms (from `Clock`), needed for HTTP-date values. Negative values are ignored, as the
 * official SDKs do.
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
  if (DELTA_SECONDS.test(trimmed)) return Number.parseFloat(trimmed) * 1000
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

/**
 * A protobuf-JSON duration (`"34.4s"`, `"2s"`) in milliseconds.
 * @since 0.1.0
 * @category parsers
 */
export const parseProtoDurationMs = (value: unknown): number | undefined => {
  if (typeof value !== "string") return undefined
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim())
  return m === null ? undefined : Number.parseFloat(m[1]!) * 1000
}

/**
 * The wait a Google error body asks for (`error.details[].retryDelay` of a `RetryInfo`).
 * @since 0.1.0
 * @category parsers
 */
export const parseGoogleRetryDelayMs = (json: unknown): number | undefined => {
  for (const detail of googleDetails(json)) {
    const ms = parseProtoDurationMs(detail.retryDelay)
    if (ms !== undefined) return ms
  }
  return undefined
}

/** `error.details` of a Google error body, as records. */
export const googleDetails = (json: unknown): ReadonlyArray<Record<string, unknown>> => {
  if (json === null || typeof json !== "object") return []
  const error = (json as { error?: unknown }).error
  if (error === null || typeof error !== "object") return []
  const details = (error as { details?: unknown }).details
  return Array.isArray(details)
    ? details.filter((d): d is Record<string, unknown> => d !== null && typeof d === "object")
    : []
}
