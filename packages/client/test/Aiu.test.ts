import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as Middleware from "@aiu/client/Middleware"
import { InvalidRequest, ProviderOverloaded, RateLimited, StreamInterrupted } from "@aiu/core/AiuError"
import * as Message from "@aiu/core/Message"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as TestLayers from "@aiu/testing/TestLayers"
import * as TestProvider from "@aiu/testing/TestProvider"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const hello = (model: string) => ({ model, messages: [Message.user("hello there")] })

const recent = (n: number) => Effect.flatMap(UsageStore.UsageStore, (s) => s.recent(n))

/** Records of one call, in attempt order (they share a timestamp under TestClock). */
const byAttempt = (n: number) =>
  Effect.map(recent(n), (records) =>
    [...records].sort((x, y) => Number(x.metadata["aiu.attempt"] ?? 1) - Number(y.metadata["aiu.attempt"] ?? 1))
  )

describe("Aiu.chat", () => {
  it.effect("calls the adapter with the provider-local model and records usage with cost", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      const response = yield* Aiu.chat(hello("openai:test-model"), { metadata: { team: "search" } })
      assert.strictEqual(response.text, "You said: hello there")
      assert.strictEqual(fake.calls.length, 1)
      assert.strictEqual(fake.calls[0]!.operation, "chat")
      assert.strictEqual((fake.calls[0]!.request as { model: string }).model, "test-model")
      const [record] = yield* recent(5)
      assert.isDefined(record)
      assert.strictEqual(record!.operation, "chat")
      assert.strictEqual(record!.provider, "openai")
      assert.strictEqual(record!.model, "test-model")
      assert.strictEqual(record!.status, "ok")
      assert.strictEqual(record!.keyAlias, "default")
      assert.strictEqual(record!.inputTokens, response.usage.inputTokens)
      assert.strictEqual(record!.outputTokens, response.usage.outputTokens)
      assert.deepStrictEqual(record!.metadata, { team: "search" })
      // $1 / $2 per million tokens
      const expected = (response.usage.inputTokens * 1 + response.usage.outputTokens * 2) / 1e6
      assert.closeTo(record!.costUsd!, expected, 1e-12)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })

  it.effect("resolves aliases, and names them when an id is bad", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      const response = yield* Aiu.chat(hello("fast"))
      assert.strictEqual(response.text, "You said: hello there")
      const error = yield* Effect.flip(Aiu.chat(hello("nope")))
      assert.strictEqual(error._tag, "InvalidModelId")
      assert.include(error.message, "aliases: fast")
      const unknown = yield* Effect.flip(Aiu.chat(hello("other:x")))
      assert.strictEqual(unknown._tag, "ModelNotFound")
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake], aiu: { aliases: { fast: "openai:test-model" } } })))
  })

  it.effect("reads the key for the alias from the keyring and passes it as Redacted", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      yield* Aiu.chat(hello("openai:test-model"))
      yield* Aiu.chat(hello("openai:test-model"), { keyAlias: "team" })
      const [first, second] = fake.calls
      assert.isTrue(Redacted.isRedacted(first!.options!.apiKey))
      assert.strictEqual(Redacted.value(first!.options!.apiKey!), "key-default-0001")
      assert.strictEqual(Redacted.value(second!.options!.apiKey!), "key-team-0002")
      assert.strictEqual(second!.options!.keyAlias, "team")
      const missing = yield* Effect.flip(Aiu.chat(hello("openai:test-model"), { keyAlias: "nobody" }))
      assert.strictEqual(missing._tag, "KeyNotFound")
      assert.strictEqual(fake.calls.length, 2)
    }).pipe(
      Effect.provide(
        TestLayers.layer({
          providers: [fake],
          requireKeys: true,
          keys: { openai: { default: "key-default-0001", team: "key-team-0002" } }
        })
      )
    )
  })

  it.effect("passes timeout, retries and headers to the adapter", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      yield* Aiu.chat(hello("openai:test-model"), { timeout: "30 seconds", retries: 5, headers: { "x-a": "1" } })
      const options = fake.calls[0]!.options!
      assert.strictEqual(options.retry?.maxRetries, 5)
      assert.strictEqual(options.timeouts?.total, "30 seconds")
      assert.deepStrictEqual(options.headers, { "x-a": "1" })
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })

  it.effect("enforces the per-call timeout on the client side too", () => {
    const fake = TestProvider.make({ id: "openai", replies: [{ ...TestProvider.text("late"), delay: "10 seconds" }] })
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.flip(Aiu.chat(hello("openai:test-model"), { timeout: "1 second" })))
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "Timeout")
      const [record] = yield* recent(1)
      assert.strictEqual(record!.errorTag, "Timeout")
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })
})

