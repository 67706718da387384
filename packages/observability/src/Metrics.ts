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
export const recordCall = (f: CallFigures): Effect.Effect<void> =>
  Effect.sync(() => {
    const base = `${f.provider}\u0000${f.model}\u0000${f.operation}`
    const set = callMetrics(base, f)
    set.requests[f.outcome === "ok" ? 0 : 1].unsafeUpdate(1, [])
    set.latency.unsafeUpdate(f.latencyMs, [])
    set.latencySummary.unsafeUpdate(f.latencyMs, [])
    set.inputTokens.unsafeUpdate(f.inputTokens, [])
    set.outputTokens.unsafeUpdate(f.outputTokens, [])
    if (f.outcome === "error") {
      labelled(errors, `${base}\u0000${f.errorTag ?? "unknown"}`, () => ({
        provider: f.provider,
        model: f.model,
        operation: f.operation,
        error: f.errorTag ?? "unknown"
      })).unsafeUpdate(1, [])
    }
    if (f.ttftMs !== undefined) {
      set.timeToFirstToken.unsafeUpdate(f.ttftMs, [])
      set.timeToFirstTokenSummary.unsafeUpdate(f.ttftMs, [])
    }
    if (f.costUsd !== undefined && f.costUsd > 0) set.costUsd.unsafeUpdate(f.costUsd, [])
  })

/** Labelled metric instances, built once per label set (tagging a metric allocates a new key). */
const cache = new Map<string, unknown>()
const MAX_CACHED = 10_000

const labelled = <T, In, Out>(
  metric: Metric.Metric<T, In, Out>,
  key: string,
  tags: () => Record<string, string>
): Metric.Metric<T, In, Out> => {
  const id = `${metricName(metric)}\u0001${key}`
  const hit = cache.get(id) as Metric.Metric<T, In, Out> | undefined
  if (hit !== undefined) return hit
  const made = Metric.taggedWithLabels(metric, labels(tags()))
  if (cache.size < MAX_CACHED) cache.set(id, made)
  return made
}

const names = new WeakMap<object, string>()
let counter = 0
const metricName = (metric: object): string => {
  let n = names.get(metric)
  if (n === undefined) {
    n = String(counter++)
    names.set(metric, n)
  }
  return n
}

const callMetrics = (base: string, f: CallFigures) => {
  const tags = () => ({ provider: f.provider, model: f.model, operation: f.operation })
  return {
    requests: [
      labelled(requests, `${base}\u0000ok`, () => ({ ...tags(), outcome: "ok" })),
      labelled(requests, `${base}\u0000error`, () => ({ ...tags(), outcome: "error" }))
    ] as const,
    latency: labelled(latency, base, tags),
    latencySummary: labelled(latencySummary, base, tags),
    timeToFirstToken: labelled(timeToFirstToken, base, tags),
    timeToFirstTokenSummary: labelled(timeToFirstTokenSummary, base, tags),
    inputTokens: labelled(inputTokens, base, tags),
    outputTokens: labelled(outputTokens, base, tags),
    costUsd: labelled(costUsd, base, tags)
  }
}

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

function labels(record: Record<string, string>) {
  return Object.entries(record).map(([key, value]) => MetricLabel.make(key, value))
}
