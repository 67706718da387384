import * as GenAi from "@aiu/observability/GenAi"
import * as Metrics from "@aiu/observability/Metrics"
import * as Tracing from "@aiu/observability/Tracing"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"

describe("Tracing", () => {
  it.effect("exports Effect spans with GenAI attributes and parent links", () => {
    const exporter = new InMemorySpanExporter()
    return Effect.gen(function* () {
      yield* Effect.annotateCurrentSpan(GenAi.Attr.usageInputTokens, 7).pipe(
        Effect.withSpan("Aiu.attempt", { attributes: { [GenAi.Attr.attempt]: 1 } }),
        Effect.withSpan("Aiu.chat", { attributes: { [GenAi.Attr.system]: "openai", [GenAi.Attr.requestModel]: "m" } })
      )
      const spans = exporter.getFinishedSpans()
      const outer = spans.find((s) => s.name === "Aiu.chat")
      const inner = spans.find((s) => s.name === "Aiu.attempt")
      assert.isDefined(outer)
      assert.isDefined(inner)
      assert.strictEqual(outer!.attributes[GenAi.Attr.system], "openai")
      assert.strictEqual(inner!.attributes[GenAi.Attr.usageInputTokens], 7)
      assert.strictEqual(inner!.parentSpanContext?.spanId, outer!.spanContext().spanId)
    }).pipe(Effect.provide(Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })))
  })

  it.effect("CaptureContent is off by default", () =>
    Effect.gen(function* () {
      assert.isFalse(yield* GenAi.CaptureContent)
    })
  )
})

describe("Metrics", () => {
  it.effect("recordCall updates counters and histograms by label", () =>
    Effect.gen(function* () {
      yield* Metrics.recordCall({
        provider: "p-metrics",
        model: "m",
        operation: "chat",
        outcome: "error",
        errorTag: "RateLimited",
        latencyMs: 12,
        inputTokens: 3,
        outputTokens: 4,
        costUsd: 0.5
      })
      const errors = yield* Metric.value(
        Metric.tagged(
          Metric.tagged(
            Metric.tagged(Metric.tagged(Metrics.errors, "provider", "p-metrics"), "model", "m"),
            "operation",
            "chat"
          ),
          "error",
          "RateLimited"
        )
      )
      assert.strictEqual(errors.count, 1)
      const latency = yield* Metric.value(
        Metric.tagged(
          Metric.tagged(Metric.tagged(Metrics.latency, "provider", "p-metrics"), "model", "m"),
          "operation",
          "chat"
        )
      )
      assert.isTrue(MetricState.isHistogramState(latency))
      assert.strictEqual(latency.count, 1)
    })
  )
})
