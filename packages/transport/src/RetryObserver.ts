/**
 * A hook for every retry the transport schedules. The transport picks a `RetryObserver` up from
 * context (like the `CircuitBreaker` and `RateLimit` services) and calls it after the retry
 * schedule has decided to try again (the budget and the deadline agreed) and before it sleeps, so
 * subscribers see each retry as it is scheduled, with the wait and the failure that caused it.
 * `@aiu/client`'s `TransportEvents.layerRetryObserver` turns these into `RetryScheduled` events and
 * the `aiu_retries_total` metric.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryInfo {
  readonly provider: string
  readonly operation: string
  /** The attempt that failed (1 for the first); the next one is `attempt + 1`. */
  readonly attempt: number
  /** How long the transport waits before the next attempt. */
  readonly delayMs: number
  /** The failure's tag, with the HTTP status when there was one (`ProviderOverloaded 529`). */
  readonly reason: string
  /** Whether the wait was the server's (`retry-after`, Google `RetryInfo`) or the backoff. */
  readonly serverRequested: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Must not fail and should be quick: it runs on the caller's fiber, before the wait. */
  readonly retryScheduled: (info: RetryInfo) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RetryObserver extends Context.Tag("@aiu/transport/RetryObserver")<RetryObserver, Service>() {}
