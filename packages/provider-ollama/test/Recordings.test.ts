/**
 * Every Ollama native-API recording in fixtures/ollama (copied from ../shared/fixtures, see its
 * README) served by the fake server over loopback: the recorded response body bytes (de-chunked
 * from the httprr trace, otherwise unchanged) whole and re-split, with the recorded status and
 * content type. Each must produce the exact text, tool calls, finish reason and usage it contains.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import type { Reply } from "@aiu/testing/FakeProviderServer"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { once, setup, statusOf } from "./utils/harness.js"

const replay = (exchange: Recordings.Exchange, pieces: ReadonlyArray<Uint8Array>): Reply => ({
  status: exchange.response.status,
  headers: { "content-type": exchange.response.headers["content-type"] ?? "application/json" },
  body: pieces
})

const splits = (bytes: Uint8Array) => [
  { name: "whole", pieces: [bytes] },
  { name: "1-byte", pieces: Recordings.resplit(bytes, 0) },
  { name: "random, seed 7", pieces: Recordings.resplit(bytes, 7) },
  { name: "random, seed 1234", pieces: Recordings.resplit(bytes, 1234) }
]

describe("Ollama recordings", () => {
  it.live("langchaingo.TestClient_GenerateChatStream.httprr: NDJSON content deltas, done line with counts", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("ollama/langchaingo.TestClient_GenerateChatStream.httprr")
      assert.strictEqual(exchange?.response.headers["transfer-encoding"], "chunked")
      const request: ChatRequest = {
        model: "gemma3:1b",
        messages: [{ role: "user", content: "Count from 1 to 5" }],
        maxOutputTokens: 50,
        temperature: 0
      }
      for (const { name, pieces } of splits(exchange!.response.body)) {
        const { provider, server } = yield* setup()
        server.route("POST", "/api/chat", replay(exchange!, pieces))
        const chunks = Chunk.toArray(yield* Stream.runCollect(provider.chatStream(request)))
        const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), request.model)
        assert.strictEqual(response.text, "Okay, here we go!\n\n1, 2, 3, 4, 5\n", name)
        assert.strictEqual(chunks.filter((c) => c.type === "text-delta").length, 21)
        assert.strictEqual(response.model, "gemma3:1b")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "stop")
        assert.deepStrictEqual(response.usage, { inputTokens: 16, outputTokens: 22, totalTokens: 38 })
        assert.deepStrictEqual(server.requests[0]?.json, {
          model: "gemma3:1b",
          messages: [{ role: "user", content: "Count from 1 to 5" }],
          stream: true,
          options: { temperature: 0, num_predict: 50 }
        })
      }
    }).pipe(Effect.scoped)
  )

  it.live("langchaingo.TestClient_CreateEmbedding.httprr: one 768-dim vector, prompt_eval_count", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("ollama/langchaingo.TestClient_CreateEmbedding.httprr")
      for (const { name, pieces } of splits(exchange!.response.body)) {
        const { provider, server } = yield* setup()
        server.route("POST", "/api/embed", replay(exchange!, pieces))
        const response = yield* provider.embed({ model: "nomic-embed-text", input: ["Hello world"] })
        assert.strictEqual(response.embeddings.length, 1, name)
        assert.strictEqual(response.embeddings[0]?.length, 768)
        assert.deepStrictEqual(response.embeddings[0]?.slice(0, 2), [-0.006746773, -0.0013343222])
        assert.strictEqual(response.embeddings[0]?.[767], -0.004468476)
        assert.strictEqual(response.model, "nomic-embed-text")
        assert.deepStrictEqual(response.usage, { inputTokens: 2 })
        assert.deepStrictEqual(server.requests[0]?.json, { model: "nomic-embed-text", input: ["Hello world"] })
      }
    }).pipe(Effect.scoped)
  )

  it.live("langchaingo.TestToolCall.at-2128f982.httprr: 400 `does not support tools` → InvalidRequest", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("ollama/langchaingo.TestToolCall.at-2128f982.httprr")
      const { provider, server } = yield* setup()
      server.route("POST", "/api/chat", replay(exchange!, [exchange!.response.body]))
      const error = yield* Effect.flip(
        provider.chat(
          {
            model: "gemma3:1b",
            messages: [{ role: "user", content: "Which date do we have today?" }],
            tools: [
              {
                name: "getTime",
                description: "Get the current time.",
                parameters: { type: "object", required: [], properties: {} }
              }
            ]
          },
          once
        )
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.message, "ollama: registry.ollama.ai/library/gemma3:1b does not support tools")
      assert.strictEqual(statusOf(error), 400)
      assert.deepStrictEqual((server.requests[0]!.json as { tools: unknown }).tools, [
        {
          type: "function",
          function: {
            name: "getTime",
            description: "Get the current time.",
            parameters: { type: "object", required: [], properties: {} }
          }
        }
      ])
    }).pipe(Effect.scoped)
  )

  it.live(
    "semantic-kernel.chat_completion_function_call_response.txt: native tool call, arguments as an object, no id",
    () =>
      Effect.gen(function* () {
        const bytes = Recordings.read("ollama/semantic-kernel.chat_completion_function_call_response.txt")
        for (const { name, pieces } of splits(bytes)) {
          const { provider, server } = yield* setup()
          server.route("POST", "/api/chat", {
            status: 200,
            headers: { "content-type": "application/json; charset=utf-8" },
            body: pieces
          })
          const response = yield* provider.chat({ model: "llama3.2", messages: [{ role: "user", content: "x" }] })
          assert.deepStrictEqual(
            response.toolCalls,
            [
              {
                type: "tool-call",
                id: "call_0",
                name: "TestPlugin_TestFunction",
                arguments: '{"testInput":"fake-text"}'
              }
            ],
            name
          )
          assert.strictEqual(response.text, "")
          assert.strictEqual(response.finishReason, "tool-calls")
          assert.strictEqual(response.rawFinishReason, "stop")
          assert.deepStrictEqual(response.usage, { inputTokens: 152, outputTokens: 22, totalTokens: 174 })
          assert.strictEqual((server.requests[0]!.json as { stream: boolean }).stream, false)
        }
        // The same line as the last line of a stream: the call is assembled from one line.
        const { provider, server } = yield* setup()
        server.route("POST", "/api/chat", {
          status: 200,
          headers: { "content-type": "application/x-ndjson" },
          body: [bytes]
        })
        const chunks = Chunk.toArray(
          yield* Stream.runCollect(
            provider.chatStream({ model: "llama3.2", messages: [{ role: "user", content: "x" }] })
          )
        )
        assert.deepStrictEqual(
          chunks.filter((c) => c.type.startsWith("tool-call") || c.type === "finish"),
          [
            { type: "tool-call-start", index: 0, id: "call_0", name: "TestPlugin_TestFunction" },
            { type: "tool-call-delta", index: 0, id: "call_0", argumentsDelta: '{"testInput":"fake-text"}' },
            {
              type: "tool-call-end",
              index: 0,
              id: "call_0",
              name: "TestPlugin_TestFunction",
              arguments: '{"testInput":"fake-text"}'
            },
            {
              type: "finish",
              finishReason: "tool-calls",
              rawFinishReason: "stop",
              usage: { inputTokens: 152, outputTokens: 22, totalTokens: 174 }
            }
          ]
        )
      }).pipe(Effect.scoped)
  )
})
