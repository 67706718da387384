import * as Cohere from "@aiu/testing/fake/cohere"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as CohereProvider from "../src/CohereProvider.js"
import { once, requestIdOf, setup } from "./utils/harness.js"

const weather = {
  name: "weather",
  description: "Weather by city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }
}

describe("CohereProvider", () => {
  it.live("chat: v2 wire body (system, multi-turn, images, sampling as p/k, stop_sequences, seed), X-Client-Name", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ settings: { clientName: "aiu-tests" } })
      server.route("POST", "/v2/chat", Cohere.chat({ text: "A cat.", usage: { input_tokens: 30, output_tokens: 3 } }))
      const response = yield* provider.chat({
        model: "command-a-vision-07-2025",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }
            ]
          }
        ],
        temperature: 0.3,
        topP: 0.75,
        topK: 20,
        maxOutputTokens: 100,
        stop: ["END"],
        seed: 11,
        frequencyPenalty: 0.1,
        presencePenalty: 0.2
      })
      assert.strictEqual(response.text, "A cat.")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.requestId, Cohere.traceId)
      assert.deepStrictEqual(response.usage, { inputTokens: 30, outputTokens: 3, totalTokens: 33 })
      const sent = server.requests[0]!
      assert.strictEqual(sent.headers.authorization, "Bearer test-cohere-key")
      assert.strictEqual(sent.headers["x-client-name"], "aiu-tests")
      assert.deepStrictEqual(sent.json, {
        model: "command-a-vision-07-2025",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }
            ]
          }
        ],
        stream: false,
        temperature: 0.3,
        max_tokens: 100,
        p: 0.75,
        k: 20,
        seed: 11,
        stop_sequences: ["END"],
        frequency_penalty: 0.1,
        presence_penalty: 0.2
      })
    }).pipe(Effect.scoped)
  )

  it.live("a missing key is an AuthenticationError naming CO_API_KEY; nothing is sent", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ apiKey: undefined })
      const error = yield* Effect.flip(provider.chat({ model: "m", messages: [{ role: "user", content: "x" }] }))
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.include(error.message, "CO_API_KEY")
      assert.include(error.message, "aiu keys add cohere --key-stdin")
      assert.strictEqual(server.requests.length, 0)
    }).pipe(Effect.scoped)
  )

  it.live("tools: tool_choice REQUIRED / NONE / omitted for auto; a named tool is sent alone; results go back", () =>
    Effect.gen(function* () {
      const other = { name: "time", parameters: { type: "object", properties: {} }, strict: true }
      const { provider, server } = yield* setup()
      server.route("POST", "/v2/chat", Cohere.chat({ text: "ok" }))
      const base = {
        model: "command-a-03-2025",
        messages: [{ role: "user" as const, content: "x" }],
        tools: [weather, other]
      }
      yield* provider.chat(base)
      yield* provider.chat({ ...base, toolChoice: "none" })
      yield* provider.chat({ ...base, toolChoice: "required" })
      yield* provider.chat({ ...base, toolChoice: { type: "tool", name: "weather" } })
      const sent = server.requests.map(
        (r) => r.json as { tool_choice?: string; tools: Array<{ function: { name: string } }>; strict_tools?: boolean }
      )
      assert.deepStrictEqual(
        sent.map((s) => s.tool_choice),
        [undefined, "NONE", "REQUIRED", "REQUIRED"]
      )
      assert.deepStrictEqual(
        sent[3]!.tools.map((t) => t.function.name),
        ["weather"]
      )
      assert.strictEqual(sent[0]!.strict_tools, true)
      assert.deepStrictEqual(sent[0]!.tools[0] as unknown, { type: "function", function: weather })

      yield* provider.chat({
        ...base,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "I will look it up." },
              { type: "tool-call", id: "weather_1", name: "weather", arguments: '{"location":"Paris"}' }
            ]
          },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "weather_1", content: '{"temp":18}' }] }
        ]
      })
      const last = server.requests[4]!.json as { messages: Array<unknown> }
      assert.deepStrictEqual(last.messages.slice(1), [
        {
          role: "assistant",
          tool_plan: "I will look it up.",
          tool_calls: [
            { id: "weather_1", type: "function", function: { name: "weather", arguments: '{"location":"Paris"}' } }
          ]
        },
        { role: "tool", tool_call_id: "weather_1", content: '{"temp":18}' }
      ])
    }).pipe(Effect.scoped)
  )

  it.live("structured output and thinking: response_format json_object + json_schema; thinking with a budget", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v2/chat", Cohere.chat({ thinking: "Paris is the capital.", text: '{"city":"Paris"}' }))
      const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
      const response = yield* provider.chat({
        model: "command-a-reasoning-08-2025",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: { type: "json-schema", name: "City", schema },
        reasoning: { budgetTokens: 2048 }
      })
      assert.deepStrictEqual(JSON.parse(response.text), { city: "Paris" })
      assert.strictEqual(response.reasoning, "Paris is the capital.")
      const sent = server.requests[0]!.json as { response_format: unknown; thinking: unknown }
      assert.deepStrictEqual(sent.response_format, { type: "json_object", json_schema: schema })
      assert.deepStrictEqual(sent.thinking, { type: "enabled", token_budget: 2048 })
      yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        responseFormat: { type: "json" },
        providerOptions: { cohere: { thinking: { type: "disabled" }, safety_mode: "STRICT" } }
      })
      const second = server.requests[1]!.json as { response_format: unknown; thinking: unknown; safety_mode: unknown }
      assert.deepStrictEqual(second.response_format, { type: "json_object" })
      assert.deepStrictEqual(second.thinking, { type: "disabled" })
      assert.strictEqual(second.safety_mode, "STRICT")
    }).pipe(Effect.scoped)
  )

  it.live(
    "chatStream: events with names, thinking and text deltas, MAX_TOKENS → length; a cut stream is interrupted",
    () =>
      Effect.gen(function* () {
        const { provider, server } = yield* setup()
        server.route(
          "POST",
          "/v2/chat",
          Cohere.stream({
            thinking: ["Hm", "m."],
            pieces: ["A", "B"],
            finishReason: "MAX_TOKENS",
            usage: { input_tokens: 8, output_tokens: 4 }
          })
        )
        const chunks = Chunk.toArray(
          yield* Stream.runCollect(
            provider.chatStream({ model: "command-a-03-2025", messages: [{ role: "user", content: "x" }] })
          )
        )
        assert.deepStrictEqual(chunks, [
          {
            type: "metadata",
            id: "29f14a5a-11de-4cae-9800-25e4747408ea",
            model: "command-a-03-2025",
            requestId: Cohere.traceId
          },
          { type: "reasoning-delta", text: "Hm" },
          { type: "reasoning-delta", text: "m." },
          { type: "text-delta", text: "A" },
          { type: "text-delta", text: "B" },
          { type: "usage", usage: { inputTokens: 8, outputTokens: 4, totalTokens: 12 } },
          {
            type: "finish",
            finishReason: "length",
            rawFinishReason: "MAX_TOKENS",
            usage: { inputTokens: 8, outputTokens: 4, totalTokens: 12 }
          }
        ])
        assert.strictEqual((server.requests[0]!.json as { stream: boolean }).stream, true)
        const payloads = Cohere.sseBody(Cohere.streamPayloads({ pieces: ["A", "B"] }))
        server.route("POST", "/v2/chat", Cohere.sse(payloads.slice(0, -1)))
        const cut = yield* Effect.flip(
          Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
        )
        assert.strictEqual(cut._tag, "StreamInterrupted")
        server.route("POST", "/v2/chat", Cohere.sse([...payloads, "data: [DONE]\n\n"]))
        const tolerated = yield* Stream.runCollect(
          provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] })
        )
        assert.strictEqual(Chunk.toArray(tolerated).at(-1)?.type, "finish")
      }).pipe(Effect.scoped)
  )

  it.live("errors: Cohere's statuses (402, 429 trial key, 498, 499, 404, 400 too many tokens) map to the union", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const request = { model: "m", messages: [{ role: "user" as const, content: "x" }] }
      const cases = [
        [Cohere.error(402, "Please add a payment method"), "QuotaExceeded"],
        [Cohere.error(429, "You are using a Trial key, which is limited to 1000 API calls / month."), "QuotaExceeded"],
        [Cohere.error(429, "rate limit exceeded", { "retry-after": "3" }), "RateLimited"],
        [Cohere.error(498, "invalid api token"), "AuthenticationError"],
        [Cohere.error(499, "request cancelled by the client"), "ProviderError"],
        [Cohere.error(404, "model 'nope' not found"), "ModelNotFound"],
        [
          Cohere.error(400, "too many tokens: total number of tokens in the prompt cannot exceed 128000"),
          "ContextLengthExceeded"
        ],
        [Cohere.error(422, "invalid request: message must be non-empty"), "InvalidRequest"],
        [Cohere.error(503, "service unavailable"), "ProviderOverloaded"],
        [Cohere.error(500, "internal server error"), "ProviderError"]
      ] as const
      for (const [reply, tag] of cases) {
        server.script("POST", "/v2/chat", [reply])
        const error = yield* Effect.flip(provider.chat(request, once))
        assert.strictEqual(error._tag, tag, reply.body as string)
        // 402 is decided by the transport's quota pre-check, which reads only the generic id headers.
        if (reply.status !== 402) assert.strictEqual(requestIdOf(error), Cohere.traceId, `${reply.status}`)
      }
    }).pipe(Effect.scoped)
  )

  it.live("embed: batched to 96, input types mapped, output_dimension, billed tokens summed", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v2/embed", (req) => {
        const body = req.json as { texts: Array<string> }
        return Cohere.embed(
          body.texts,
          body.texts.map((t) => [Number(t.slice(1)) || 0]),
          { inputTokens: body.texts.length }
        )
      })
      const input = Array.from({ length: 200 }, (_, i) => `t${i}`)
      const response = yield* provider.embed({ model: "embed-v4.0", input, dimensions: 256, inputType: "clustering" })
      assert.deepStrictEqual(
        response.embeddings,
        input.map((_, i) => [i])
      )
      assert.deepStrictEqual(response.usage, { inputTokens: 200 })
      const sent = server.requests.map(
        (r) =>
          r.json as {
            texts: Array<string>
            input_type: string
            output_dimension: number
            embedding_types: Array<string>
          }
      )
      assert.deepStrictEqual(
        sent.map((s) => s.texts.length),
        [96, 96, 8]
      )
      assert.deepStrictEqual([...new Set(sent.map((s) => s.input_type))], ["clustering"])
      assert.deepStrictEqual(sent[0]!.embedding_types, ["float"])
      assert.strictEqual(sent[0]!.output_dimension, 256)
      yield* provider.embed({ model: "embed-v4.0", input: ["doc"] })
      assert.strictEqual((server.requests[3]!.json as { input_type: string }).input_type, "search_document")
    }).pipe(Effect.scoped)
  )

  it.live("listModels: /v1/models followed through page_token / next_page_token, kinds from endpoints", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ settings: { modelsPageSize: 2 } })
      server.script("GET", "/v1/models", [
        Cohere.modelsPage(
          [
            {
              name: "command-a-03-2025",
              endpoints: ["chat"],
              context_length: 256000,
              features: ["tools", "json_schema", "strict_tools"]
            },
            { name: "embed-v4.0", endpoints: ["embed"], context_length: 128000, features: null }
          ],
          "page-2"
        ),
        Cohere.modelsPage([
          { name: "rerank-v3.5", endpoints: ["rerank"] },
          { name: "command-a-vision-07-2025", endpoints: ["chat"], features: ["vision"] }
        ])
      ])
      const models = yield* provider.listModels()
      assert.deepStrictEqual(
        models.map((m) => [m.id, m.kinds]),
        [
          ["cohere:command-a-03-2025", ["chat"]],
          ["cohere:embed-v4.0", ["embedding"]],
          ["cohere:rerank-v3.5", ["rerank"]],
          ["cohere:command-a-vision-07-2025", ["chat"]]
        ]
      )
      assert.strictEqual(models[0]?.contextWindow, 256000)
      assert.strictEqual(models[0]?.tools, true)
      assert.strictEqual(models[0]?.structuredOutput, true)
      assert.deepStrictEqual(models[3]?.inputModalities, ["text", "image"])
      assert.deepStrictEqual(
        server.requests.map((r) => r.url),
        ["/v1/models?page_size=2", "/v1/models?page_size=2&page_token=page-2"]
      )
    }).pipe(Effect.scoped)
  )

  it.live("settings and provider options are validated; image generation is unsupported; descriptor", () =>
    Effect.gen(function* () {
      const { provider } = yield* setup()
      const bad = yield* Effect.flip(
        provider.chat({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          providerOptions: { cohere: { safety_mode: "LOUD" } }
        })
      )
      assert.strictEqual(bad._tag === "InvalidRequest" ? bad.param : undefined, "providerOptions.cohere.safety_mode")
      const config = yield* Effect.flip(setup({ settings: { embedBatchSize: 97 } }))
      assert.strictEqual(config._tag === "ConfigError" ? config.key : undefined, "settings.embedBatchSize")
      assert.strictEqual(
        (yield* Effect.flip(provider.generateImage({ model: "x", prompt: "y" })))._tag,
        "UnsupportedOperation"
      )
      assert.strictEqual(CohereProvider.descriptor.type, "cohere")
      assert.strictEqual(CohereProvider.descriptor.defaultBaseUrl, "https://api.cohere.com")
      assert.strictEqual(CohereProvider.descriptor.apiKeyEnv, "CO_API_KEY")
      assert.strictEqual(CohereProvider.descriptor.baseUrlEnv, "COHERE_BASE_URL")
      assert.isTrue(CohereProvider.descriptor.requiresKey)
    }).pipe(Effect.scoped)
  )
})
