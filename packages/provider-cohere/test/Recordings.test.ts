/**
 * Every Cohere recording in fixtures/cohere (copied from ../shared/fixtures, see its README),
 * served by the fake server over loopback: vercel `*.chunks.txt` re-framed as Cohere v2 sends
 * them (`event: <type>\ndata: <line>\n\n`), whole and re-split; `*.json` bodies unchanged; the VCR
 * cassette's recorded status and body. Each must produce the exact text, reasoning, tool calls,
 * finish reason and usage it contains.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { once, requestIdOf, setup, statusOf } from "./utils/harness.js"

const request: ChatRequest = { model: "command-a-03-2025", messages: [{ role: "user", content: "hi" }] }

/** Whole, one byte per piece, and two seeded random splits. */
const seeds = [undefined, 0, 7, 1234] as const

const streamed = (file: string) =>
  Effect.forEach(seeds, (seed) =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const body = Recordings.loadChunks(`cohere/${file}`, "named")
      server.route(
        "POST",
        "/v2/chat",
        Recordings.bodyReply(body, "text/event-stream", {
          ...(seed !== undefined ? { seed } : {}),
          headers: { "x-debug-trace-id": "trace-recording" }
        })
      )
      const chunks = Chunk.toArray(yield* Stream.runCollect(provider.chatStream(request)))
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), request.model)
      return { name: `seed ${String(seed)}`, chunks, response }
    }).pipe(Effect.scoped)
  )

