/**
 * Every Mistral recording in fixtures/mistral (copied from ../shared/fixtures, see its README),
 * served byte for byte by the fake server over loopback, whole and re-split, must produce the
 * exact text, reasoning, tool calls, finish reason and usage it contains.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import type { Reply } from "@aiu/testing/FakeProviderServer"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { setup } from "./utils/harness.js"

const request: ChatRequest = { model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }] }

const sseReply = (pieces: ReadonlyArray<Uint8Array>): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "mistral-correlation-id": "corr-recording" },
  body: pieces
})

const jsonReply = (bytes: Uint8Array): Reply => ({
  status: 200,
  headers: { "content-type": "application/json", "mistral-correlation-id": "corr-recording" },
  body: bytes
})

/** Whole, one byte per piece, and cut at seeded random positions. */
const splits = (bytes: Uint8Array) => [
  { name: "whole", pieces: [bytes] },
  { name: "1-byte", pieces: Recordings.resplit(bytes, 0) },
  { name: "random, seed 7", pieces: Recordings.resplit(bytes, 7) },
  { name: "random, seed 1234", pieces: Recordings.resplit(bytes, 1234) }
]

const streamed = (bytes: Uint8Array) =>
  Effect.forEach(splits(bytes), ({ name, pieces }) =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/chat/completions", sseReply(pieces))
      const chunks = yield* Stream.runCollect(provider.chatStream(request))
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), request.model)
      assert.strictEqual(server.requests[0]?.json && (server.requests[0].json as { stream?: boolean }).stream, true)
      return { name, chunks: [...chunks], response }
    }).pipe(Effect.scoped)
  )

