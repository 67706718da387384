import * as Logging from "@aiu/observability/Logging"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"

const key = "sk-proj-" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

describe("Logging", () => {
  it.effect("masks Redacted values, secret fields, key shapes and known secrets", () => {
    const lines: Array<string> = []
    return Effect.gen(function* () {
      yield* Effect.logInfo(`calling with ${key}`, {
        apiKey: "plain-value-123",
        nested: { authorization: "Bearer abcdefghijk" }
      })
      yield* Effect.logWarning("url", "https://x.test/v1?key=abc123secret&x=1").pipe(
        Effect.annotateLogs({ secret: Redacted.make("zz-custom-secret-zz"), header: `Bearer ${key}` })
      )
      yield* Effect.logError("custom zz-known-secret-zz appears")
    }).pipe(
      Effect.provide(Logging.layerCapture(lines, { secrets: ["zz-known-secret-zz"] })),
      Effect.tap(() => {
        assert.strictEqual(lines.length, 3)
        const all = lines.join("\n")
        for (const secret of [
          key,
          "plain-value-123",
          "abcdefghijk",
          "abc123secret",
          "zz-custom-secret-zz",
          "zz-known-secret-zz"
        ]) {
          assert.notInclude(all, secret)
        }
        assert.include(all, "<redacted>")
        const first = JSON.parse(lines[0]!) as { message: Array<unknown>; logLevel: string }
        assert.strictEqual(first.logLevel, "INFO")
        assert.deepStrictEqual(first.message[1], { apiKey: "<redacted>", nested: { authorization: "<redacted>" } })
      })
    )
  })

  it.effect("respects the minimum level", () => {
    const lines: Array<string> = []
    return Effect.logDebug("hidden").pipe(
      Effect.zipRight(Effect.logInfo("shown")),
      Effect.provide(Logging.layerCapture(lines, { level: LogLevel.Info })),
      Effect.tap(() => {
        assert.strictEqual(lines.length, 1)
        assert.include(lines[0], "shown")
      })
    )
  })
})
