/**
 * Bridges the transport's resilience services to `AiuEvents` and the client's metrics: wrap the
 * `CircuitBreaker` and `RateLimit` services the transport picks up from context, and every
 * circuit transition (`CircuitOpened`, `CircuitHalfOpen`, `CircuitClosed`) and every rate-limit
 * wait or refusal (`RateLimitWait`) is published, and counted in `aiu_circuit_state` /
 * `aiu_rate_limit_waits_total`.
 *
 * ```ts
 * const Transport = NodeHttpTransport.layer().pipe(
 *   Layer.provide(TransportEvents.layerCircuitBreaker()),
 *   Layer.provide(TransportEvents.layerRateLimit(RateLimit.layerMemory({ limits }))),
 *   Layer.provide(TransportEvents.layerRetryObserver),
 *   Layer.provide(AiuEvents.layerDefault)   // the same AiuEvents instance the client uses
 * )
 * ```
 *
 * And every retry the transport schedules is published as `RetryScheduled` (with the wait and the
 * failure's tag and status) and counted in `aiu_retries_total` with `reason="retry"`, through the
 * transport's `RetryObserver` hook: provide `TransportEvents.layerRetryObserver` to the transport
 * too (or `TransportEvents.layer`, all three at once).
 *
 * @since 0.1.0
 */
import * as Metrics from "@aiu/observability/Metrics"
import * as CircuitBreaker from "@aiu/transport/CircuitBreaker"
import * as RateLimit from "@aiu/transport/RateLimit"
import * as RetryObserver from "@aiu/transport/RetryObserver"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AiuEvent, AiuEvents, type Service as EventsService } from "./AiuEvents.js"

const publishTransition = (events: EventsService, provider: string, to: CircuitBreaker.State) =>
  Effect.zipRight(
    events.publish(
      to === "open"
        ? AiuEvent.CircuitOpened({ provider })
        : to === "half-open"
          ? AiuEvent.CircuitHalfOpen({ provider })
          : AiuEvent.CircuitClosed({ provider })
    ),
    Metrics.setCircuitState(provider, to)
  )

/**
 * Wraps a breaker so its transitions are published.
 * @since 0.1.0
 * @category constructors
 */
export const observeCircuitBreaker = (inner: CircuitBreaker.Service, events: EventsService): CircuitBreaker.Service => {
  // The breaker may change state while building its effect, so build it after reading the state.
  const around = <A, E>(provider: string, effect: () => Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.flatMap(inner.state(provider), (before) =>
      Effect.suspend(effect).pipe(
        Effect.ensuring(
          Effect.flatMap(inner.state(provider), (after) =>
            after === before ? Effect.void : publishTransition(events, provider, after)
          )
        )
      )
    )
  return {
    admit: (provider) => around(provider, () => inner.admit(provider)),
    record: (provider, outcome, error) => around(provider, () => inner.record(provider, outcome, error)),
    state: inner.state
  }
}

/**
 * Wraps a limiter so waits (over 1 ms) and refusals are published.
 * @since 0.1.0
 * @category constructors
 */
export const observeRateLimit = (inner: RateLimit.Service, events: EventsService): RateLimit.Service => ({
  ...inner,
  acquire: (key, estimatedTokens) =>
    Effect.flatMap(Clock.currentTimeMillis, (start) =>
      inner.acquire(key, estimatedTokens).pipe(
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.flatMap(Clock.currentTimeMillis, (end) => {
            const waitMs = end - start
            const refused = exit._tag === "Failure"
            const report =
              waitMs > 1 || refused
                ? Effect.zipRight(
                    events.publish(AiuEvent.RateLimitWait({ provider: key.provider, key: key.keyAlias, waitMs })),
                    Metrics.increment(Metrics.rateLimitWaits, {
                      provider: key.provider,
                      outcome: refused ? "refused" : "waited"
                    })
                  )
                : Effect.void
            return Effect.zipRight(report, exit)
          })
        )
      )
    )
})

/**
 * A `CircuitBreaker` (the transport's own implementation) whose transitions are published.
 * @since 0.1.0
 * @category layers
 */
export const layerCircuitBreaker = (
  options?: CircuitBreaker.Options
): Layer.Layer<CircuitBreaker.CircuitBreaker, never, AiuEvents> =>
  Layer.effect(
    CircuitBreaker.CircuitBreaker,
    Effect.zipWith(CircuitBreaker.make(options), AiuEvents, observeCircuitBreaker)
  )

/**
 * Wraps the `RateLimit` built by `inner` so its waits are published.
 * @since 0.1.0
 * @category layers
 */
export const layerRateLimit = <E, R>(
  inner: Layer.Layer<RateLimit.RateLimit, E, R>
): Layer.Layer<RateLimit.RateLimit, E, R | AiuEvents> =>
  Layer.effect(RateLimit.RateLimit, Effect.zipWith(RateLimit.RateLimit, AiuEvents, observeRateLimit)).pipe(
    Layer.provide(inner)
  )

/**
 * A `RetryObserver` that publishes each scheduled retry.
 * @since 0.1.0
 * @category constructors
 */
export const observeRetries = (events: EventsService): RetryObserver.Service => ({
  retryScheduled: (info) =>
    Effect.zipRight(
      events.publish(
        AiuEvent.RetryScheduled({
          provider: info.provider,
          operation: info.operation,
          attempt: info.attempt,
          delayMs: info.delayMs,
          reason: info.reason
        })
      ),
      Metrics.increment(Metrics.retries, { provider: info.provider, reason: "retry" })
    )
})

/**
 * The transport's `RetryObserver`, publishing to `AiuEvents`.
 * @since 0.1.0
 * @category layers
 */
export const layerRetryObserver: Layer.Layer<RetryObserver.RetryObserver, never, AiuEvents> = Layer.effect(
  RetryObserver.RetryObserver,
  Effect.map(AiuEvents, observeRetries)
)

/**
 * Everything the transport can report, in one layer: circuit transitions, rate-limit waits (over
 * the limiter `rateLimit` builds; by default one with no client limits, which still honours the
 * providers' rate-limit headers) and retries.
 * @since 0.1.0
 * @category layers
 */
export const layer = <E = never, R = never>(options?: {
  readonly circuitBreaker?: CircuitBreaker.Options
  readonly rateLimit?: Layer.Layer<RateLimit.RateLimit, E, R>
}): Layer.Layer<CircuitBreaker.CircuitBreaker | RetryObserver.RetryObserver | RateLimit.RateLimit, E, R | AiuEvents> =>
  Layer.mergeAll(
    layerCircuitBreaker(options?.circuitBreaker),
    layerRetryObserver,
    // Without client limits a limiter is still worth having: it honours what the providers'
    // rate-limit headers say.
    layerRateLimit(options?.rateLimit ?? RateLimit.layerMemory({ limits: {} }))
  )
