import * as AiuEvents from "@aiu/client/AiuEvents"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"

const keySaved = (n: number) => AiuEvents.AiuEvent.KeySaved({ provider: "openai", alias: `a${n}` })

describe("AiuEvents", () => {
  it.scoped("delivers events to stream subscribers in order", () =>
    Effect.gen(function* () {
      const events = yield* AiuEvents.make()
      const sub = yield* events.subscribe
      yield* events.publish(keySaved(1))
      yield* events.publish(AiuEvents.AiuEvent.CircuitOpened({ provider: "openai" }))
      const got = Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(sub, 2)))
      assert.deepStrictEqual(
        got.map((e) => e._tag),
        ["KeySaved", "CircuitOpened"]
      )
    })
  )

  it.scoped("a full subscriber makes publishing drop and count, never wait", () =>
    Effect.gen(function* () {
      const events = yield* AiuEvents.make({ capacity: 4 })
      yield* events.subscribe // never read
      for (let i = 0; i < 10; i++) yield* events.publish(keySaved(i))
      assert.strictEqual(yield* events.dropped, 6)
    })
  )

  const logged: Array<string> = []
  it.live("on(event, handler) calls plain handlers for one tag or all, until unsubscribed", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const events = yield* AiuEvents.make()
        const tags: Array<string> = []
        const saved: Array<string> = []
        const done = yield* Deferred.make<void>()
        const offAll = events.on("*", (e) => {
          tags.push(e._tag)
          if (tags.length === 3) Effect.runFork(Deferred.succeed(done, undefined))
        })
        const offSaved = events.on("KeySaved", (e) => {
          saved.push(e.alias)
          throw new Error("handler bug is logged, not fatal")
        })
        yield* events.publish(keySaved(1))
        yield* events.publish(AiuEvents.AiuEvent.ModelsRefreshed({ provider: "openai", count: 3 }))
        yield* events.publish(keySaved(2))
        yield* Deferred.await(done)
        yield* Effect.sleep("20 millis")
        assert.deepStrictEqual(tags, ["KeySaved", "ModelsRefreshed", "KeySaved"])
        assert.deepStrictEqual(saved, ["a1", "a2"])
        offAll()
        offSaved()
        yield* Effect.sleep("20 millis")
        yield* events.publish(keySaved(3))
        yield* Effect.sleep("20 millis")
        assert.strictEqual(tags.length, 3)
        // The throwing handler was logged (here into `logged`, keeping the test output clean).
        assert.isTrue(logged.some((line) => line.includes("AiuEvents handler threw")))
      })
    ).pipe(
      Effect.provide(
        Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => {
            logged.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
          })
        )
      )
    )
  )
})
