import * as PullStream from "@aiu/client/PullStream"
import { RateLimited } from "@aiu/core/AiuError"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** A stream of the chunks given, recording its resource's release and its end in `log`. */
const logged = <A, E>(log: Array<string>, stream: Stream.Stream<A, E>): Stream.Stream<A, E> =>
  Stream.unwrapScoped(
    Effect.as(
      Effect.acquireRelease(Effect.void, () => Effect.sync(() => log.push("released"))),
      stream
    )
  ).pipe(Stream.ensuring(Effect.sync(() => log.push("ensuring"))))

describe("PullStream.forEachChunk", () => {
  it.effect("hands every chunk to f in order, one at a time, then runs the stream's finalizers", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      yield* PullStream.forEachChunk(
        logged(log, Stream.fromChunks(Chunk.make(1, 2), Chunk.make(3), Chunk.make(4, 5, 6))),
        (chunk) =>
          Effect.gen(function* () {
            log.push(`start ${Chunk.join(Chunk.map(chunk, String), ",")}`)
            yield* Effect.yieldNow()
            log.push("end")
          })
      )
      log.push("done")
      assert.deepStrictEqual(log, [
        "start 1,2",
        "end",
        "start 3",
        "end",
        "start 4,5,6",
        "end",
        "released",
        "ensuring",
        "done"
      ])
    })
  )

  it.effect("fails with the stream's typed failure after the chunks before it, finalizers run", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      const failure = new RateLimited({ provider: "openai", message: "slow down" })
      const error = yield* Effect.flip(
        PullStream.forEachChunk(logged(log, Stream.concat(Stream.make("a", "b"), Stream.fail(failure))), (chunk) =>
          Effect.sync(() => log.push(...chunk))
        )
      )
      assert.strictEqual(error, failure)
      assert.deepStrictEqual(log, ["a", "b", "released", "ensuring"])
    })
  )

  it.effect("a failure of f stops the stream: nothing more is pulled, its finalizers run", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      let pulled = 0
      const stream = Stream.repeatEffect(Effect.sync(() => ++pulled))
      const error = yield* Effect.flip(
        PullStream.forEachChunk(logged(log, stream), (chunk) =>
          Chunk.unsafeHead(chunk) === 3 ? Effect.fail("enough" as const) : Effect.void
        )
      )
      assert.strictEqual(error, "enough")
      assert.strictEqual(pulled, 3)
      assert.deepStrictEqual(log, ["released", "ensuring"])
    })
  )
})
