import { assert, describe, it } from "@effect/vitest"
import { toFinishReason } from "../src/internal/finishReason.js"

describe("finishReason", () => {
  it("maps every documented stop_reason", () => {
    assert.strictEqual(toFinishReason("end_turn"), "stop")
    assert.strictEqual(toFinishReason("stop_sequence"), "stop")
    assert.strictEqual(toFinishReason("max_tokens"), "length")
    assert.strictEqual(toFinishReason("model_context_window_exceeded"), "length")
    assert.strictEqual(toFinishReason("tool_use"), "tool-calls")
    assert.strictEqual(toFinishReason("tool_use", true), "stop")
    assert.strictEqual(toFinishReason("refusal"), "content-filter")
    assert.strictEqual(toFinishReason("pause_turn"), "other")
    assert.strictEqual(toFinishReason(null), "other")
    assert.strictEqual(toFinishReason("something_new"), "other")
  })
})
