import * as Chat from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const chunks: ReadonlyArray<StreamChunk.StreamChunk> = [
  { type: "metadata", id: "chatcmpl-1", model: "gpt-4o-mini-2024-07-18", requestId: "req_1" },
  { type: "reasoning-delta", text: "think" },
  { type: "reasoning-delta", text: "ing", signature: "sig" },
  { type: "text-delta", text: "Hel" },
  { type: "text-delta", text: "lo" },
  { type: "tool-call-start", index: 0, id: "call_1", name: "get_weather" },
  { type: "tool-call-delta", index: 0, id: "call_1", argumentsDelta: '{"city":' },
  { type: "tool-call-delta", index: 0, id: "call_1", argumentsDelta: '"Paris"}' },
  { type: "tool-call-end", index: 0, id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
  { type: "usage", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 2 } },
  { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" }
]

describe("StreamChunk", () => {
  it.effect("collect folds a stream into the response it describes", () =>
    Effect.gen(function* () {
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), "fallback")
      assert.strictEqual(response.text, "Hello")
      assert.strictEqual(response.reasoning, "thinking")
      assert.strictEqual(response.id, "chatcmpl-1")
      assert.strictEqual(response.model, "gpt-4o-mini-2024-07-18")
      assert.strictEqual(response.requestId, "req_1")
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual(response.rawFinishReason, "tool_calls")
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }
      ])
      assert.deepStrictEqual(response.usage, { inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 2 })
      assert.deepStrictEqual(response.content[0], { type: "reasoning", text: "thinking", signature: "sig" })
    })
  )

  it("fromResponse and collect round-trip", async () => {
    const response = Chat.makeResponse({
      id: "x",
      model: "m",
      content: [
        { type: "text", text: "a" },
        { type: "tool-call", id: "c", name: "n", arguments: "{}" }
      ],
      finishReason: "stop",
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      requestId: "r"
    })
    const again = await Effect.runPromise(
      StreamChunk.collect(Stream.fromIterable(StreamChunk.fromResponse(response)), "m")
    )
    assert.deepStrictEqual(again, response)
  })

  it("an accumulator of an unfinished stream reports what was delivered", () => {
    const acc = new StreamChunk.Accumulator()
    for (const c of chunks.slice(0, 5)) acc.add(c)
    assert.strictEqual(acc.text, "Hello")
    const partial = acc.response("fallback")
    assert.strictEqual(partial.finishReason, "other")
    assert.deepStrictEqual(partial.usage, { inputTokens: 0, outputTokens: 0, totalTokens: 0 })
  })
})
