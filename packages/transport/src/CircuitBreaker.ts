/**
 * A circuit breaker per provider. After `failureThreshold` consecutive failures that say the
 * provider is unhealthy (connection failures, connect / first-byte timeouts, 5xx, 529) it opens:
 * calls fail at once, without a request, with `ProviderOverloaded` / `ProviderError` marked
 * `shortCircuited`. After `cooldown` one probe is let through (half-open); its success closes the
 * breaker, its failure opens it again. Rate limits (429) do not count: the provider is up and
 * `Retry-After` plus the limiter handle them. Every state change is logged and counted in the
 * `aiu_circuit_transitions_total` metric (tags `provider`, `state`).
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"

/**
 * @since 0.1.0
 * @category models
 */
export type State = "closed" | "open" | "half-open"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Consecutive failures that open the breaker (default 5). */
  readonly failureThreshold?: number
  /** How long it stays open before a probe (default 30 s). */
  readonly cooldown?: Duration.DurationInput
}

/**
 * How an attempt ended, for the breaker: `failure` (provider unhealthy), `success` (it answered,
 * even with a 4xx), `neutral` (no verdict: interrupted, or refused by our own limiter).
 * @since 0.1.0
 * @category models
 */
export type Outcome = "success" | "failure" | "neutral"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Lets a call through, or fails fast while the breaker is open. */
  readonly admit: (provider: string) => Effect.Effect<void, AiuError.ProviderOverloaded | AiuError.ProviderError>
  /** Records the outcome of an admitted attempt. */
  readonly record: (provider: string, outcome: Outcome, error?: AiuError.ProviderFailure) => Effect.Effect<void>
  readonly state: (provider: string) => Effect.Effect<State>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class CircuitBreaker extends Context.Tag("@aiu/transport/CircuitBreaker")<CircuitBreaker, Service>() {}

/**
 * Whether a failure says the provider itself is unhealthy.
 * @since 0.1.0
 * @category guards
 */
export const isUnhealthy = (error: AiuError.ProviderFailure): boolean => {
  switch (error._tag) {
    case "NetworkError":
      return true
    case "ProviderOverloaded":
    case "ProviderError":
      return error.shortCircuited !== true && error.retryable
    case "Timeout":
      return error.phase === "connect" || error.phase === "first-byte"
    default:
      return false
  }
}

/**
 * @since 0.1.0
 * @category metrics
 */
export const transitions = Metric.counter("aiu_circuit_transitions_total", {
  description: "Circuit breaker state changes, by provider and new state",
  incremental: true
})

interface Entry {
  state: State
  failures: number
  openedAt: number
  probing: boolean
  /** When the probe in flight was let through. */
  probeAt: number
  lastOverloaded: boolean
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service> =>
  Effect.sync(() => {
    const threshold = Math.max(1, options?.failureThreshold ?? 5)
    const cooldownMs = Duration.toMillis(Duration.decode(options?.cooldown ?? "30 seconds"))
    const entries = new Map<string, Entry>()
    const entry = (p: string) => {
      let e = entries.get(p)
      if (e === undefined) {
        e = { state: "closed", failures: 0, openedAt: 0, probing: false, probeAt: 0, lastOverloaded: false }
        entries.set(p, e)
      }
      return e
    }

    const transition = (provider: string, e: Entry, to: State) => {
      e.state = to
      const log =
        to === "open"
          ? Effect.logWarning(`circuit breaker for ${provider} opened after ${e.failures} consecutive failures`)
          : Effect.logInfo(`circuit breaker for ${provider} is ${to}`)
      return log.pipe(
        Effect.annotateLogs({ provider, circuit: to }),
        Effect.zipRight(
          Metric.increment(
            Metric.taggedWithLabels(transitions, [
              MetricLabel.make("provider", provider),
              MetricLabel.make("state", to)
            ])
          )
        )
      )
    }

    const refuse = (provider: string, e: Entry, now: number) => {
      const waitMs = Math.max(0, e.openedAt + cooldownMs - now)
      const message = `${provider}: circuit breaker open after ${threshold} consecutive failures; not sent (next probe in ${Duration.format(Duration.millis(waitMs))})`
      return e.lastOverloaded
        ? new AiuError.ProviderOverloaded({
            message,
            provider,
            shortCircuited: true,
            retryAfter: Duration.millis(waitMs)
          })
        : new AiuError.ProviderError({ message, provider, shortCircuited: true })
    }

    const admit = (provider: string): Effect.Effect<void, AiuError.ProviderOverloaded | AiuError.ProviderError> => {
      const e = entries.get(provider)
      if (e === undefined || e.state === "closed") return Effect.void
      return Effect.clockWith((clock) => {
        const now = clock.unsafeCurrentTimeMillis()
        if (e.state === "open" && now - e.openedAt >= cooldownMs && !e.probing) {
          e.probing = true
          e.probeAt = now
          return transition(provider, e, "half-open")
        }
        // A probe that has not reported for a whole cool-down is taken as lost (its outcome can
        // go unrecorded when its fiber is interrupted just as the answer arrives): another one
        // goes, rather than the breaker refusing for good.
        if (e.state === "half-open" && (!e.probing || now - e.probeAt >= cooldownMs)) {
          e.probing = true
          e.probeAt = now
          return Effect.void
        }
        return Effect.fail(refuse(provider, e, now))
      })
    }

    const record = (provider: string, outcome: Outcome, error?: AiuError.ProviderFailure): Effect.Effect<void> => {
      const e = entries.get(provider)
      if (outcome === "success") {
        if (e === undefined || (e.state === "closed" && e.failures === 0)) return Effect.void
        e.failures = 0
        e.probing = false
        return e.state === "closed" ? Effect.void : transition(provider, e, "closed")
      }
      if (outcome === "neutral") {
        if (e?.probing) e.probing = false
        return Effect.void
      }
      const en = e ?? entry(provider)
      en.failures++
      en.lastOverloaded = error?._tag === "ProviderOverloaded"
      en.probing = false
      if (en.state === "half-open" || (en.state === "closed" && en.failures >= threshold)) {
        return Effect.clockWith((clock) => {
          en.openedAt = clock.unsafeCurrentTimeMillis()
          return transition(provider, en, "open")
        })
      }
      return Effect.void
    }

    const state = (provider: string) => Effect.sync(() => entries.get(provider)?.state ?? "closed")

    return { admit, record, state }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<CircuitBreaker> => Layer.effect(CircuitBreaker, make(options))

/**
 * A breaker that never opens (for tests of retries, or when an outer system breaks circuits).
 * @since 0.1.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<CircuitBreaker> = Layer.succeed(CircuitBreaker, {
  admit: () => Effect.void,
  record: () => Effect.void,
  state: () => Effect.succeed("closed")
})