describe("fallbacks", () => {
  it.effect("tries the next model on a rate limit or overload and records every attempt", () => {
    const a = TestProvider.make({
      id: "a",
      replies: [TestProvider.fail(new RateLimited({ message: "slow down", provider: "a", attempts: 3 }))]
    })
    const b = TestProvider.make({
      id: "b",
      replies: [TestProvider.fail(new ProviderOverloaded({ message: "busy", provider: "b", shortCircuited: true }))]
    })
    const c = TestProvider.make({ id: "c" })
    return Effect.gen(function* () {
      const events = yield* AiuEvents.AiuEvents
      const subscription = yield* events.subscribe
      const response = yield* Aiu.chat(hello("a:test-model"), { fallbacks: ["b:test-model", "c:test-model"] })
      assert.strictEqual(response.text, "You said: hello there")
      const records = yield* byAttempt(10)
      assert.deepStrictEqual(
        records.map((r) => [r.provider, r.status, r.errorTag ?? "", r.metadata["aiu.attempt"] ?? "1"]),
        [
          ["a", "error", "RateLimited", "1"],
          ["b", "error", "ProviderOverloaded", "2"],
          ["c", "ok", "", "3"]
        ]
      )
      assert.strictEqual(records.find((r) => r.provider === "a")!.attempts, 3)
      const seen = Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(subscription, 6)))
      assert.deepStrictEqual(
        seen.map((e) => e._tag),
        ["RequestStarted", "RequestFailed", "RequestStarted", "RequestFailed", "RequestStarted", "RequestFinished"]
      )
      const failed = seen.filter(AiuEvents.AiuEvent.$is("RequestFailed"))
      assert.deepStrictEqual(
        failed.map((e) => [e.request.provider, e.willFallback]),
        [
          ["a", true],
          ["b", true]
        ]
      )
      assert.strictEqual(seen.filter(AiuEvents.AiuEvent.$is("RequestFinished")).length, 1)
    }).pipe(Effect.scoped, Effect.provide(TestLayers.layer({ providers: [a, b, c] })))
  })

  it.effect("does not fall back on a non-retryable error", () => {
    const a = TestProvider.make({
      id: "a",
      replies: [TestProvider.fail(new InvalidRequest({ message: "bad", provider: "a" }))]
    })
    const b = TestProvider.make({ id: "b" })
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Aiu.chat(hello("a:test-model"), { fallbacks: ["b:test-model"] }))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(b.calls.length, 0)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [a, b] })))
  })
})

describe("Aiu.chatStream", () => {
  it.effect("streams chunks and records usage and time to first token when the stream ends", () => {
    const fake = TestProvider.make({
      id: "openai",
      replies: [{ ...TestProvider.text("one two three"), chunkDelay: "100 millis" }]
    })
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(Stream.runCollect(Aiu.chatStream(hello("openai:test-model"))))
      yield* TestClock.adjust("1 second")
      const chunks = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      const text = chunks.flatMap((c) => (c.type === "text-delta" ? [c.text] : [])).join("")
      assert.strictEqual(text, "one two three")
      const [record] = yield* recent(1)
      assert.strictEqual(record!.operation, "stream")
      assert.strictEqual(record!.status, "ok")
      assert.strictEqual(record!.ttftMs, 200)
      assert.isAbove(record!.outputTokens, 0)
      assert.isDefined(record!.costUsd)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })

  it.effect("records a failure mid-stream with what was delivered, and does not fall back", () => {
    const fake = TestProvider.make({
      id: "a",
      replies: [
        TestProvider.fail(new StreamInterrupted({ message: "reset", provider: "a" }), {
          partial: "partial answer",
          afterChunks: 2
        })
      ]
    })
    const b = TestProvider.make({ id: "b" })
    return Effect.gen(function* () {
      const got: Array<StreamChunk> = []
      const result = yield* Aiu.chatStream(hello("a:test-model"), { fallbacks: ["b:test-model"] }).pipe(
        Stream.runForEach((c) => Effect.sync(() => got.push(c))),
        Effect.either
      )
      assert.isTrue(Either.isLeft(result))
      assert.strictEqual(got.length, 2)
      assert.strictEqual(b.calls.length, 0)
      const [record] = yield* recent(1)
      assert.strictEqual(record!.status, "error")
      assert.strictEqual(record!.errorTag, "StreamInterrupted")
      assert.isDefined(record!.ttftMs)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake, b] })))
  })

  it.effect("falls back before the first chunk", () => {
    const a = TestProvider.make({
      id: "a",
      replies: [TestProvider.fail(new RateLimited({ message: "slow", provider: "a" }))]
    })
    const b = TestProvider.make({ id: "b" })
    return Effect.gen(function* () {
      const response = yield* Aiu.chatStream(hello("a:test-model"), { fallbacks: ["b:test-model"] }).pipe(
        Stream.runCollect
      )
      assert.isAbove(Chunk.size(response), 0)
      const records = yield* byAttempt(5)
      assert.deepStrictEqual(
        records.map((r) => `${r.provider}:${r.status}`),
        ["a:error", "b:ok"]
      )
    }).pipe(Effect.provide(TestLayers.layer({ providers: [a, b] })))
  })

  it.effect("records a stream the consumer stopped reading", () => {
    const fake = TestProvider.make({ id: "openai", replies: [TestProvider.text("a b c d e f g h")] })
    return Effect.gen(function* () {
      const taken = yield* Aiu.chatStream(hello("openai:test-model")).pipe(Stream.take(3), Stream.runCollect)
      assert.strictEqual(Chunk.size(taken), 3)
      const [record] = yield* recent(1)
      assert.strictEqual(record!.status, "ok")
      assert.strictEqual(record!.metadata["aiu.outcome"], "cancelled")
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })
})

