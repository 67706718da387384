import * as AdapterSettings from "@aiu/core/AdapterSettings"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const Settings = Schema.Struct({ batchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 96))) })
const Options = Schema.Struct({ safe_prompt: Schema.optional(Schema.Boolean) })

describe("AdapterSettings", () => {
  const decodeSettings = AdapterSettings.settingsDecoder(Settings, "Example")
  const decodeOptions = AdapterSettings.providerOptionsDecoder(Options, "example")

  it.effect("a bad or unknown setting is a ConfigError naming the field", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* decodeSettings("ex", { batchSize: 10 }), { batchSize: 10 })
      assert.deepStrictEqual(yield* decodeSettings("ex", undefined), {})
      const bad = yield* Effect.flip(decodeSettings("ex", { batchSize: 500 }))
      assert.strictEqual(bad.key, "settings.batchSize")
      assert.match(bad.message, /^ex: invalid Example setting settings\.batchSize/)
      const typo = yield* Effect.flip(decodeSettings("ex", { batchsize: 10 }))
      assert.strictEqual(typo.key, "settings.batchsize")
    })
  )

  it("a bad provider option is an InvalidRequest with the full param path", () => {
    assert.deepStrictEqual(decodeOptions("ex", { safe_prompt: true }), Either.right({ safe_prompt: true }))
    const bad = decodeOptions("ex", { safe_prompt: "yes" })
    assert.isTrue(Either.isLeft(bad))
    if (Either.isLeft(bad)) {
      assert.strictEqual(bad.left.param, "providerOptions.example.safe_prompt")
      assert.strictEqual(bad.left.provider, "ex")
    }
  })
})
