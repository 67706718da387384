/**
 * Recordings from OpenAI-compatible servers, replayed byte for byte (and re-split).
 */
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as Recordings from "@aiu/testing/Recordings"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiCompatibleProvider from "../src/OpenAiCompatibleProvider.js"

const setup = (id: string, settings?: Record<string, unknown>, path = "/v1") =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const provider = yield* OpenAiCompatibleProvider.make({
      id,
      baseUrl: `${server.url}${path}`,
      apiKey: Redacted.make("test-api-key"),
      ...(settings !== undefined ? { settings } : {})
    })
    return { server, provider }
  })

const SEEDS = [undefined, 0, 3, 77] as const

it.layer(NodeHttpTransport.layer())("OpenAI-compatible recordings", (it) => {
  for (const seed of SEEDS) {
    it.scoped(
      `OpenRouter: comment line, usage after the finish chunk; then a 429 with a numeric code${seed === undefined ? "" : ` (seed ${seed})`}`,
      () =>
        Effect.gen(function* () {
          const [stream, limited] = Recordings.loadHttprr(
            "openai-compatible/langchaingo.TestOpenRouterStreaming.httprr"
          )
          const { server, provider } = yield* setup("openrouter", undefined, "/api/v1")
          const opts = seed === undefined ? undefined : { seed }
          server.script("POST", "/api/v1/chat/completions", [
            Recordings.toReply(stream!.response, opts),
            Recordings.toReply(limited!.response, opts)
          ])
          const request = {
            model: "meta-llama/llama-3.2-3b-instruct:free",
            messages: [{ role: "user" as const, content: "Say exactly 'test response' and nothing else" }],
            temperature: 0
          }
          const response = yield* StreamChunk.collect(provider.chatStream(request), request.model)
          assert.strictEqual(response.text, "test response")
          assert.strictEqual(response.finishReason, "stop")
          assert.deepStrictEqual(response.usage, {
            inputTokens: 586,
            outputTokens: 3,
            totalTokens: 589,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          assert.strictEqual(response.id, "gen-1754667632-NNYO7FUAFP6cwNW8jL7x")
          assert.deepStrictEqual(server.requests[0]!.json, Recordings.json(stream!.request.body))

          const error = yield* Effect.flip(provider.chat(request, { retry: { maxRetries: 0 } }))
          assert.strictEqual(error._tag, "RateLimited")
          assert.deepStrictEqual(server.requests[1]!.json, Recordings.json(limited!.request.body))
        })
    )
  }

  for (const seed of SEEDS) {
    it.scoped(`Groq: a whole tool call in one delta, x_groq usage${seed === undefined ? "" : ` (seed ${seed})`}`, () =>
      Effect.gen(function* () {
        const { server, provider } = yield* setup("groq", undefined, "/openai/v1")
        const body = Recordings.loadChunks("openai-compatible/vercel.groq-tool-call.chunks.txt", "data-done")
        server.route(
          "POST",
          "/openai/v1/chat/completions",
          Recordings.bodyReply(body, "text/event-stream", seed === undefined ? {} : { seed })
        )
        const response = yield* StreamChunk.collect(
          provider.chatStream({
            model: "llama-3.3-70b-versatile",
            messages: [{ role: "user", content: "weather?" }],
            tools: [{ name: "weather", parameters: { type: "object", properties: {} } }]
          }),
          "llama-3.3-70b-versatile"
        )
        assert.deepStrictEqual(response.toolCalls, [
          { type: "tool-call", id: "tk85n1k4m", name: "weather", arguments: "{}" }
        ])
        assert.strictEqual(response.finishReason, "tool-calls")
        assert.deepStrictEqual(response.usage, { inputTokens: 210, outputTokens: 15, totalTokens: 225 })
      })
    )
  }

  it.scoped("DeepSeek: reasoning_content and cache-hit usage (non-streaming)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup("deepseek")
      server.route(
        "POST",
        "/v1/chat/completions",
        Recordings.bodyReply(Recordings.read("openai-compatible/vercel.deepseek-reasoning.json"), "application/json")
      )
      const response = yield* provider.chat({
        model: "deepseek-reasoner",
        messages: [{ role: "user", content: "How many 'r's are in the word 'strawberry'?" }]
      })
      assert.isTrue(response.text.startsWith('The word "strawberry" contains three instances'))
      assert.isTrue(response.reasoning!.startsWith("We are asked:"))
      assert.isTrue(response.reasoning!.endsWith("So answer is 3."))
      assert.strictEqual(response.content[0]!.type, "reasoning")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 18,
        outputTokens: 345,
        totalTokens: 363,
        cachedInputTokens: 0,
        reasoningTokens: 315
      })
    })
  )

  for (const seed of SEEDS) {
    it.scoped(
      `Anthropic's compatible endpoint: text, then a tool call at index 1${seed === undefined ? "" : ` (seed ${seed})`}`,
      () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup("anthropic-compat", { requiresKey: true })
          server.route(
            "POST",
            "/v1/chat/completions",
            Recordings.bodyReply(
              Recordings.read("openai-compatible/vercel.anthropic-fallback-tool-call.sse"),
              "text/event-stream",
              seed === undefined ? {} : { seed }
            )
          )
          const response = yield* StreamChunk.collect(
            provider.chatStream({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "read a.txt" }] }),
            "claude-haiku-4-5"
          )
          assert.strictEqual(response.text, "Reading it.")
          assert.deepStrictEqual(response.toolCalls, [
            { type: "tool-call", id: "toolu_sanitized", name: "read_file", arguments: '{"path": "a.txt"}' }
          ])
          assert.strictEqual(response.finishReason, "tool-calls")
          assert.strictEqual(response.model, "claude-haiku-4-5-20251001")
        })
    )
  }

  it.scoped("Cerebras model list: created 0, owned_by kept", () =>
    Effect.gen(function* () {
      const [cerebras] = Recordings.loadVcr("openai-compatible/pydantic-ai.test_known_model_names.yaml")
      const { server, provider } = yield* setup("cerebras")
      server.route("GET", "/v1/models", Recordings.toReply(cerebras!.response))
      const models = yield* provider.listModels()
      assert.deepStrictEqual(
        models.map((m) => [m.id, m.ownedBy, m.createdAt]),
        [
          ["cerebras:gemma-4-31b", "Cerebras", undefined],
          ["cerebras:gpt-oss-120b", "Cerebras", undefined],
          ["cerebras:zai-glm-4.7", "Cerebras", undefined]
        ]
      )
    })
  )

  it.scoped("Ollama's compatible endpoint: json_schema honoured, reasoning in message.reasoning", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadVcr(
        "openai-compatible-ollama/pydantic-ai.test_ollama_local_native_output_uses_json_schema.yaml"
      )
      const { server, provider } = yield* setup("ollama-openai")
      server.route("POST", "/v1/chat/completions", Recordings.toReply(exchange!.response))
      const schema = {
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"],
        title: "CityLocation",
        type: "object"
      }
      const response = yield* provider.chat({
        model: "qwen3:0.6b",
        messages: [{ role: "user", content: "What is the capital of France?" }],
        responseFormat: { type: "json-schema", name: "CityLocation", schema, strict: false }
      })
      assert.deepStrictEqual(JSON.parse(response.text), { city: "Paris", country: "France" })
      assert.isTrue(response.reasoning!.startsWith("Okay, the user is asking for the capital of France."))
      assert.deepStrictEqual(response.usage, { inputTokens: 136, outputTokens: 15, totalTokens: 151 })
      const recorded = Recordings.json(exchange!.request.body) as { response_format: { json_schema: object } }
      const sent = server.requests[0]!.json as { response_format: { json_schema: object } }
      assert.deepStrictEqual(sent.response_format.json_schema, {
        ...recorded.response_format.json_schema,
        strict: false
      })
    })
  )
})
