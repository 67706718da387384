/**
 * Per-call options a caller passes to a provider operation: the key to use, transport limits,
 * extra headers. The client fills `apiKey` from the keyring; adapters read the rest through the
 * transport.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"

/**
 * Limits per phase of an HTTP call (see `AiuError.Timeout`).
 * @since 0.1.0
 * @category models
 */
export interface Timeouts {
  readonly connect?: Duration.DurationInput
  readonly firstByte?: Duration.DurationInput
  /** Silence between stream bytes. */
  readonly idle?: Duration.DurationInput
  /** Time without a real event (keep-alive comments do not count). */
  readonly idleEvent?: Duration.DurationInput
  /** The whole call, all attempts together. */
  readonly total?: Duration.DurationInput
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number
  readonly baseDelay?: Duration.DurationInput
  readonly maxDelay?: Duration.DurationInput
  /** A server asking for a longer wait fails at once with `RateLimited` (default 60 s). */
  readonly maxRetryAfter?: Duration.DurationInput
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** The key for this call; when absent the adapter uses its configured key. */
  readonly apiKey?: Redacted.Redacted<string>
  /** The key alias, for rate-limit keys and logs. */
  readonly keyAlias?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly timeouts?: Timeouts
  readonly retry?: RetryOptions
}
