import * as ModelId from "@aiu/core/ModelId"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

describe("ModelId", () => {
  it.effect("parses provider:model and splits at the first colon", () =>
    Effect.gen(function* () {
      const id = yield* ModelId.parse("openai:gpt-4o-mini")
      assert.deepStrictEqual(ModelId.parts(id), { provider: "openai", model: "gpt-4o-mini" })
      const ollama = yield* ModelId.parse("ollama:llama3.2:3b")
      assert.deepStrictEqual(ModelId.parts(ollama), { provider: "ollama", model: "llama3.2:3b" })
      const custom = yield* ModelId.parse("my-groq.eu_1:meta/llama-3.3-70b")
      assert.strictEqual(ModelId.parts(custom).provider, "my-groq.eu_1")
    })
  )

  it.effect("a bad id is an InvalidModelId that says what a good one looks like", () =>
    Effect.gen(function* () {
      for (const bad of ["gpt-4o-mini", "", "  ", ":gpt", "OpenAI:gpt", "openai:", "openai: gpt", "a b:c"]) {
        const error = yield* Effect.flip(ModelId.parse(bad))
        assert.strictEqual(error._tag, "InvalidModelId")
        assert.match(error.message, /provider:model/)
      }
    })
  )

  it("clips very long input in the message", () => {
    const long = "x".repeat(10_000)
    const result = ModelId.parseEither(long)
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) assert.isBelow(result.left.message.length, 300)
  })

  it("is a schema usable in other schemas", () => {
    const decode = Schema.decodeUnknownEither(ModelId.ModelId)
    assert.isTrue(Either.isRight(decode("anthropic:claude-sonnet-4-5")))
    assert.isTrue(Either.isLeft(decode("claude")))
    assert.isTrue(ModelId.isModelId("google:gemini-2.5-flash"))
    assert.isFalse(ModelId.isModelId(42))
  })
})
