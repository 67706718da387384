import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { main } from "../src/effect-app.js"

describe("example 1: Effect layers", () => {
  it.live("runs the program against the fake provider over loopback, with SQLite usage and costs", () =>
    Effect.gen(function* () {
      const result = yield* main
      assert.include(result.answer, "You said: What is aiu?")
      assert.include(result.streamed, "You said: Count to three")
      const models = result.byModel.map((r) => `${r.provider}:${r.model}`).sort()
      assert.deepStrictEqual(models, ["openai:gpt-4o", "openai:gpt-4o-mini"])
      for (const row of result.byModel) {
        assert.strictEqual(row.requests, 1)
        assert.isAbove(row.costUsd, 0)
      }
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger)))
  )
})