describe("budgets and policies", () => {
  const spent = (cost: number, tokens: number, metadata: Record<string, string> = {}) =>
    Effect.flatMap(UsageStore.UsageStore, (store) =>
      Effect.flatMap(
        Effect.clockWith((c) => c.currentTimeMillis),
        (now) =>
          store.append({
            id: globalThis.crypto.randomUUID(),
            time: new Date(now),
            operation: "chat",
            provider: "openai",
            model: "test-model",
            keyAlias: "default",
            status: "ok",
            inputTokens: tokens,
            outputTokens: 0,
            cachedInputTokens: 0,
            reasoningTokens: 0,
            latencyMs: 1,
            costUsd: cost,
            attempts: 1,
            metadata
          })
      )
    )

  it.effect("refuses a call once a daily USD cap is reached", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 10, 26, 12))
      yield* Aiu.chat(hello("openai:test-model"))
      yield* spent(5, 10)
      const error = yield* Effect.flip(Aiu.chat(hello("openai:test-model")))
      assert.strictEqual(error._tag, "BudgetExceeded")
      if (error._tag === "BudgetExceeded") {
        assert.strictEqual(error.unit, "usd")
        assert.strictEqual(error.limit, 5)
      }
      assert.strictEqual(fake.calls.length, 1)
      // The next day the budget is fresh.
      yield* TestClock.adjust("1 day")
      yield* Aiu.chat(hello("openai:test-model"))
      assert.strictEqual(fake.calls.length, 2)
    }).pipe(
      Effect.provide(
        TestLayers.layer({ providers: [fake], aiu: { budgets: [{ name: "daily", period: "day", maxUsd: 5 }] } })
      )
    )
  })

  it.effect("scopes token budgets to a metadata tag", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      yield* spent(0, 1000, { team: "search" })
      const error = yield* Effect.flip(Aiu.chat(hello("openai:test-model"), { metadata: { team: "search" } }))
      assert.strictEqual(error._tag, "BudgetExceeded")
      yield* Aiu.chat(hello("openai:test-model"), { metadata: { team: "ads" } })
    }).pipe(
      Effect.provide(
        TestLayers.layer({
          providers: [fake],
          aiu: { budgets: [{ name: "search", period: "month", maxTokens: 1000, tag: ["team", "search"] }] }
        })
      )
    )
  })

  it.effect("denies models by policy, from code", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Aiu.chat(hello("openai:test-model")))
      assert.strictEqual(error._tag, "PolicyDenied")
      assert.strictEqual(fake.calls.length, 0)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake], aiu: { policy: { deny: ["openai:test-*"] } } })))
  })

  it.effect("reads aliases, budgets and policies from configuration", () => {
    const fake = TestProvider.make({ id: "openai" })
    const config = ConfigProvider.fromMap(
      new Map([
        ["AIU_ALIASES", "fast=openai:test-model,slow=openai:big-model"],
        ["AIU_ALLOW_MODELS", "openai:test-*"],
        ["AIU_BUDGETS", JSON.stringify([{ name: "m", period: "month", maxUsd: 100 }])]
      ])
    )
    const layer = Aiu.layerConfig().pipe(
      Layer.provideMerge(TestLayers.layerServices({ providers: [fake] })),
      Layer.provide(Layer.setConfigProvider(config))
    )
    return Effect.gen(function* () {
      yield* Aiu.chat(hello("fast"))
      const error = yield* Effect.flip(Aiu.chat(hello("slow")))
      assert.strictEqual(error._tag, "PolicyDenied")
    }).pipe(Effect.provide(layer))
  })
})

