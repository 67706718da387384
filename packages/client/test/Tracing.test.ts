import * as Aiu from "@aiu/client/Aiu"
import * as Middleware from "@aiu/client/Middleware"
import * as Message from "@aiu/core/Message"
import * as Provider from "@aiu/core/Provider"
import { RateLimited } from "@aiu/core/AiuError"
import * as GenAi from "@aiu/observability/GenAi"
import * as Tracing from "@aiu/observability/Tracing"
import * as TestLayers from "@aiu/testing/TestLayers"
import * as TestProvider from "@aiu/testing/TestProvider"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"

const request = { model: "a:test-model", messages: [Message.user("secret plans")], temperature: 0.2 }

describe("spans", () => {
  it.effect("one span per call, one child per attempt, GenAI attributes, no content by default", () => {
    const exporter = new InMemorySpanExporter()
    const a = TestProvider.make({
      id: "a",
      replies: [TestProvider.fail(new RateLimited({ message: "slow", provider: "a" }))]
    })
    const b = TestProvider.make({ id: "b" })
    return Effect.gen(function* () {
      yield* Aiu.chat(request, { fallbacks: ["b:test-model"] })
      const spans = exporter.getFinishedSpans()
      const call = spans.find((s) => s.name === "Aiu.chat")!
      const attempts = spans.filter((s) => s.name === "Aiu.chat.attempt")
      assert.strictEqual(attempts.length, 2)
      for (const attempt of attempts) assert.strictEqual(attempt.parentSpanContext?.spanId, call.spanContext().spanId)
      const [first, second] = attempts.sort(
        (x, y) => Number(x.attributes[GenAi.Attr.attempt]) - Number(y.attributes[GenAi.Attr.attempt])
      )
      assert.strictEqual(first!.attributes[GenAi.Attr.providerName], "a")
      assert.strictEqual(first!.attributes[GenAi.Attr.errorType], "RateLimited")
      assert.strictEqual(first!.status.code, 2)
      assert.strictEqual(second!.attributes[GenAi.Attr.system], "test")
      assert.strictEqual(second!.attributes[GenAi.Attr.requestModel], "test-model")
      assert.strictEqual(second!.attributes[GenAi.Attr.operationName], "chat")
      assert.strictEqual(second!.attributes[GenAi.Attr.requestTemperature], 0.2)
      assert.isAbove(Number(second!.attributes[GenAi.Attr.usageInputTokens]), 0)
      assert.isAbove(Number(second!.attributes[GenAi.Attr.usageOutputTokens]), 0)
      // Effect hands non-primitive attribute values to OpenTelemetry as JSON text.
      assert.deepStrictEqual(JSON.parse(String(second!.attributes[GenAi.Attr.responseFinishReasons])), ["stop"])
      for (const s of spans) assert.notInclude(JSON.stringify(s.attributes), "secret plans")
    }).pipe(
      Effect.provide(
        Layer.merge(
          TestLayers.layer({ providers: [a, b] }),
          Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })
        )
      )
    )
  })

  it.effect("records prompt and completion when CaptureContent is on; streams get the same spans", () => {
    const exporter = new InMemorySpanExporter()
    const a = TestProvider.make({ id: "a" })
    return Effect.gen(function* () {
      yield* Aiu.chatStream(request).pipe(Stream.runDrain)
      const spans = exporter.getFinishedSpans()
      const call = spans.find((s) => s.name === "Aiu.chatStream")!
      const attempt = spans.find((s) => s.name === "Aiu.stream.attempt")!
      assert.strictEqual(attempt.parentSpanContext?.spanId, call.spanContext().spanId)
      assert.include(String(attempt.attributes[GenAi.Attr.prompt]), "secret plans")
      assert.include(String(attempt.attributes[GenAi.Attr.completion]), "You said: secret plans")
      assert.isDefined(attempt.attributes[GenAi.Attr.ttftMs])
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          TestLayers.layer({ providers: [a] }),
          Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) }),
          Layer.succeed(GenAi.CaptureContent, true)
        )
      )
    )
  })

  it.effect("a chat middleware's span nests under the call's span, and the attempt under it", () => {
    const exporter = new InMemorySpanExporter()
    const a = TestProvider.make({ id: "a" })
    const traced = Middleware.make({
      name: "traced",
      chat: (request, next) => Effect.withSpan(next(request), "cache.lookup")
    })
    return Effect.gen(function* () {
      yield* Aiu.chat(request)
      const spans = exporter.getFinishedSpans()
      const call = spans.find((s) => s.name === "Aiu.chat")!
      const lookup = spans.find((s) => s.name === "cache.lookup")!
      const attempt = spans.find((s) => s.name === "Aiu.chat.attempt")!
      assert.strictEqual(lookup.parentSpanContext?.spanId, call.spanContext().spanId)
      assert.strictEqual(attempt.parentSpanContext?.spanId, lookup.spanContext().spanId)
    }).pipe(
      Effect.provide(
        Layer.merge(
          TestLayers.layer({ providers: [a], aiu: { middleware: [traced] } }),
          Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })
        )
      )
    )
  })

  it.effect("a call refused before the provider is asked does not fall back; its attempt span says why", () => {
    const exporter = new InMemorySpanExporter()
    const a = TestProvider.make({ id: "a" })
    const b = TestProvider.make({ id: "b" })
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Aiu.chat(request, { fallbacks: ["b:test-model"] }))
      assert.strictEqual(error._tag, "PolicyDenied")
      const streamError = yield* Effect.flip(Stream.runDrain(Aiu.chatStream(request, { fallbacks: ["b:test-model"] })))
      assert.strictEqual(streamError._tag, "PolicyDenied")
      assert.strictEqual(a.calls.length + b.calls.length, 0)
      const spans = exporter.getFinishedSpans()
      for (const [call, name] of [
        ["Aiu.chat", "Aiu.chat.attempt"],
        ["Aiu.chatStream", "Aiu.stream.attempt"]
      ] as const) {
        const attempts = spans.filter((s) => s.name === name)
        assert.strictEqual(attempts.length, 1, name)
        assert.strictEqual(attempts[0]!.status.code, 2, name)
        assert.strictEqual(attempts[0]!.attributes[GenAi.Attr.providerName], "a")
        assert.strictEqual(attempts[0]!.attributes[GenAi.Attr.requestModel], "test-model")
        assert.strictEqual(
          attempts[0]!.parentSpanContext?.spanId,
          spans.find((s) => s.name === call)!.spanContext().spanId
        )
      }
    }).pipe(
      Effect.provide(
        Layer.merge(
          TestLayers.layer({ providers: [a, b], aiu: { policy: { deny: ["a:*"] } } }),
          Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })
        )
      )
    )
  })
  it.effect("the preparation and the provider's opening nest under the attempt span, for chat and stream", () => {
    const exporter = new InMemorySpanExporter()
    const a = TestProvider.make({ id: "a" })
    // An adapter with spans of its own while it opens a request.
    const spanned: Provider.Service = {
      ...a.provider,
      chat: (request, options) => Effect.withSpan(a.provider.chat(request, options), "adapter.chat"),
      openChatStream: (request, options, onChunk) =>
        Effect.withSpan(Provider.openChatStream(a.provider, request, options, onChunk), "adapter.open")
    }
    // Not in the registry: the preparation logs that no price is known, an event on the span in
    // the fiber's context when it runs.
    const unknown = { ...request, model: "a:unlisted-model" }
    return Effect.gen(function* () {
      yield* Aiu.chat(unknown)
      yield* Aiu.chatStream(unknown).pipe(Stream.runDrain)
      const spans = exporter.getFinishedSpans()
      for (const [name, adapter] of [
        ["Aiu.chat.attempt", "adapter.chat"],
        ["Aiu.stream.attempt", "adapter.open"]
      ] as const) {
        const attempt = spans.find((s) => s.name === name)!
        const inner = spans.find((s) => s.name === adapter)!
        assert.strictEqual(inner.parentSpanContext?.spanId, attempt.spanContext().spanId, adapter)
        assert.isTrue(
          attempt.events.some((e) => e.name.includes("aiu model not in registry; no price known")),
          `${name} events: ${attempt.events.map((e) => e.name).join(", ")}`
        )
      }
    }).pipe(
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.provide(
        Layer.merge(
          TestLayers.layer({ providers: [{ provider: spanned }] }),
          Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })
        )
      )
    )
  })
})
