import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Ollama from "@aiu/testing/fake/ollama"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as OllamaClient from "../src/OllamaClient.js"
import * as OllamaProvider from "../src/OllamaProvider.js"
import { once, setup } from "./utils/harness.js"

const weather = {
  name: "weather",
  description: "Weather by city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }
}

describe("OllamaProvider", () => {
  it.live("chat: no auth header without a key; sampling in options; stream:false; text and counts", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/api/chat",
        Ollama.chat({ content: "Paris.", counts: { prompt_eval_count: 26, eval_count: 3 } })
      )
      const response = yield* provider.chat({
        model: "llama3.2",
        messages: [
          { role: "system", content: "Be terse." },
          { role: "user", content: "Capital of France?" },
          { role: "assistant", content: "Paris." },
          { role: "user", content: "And again?" }
        ],
        temperature: 0.1,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 16,
        stop: ["\n"],
        seed: 3
      })
      assert.strictEqual(response.text, "Paris.")
      assert.strictEqual(response.finishReason, "stop")
      assert.deepStrictEqual(response.usage, { inputTokens: 26, outputTokens: 3, totalTokens: 29 })
      const sent = server.requests[0]!
      assert.strictEqual(sent.headers.authorization, undefined)
      assert.deepStrictEqual(sent.json, {
        model: "llama3.2",
        messages: [
          { role: "system", content: "Be terse." },
          { role: "user", content: "Capital of France?" },
          { role: "assistant", content: "Paris." },
          { role: "user", content: "And again?" }
        ],
        stream: false,
        options: { temperature: 0.1, top_p: 0.9, top_k: 40, num_predict: 16, stop: ["\n"], seed: 3 }
      })
    }).pipe(Effect.scoped)
  )

  it.live("a configured or per-call key is sent as Bearer (ollama.com, proxies)", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ apiKey: Redacted.make("cloud-key") })
      server.route("POST", "/api/chat", Ollama.chat({ content: "ok" }))
      yield* provider.chat({ model: "m", messages: [{ role: "user", content: "x" }] })
      yield* provider.chat(
        { model: "m", messages: [{ role: "user", content: "x" }] },
        { apiKey: Redacted.make("per-call") }
      )
      assert.deepStrictEqual(
        server.requests.map((r) => r.headers.authorization),
        ["Bearer cloud-key", "Bearer per-call"]
      )
    }).pipe(Effect.scoped)
  )

  it.live("images go as base64 in `images`; remote URLs are dropped with a warning", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/api/chat", Ollama.chat({ content: "A cat." }))
      const response = yield* provider.chat({
        model: "llava",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" },
              { type: "image", url: "data:image/jpeg;base64,/9j/4AAQ" },
              { type: "image", url: "https://example.com/cat.png" }
            ]
          }
        ]
      })
      assert.deepStrictEqual((server.requests[0]!.json as { messages: Array<unknown> }).messages[0], {
        role: "user",
        content: "What is this?",
        images: ["iVBORw0KGgo=", "/9j/4AAQ"]
      })
      assert.deepStrictEqual(response.warnings, ["Ollama takes inline images only: an image URL was dropped"])
    }).pipe(Effect.scoped)
  )

  it.live(
    "tools: definitions, tool calls back as objects, tool results with tool_name; toolChoice none sends no tools",
    () =>
      Effect.gen(function* () {
        const { provider, server } = yield* setup()
        server.route(
          "POST",
          "/api/chat",
          Ollama.chat({
            toolCalls: [
              { name: "weather", arguments: { location: "Paris" }, id: "call_abc" },
              { name: "weather", arguments: { location: "Rome" }, id: "call_def" }
            ]
          })
        )
        const response = yield* provider.chat({
          model: "qwen3",
          tools: [weather],
          messages: [
            { role: "user", content: "Weather in Paris and Rome?" },
            {
              role: "assistant",
              content: [{ type: "tool-call", id: "call_1", name: "weather", arguments: '{"location":"Oslo"}' }]
            },
            { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", content: '{"temp":3}' }] }
          ]
        })
        assert.deepStrictEqual(response.toolCalls, [
          { type: "tool-call", id: "call_abc", name: "weather", arguments: '{"location":"Paris"}' },
          { type: "tool-call", id: "call_def", name: "weather", arguments: '{"location":"Rome"}' }
        ])
        assert.strictEqual(response.finishReason, "tool-calls")
        const sent = server.requests[0]!.json as { messages: Array<unknown>; tools: Array<unknown> }
        assert.deepStrictEqual(sent.tools, [{ type: "function", function: weather }])
        assert.deepStrictEqual(sent.messages.slice(1), [
          {
            role: "assistant",
            content: "",
            tool_calls: [{ function: { name: "weather", arguments: { location: "Oslo" } } }]
          },
          { role: "tool", content: '{"temp":3}', tool_name: "weather" }
        ])
        server.route("POST", "/api/chat", Ollama.chat({ content: "no tools" }))
        const none = yield* provider.chat({
          model: "qwen3",
          tools: [weather],
          toolChoice: "none",
          messages: [{ role: "user", content: "x" }]
        })
        assert.strictEqual((server.requests[1]!.json as { tools?: unknown }).tools, undefined)
        assert.deepStrictEqual(none.warnings, undefined)
        const required = yield* provider.chat({
          model: "qwen3",
          tools: [weather],
          toolChoice: "required",
          messages: [{ role: "user", content: "x" }]
        })
        assert.deepStrictEqual(required.warnings, [
          'Ollama cannot force a tool call: toolChoice "required" was sent as "auto"'
        ])
      }).pipe(Effect.scoped)
  )

  it.live('structured output: a JSON schema goes in `format`; JSON mode is format:"json"', () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/api/chat", Ollama.chat({ content: '{"city":"Paris","country":"France"}' }))
      const schema = {
        type: "object",
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"]
      }
      const response = yield* provider.chat({
        model: "qwen3",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: { type: "json-schema", name: "CityLocation", schema }
      })
      assert.deepStrictEqual(JSON.parse(response.text), { city: "Paris", country: "France" })
      assert.deepStrictEqual((server.requests[0]!.json as { format: unknown }).format, schema)
      yield* provider.chat({
        model: "qwen3",
        messages: [{ role: "user", content: "x" }],
        responseFormat: { type: "json" }
      })
      assert.strictEqual((server.requests[1]!.json as { format: unknown }).format, "json")
    }).pipe(Effect.scoped)
  )

  it.live("reasoning: think is sent (an effort level for gpt-oss), thinking comes back as reasoning", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/api/chat",
        Ollama.chat({ thinking: "2+2 is 4.", content: "4", counts: { prompt_eval_count: 12, eval_count: 30 } })
      )
      const response = yield* provider.chat({
        model: "qwen3:0.6b",
        messages: [{ role: "user", content: "2+2?" }],
        reasoning: { effort: "low" }
      })
      assert.strictEqual(response.reasoning, "2+2 is 4.")
      assert.strictEqual(response.text, "4")
      assert.strictEqual((server.requests[0]!.json as { think: unknown }).think, true)
      yield* provider.chat({
        model: "gpt-oss:20b",
        messages: [{ role: "user", content: "x" }],
        reasoning: { effort: "high" }
      })
      assert.strictEqual((server.requests[1]!.json as { think: unknown }).think, "high")
      yield* provider.chat({
        model: "qwen3",
        messages: [{ role: "user", content: "x" }],
        providerOptions: { ollama: { think: false, keep_alive: "10m", options: { num_ctx: 8192 } } }
      })
      const third = server.requests[2]!.json as { think: unknown; keep_alive: unknown; options: unknown }
      assert.strictEqual(third.think, false)
      assert.strictEqual(third.keep_alive, "10m")
      assert.deepStrictEqual(third.options, { num_ctx: 8192 })
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: thinking deltas, content deltas, a whole tool call, usage and finish", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/api/chat",
        Ollama.stream({
          thinking: ["Let me ", "check."],
          pieces: ["Checking", "…"],
          toolCalls: [{ name: "weather", arguments: { location: "Paris" } }],
          model: "qwen3",
          counts: { prompt_eval_count: 40, eval_count: 12 }
        })
      )
      const chunks = Chunk.toArray(
        yield* Stream.runCollect(
          provider.chatStream({ model: "qwen3", tools: [weather], messages: [{ role: "user", content: "x" }] })
        )
      )
      assert.deepStrictEqual(chunks, [
        { type: "metadata", model: "qwen3" },
        { type: "reasoning-delta", text: "Let me " },
        { type: "reasoning-delta", text: "check." },
        { type: "text-delta", text: "Checking" },
        { type: "text-delta", text: "…" },
        { type: "tool-call-start", index: 0, id: "call_0", name: "weather" },
        { type: "tool-call-delta", index: 0, id: "call_0", argumentsDelta: '{"location":"Paris"}' },
        { type: "tool-call-end", index: 0, id: "call_0", name: "weather", arguments: '{"location":"Paris"}' },
        { type: "usage", usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 } },
        {
          type: "finish",
          finishReason: "tool-calls",
          rawFinishReason: "stop",
          usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 }
        }
      ])
      assert.strictEqual((server.requests[0]!.json as { stream: boolean }).stream, true)
      assert.strictEqual(server.requests[0]!.headers.accept, "application/x-ndjson")
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: length finish, an error line mid-stream, and a dropped connection", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const request = { model: "m", messages: [{ role: "user" as const, content: "x" }] }
      server.route("POST", "/api/chat", Ollama.stream({ pieces: ["a", "b"], doneReason: "length" }))
      const long = yield* StreamChunk.collect(provider.chatStream(request), "m")
      assert.strictEqual(long.finishReason, "length")
      assert.strictEqual(long.text, "ab")

      const lines = Ollama.streamLines({ pieces: ["partial"] })
      server.route(
        "POST",
        "/api/chat",
        Ollama.ndjson([lines[0]!, Ollama.errorLine("an error was encountered while running the model: unexpected EOF")])
      )
      const seen: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(provider.chatStream(request), (c) =>
          Effect.sync(() => c.type === "text-delta" && seen.push(c.text))
        )
      )
      assert.deepStrictEqual(seen, ["partial"])
      assert.strictEqual(error._tag, "ProviderError")
      assert.include(error.message, "unexpected EOF")

      server.route(
        "POST",
        "/api/chat",
        Ollama.ndjson(Ollama.streamLines({ pieces: ["a", "b", "c"] }), { dropAfter: 2 })
      )
      const dropped = yield* Effect.flip(Stream.runDrain(provider.chatStream(request)))
      assert.strictEqual(dropped._tag, "StreamInterrupted")
      server.route("POST", "/api/chat", Ollama.ndjson(Ollama.streamLines({ pieces: ["a", "b"] }).slice(0, 2)))
      const cut = yield* Effect.flip(Stream.runDrain(provider.chatStream(request)))
      assert.strictEqual(cut._tag, "StreamInterrupted")
    }).pipe(Effect.scoped)
  )

  it.live("errors: 404 model not found, 400, 429, 500, 503; a refused connection says where Ollama was expected", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const request = { model: "nope", messages: [{ role: "user" as const, content: "x" }] }
      const cases = [
        [Ollama.error(404, 'model "nope" not found, try pulling it first'), "ModelNotFound"],
        [Ollama.error(400, "invalid options"), "InvalidRequest"],
        [Ollama.error(429, "too many requests"), "RateLimited"],
        [Ollama.error(500, "llama runner process has terminated"), "ProviderError"],
        [Ollama.error(503, "server busy, please try again.  maximum pending requests exceeded"), "ProviderOverloaded"]
      ] as const
      for (const [reply, tag] of cases) {
        server.script("POST", "/api/chat", [reply])
        const error = yield* Effect.flip(provider.chat(request, once))
        assert.strictEqual(error._tag, tag)
      }
      const down = yield* OllamaProvider.make({ id: "ollama", baseUrl: "http://127.0.0.1:9" })
      const refused = yield* Effect.flip(down.listModels(once))
      assert.strictEqual(refused._tag, "NetworkError")
      assert.include(refused.message, "is Ollama running at http://127.0.0.1:9?")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpTransport.layer()))
  )

  it.live("embed: /api/embed, batched, dimensions and keep_alive sent, counts summed", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({ settings: { embedBatchSize: 2, keepAlive: "1m" } })
      server.route("POST", "/api/embed", (req) => {
        const body = req.json as { input: Array<string> }
        return Ollama.embed(
          body.input.map((t) => [Number(t.slice(1)), 0.5]),
          { promptEvalCount: body.input.length * 3 }
        )
      })
      const response = yield* provider.embed({ model: "nomic-embed-text", input: ["t0", "t1", "t2"], dimensions: 64 })
      assert.deepStrictEqual(response.embeddings, [
        [0, 0.5],
        [1, 0.5],
        [2, 0.5]
      ])
      assert.deepStrictEqual(response.usage, { inputTokens: 9 })
      assert.deepStrictEqual(
        server.requests.map((r) => r.json),
        [
          { model: "nomic-embed-text", input: ["t0", "t1"], dimensions: 64, keep_alive: "1m" },
          { model: "nomic-embed-text", input: ["t2"], dimensions: 64, keep_alive: "1m" }
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.live("listModels: /api/tags, embedding kinds from BERT families and names", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "GET",
        "/api/tags",
        Ollama.tags([
          { name: "llama3.2:latest" },
          { name: "nomic-embed-text:latest", family: "nomic-bert", parameterSize: "137M", quantization: "F16" },
          { name: "mxbai-embed-large:latest", family: "bert" },
          { name: "qwen3:0.6b", family: "qwen3" }
        ])
      )
      const models = yield* provider.listModels()
      assert.deepStrictEqual(
        models.map((m) => [m.id, m.kinds]),
        [
          ["ollama:llama3.2:latest", ["chat"]],
          ["ollama:nomic-embed-text:latest", ["embedding"]],
          ["ollama:mxbai-embed-large:latest", ["embedding"]],
          ["ollama:qwen3:0.6b", ["chat"]]
        ]
      )
      assert.strictEqual(models[1]?.name, "nomic-embed-text:latest (nomic-bert, 137M, F16)")
      assert.strictEqual(models[3]?.reasoning, true)
    }).pipe(Effect.scoped)
  )

  it.live("settings, base URLs and provider options are validated; image generation is unsupported", () =>
    Effect.gen(function* () {
      const make = (config: Parameters<typeof OllamaProvider.make>[0]) => Effect.flip(OllamaProvider.make(config))
      assert.strictEqual((yield* make({ id: "ollama", settings: { numCtx: -1 } })).key, "settings.numCtx")
      assert.strictEqual((yield* make({ id: "ollama", baseUrl: "ftp://x" })).key, "baseUrl")
      assert.strictEqual(
        yield* OllamaClient.normalizeBaseUrl("ollama", "127.0.0.1:11434/api/"),
        "http://127.0.0.1:11434"
      )
      assert.strictEqual(yield* OllamaClient.normalizeBaseUrl("ollama", "https://ollama.com"), "https://ollama.com")
      assert.strictEqual(yield* OllamaClient.normalizeBaseUrl("ollama", "0.0.0.0"), "http://0.0.0.0:11434")
      assert.strictEqual(yield* OllamaClient.normalizeBaseUrl("ollama", undefined), "http://127.0.0.1:11434")
      const { provider } = yield* setup()
      const bad = yield* Effect.flip(
        provider.chat({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          providerOptions: { ollama: { think: "extreme" } }
        })
      )
      assert.strictEqual(bad._tag === "InvalidRequest" ? bad.param : undefined, "providerOptions.ollama.think")
      assert.strictEqual(
        (yield* Effect.flip(provider.generateImage({ model: "x", prompt: "y" })))._tag,
        "UnsupportedOperation"
      )
      assert.strictEqual(OllamaProvider.descriptor.defaultBaseUrl, "http://127.0.0.1:11434")
      assert.strictEqual(OllamaProvider.descriptor.baseUrlEnv, "OLLAMA_HOST")
      assert.strictEqual(OllamaProvider.descriptor.apiKeyEnv, undefined)
      assert.isFalse(OllamaProvider.descriptor.requiresKey)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpTransport.layer()))
  )
})