describe("Mistral recordings", () => {
  it.live("llm-mistral.magistral-stream.sse: raw SSE with `p` padding, usage in the last chunk", () =>
    Effect.gen(function* () {
      for (const { name, response } of yield* streamed(Recordings.read("mistral/llm-mistral.magistral-stream.sse"))) {
        assert.strictEqual(response.text, "323", name)
        assert.strictEqual(response.id, "9bc79f2031ee479486a36543066c2a1c")
        assert.strictEqual(response.model, "magistral-small-latest")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "stop")
        assert.strictEqual(response.requestId, "corr-recording")
        assert.deepStrictEqual(response.usage, {
          inputTokens: 28,
          outputTokens: 4,
          totalTokens: 32,
          cachedInputTokens: 0
        })
        assert.deepStrictEqual(response.toolCalls, [])
      }
    })
  )

  it.live("vercel.mistral-text.chunks.txt: text deltas, empty last delta with finish and usage", () =>
    Effect.gen(function* () {
      for (const { chunks, name, response } of yield* streamed(
        Recordings.loadChunks("mistral/vercel.mistral-text.chunks.txt", "data-done")
      )) {
        assert.strictEqual(response.text, "Hello, world! This is a test response.", name)
        assert.deepStrictEqual(
          chunks.filter((c) => c.type === "text-delta").map((c) => (c.type === "text-delta" ? c.text : "")),
          ["Hello", ", ", "world!", " This", " is a test", " response."]
        )
        assert.strictEqual(response.finishReason, "stop")
        assert.deepStrictEqual(response.usage, { inputTokens: 13, outputTokens: 8, totalTokens: 21 })
        const last = chunks[chunks.length - 1]
        assert.deepStrictEqual(last, {
          type: "finish",
          finishReason: "stop",
          rawFinishReason: "stop",
          usage: { inputTokens: 13, outputTokens: 8, totalTokens: 21 }
        })
      }
    })
  )

  it.live("vercel.mistral-tool-call.chunks.txt: a whole tool call (no index, no type) with finish and usage", () =>
    Effect.gen(function* () {
      for (const { chunks, name, response } of yield* streamed(
        Recordings.loadChunks("mistral/vercel.mistral-tool-call.chunks.txt", "data-done")
      )) {
        assert.deepStrictEqual(
          response.toolCalls,
          [{ type: "tool-call", id: "gSIMJiOkT", name: "weather", arguments: '{"location": "San Francisco"}' }],
          name
        )
        assert.deepStrictEqual(
          chunks.filter((c) => c.type.startsWith("tool-call")),
          [
            { type: "tool-call-start", index: 0, id: "gSIMJiOkT", name: "weather" },
            { type: "tool-call-delta", index: 0, id: "gSIMJiOkT", argumentsDelta: '{"location": "San Francisco"}' },
            {
              type: "tool-call-end",
              index: 0,
              id: "gSIMJiOkT",
              name: "weather",
              arguments: '{"location": "San Francisco"}'
            }
          ]
        )
        assert.strictEqual(response.text, "")
        assert.strictEqual(response.finishReason, "tool-calls")
        assert.deepStrictEqual(response.usage, { inputTokens: 124, outputTokens: 22, totalTokens: 146 })
      }
    })
  )

  it.live("vercel.mistral-reasoning.chunks.txt: thinking chunks → reasoning deltas, then text", () =>
    Effect.gen(function* () {
      for (const { chunks, name, response } of yield* streamed(
        Recordings.loadChunks("mistral/vercel.mistral-reasoning.chunks.txt", "data-done")
      )) {
        assert.deepStrictEqual(
          chunks.filter((c) => c.type === "reasoning-delta" || c.type === "text-delta"),
          [
            { type: "reasoning-delta", text: "The user is asking" },
            { type: "reasoning-delta", text: " for 2+2. This is basic arithmetic. 2+2=4." },
            { type: "text-delta", text: "2 + 2 = 4" }
          ],
          name
        )
        assert.strictEqual(response.reasoning, "The user is asking for 2+2. This is basic arithmetic. 2+2=4.")
        assert.strictEqual(response.text, "2 + 2 = 4")
        assert.strictEqual(response.model, "magistral-medium-2507")
        assert.strictEqual(response.finishReason, "stop")
        assert.deepStrictEqual(response.usage, { inputTokens: 10, outputTokens: 46, totalTokens: 56 })
      }
    })
  )

  it.live("vercel.mistral-tool-call.json: non-streaming tool call without `type`", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/chat/completions", jsonReply(Recordings.read("mistral/vercel.mistral-tool-call.json")))
      const response = yield* provider.chat(request)
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "gSIMJiOkT", name: "weather", arguments: '{"location": "San Francisco"}' }
      ])
      assert.strictEqual(response.text, "")
      assert.strictEqual(response.id, "b3999b8c93e04e11bcbff7bcab829667")
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual(response.requestId, "corr-recording")
      assert.deepStrictEqual(response.usage, { inputTokens: 124, outputTokens: 22, totalTokens: 146 })
    }).pipe(Effect.scoped)
  )

  it.live("vercel.mistral-reasoning.json: content as an array of thinking + text chunks", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/chat/completions", jsonReply(Recordings.read("mistral/vercel.mistral-reasoning.json")))
      const response = yield* provider.chat({ ...request, model: "magistral-medium-2507" })
      assert.deepStrictEqual(response.content, [
        { type: "reasoning", text: "The user is asking for 2+2. This is basic arithmetic. 2+2=4." },
        { type: "text", text: "2 + 2 = 4" }
      ])
      assert.strictEqual(response.text, "2 + 2 = 4")
      assert.strictEqual(response.finishReason, "stop")
      assert.deepStrictEqual(response.usage, { inputTokens: 10, outputTokens: 46, totalTokens: 56 })
    }).pipe(Effect.scoped)
  )

  it.live("semantic-kernel.embeddings_response.json: two 1024-dim vectors in index order, usage", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/embeddings",
        jsonReply(Recordings.read("mistral/semantic-kernel.embeddings_response.json"))
      )
      const response = yield* provider.embed({ model: "mistral-embed", input: ["Hello", "world"] })
      assert.strictEqual(response.embeddings.length, 2)
      assert.deepStrictEqual(
        response.embeddings.map((e) => e.length),
        [1024, 1024]
      )
      assert.strictEqual(response.embeddings[0]?.[0], -0.0249176025390625)
      assert.strictEqual(response.embeddings[0]?.[1023], -0.0248260498046875)
      assert.deepStrictEqual(
        response.embeddings[1]?.slice(0, 3),
        [-0.00649261474609375, 0.036834716796875, 0.0162506103515625]
      )
      assert.strictEqual(response.model, "mistral-embed")
      assert.deepStrictEqual(response.usage, { inputTokens: 6 })
      assert.strictEqual(response.requestId, "corr-recording")
      assert.deepStrictEqual(server.requests[0]?.json, { model: "mistral-embed", input: ["Hello", "world"] })
    }).pipe(Effect.scoped)
  )
})
