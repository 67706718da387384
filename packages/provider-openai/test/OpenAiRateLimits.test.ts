import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as OpenAiRateLimits from "../src/OpenAiRateLimits.js"

describe("OpenAiRateLimits", () => {
  it("Go durations", () => {
    assert.strictEqual(OpenAiRateLimits.parseDuration("6ms"), 6)
    assert.strictEqual(OpenAiRateLimits.parseDuration("0s"), 0)
    assert.strictEqual(OpenAiRateLimits.parseDuration("6m0s"), 360_000)
    assert.strictEqual(OpenAiRateLimits.parseDuration("2m59.56s"), 179_560)
    assert.strictEqual(OpenAiRateLimits.parseDuration("1h"), 3_600_000)
    assert.isUndefined(OpenAiRateLimits.parseDuration("soon"))
  })

  it("the recorded OpenAI headers", () => {
    const [ex] = Recordings.loadHttprr("openai/chat/langchaingo.TestClient_CreateChatCompletionStream.httprr")
    assert.deepStrictEqual(OpenAiRateLimits.parse(ex!.response.headers, 0), {
      requests: { limit: 10000, remaining: 9999, resetMs: 6 },
      tokens: { limit: 50000000, remaining: 49999993, resetMs: 0 }
    })
  })

  it("the recorded OpenRouter 429 (reset in epoch ms)", () => {
    const [, limited] = Recordings.loadHttprr("openai-compatible/langchaingo.TestOpenRouterStreaming.httprr")
    const limits = OpenAiRateLimits.parse(limited!.response.headers, 1754667634000)
    assert.deepStrictEqual(limits, { requests: { limit: 1, remaining: 0, resetMs: 26_000 } })
    assert.strictEqual(OpenAiRateLimits.exhaustedResetMs(limits), 26_000)
    assert.deepStrictEqual(OpenAiRateLimits.parse(limited!.response.headers, undefined), {
      requests: { limit: 1, remaining: 0 }
    })
  })
})
