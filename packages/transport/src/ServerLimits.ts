/**
 * What a provider's rate-limit response headers say about its buckets for the key that made the
 * call: requests and tokens (and Anthropic's separate input / output token buckets), each with its
 * limit, what remains and when it refills. Each adapter parses its provider's headers into this
 * shape (`HttpRequest.serverLimits`); the transport hands it to the `RateLimit` service, which
 * holds calls back while the provider has said a bucket is empty, instead of spending a request
 * to learn it from a 429. Pure; runs anywhere.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Bucket {
  readonly limit?: number
  readonly remaining?: number
  /** Milliseconds from the response until the bucket refills. */
  readonly resetMs?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ServerLimits {
  readonly requests?: Bucket
  readonly tokens?: Bucket
  readonly inputTokens?: Bucket
  readonly outputTokens?: Bucket
}

/**
 * Parses lowercased response headers; `nowMs` (from `Clock`) turns absolute resets into waits.
 * Returns undefined when the response carried none of the provider's headers.
 * @since 0.1.0
 * @category models
 */
export type Parser = (headers: Readonly<Record<string, string>>, nowMs: number) => ServerLimits | undefined

/**
 * A finite number from a header value.
 * @since 0.1.0
 * @category parsers
 */
export const number = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === "") return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

/**
 * A bucket from its parts; undefined when every part is missing.
 * @since 0.1.0
 * @category constructors
 */
export const bucket = (
  limit: number | undefined,
  remaining: number | undefined,
  resetMs: number | undefined
): Bucket | undefined =>
  limit === undefined && remaining === undefined && resetMs === undefined
    ? undefined
    : {
        ...(limit !== undefined ? { limit } : {}),
        ...(remaining !== undefined ? { remaining } : {}),
        ...(resetMs !== undefined ? { resetMs: Math.max(0, resetMs) } : {})
      }

/**
 * The limits with the missing buckets left out; undefined when there are none.
 * @since 0.1.0
 * @category constructors
 */
export const make = (buckets: {
  readonly requests?: Bucket | undefined
  readonly tokens?: Bucket | undefined
  readonly inputTokens?: Bucket | undefined
  readonly outputTokens?: Bucket | undefined
}): ServerLimits | undefined => {
  const out: { -readonly [K in keyof ServerLimits]: Bucket } = {}
  if (buckets.requests !== undefined) out.requests = buckets.requests
  if (buckets.tokens !== undefined) out.tokens = buckets.tokens
  if (buckets.inputTokens !== undefined) out.inputTokens = buckets.inputTokens
  if (buckets.outputTokens !== undefined) out.outputTokens = buckets.outputTokens
  return Object.keys(out).length === 0 ? undefined : out
}

/**
 * The wait until every exhausted bucket has refilled (remaining exactly 0 with a known reset), or
 * undefined when none is exhausted: how long a 429 without `retry-after` should wait, and how long
 * the limiter holds calls back.
 * @since 0.1.0
 * @category getters
 */
export const exhaustedResetMs = (limits: ServerLimits): number | undefined => {
  let wait: number | undefined
  for (const b of [limits.requests, limits.tokens, limits.inputTokens, limits.outputTokens]) {
    // Exactly 0: some Azure deployments report -1 for "not tracked", which must not hold calls.
    if (b?.remaining === 0 && b.resetMs !== undefined) {
      wait = Math.max(wait ?? 0, b.resetMs)
    }
  }
  return wait
}

/**
 * The tokens the provider says remain for this key (the smallest over the token buckets), with
 * when that bucket refills; undefined when no token bucket was reported.
 * @since 0.1.0
 * @category getters
 */
export const tokensRemaining = (
  limits: ServerLimits
): { readonly remaining: number; readonly resetMs: number } | undefined => {
  let out: { remaining: number; resetMs: number } | undefined
  for (const b of [limits.tokens, limits.inputTokens]) {
    if (b?.remaining === undefined || b.resetMs === undefined) continue
    if (out === undefined || b.remaining < out.remaining) out = { remaining: b.remaining, resetMs: b.resetMs }
  }
  return out
}
