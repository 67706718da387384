import * as ScopedStream from "@aiu/core/ScopedStream"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** A stream opened in a scope, with a log of when its resource opens and closes and how. */
const opened = (inner: Stream.Stream<number, string>, open: Effect.Effect<void, string> = Effect.void) => {
  const log: Array<string> = []
  const stream = ScopedStream.unwrapScoped(
    Effect.gen(function* () {
      yield* Effect.acquireRelease(
        Effect.sync(() => log.push("open")),
        (_, exit) => Effect.sync(() => log.push(Exit.isSuccess(exit) ? "close" : "close after failure"))
      )
      yield* open
      return inner.pipe(Stream.ensuring(Effect.sync(() => log.push("inner done"))))
    })
  )
  return { log, stream }
}

describe("ScopedStream.unwrapScoped", () => {
  it.effect("runs the opened stream, then closes the scope after the stream's own finalizers", () =>
    Effect.gen(function* () {
      const { log, stream } = opened(Stream.make(1, 2, 3))
      assert.deepStrictEqual(log, [], "nothing opens before the stream runs")
      const out = yield* Stream.runCollect(stream)
      assert.deepStrictEqual(Chunk.toReadonlyArray(out), [1, 2, 3])
      assert.deepStrictEqual(log, ["open", "inner done", "close"])
    })
  )

  it.effect("closes the scope when the stream fails, with the failure", () =>
    Effect.gen(function* () {
      const { log, stream } = opened(Stream.concat(Stream.make(1), Stream.fail("broken")))
      const error = yield* Effect.flip(Stream.runCollect(stream))
      assert.strictEqual(error, "broken")
      assert.deepStrictEqual(log, ["open", "inner done", "close after failure"])
    })
  )

  it.effect("closes the scope when opening fails, and fails with that error", () =>
    Effect.gen(function* () {
      const { log, stream } = opened(Stream.make(1), Effect.fail("refused"))
      const error = yield* Effect.flip(Stream.runCollect(stream))
      assert.strictEqual(error, "refused")
      assert.deepStrictEqual(log, ["open", "close after failure"])
    })
  )

  it.effect("closes the scope when the consumer stops early", () =>
    Effect.gen(function* () {
      const { log, stream } = opened(Stream.iterate(0, (n) => n + 1))
      const out = yield* Stream.runCollect(Stream.take(stream, 2))
      assert.deepStrictEqual(Chunk.toReadonlyArray(out), [0, 1])
      assert.deepStrictEqual(log, ["open", "inner done", "close"])
    })
  )

  it.effect("closes the scope when the consumer is interrupted while the stream waits", () =>
    Effect.gen(function* () {
      const waiting = yield* Deferred.make<void>()
      const { log, stream } = opened(
        Stream.concat(
          Stream.make(1),
          Stream.fromEffect(Effect.zipRight(Deferred.succeed(waiting, undefined), Effect.never))
        )
      )
      const fiber = yield* Effect.fork(Stream.runDrain(stream))
      yield* Deferred.await(waiting)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(log, ["open", "inner done", "close after failure"])
    })
  )

  it.effect("closes the scope when the consumer is interrupted while opening", () =>
    Effect.gen(function* () {
      const opening = yield* Deferred.make<void>()
      const { log, stream } = opened(
        Stream.make(1),
        Effect.zipRight(Deferred.succeed(opening, undefined), Effect.never)
      )
      const fiber = yield* Effect.fork(Stream.runDrain(stream))
      yield* Deferred.await(opening)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(log, ["open", "close after failure"])
    })
  )
})

describe("ScopedStream.unwrapScopedWith", () => {
  it.effect("hands the scope to the opening: what is added to it closes with the stream, with its exit", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      const make = (inner: Stream.Stream<number, string>) =>
        ScopedStream.unwrapScopedWith((scope) =>
          Effect.as(
            Scope.addFinalizerExit(scope, (exit) =>
              Effect.sync(() => log.push(Exit.isSuccess(exit) ? "close" : "close after failure"))
            ),
            inner.pipe(Stream.ensuring(Effect.sync(() => log.push("inner done"))))
          )
        )
      const out = yield* Stream.runCollect(make(Stream.make(1, 2)))
      assert.deepStrictEqual(Chunk.toReadonlyArray(out), [1, 2])
      assert.deepStrictEqual(log, ["inner done", "close"])
      log.length = 0
      assert.strictEqual(yield* Effect.flip(Stream.runCollect(make(Stream.fail("broken")))), "broken")
      assert.deepStrictEqual(log, ["inner done", "close after failure"])
    })
  )
})
