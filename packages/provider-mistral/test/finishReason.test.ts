import { assert, describe, it } from "@effect/vitest"
import { fromMistral } from "../src/internal/finishReason.js"

describe("finishReason", () => {
  it("maps every Mistral finish reason", () => {
    assert.strictEqual(fromMistral("stop"), "stop")
    assert.strictEqual(fromMistral("length"), "length")
    assert.strictEqual(fromMistral("model_length"), "length")
    assert.strictEqual(fromMistral("tool_calls"), "tool-calls")
    assert.strictEqual(fromMistral("content_filter"), "content-filter")
    assert.strictEqual(fromMistral("error"), "error")
    assert.strictEqual(fromMistral("something_new"), "other")
    assert.strictEqual(fromMistral(null), "other")
  })
})
