import { assert, describe, it } from "@effect/vitest"
import { rawFinishReason, toFinishReason } from "../src/internal/finishReason.js"

describe("finishReason", () => {
  it("maps Gemini reasons; STOP with calls is tool-calls; integer enums decode", () => {
    assert.strictEqual(toFinishReason("STOP", false), "stop")
    assert.strictEqual(toFinishReason("STOP", true), "tool-calls")
    assert.strictEqual(toFinishReason("MAX_TOKENS", false), "length")
    for (const r of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]) {
      assert.strictEqual(toFinishReason(r, false), "content-filter")
    }
    assert.strictEqual(toFinishReason("MALFORMED_FUNCTION_CALL", false), "error")
    assert.strictEqual(toFinishReason("LANGUAGE", false), "other")
    assert.strictEqual(toFinishReason("OTHER", false), "other")
    assert.strictEqual(toFinishReason(undefined, false), "other")
    assert.strictEqual(rawFinishReason(1), "STOP")
    assert.strictEqual(rawFinishReason(2), "MAX_TOKENS")
    assert.strictEqual(rawFinishReason(99), "99")
    assert.strictEqual(rawFinishReason("SAFETY"), "SAFETY")
  })
})
