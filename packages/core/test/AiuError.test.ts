import * as AiuError from "@aiu/core/AiuError"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

describe("AiuError", () => {
  it("retryability is decided where the error is built", () => {
    assert.isTrue(new AiuError.RateLimited({ message: "m" }).retryable)
    assert.isFalse(new AiuError.QuotaExceeded({ message: "m" }).retryable)
    assert.isTrue(new AiuError.ProviderError({ message: "m", status: 502 }).retryable)
    assert.isFalse(new AiuError.ProviderError({ message: "m", status: 501, transient: false }).retryable)
    assert.isFalse(new AiuError.ProviderOverloaded({ message: "m", shortCircuited: true }).retryable)
    assert.isTrue(new AiuError.Timeout({ message: "m", phase: "connect" }).retryable)
    assert.isFalse(new AiuError.Timeout({ message: "m", phase: "idle" }).retryable)
    assert.isFalse(new AiuError.StreamInterrupted({ message: "m" }).retryable)
  })

  it("every error is recognised, tagged and schema-encodable through the union", () => {
    const error = new AiuError.RateLimited({
      message: "slow down",
      provider: "openai",
      retryAfter: Duration.seconds(2),
      attempts: 3
    })
    assert.isTrue(AiuError.isAiuError(error))
    assert.isFalse(AiuError.isAiuError(new Error("x")))
    const encoded = Schema.encodeSync(AiuError.AiuError)(error)
    assert.deepStrictEqual(encoded, {
      _tag: "RateLimited",
      message: "slow down",
      provider: "openai",
      retryAfter: 2000,
      attempts: 3
    })
    const decoded = Schema.decodeUnknownSync(AiuError.AiuError)(encoded)
    assert.strictEqual(decoded._tag, "RateLimited")
    assert.strictEqual(AiuError.format(decoded), "RateLimited: slow down")
    assert.strictEqual(Duration.toMillis(AiuError.retryAfter(decoded)!), 2000)
  })

  it.effect("errors are yieldable and caught by tag", () =>
    Effect.gen(function* () {
      const result = yield* new AiuError.KeyNotFound({ message: "no key", provider: "openai" }).pipe(
        Effect.catchTag("KeyNotFound", (e) => Effect.succeed(e.provider))
      )
      assert.strictEqual(result, "openai")
    })
  )
})
