import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as Message from "@aiu/core/Message"
import * as GenAi from "@aiu/observability/GenAi"
import * as Tracing from "@aiu/observability/Tracing"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as OpenAiFake from "@aiu/testing/fake/openai"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"
import { liveLayer } from "./utils/live.js"

const KEY = "sk-proj-" + "E2Etestkey0000000000000000000001"

describe("Aiu over loopback HTTP with the OpenAI adapter", () => {
  it.live("chat and chatStream: key from the keyring, usage and catalog cost recorded", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat/completions", OpenAiFake.echoChat)
      server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o-mini"]))
      yield* Effect.gen(function* () {
        const response = yield* Aiu.chat({ model: "openai:gpt-4o-mini", messages: [Message.user("ping")] })
        assert.include(response.text, "You said: ping")
        const chunks = yield* Stream.runCollect(
          Aiu.chatStream({ model: "openai:gpt-4o-mini", messages: [Message.user("stream me")] })
        )
        const text = Chunk.toReadonlyArray(chunks)
          .flatMap((c) => (c.type === "text-delta" ? [c.text] : []))
          .join("")
        assert.include(text, "You said: stream me")
        const chats = server.requests.filter((r) => r.path === "/v1/chat/completions")
        assert.strictEqual(chats.length, 2)
        assert.strictEqual(chats[0]!.headers.authorization, `Bearer ${KEY}`)
        const store = yield* UsageStore.UsageStore
        const records = yield* store.recent(10)
        assert.strictEqual(records.length, 2)
        for (const r of records) {
          assert.strictEqual(r.status, "ok")
          assert.strictEqual(r.requestId, "req_fake_0001")
          assert.isAbove(r.inputTokens, 0)
          assert.isAbove(r.costUsd ?? 0, 0, "gpt-4o-mini has catalog prices")
        }
        const stream = records.find((r) => r.operation === "stream")!
        assert.isDefined(stream.ttftMs)
      }).pipe(Effect.provide(liveLayer({ baseUrl: server.url, keys: { default: KEY } })))
    }).pipe(Effect.scoped)
  )

  const logged: Array<string> = []
  it.live("falls back to the next model after retries are exhausted on 503", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat/completions", (req) =>
        (req.json as { model: string }).model === "gpt-4o"
          ? OpenAiFake.error(503, "overloaded", { type: "server_error" })
          : OpenAiFake.echoChat(req)
      )
      server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o", "gpt-4o-mini"]))
      yield* Effect.gen(function* () {
        const response = yield* Aiu.chat(
          { model: "openai:gpt-4o", messages: [Message.user("hi")] },
          { fallbacks: ["openai:gpt-4o-mini"], retries: 1 }
        )
        assert.include(response.text, "You said: hi")
        const records = yield* Effect.flatMap(UsageStore.UsageStore, (s) => s.recent(10))
        const failed = records.find((r) => r.status === "error")!
        assert.strictEqual(failed.model, "gpt-4o")
        assert.strictEqual(failed.attempts, 2)
        assert.strictEqual(records.find((r) => r.status === "ok")!.model, "gpt-4o-mini")
        // The fallback is visible in the logs (captured here, so the test output stays clean).
        assert.isTrue(logged.some((line) => line.includes("trying the next model")))
      }).pipe(Effect.provide(liveLayer({ baseUrl: server.url, keys: { default: KEY } })))
    }).pipe(
      Effect.scoped,
      Effect.provide(
        Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => {
            logged.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
          })
        )
      )
    )
  )

  it.live("a stream refused as it opens fails with the provider's error and is recorded", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat/completions", OpenAiFake.error(401, "Incorrect API key provided"))
      server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o-mini"]))
      yield* Effect.gen(function* () {
        const events = yield* AiuEvents.AiuEvents
        const subscription = yield* events.subscribe
        const failedEvents = yield* subscription.pipe(
          Stream.filter((e) => e._tag === "RequestFailed"),
          Stream.take(1),
          Stream.runCollect,
          Effect.fork
        )
        yield* Effect.sleep("10 millis")
        const error = yield* Effect.flip(
          Stream.runDrain(Aiu.chatStream({ model: "openai:gpt-4o-mini", messages: [Message.user("hi")] }))
        )
        assert.strictEqual(error._tag, "AuthenticationError")
        const [record] = yield* Effect.flatMap(UsageStore.UsageStore, (s) => s.recent(10))
        assert.strictEqual(record?.operation, "stream")
        assert.strictEqual(record?.status, "error")
        assert.strictEqual(record?.errorTag, "AuthenticationError")
        const published = Chunk.toReadonlyArray(yield* Fiber.join(failedEvents))
        assert.strictEqual(published.length, 1)
      }).pipe(Effect.provide(liveLayer({ baseUrl: server.url, keys: { default: KEY } })))
    }).pipe(Effect.scoped)
  )

  it.live("a stream the consumer interrupts while it opens is recorded as cancelled, and the request aborted", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat/completions", { ...OpenAiFake.stream(["late"]), delayMs: 30_000 })
      server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o-mini"]))
      yield* Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Stream.runDrain(Aiu.chatStream({ model: "openai:gpt-4o-mini", messages: [Message.user("hi")] }))
        )
        while (!server.requests.some((r) => r.path === "/v1/chat/completions")) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        const [record] = yield* Effect.flatMap(UsageStore.UsageStore, (s) => s.recent(10))
        assert.strictEqual(record?.operation, "stream")
        assert.strictEqual(record?.status, "ok")
        assert.strictEqual(record?.metadata["aiu.outcome"], "cancelled")
        assert.strictEqual(record?.metadata["aiu.chunks"], "0")
        yield* Effect.promise(() => server.awaitAborted(1, 5_000))
      }).pipe(Effect.provide(liveLayer({ baseUrl: server.url, keys: { default: KEY } })))
    }).pipe(Effect.scoped)
  )

  it.live("a chat is three spans: the call, its attempt, the HTTP exchange (with the model)", () =>
    Effect.gen(function* () {
      const exporter = new InMemorySpanExporter()
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat/completions", OpenAiFake.echoChat)
      server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o-mini"]))
      yield* Effect.gen(function* () {
        // The model list is loaded first, so the chat's own spans are all that follow.
        yield* Aiu.chat({ model: "openai:gpt-4o-mini", messages: [Message.user("warm")] })
        exporter.reset()
        yield* Aiu.chat({ model: "openai:gpt-4o-mini", messages: [Message.user("ping")] })
        const spans = exporter.getFinishedSpans()
        // Neither the keyring nor the adapter adds a span of its own on a call's path.
        assert.deepStrictEqual(spans.map((s) => s.name).sort(), [
          "Aiu.chat",
          "Aiu.chat.attempt",
          "HttpTransport.request"
        ])
        const byName = (name: string) => spans.find((s) => s.name === name)!
        assert.strictEqual(
          byName("Aiu.chat.attempt").parentSpanContext?.spanId,
          byName("Aiu.chat").spanContext().spanId
        )
        const http = byName("HttpTransport.request")
        assert.strictEqual(http.parentSpanContext?.spanId, byName("Aiu.chat.attempt").spanContext().spanId)
        assert.strictEqual(http.attributes["aiu.provider"], "openai")
        assert.strictEqual(http.attributes["aiu.operation"], "chat")
        assert.strictEqual(http.attributes[GenAi.Attr.requestModel], "gpt-4o-mini")
        for (const s of spans) assert.notInclude(JSON.stringify(s.attributes), KEY)
      }).pipe(
        Effect.provide(
          Layer.merge(
            liveLayer({ baseUrl: server.url, keys: { default: KEY } }),
            Tracing.layer({ spanProcessor: new SimpleSpanProcessor(exporter) })
          )
        )
      )
    }).pipe(Effect.scoped)
  )
})
