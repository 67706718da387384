import * as AiuError from "@aiu/core/AiuError"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Mistral from "@aiu/testing/fake/mistral"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as MistralProvider from "../src/MistralProvider.js"
import { once, requestIdOf, setup } from "./utils/harness.js"

const weather = {
  name: "weather",
  description: "Weather by city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }
}

describe("MistralProvider", () => {
  it.live("chat: Bearer auth, wire body, text, usage, request id from mistral-correlation-id", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/chat/completions",
        Mistral.completion({ content: "Bonjour !", usage: { prompt_tokens: 12, completion_tokens: 3 } })
      )
      const response = yield* provider.chat({
        model: "mistral-small-latest",
        messages: [
          { role: "system", content: "Answer in French." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Bonjour." },
          { role: "user", content: "Again" }
        ],
        temperature: 0.3,
        topP: 0.8,
        maxOutputTokens: 20,
        stop: ["."],
        seed: 7
      })
      assert.strictEqual(response.text, "Bonjour !")
      assert.strictEqual(response.finishReason, "stop")
      assert.deepStrictEqual(response.usage, { inputTokens: 12, outputTokens: 3, totalTokens: 15 })
      assert.strictEqual(response.requestId, Mistral.correlationId)
      const sent = server.requests[0]!
      assert.strictEqual(sent.headers.authorization, "Bearer test-mistral-key")
      assert.strictEqual(sent.url, "/v1/chat/completions")
      assert.deepStrictEqual(sent.json, {
        model: "mistral-small-latest",
        messages: [
          { role: "system", content: "Answer in French." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Bonjour." },
          { role: "user", content: "Again" }
        ],
        temperature: 0.3,
        top_p: 0.8,
        max_tokens: 20,
        stop: ["."],
        random_seed: 7
      })
    }).pipe(Effect.scoped)
  )

  it.live("a per-call key overrides the configured key", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/chat/completions", Mistral.completion({ content: "ok" }))
      yield* provider.chat(
        { model: "m", messages: [{ role: "user", content: "x" }] },
        { apiKey: Redacted.make("per-call") }
      )
      assert.strictEqual(server.requests[0]?.headers.authorization, "Bearer per-call")
    }).pipe(Effect.scoped)
  )

  it.live("a missing key is an AuthenticationError naming MISTRAL_API_KEY, and nothing is sent", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ apiKey: undefined })
      const error = yield* Effect.flip(provider.chat({ model: "m", messages: [{ role: "user", content: "x" }] }))
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.include(error.message, "MISTRAL_API_KEY")
      assert.include(error.message, "aiu keys add mistral --key-stdin")
      const streamError = yield* Effect.flip(
        Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(streamError._tag, "AuthenticationError")
      assert.strictEqual(server.requests.length, 0)
    }).pipe(Effect.scoped)
  )

  it.live("bad settings and base URLs are ConfigErrors naming the field", () =>
    Effect.gen(function* () {
      const make = (config: Parameters<typeof MistralProvider.make>[0]) =>
        Effect.flip(Effect.scoped(Effect.provide(MistralProvider.make(config), NodeHttpTransport.layer())))
      const bad = yield* make({ id: "mistral", settings: { embedBatchSize: 0 } })
      assert.strictEqual(bad._tag, "ConfigError")
      assert.strictEqual(bad.key, "settings.embedBatchSize")
      const unknown = yield* make({ id: "mistral", settings: { safe_prompt: true } })
      assert.strictEqual(unknown.key, "settings.safe_prompt")
      const url = yield* make({ id: "mistral", baseUrl: "not a url" })
      assert.strictEqual(url.key, "baseUrl")
    })
  )

  it.live("bad providerOptions.mistral is an InvalidRequest naming the field", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const error = yield* Effect.flip(
        provider.chat({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          providerOptions: { mistral: { safe_prompt: "yes" } }
        })
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(
        error._tag === "InvalidRequest" ? error.param : undefined,
        "providerOptions.mistral.safe_prompt"
      )
      assert.strictEqual(server.requests.length, 0)
      server.route("POST", "/v1/chat/completions", Mistral.completion({ content: "ok" }))
      yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        providerOptions: { mistral: { safe_prompt: true } }
      })
      assert.strictEqual((server.requests[0]!.json as { safe_prompt?: boolean }).safe_prompt, true)
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: metadata, text deltas, usage and finish", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/chat/completions",
        Mistral.stream(["Hel", "lo", " there"], { usage: { prompt_tokens: 5, completion_tokens: 3 } })
      )
      const chunks = Chunk.toArray(
        yield* Stream.runCollect(
          provider.chatStream({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }] })
        )
      )
      assert.deepStrictEqual(chunks, [
        { type: "metadata", id: "cmpl-fake0001", model: "mistral-small-latest", requestId: Mistral.correlationId },
        { type: "text-delta", text: "Hel" },
        { type: "text-delta", text: "lo" },
        { type: "text-delta", text: " there" },
        { type: "usage", usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 } },
        {
          type: "finish",
          finishReason: "stop",
          rawFinishReason: "stop",
          usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 }
        }
      ])
      assert.strictEqual((server.requests[0]!.json as { stream?: boolean }).stream, true)
      assert.strictEqual(server.requests[0]?.headers.accept, "text/event-stream")
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: parallel tool calls (whole), and a call split across deltas by index, are assembled", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/chat/completions",
        Mistral.stream([], {
          toolCalls: [
            { id: "aaaaaaaa1", name: "weather", arguments: '{"location":"Paris"}' },
            { id: "bbbbbbbb2", name: "weather", arguments: '{"location":"Rome"}' }
          ]
        })
      )
      const request = {
        model: "m",
        messages: [{ role: "user" as const, content: "x" }],
        tools: [weather],
        toolChoice: "required" as const
      }
      const response = yield* StreamChunk.collect(provider.chatStream(request), "m")
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "aaaaaaaa1", name: "weather", arguments: '{"location":"Paris"}' },
        { type: "tool-call", id: "bbbbbbbb2", name: "weather", arguments: '{"location":"Rome"}' }
      ])
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual((server.requests[0]!.json as { tool_choice?: string }).tool_choice, "any")

      const base = { id: "c1", object: "chat.completion.chunk", model: "m" }
      const payloads = [
        {
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: "ccccccccc", function: { name: "weather", arguments: '{"loc' } }] },
              finish_reason: null
            }
          ]
        },
        {
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: 'ation":"Oslo"}' } }] },
              finish_reason: null
            }
          ]
        },
        {
          ...base,
          choices: [{ index: 0, delta: { content: "" }, finish_reason: "tool_calls" }],
          usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 }
        }
      ].map((p) => JSON.stringify(p))
      server.route("POST", "/v1/chat/completions", Mistral.sse(Mistral.sseBody(payloads)))
      const split = Chunk.toArray(yield* Stream.runCollect(provider.chatStream(request)))
      assert.deepStrictEqual(
        split.filter((c) => c.type.startsWith("tool-call")),
        [
          { type: "tool-call-start", index: 0, id: "ccccccccc", name: "weather" },
          { type: "tool-call-delta", index: 0, id: "ccccccccc", argumentsDelta: '{"loc' },
          { type: "tool-call-delta", index: 0, id: "ccccccccc", argumentsDelta: 'ation":"Oslo"}' },
          { type: "tool-call-end", index: 0, id: "ccccccccc", name: "weather", arguments: '{"location":"Oslo"}' }
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.live("chat: tool results go back as tool messages; tool calls come back with the finish reason", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/chat/completions", Mistral.completion({ content: "21 °C in Paris." }))
      const response = yield* provider.chat({
        model: "m",
        tools: [weather],
        toolChoice: { type: "tool", name: "weather" },
        messages: [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: [{ type: "tool-call", id: "aaaaaaaa1", name: "weather", arguments: '{"location":"Paris"}' }]
          },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "aaaaaaaa1", content: '{"temp":21}' }] }
        ]
      })
      assert.strictEqual(response.text, "21 °C in Paris.")
      const sent = server.requests[0]?.json as { messages: Array<unknown>; tool_choice: unknown; tools: Array<unknown> }
      assert.deepStrictEqual(sent.messages[2], {
        role: "tool",
        content: '{"temp":21}',
        tool_call_id: "aaaaaaaa1",
        name: "weather"
      })
      assert.deepStrictEqual(sent.tool_choice, { type: "function", function: { name: "weather" } })
      assert.deepStrictEqual(sent.tools, [{ type: "function", function: weather }])
    }).pipe(Effect.scoped)
  )

  it.live("chat: structured output sends response_format json_schema and returns the JSON text", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/chat/completions",
        Mistral.completion({ content: '{"city":"Paris","country":"France"}' })
      )
      const schema = {
        type: "object",
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"]
      }
      const response = yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: { type: "json-schema", name: "CityLocation", schema }
      })
      assert.deepStrictEqual(JSON.parse(response.text), { city: "Paris", country: "France" })
      assert.deepStrictEqual((server.requests[0]!.json as { response_format: unknown }).response_format, {
        type: "json_schema",
        json_schema: { name: "CityLocation", schema, strict: true }
      })
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: an in-band error event fails the stream after what was delivered", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const first = JSON.stringify({
        id: "c1",
        model: "m",
        choices: [{ index: 0, delta: { content: "partial" }, finish_reason: null }]
      })
      const error = JSON.stringify({
        object: "error",
        message: "Service unavailable: model overloaded",
        type: "service_unavailable",
        code: "3505"
      })
      server.route("POST", "/v1/chat/completions", Mistral.sse(Mistral.sseBody([first, error], { done: false })))
      const seen: Array<string> = []
      const exit = yield* Effect.exit(
        Stream.runForEach(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }), (c) =>
          Effect.sync(() => {
            if (c.type === "text-delta") seen.push(c.text)
          })
        )
      )
      assert.deepStrictEqual(seen, ["partial"])
      assert.isTrue(Exit.isFailure(exit))
      const err = yield* Effect.flip(
        Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(err._tag, "ProviderOverloaded")
      assert.strictEqual(requestIdOf(err), Mistral.correlationId)
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: a connection dropped before the finish is StreamInterrupted", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const payloads = Mistral.sseBody(Mistral.streamPayloads(["a", "b", "c"]))
      server.route("POST", "/v1/chat/completions", Mistral.sse(payloads, { dropAfter: 2 }))
      const err = yield* Effect.flip(
        Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(err._tag, "StreamInterrupted")
      server.route("POST", "/v1/chat/completions", Mistral.sse(payloads.slice(0, 3)))
      const cut = yield* Effect.flip(
        Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(cut._tag, "StreamInterrupted")
      assert.include(cut.message, "before a finish reason")
    }).pipe(Effect.scoped)
  )

  it.live("error bodies map to the union, with the request id", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const request = { model: "m", messages: [{ role: "user" as const, content: "x" }] }
      const cases: Array<[ReturnType<typeof Mistral.error>, AiuError.ProviderFailure["_tag"]]> = [
        [Mistral.error(401, "Unauthorized", { type: "invalid_api_key" }), "AuthenticationError"],
        [Mistral.validationError(["max_completion_tokens"], "Extra inputs are not permitted"), "InvalidRequest"],
        [
          Mistral.error(429, "Requests rate limit exceeded", { type: "rate_limited", headers: { "retry-after": "2" } }),
          "RateLimited"
        ],
        [
          Mistral.error(400, "Prompt contains 40000 tokens, too large for model with 32768 maximum context length", {
            type: "invalid_request_error"
          }),
          "ContextLengthExceeded"
        ],
        [Mistral.error(404, "Invalid model: nope", { type: "invalid_model", code: "1500" }), "ModelNotFound"],
        [Mistral.error(503, "Service unavailable", { type: "service_unavailable" }), "ProviderOverloaded"],
        [Mistral.error(500, "Internal error", { type: "internal_error" }), "ProviderError"]
      ]
      for (const [reply, tag] of cases) {
        server.script("POST", "/v1/chat/completions", [reply])
        const error = yield* Effect.flip(provider.chat(request, once))
        assert.strictEqual(error._tag, tag, reply.body as string)
        assert.strictEqual(requestIdOf(error), Mistral.correlationId)
      }
      server.script("POST", "/v1/chat/completions", [
        Mistral.validationError(["max_completion_tokens"], "Extra inputs are not permitted")
      ])
      const invalid = yield* Effect.flip(provider.chat(request, once))
      assert.strictEqual(invalid._tag === "InvalidRequest" ? invalid.param : undefined, "max_completion_tokens")
      assert.include(invalid.message, "max_completion_tokens: Extra inputs are not permitted")
      server.script("POST", "/v1/chat/completions", [
        Mistral.error(429, "slow down", { headers: { "retry-after": "2" } })
      ])
      const limited = yield* Effect.flip(provider.chat(request, once))
      assert.isTrue(limited._tag === "RateLimited" && limited.retryAfter !== undefined)
      assert.isTrue(AiuError.isRetryable(limited))
    }).pipe(Effect.scoped)
  )

  it.live("embed: batched to the batch size, order kept, dimensions sent as output_dimension, usage summed", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ settings: { embedBatchSize: 2 } })
      server.route("POST", "/v1/embeddings", (req) => {
        const body = req.json as { input: Array<string> }
        return Mistral.embeddings(
          body.input.map((text) => [text.length, Number(text.slice(1))]),
          { promptTokens: body.input.length * 2 }
        )
      })
      const input = ["t0", "t1", "t2", "t3", "t4"]
      const response = yield* provider.embed({ model: "mistral-embed", input, dimensions: 256 })
      assert.deepStrictEqual(
        response.embeddings,
        input.map((_t, i) => [2, i])
      )
      assert.deepStrictEqual(response.usage, { inputTokens: 10 })
      assert.deepStrictEqual(
        server.requests.map((r) => r.json),
        [
          { model: "mistral-embed", input: ["t0", "t1"], output_dimension: 256 },
          { model: "mistral-embed", input: ["t2", "t3"], output_dimension: 256 },
          { model: "mistral-embed", input: ["t4"], output_dimension: 256 }
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.live("listModels: GET /models, kinds from capabilities", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "GET",
        "/v1/models",
        Mistral.models([
          {
            id: "mistral-small-latest",
            max_context_length: 131072,
            capabilities: { completion_chat: true, function_calling: true, vision: true }
          },
          { id: "mistral-embed", max_context_length: 8192, capabilities: { completion_chat: false } },
          { id: "mistral-moderation-latest", capabilities: { classification: true } },
          { id: "magistral-medium-latest", capabilities: { completion_chat: true, function_calling: true } },
          { id: "codestral-latest", capabilities: { completion_chat: true, completion_fim: true } }
        ])
      )
      const models = yield* provider.listModels()
      assert.deepStrictEqual(
        models.map((m) => [m.id, m.kinds]),
        [
          ["mistral:mistral-small-latest", ["chat"]],
          ["mistral:mistral-embed", ["embedding"]],
          ["mistral:mistral-moderation-latest", ["moderation"]],
          ["mistral:magistral-medium-latest", ["chat"]],
          ["mistral:codestral-latest", ["chat"]]
        ]
      )
      const small = models[0]!
      assert.strictEqual(small.contextWindow, 131072)
      assert.strictEqual(small.tools, true)
      assert.deepStrictEqual(small.inputModalities, ["text", "image"])
      assert.strictEqual(small.ownedBy, "mistralai")
      assert.strictEqual(models[3]?.reasoning, true)
      assert.strictEqual(server.requests[0]?.headers.authorization, "Bearer test-mistral-key")
    }).pipe(Effect.scoped)
  )

  it.live("generateImage is UnsupportedOperation; capabilities are advertised", () =>
    Effect.gen(function* () {
      const { provider } = yield* setup()
      const error = yield* Effect.flip(provider.generateImage({ model: "x", prompt: "a cat" }))
      assert.strictEqual(error._tag, "UnsupportedOperation")
      assert.deepStrictEqual(provider.info.capabilities, {
        chat: true,
        chatStream: true,
        embed: true,
        generateImage: false,
        listModels: true,
        tools: true,
        structuredOutput: true,
        reasoning: true,
        imageInput: true
      })
      assert.strictEqual(MistralProvider.descriptor.type, "mistral")
      assert.strictEqual(MistralProvider.descriptor.defaultBaseUrl, "https://api.mistral.ai/v1")
      assert.strictEqual(MistralProvider.descriptor.apiKeyEnv, "MISTRAL_API_KEY")
      assert.strictEqual(MistralProvider.descriptor.baseUrlEnv, "MISTRAL_BASE_URL")
      assert.isTrue(MistralProvider.descriptor.requiresKey)
    }).pipe(Effect.scoped)
  )
})