describe("middleware", () => {
  it.effect("composes in order, first outermost", () => {
    const fake = TestProvider.make({ id: "openai" })
    const order: Array<string> = []
    const tracer = (name: string): Middleware.Middleware => ({
      name,
      chat: (request, next) =>
        Effect.sync(() => order.push(`${name}>`)).pipe(
          Effect.zipRight(next(request)),
          Effect.tap(() => Effect.sync(() => order.push(`<${name}`)))
        )
    })
    const upper = Middleware.transformResponse("upper", (r) => ({ ...r, text: r.text.toUpperCase() }))
    return Effect.gen(function* () {
      const response = yield* Aiu.chat(hello("openai:test-model"))
      assert.deepStrictEqual(order, ["a>", "b>", "<b", "<a"])
      assert.strictEqual(response.text, "YOU SAID: HELLO THERE")
    }).pipe(
      Effect.provide(TestLayers.layer({ providers: [fake], aiu: { middleware: [tracer("a"), tracer("b"), upper] } }))
    )
  })

  it.effect("caches answers to identical requests, also for streams", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      const first = yield* Aiu.chat(hello("openai:test-model"))
      const second = yield* Aiu.chat(hello("openai:test-model"))
      assert.deepStrictEqual(second, first)
      assert.strictEqual(fake.calls.length, 1)
      yield* Aiu.chatStream(hello("openai:other")).pipe(Stream.runCollect)
      const replay = yield* Aiu.chatStream(hello("openai:other")).pipe(Stream.runCollect)
      assert.strictEqual(fake.calls.length, 2)
      assert.isTrue(Chunk.some(replay, (c) => c.type === "finish"))
      yield* TestClock.adjust("10 minutes")
      yield* Aiu.chat(hello("openai:test-model"))
      assert.strictEqual(fake.calls.length, 3)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake], aiu: { middleware: [Middleware.cache()] } })))
  })

  it.effect("a guardrail refuses before any provider call", () => {
    const fake = TestProvider.make({ id: "openai" })
    const noSecrets = Middleware.guardrail("no-passwords", (request) =>
      request.messages.some((m) => m.role === "user" && Message.textOf(m.content).includes("password"))
        ? "prompt mentions a password"
        : undefined
    )
    return Effect.gen(function* () {
      const error = yield* Effect.flip(
        Aiu.chat({ model: "openai:test-model", messages: [Message.user("my password is hunter2")] })
      )
      assert.strictEqual(error._tag, "PolicyDenied")
      const streamError = yield* Effect.flip(
        Stream.runDrain(Aiu.chatStream({ model: "openai:test-model", messages: [Message.user("password")] }))
      )
      assert.strictEqual(streamError._tag, "PolicyDenied")
      assert.strictEqual(fake.calls.length, 0)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake], aiu: { middleware: [noSecrets] } })))
  })

  it("redactPrompt masks emails, long numbers and keys", () => {
    assert.strictEqual(
      Middleware.redactPrompt("mail a@b.io, call 0612345678, key sk-proj-ABCDEFGHIJKLMNOPQRSTUV"),
      "mail <email>, call <number>, key <redacted>"
    )
  })
})

describe("embed and generateImage", () => {
  it.effect("go through the same flow and are recorded", () => {
    const fake = TestProvider.make({ id: "openai" })
    return Effect.gen(function* () {
      const embedded = yield* Aiu.embed({ model: "openai:test-model", input: ["a", "b"] })
      assert.strictEqual(embedded.embeddings.length, 2)
      const image = yield* Aiu.generateImage({ model: "openai:test-model", prompt: "a cat" })
      assert.strictEqual(image.images.length, 1)
      const records = yield* recent(5)
      assert.deepStrictEqual(records.map((r) => r.operation).sort(), ["embed", "image"])
    }).pipe(Effect.provide(TestLayers.layer({ providers: [fake] })))
  })
})
