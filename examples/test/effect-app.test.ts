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
      assert.strictEqual(result.pulled.length, 3)
      assert.deepStrictEqual(
        result.pulled.map((text) => text.slice(text.indexOf("You said: "))),
        ["You said: one", "You said: two", "You said: three"]
      )
      const requests = Object.fromEntries(result.byModel.map((r) => [`${r.provider}:${r.model}`, r.requests]))
      // The chat, and the four streams on the "fast" alias: each has its usage row.
      assert.deepStrictEqual(requests, { "openai:gpt-4o": 1, "openai:gpt-4o-mini": 4 })
      for (const row of result.byModel) assert.isAbove(row.costUsd, 0)
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger)))
  )
})
