/**
 * The client's metrics (Effect `Metric`), exported through OpenTelemetry (and the optional
 * Prometheus endpoint of `Tracing.layer`). Labels: `provider`, `model`, `operation`, `outcome`
 * (`ok` | `error`), `error` (the error `_tag`), `reason`.
 *
 * Latency and time to first token are histograms (Prometheus computes p50/p95/p99 from their
 * buckets) and summaries with those quantiles precomputed, for in-process reads.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"

const latencyBoundaries = MetricBoundaries.fromIterable([
  5, 10, 25, 50, 100, 250, 500, 750, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000
])

/**
 * Requests by provider, model, operation and outcome.
 * @since 0.1.0
 * @category metrics
 */
export const requests = Metric.counter("aiu_requests_total", {
  description: "Requests by provider, model, operation and outcome",
  incremental: true
})

/**
 * Failed calls by error tag.
 * @since 0.1.0
 * @category metrics
 */
export const errors = Metric.counter("aiu_errors_total", { description: "Errors by tag", incremental: true })

/**
 * @since 0.1.0
 * @category metrics
 */
export const latency = Metric.histogram("aiu_request_duration_ms", latencyBoundaries, "Call latency in milliseconds")

/**
 * @since 0.1.0
 * @category metrics
 */
export const latencySummary = Metric.summary({
  name: "aiu_request_duration_ms_summary",
  maxAge: "5 minutes",
  maxSize: 1024,
  error: 0.01,
  quantiles: [0.5, 0.95, 0.99],
  description: "Call latency quantiles (p50, p95, p99) in milliseconds"
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const timeToFirstToken = Metric.histogram(
  "aiu_time_to_first_token_ms",
  latencyBoundaries,
  "Time to the first streamed chunk in milliseconds"
)

/**
 * @since 0.1.0
 * @category metrics
 */
export const timeToFirstTokenSummary = Metric.summary({
  name: "aiu_time_to_first_token_ms_summary",
  maxAge: "5 minutes",
  maxSize: 1024,
  error: 0.01,
  quantiles: [0.5, 0.95, 0.99],
  description: "Time to first token quantiles (p50, p95, p99) in milliseconds"
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const inputTokens = Metric.counter("aiu_input_tokens_total", { description: "Input tokens", incremental: true })

/**
 * @since 0.1.0
 * @category metrics
 */
export const outputTokens = Metric.counter("aiu_output_tokens_total", {
  description: "Output tokens",
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const costUsd = Metric.counter("aiu_cost_usd_total", { description: "Cost in USD", incremental: true })

/**
 * Attempts after the first (transport retries and client fallbacks, by `reason`).
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("aiu_retries_total", { description: "Retries and fallbacks", incremental: true })

/**
 * @since 0.1.0
 * @category metrics
 */
export const rateLimitWaits = Metric.counter("aiu_rate_limit_waits_total", {
  description: "Calls that waited for or were refused by a rate limit",
  incremental: true
})

/**
 * 0 closed, 1 half-open, 2 open; by provider.
 * @since 0.1.0
 * @category metrics
 */
export const circuitState = Metric.gauge("aiu_circuit_state", {
  description: "Circuit breaker state per provider (0 closed, 1 half-open, 2 open)"
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const budgetRejections = Metric.counter("aiu_budget_rejections_total", {
  description: "Calls refused by a budget or a policy",
  incremental: true
})

/**
 * Events a slow subscriber missed.
 * @since 0.1.0
 * @category metrics
 */
export const eventsDropped = Metric.counter("aiu_events_dropped_total", {
  description: "Events dropped because a subscriber was slow",
  incremental: true
})

/**
 * @since 0.1.0
 * @category models
 */
export interface CallFigures {
  readonly provider: string
  readonly model: string
  readonly operation: string
  readonly outcome: "ok" | "error"
  readonly errorTag?: string | undefined
  readonly latencyMs: number
  readonly ttftMs?: number | undefined
  readonly inputTokens: number
  readonly outputTokens: number
  readonly costUsd?: number | undefined
}

/**
 * Records one finished call in every metric it touches.
 * @since 0.1.0
 * @category combinators
 */
export const recordCall = (f: CallFigures): Effect.Effect<void> => {
  const tags = { provider: f.provider, model: f.model, operation: f.operation }
  const tagged = <Type, Out>(metric: Metric.Metric<Type, number, Out>, value: number) =>
    Metric.update(Metric.taggedWithLabels(metric, labels(tags)), value)
  const effects: Array<Effect.Effect<void>> = [
    Metric.update(Metric.taggedWithLabels(requests, labels({ ...tags, outcome: f.outcome })), 1),
    tagged(latency, f.latencyMs),
    tagged(latencySummary, f.latencyMs),
    tagged(inputTokens, f.inputTokens),
    tagged(outputTokens, f.outputTokens)
  ]
  if (f.outcome === "error") {
    effects.push(Metric.update(Metric.taggedWithLabels(errors, labels({ ...tags, error: f.errorTag ?? "unknown" })), 1))
  }
  if (f.ttftMs !== undefined) {
    effects.push(tagged(timeToFirstToken, f.ttftMs), tagged(timeToFirstTokenSummary, f.ttftMs))
  }
  if (f.costUsd !== undefined && f.costUsd > 0) effects.push(tagged(costUsd, f.costUsd))
  return Effect.all(effects, { discard: true })
}

const labels = (record: Record<string, string>) =>
  Object.entries(record).map(([key, value]) => MetricLabel.make(key, value))

/**
 * Increments a counter with labels.
 * @since 0.1.0
 * @category combinators
 */
export const increment = (
  counter: Metric.Metric.Counter<number>,
  tags: Record<string, string>,
  by = 1
): Effect.Effect<void> => Metric.update(Metric.taggedWithLabels(counter, labels(tags)), by)

/**
 * Sets the circuit-state gauge for a provider.
 * @since 0.1.0
 * @category combinators
 */
export const setCircuitState = (provider: string, state: "closed" | "half-open" | "open"): Effect.Effect<void> =>
  Metric.set(
    Metric.taggedWithLabels(circuitState, labels({ provider })),
    state === "closed" ? 0 : state === "half-open" ? 1 : 2
  )
