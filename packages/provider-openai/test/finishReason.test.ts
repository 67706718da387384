import { assert, describe, it } from "@effect/vitest"
import { mapFinishReason, mapResponsesFinish } from "../src/internal/finishReason.js"

describe("finishReason", () => {
  it("chat completions", () => {
    assert.strictEqual(mapFinishReason("stop"), "stop")
    assert.strictEqual(mapFinishReason("stop", true), "tool-calls")
    assert.strictEqual(mapFinishReason("length"), "length")
    assert.strictEqual(mapFinishReason("tool_calls"), "tool-calls")
    assert.strictEqual(mapFinishReason("function_call"), "tool-calls")
    assert.strictEqual(mapFinishReason("content_filter"), "content-filter")
    assert.strictEqual(mapFinishReason("error"), "error")
    assert.strictEqual(mapFinishReason("weird"), "other")
    assert.strictEqual(mapFinishReason(null), "other")
  })
  it("responses", () => {
    assert.strictEqual(mapResponsesFinish("completed", undefined, false), "stop")
    assert.strictEqual(mapResponsesFinish("completed", undefined, true), "tool-calls")
    assert.strictEqual(mapResponsesFinish("incomplete", "max_output_tokens", false), "length")
    assert.strictEqual(mapResponsesFinish("incomplete", "content_filter", false), "content-filter")
    assert.strictEqual(mapResponsesFinish("failed", undefined, false), "error")
  })
})