describe("Cohere recordings", () => {
  it.live("vercel.cohere-text.chunks.txt: content deltas, message-end with finish and usage", () =>
    Effect.gen(function* () {
      for (const { chunks, name, response } of yield* streamed("vercel.cohere-text.chunks.txt")) {
        assert.strictEqual(response.text, "The capital of France is Paris.", name)
        assert.strictEqual(response.id, "321d178c-2c12-44d3-ae42-2f5510f6b1cc")
        assert.strictEqual(response.requestId, "trace-recording")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "COMPLETE")
        assert.deepStrictEqual(response.usage, {
          inputTokens: 507,
          outputTokens: 10,
          totalTokens: 517,
          cachedInputTokens: 448
        })
        assert.strictEqual(chunks.filter((c) => c.type === "text-delta").length, 7)
        assert.strictEqual(chunks.at(-1)?.type, "finish")
      }
    })
  )

  it.live("vercel.cohere-tool-call.chunks.txt: tool plan, two calls streamed as fragments, TOOL_CALL", () =>
    Effect.gen(function* () {
      for (const { chunks, name, response } of yield* streamed("vercel.cohere-tool-call.chunks.txt")) {
        assert.deepStrictEqual(
          response.toolCalls,
          [
            {
              type: "tool-call",
              id: "weather_e8p4pn45zt0t",
              name: "weather",
              arguments: '{"location": "San Francisco"}'
            },
            {
              type: "tool-call",
              id: "cityAttractions_pyxssbwnq9fq",
              name: "cityAttractions",
              arguments: '{"city": "San Francisco"}'
            }
          ],
          name
        )
        assert.strictEqual(
          response.reasoning,
          "I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to find attractions in San Francisco."
        )
        assert.strictEqual(response.text, "")
        assert.strictEqual(response.finishReason, "tool-calls")
        assert.strictEqual(response.rawFinishReason, "TOOL_CALL")
        assert.deepStrictEqual(response.usage, {
          inputTokens: 1549,
          outputTokens: 95,
          totalTokens: 1644,
          cachedInputTokens: 1504
        })
        assert.deepStrictEqual(
          chunks
            .filter((c) => c.type === "tool-call-start" || c.type === "tool-call-end")
            .map((c) => `${c.type}:${c.index}`),
          ["tool-call-start:0", "tool-call-end:0", "tool-call-start:1", "tool-call-end:1"]
        )
        assert.strictEqual(chunks.filter((c) => c.type === "tool-call-delta").length, 14)
      }
    })
  )

  it.live("vercel.cohere-reasoning.chunks.txt: a thinking block, then a text block", () =>
    Effect.gen(function* () {
      for (const { name, response } of yield* streamed("vercel.cohere-reasoning.chunks.txt")) {
        assert.strictEqual(
          response.reasoning,
          "The user is asking for the sum of 2 and 2. Since this is a straightforward arithmetic problem, I don't need to use any tools. I can calculate the answer directly.",
          name
        )
        assert.strictEqual(response.text, "The answer to 2 + 2 is 4.")
        assert.deepStrictEqual(
          response.content.map((p) => p.type),
          ["reasoning", "text"]
        )
        assert.strictEqual(response.finishReason, "stop")
        assert.deepStrictEqual(response.usage, {
          inputTokens: 1394,
          outputTokens: 54,
          totalTokens: 1448,
          cachedInputTokens: 1360
        })
      }
    })
  )

  it.live("vercel.cohere-tool-call.json: tool_plan and tool_calls (string arguments), no content", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v2/chat",
        Recordings.bodyReply(Recordings.read("cohere/vercel.cohere-tool-call.json"), "application/json")
      )
      const response = yield* provider.chat(request)
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "weather_dqgshstja6p9", name: "weather", arguments: '{"location":"San Francisco"}' },
        {
          type: "tool-call",
          id: "cityAttractions_dcxfx4myvx68",
          name: "cityAttractions",
          arguments: '{"city":"San Francisco"}'
        }
      ])
      assert.strictEqual(
        response.reasoning,
        "I will use the weather tool to find out the weather in San Francisco. I will also use the cityAttractions tool to find out what attractions are in San Francisco."
      )
      assert.strictEqual(response.text, "")
      assert.strictEqual(response.id, "f201af17-e24a-4396-8f6a-98e8bf9c3432")
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 1549,
        outputTokens: 103,
        totalTokens: 1652,
        cachedInputTokens: 992
      })
    }).pipe(Effect.scoped)
  )

  it.live("vercel.cohere-embedding.json: embeddings.float keyed by type, billed input tokens", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v2/embed",
        Recordings.bodyReply(Recordings.read("cohere/vercel.cohere-embedding.json"), "application/json")
      )
      const response = yield* provider.embed({
        model: "embed-english-v3.0",
        input: ["sunny day at the beach", "rainy day in the city"],
        inputType: "query"
      })
      assert.deepStrictEqual(response.embeddings, [
        [0.03302002, 0.020904541, -0.019744873, -0.0625, 0.04437256],
        [-0.04660034, 0.00037765503, -0.061157227, -0.08239746, -0.010360718]
      ])
      assert.deepStrictEqual(response.usage, { inputTokens: 10 })
      assert.strictEqual(response.requestId, "f5aa3e7b-f011-4c5c-a825-f94669f760e5")
      assert.deepStrictEqual(server.requests[0]?.json, {
        model: "embed-english-v3.0",
        texts: ["sunny day at the beach", "rainy day in the city"],
        input_type: "search_query",
        embedding_types: ["float"]
      })
    }).pipe(Effect.scoped)
  )

  it.live("pydantic-ai.TestCohere.test_embed_error.yaml: 404 flat {id, message} → ModelNotFound", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadVcr("cohere/pydantic-ai.TestCohere.test_embed_error.yaml")
      assert.strictEqual(exchange?.response.status, 404)
      const { provider, server } = yield* setup()
      server.route("POST", "/v2/embed", Recordings.toReply(exchange!.response))
      const error = yield* Effect.flip(
        provider.embed({ model: "nonexistent", input: ["Hello, world!"], inputType: "query" }, once)
      )
      assert.strictEqual(error._tag, "ModelNotFound")
      assert.strictEqual(statusOf(error), 404)
      assert.strictEqual(requestIdOf(error), "8bd5b608-887c-49f7-a6b3-d3bd5830c3de")
      assert.strictEqual(
        error.message,
        "cohere: model 'nonexistent' not found, make sure the correct model ID was used and that you have access to the model."
      )
      const sent = server.requests[0]!.json as Record<string, unknown>
      const recorded = Recordings.json(exchange!.request.body) as Record<string, unknown>
      for (const key of ["model", "texts", "input_type", "embedding_types"])
        assert.deepStrictEqual(sent[key], recorded[key], key)
    }).pipe(Effect.scoped)
  )
})
