/**
 * What to retry and how long to wait, as an Effect `Schedule`. The rules follow the official
 * OpenAI and Anthropic SDKs: `x-should-retry` wins; otherwise connection failures before a
 * response and 408, 409, 429, 500, 502, 503, 504, 529 are retried; exponential backoff from
 * 0.5 s doubling to an 8 s cap with up to 25 % negative jitter; a server-requested wait
 * (`retry-after-ms`, `retry-after`, Google `RetryInfo`) replaces the backoff, and one longer than
 * the ceiling (60 s) fails at once with `RateLimited` instead of sleeping.
 *
 * A stream is retried only until its response headers arrive: once the body has started, a
 * failure is `StreamInterrupted` and nothing is replayed.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { RetryOptions } from "@aiu/core/CallOptions"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"

/**
 * Retry settings with every default filled in, in milliseconds.
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly maxRetries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
}

/**
 * The official SDKs' defaults: 2 retries, 0.5 s base, 8 s cap, 60 s ceiling on server waits.
 * @since 0.1.0
 * @category constants
 */
export const defaults: Resolved = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 }

const ms = (d: Duration.DurationInput | undefined, fallback: number) =>
  d === undefined ? fallback : Duration.toMillis(Duration.decode(d))

/**
 * Layers settings: later ones (per provider, then per call) override earlier ones field by field.
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (...layers: ReadonlyArray<RetryOptions | undefined>): Resolved => {
  let out = defaults
  for (const o of layers) {
    if (o === undefined) continue
    out = {
      maxRetries: Math.max(0, Math.floor(o.maxRetries ?? out.maxRetries)),
      baseDelayMs: ms(o.baseDelay, out.baseDelayMs),
      maxDelayMs: ms(o.maxDelay, out.maxDelayMs),
      maxRetryAfterMs: ms(o.maxRetryAfter, out.maxRetryAfterMs)
    }
  }
  return out
}

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504, 529])

/**
 * Whether a status is worth retrying by default (never 400, 401, 403, 404, 413, 422).
 * @since 0.1.0
 * @category guards
 */
export const isRetryableStatus = (status: number): boolean => RETRYABLE_STATUSES.has(status)

/**
 * One failed attempt, with the verdict taken where the response was read.
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly error: AiuError.ProviderFailure
  /** Whether another attempt may help. */
  readonly retry: boolean
  /** The server-requested wait, when it asked for one. */
  readonly delayMs: number | undefined
}

/**
 * The verdict for an error. `status` / `shouldRetry` are undefined when no response arrived.
 * Quota errors and short-circuited calls are never retried, whatever the headers say.
 * @since 0.1.0
 * @category constructors
 */
export const classify = (
  error: AiuError.ProviderFailure,
  status: number | undefined,
  shouldRetry: boolean | undefined,
  delayMs: number | undefined
): Failure => {
  let retry: boolean
  if (error._tag === "QuotaExceeded" || error._tag === "StreamInterrupted") retry = false
  else if (
    ("shortCircuited" in error && error.shortCircuited === true) ||
    (error._tag === "RateLimited" && error.scope === "client")
  )
    retry = false
  else if (shouldRetry !== undefined) retry = shouldRetry
  else if (status !== undefined) retry = isRetryableStatus(status)
  else retry = error.retryable
  return { error, retry, delayMs }
}

/**
 * Applies the ceiling: a retryable failure whose server wait is above `maxRetryAfterMs` becomes a
 * non-retryable `RateLimited` carrying that wait, so the caller can decide (or schedule) itself.
 * @since 0.1.0
 * @category combinators
 */
export const applyCeiling = (failure: Failure, policy: Resolved): Failure => {
  if (!failure.retry || failure.delayMs === undefined || failure.delayMs <= policy.maxRetryAfterMs) return failure
  const e = failure.error
  const error = new AiuError.RateLimited({
    message: `${e.message} (the server asked to wait ${Duration.format(Duration.millis(failure.delayMs))}, above the ${Duration.format(Duration.millis(policy.maxRetryAfterMs))} ceiling)`,
    ...(e.provider !== undefined ? { provider: e.provider } : {}),
    ...("status" in e && e.status !== undefined ? { status: e.status } : {}),
    ...("requestId" in e && e.requestId !== undefined ? { requestId: e.requestId } : {}),
    retryAfter: Duration.millis(failure.delayMs),
    scope: "provider"
  })
  return { error, retry: false, delayMs: failure.delayMs }
}

/**
 * The backoff before retry number `n` (0-based): `base × 2^n`, capped, minus up to 25 % jitter.
 * @since 0.1.0
 * @category combinators
 */
export const backoff = (policy: Resolved, n: number): Effect.Effect<Duration.Duration> =>
  Effect.map(Random.next, (r) =>
    Duration.millis(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) * (1 - 0.25 * r))
  )

/**
 * The retry `Schedule` over attempt failures: at most `maxRetries` recurrences, only while the
 * verdict says retry and `allow` (the retry budget, the overall deadline) agrees, waiting what the
 * server asked or the jittered backoff. `onRetry` is told of each retry before its wait.
 * @since 0.1.0
 * @category constructors
 */
export const schedule = (
  policy: Resolved,
  allow: (failure: Failure, delay: Duration.Duration) => boolean = () => true,
  onRetry?: (failure: Failure, delay: Duration.Duration) => Effect.Effect<void>
): Schedule.Schedule<Duration.Duration, Failure> =>
  Schedule.identity<Failure>().pipe(
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.whileInput((f: Failure) => f.retry),
    Schedule.mapEffect(([f, n]) =>
      f.delayMs !== undefined ? Effect.succeed(Duration.millis(f.delayMs)) : backoff(policy, n)
    ),
    Schedule.addDelay((d) => d),
    // The hook runs only once every check has agreed, so it sees exactly the retries that happen.
    onRetry === undefined
      ? Schedule.check((f: Failure, d: Duration.Duration) => allow(f, d))
      : Schedule.checkEffect((f: Failure, d: Duration.Duration) =>
          allow(f, d) ? Effect.as(onRetry(f, d), true) : Effect.succeed(false)
        )
  )

/**
 * A copy of the error with the number of attempts made.
 * @since 0.1.0
 * @category combinators
 */
export const withAttempts = <E extends AiuError.ProviderFailure>(error: E, attempts: number): E => {
  // Rebuilt through the class: an error's `message` is not an enumerable own property, so a
  // spread or Object.assign copy would lose it.
  const Ctor = error.constructor as new (props: Record<string, unknown>) => E
  const { _tag, ...fields } = error as unknown as Record<string, unknown>
  return new Ctor({ ...fields, message: error.message, attempts })
}
