import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as OpenAiCompatibleConfig from "../src/OpenAiCompatibleConfig.js"
import * as OpenAiCompatibleProvider from "../src/OpenAiCompatibleProvider.js"

const setup = (id: string, settings?: Record<string, unknown>, apiKey: string | null = "k") =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    server.route("POST", "/v1/chat/completions", FakeOpenAi.echoChat)
    const provider = yield* OpenAiCompatibleProvider.make({
      id,
      baseUrl: `${server.url}/v1`,
      ...(apiKey !== null ? { apiKey: Redacted.make(apiKey) } : {}),
      ...(settings !== undefined ? { settings } : {})
    })
    return { server, provider }
  })

const ask = {
  model: "m",
  messages: [{ role: "user" as const, content: "hi" }],
  maxOutputTokens: 20,
  seed: 1,
  responseFormat: { type: "json-schema" as const, name: "s", schema: { type: "object" } },
  reasoning: { effort: "low" as const }
}

it.layer(NodeHttpTransport.layer())("quirks", (it) => {
  it.scoped(
    "deepseek (preset from the id): max_tokens, JSON mode instead of json_schema with a warning, no reasoning_effort",
    () =>
      Effect.gen(function* () {
        const { server, provider } = yield* setup("deepseek")
        const r = yield* provider.chat(ask)
        const body = server.requests[0]!.json as Record<string, unknown>
        assert.strictEqual(body.max_tokens, 20)
        assert.notProperty(body, "max_completion_tokens")
        assert.deepStrictEqual(body.response_format, { type: "json_object" })
        assert.notProperty(body, "reasoning_effort")
        assert.isTrue((r.warnings ?? []).some((w) => w.includes("JSON schema")))
      })
  )

  it.scoped("groq: max_completion_tokens and reasoning_effort", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("my-groq", { quirks: "groq" })
      yield* provider.chat(ask)
      const body = server.requests[0]!.json as Record<string, unknown>
      assert.strictEqual(body.max_completion_tokens, 20)
      assert.strictEqual(body.reasoning_effort, "low")
    })
  )

  it.scoped("lmstudio: no key needed, no stream_options", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("lmstudio", undefined, null)
      yield* Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "hi" }] }))
      const sent = server.requests[0]!
      assert.notProperty(sent.json as object, "stream_options")
      assert.isUndefined(sent.headers.authorization)
    })
  )

  it.scoped("openrouter: attribution headers; settings override a preset switch", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("openrouter", {
        appUrl: "https://example.org",
        appName: "aiu",
        streamUsage: false
      })
      yield* Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "hi" }] }))
      const sent = server.requests[0]!
      assert.strictEqual(sent.headers["http-referer"], "https://example.org")
      assert.strictEqual(sent.headers["x-title"], "aiu")
      assert.notProperty(sent.json as object, "stream_options")
    })
  )

  it.scoped("a preset that requires a key names its env var when none is given", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("xai", undefined, null)
      const error = yield* Effect.flip(provider.chat({ model: "grok-4", messages: [{ role: "user", content: "hi" }] }))
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.include(error.message, "XAI_API_KEY")
      assert.strictEqual(server.requests.length, 0)
    })
  )

  it.scoped("operations the server lacks are UnsupportedOperation (deepseek has no embeddings)", () =>
    Effect.gen(function* () {
      const { provider } = yield* setup("deepseek")
      const error = yield* Effect.flip(provider.embed({ model: "m", input: ["x"] }))
      assert.strictEqual(error._tag, "UnsupportedOperation")
      assert.isFalse(provider.info.capabilities.embed)
      assert.strictEqual(provider.info.type, "openai-compatible")
      assert.strictEqual(provider.info.name, "DeepSeek")
    })
  )

  it.scoped("providerOptions under the type, the preset or the id reach the wire", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("my-together", { quirks: "together" })
      yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        providerOptions: {
          "openai-compatible": { extraBody: { a: 1 } },
          together: { extraBody: { b: 2 } },
          "my-together": { extraBody: { c: 3 } }
        }
      })
      const body = server.requests[0]!.json as Record<string, unknown>
      // later keys win for the same field; extraBody is one field
      assert.strictEqual(body.c, 3)
    })
  )

  it.scoped("deepseek under load: keep-alive comments in a stream, blank lines before a JSON body", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("deepseek")
      const events = FakeOpenAi.streamEvents(["Hel", "lo"])
      server.script("POST", "/v1/chat/completions", [
        {
          status: 200,
          headers: { "content-type": "text/event-stream" },
          body: [": keep-alive\n\n", ": keep-alive\n\n", ...events.flatMap((e) => [e, ": keep-alive\n\n"])]
        },
        { ...FakeOpenAi.completion("whole"), body: ["\n\n\n", "\n", String(FakeOpenAi.completion("whole").body)] }
      ])
      const streamed = yield* Stream.runCollect(
        provider.chatStream({ model: "deepseek-chat", messages: [{ role: "user", content: "hi" }] })
      )
      const text = [...streamed].flatMap((c) => (c.type === "text-delta" ? [c.text] : [])).join("")
      assert.strictEqual(text, "Hello")
      const whole = yield* provider.chat({ model: "deepseek-chat", messages: [{ role: "user", content: "hi" }] })
      assert.strictEqual(whole.text, "whole")
    })
  )

  it.effect("configuration: no base URL without a preset is a ConfigError; bad quirks name the field", () =>
    Effect.gen(function* () {
      const none = yield* Effect.flip(OpenAiCompatibleProvider.make({ id: "mystery" }))
      assert.strictEqual(none._tag, "ConfigError")
      assert.strictEqual(none.key, "baseUrl")
      const bad = yield* Effect.flip(
        OpenAiCompatibleProvider.make({ id: "x", baseUrl: "http://h/v1", settings: { quirks: "nope" } })
      )
      assert.strictEqual(bad.key, "settings.quirks")
      const ok = yield* OpenAiCompatibleProvider.make({ id: "groq" })
      assert.strictEqual(ok.info.name, "Groq")
    }).pipe(Effect.provide(NodeHttpTransport.layer()))
  )

  it.effect("descriptors: generic and per preset", () =>
    Effect.sync(() => {
      assert.strictEqual(OpenAiCompatibleProvider.descriptor.type, "openai-compatible")
      assert.isFalse(OpenAiCompatibleProvider.descriptor.requiresKey)
      const groq = OpenAiCompatibleProvider.descriptorFor("groq")
      assert.strictEqual(groq.defaultBaseUrl, "https://api.groq.com/openai/v1")
      assert.strictEqual(groq.apiKeyEnv, "GROQ_API_KEY")
      for (const p of OpenAiCompatibleConfig.QuirksPreset.literals) {
        assert.isDefined(OpenAiCompatibleConfig.presets[p].baseUrl)
      }
    })
  )
})
