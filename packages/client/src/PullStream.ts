/**
 * Consuming a stream by pulling it, chunk by chunk, in the caller's fiber.
 *
 * `Stream.run*` (`runFold`, `runForEach`, `runCollect`, …) pipes the stream through channel
 * stages of its own — `pipeToOrFail`'s reader, the sink, its writer, a drain — and every chunk
 * through all of them, in a fiber it forks. With hundreds of chat streams open at once that is
 * most of their memory above raw `fetch` (root README, "Benchmarks": 500 streams,
 * `Stream.runFold` 1.37x `fetch`'s peak heap, pulled 1.01x–1.06x). `forEachChunk` runs the stream's
 * own channel in one executor (`Stream.toPull`) and hands each chunk to `f`, in a scope closed
 * when the stream ends, fails, or `f` fails: the stream's finalizers (a request in flight is
 * cancelled, its usage recorded) have run when the effect completes.
 *
 * @since 0.1.0
 */
import type * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * Runs `f` on each chunk of `stream` in order, one at a time: the next chunk is pulled once `f`'s
 * effect has completed. Fails with the stream's failure or `f`'s, whichever comes first.
 *
 * @since 0.1.0
 * @category consumers
 */
export const forEachChunk = <A, E, R, E2, R2>(
  stream: Stream.Stream<A, E, R>,
  f: (chunk: Chunk.Chunk<A>) => Effect.Effect<void, E2, R2>
): Effect.Effect<void, E | E2, R | R2> =>
  Effect.scoped(
    Effect.flatMap(Stream.toPull(stream), (pull) => {
      const loop: Effect.Effect<void, E | E2, R | R2> = Effect.matchEffect(pull, {
        // `None` is the end of the stream; `Some` carries its failure.
        onFailure: (e) => (e._tag === "None" ? Effect.void : Effect.fail(e.value)),
        onSuccess: (chunk) => Effect.zipRight(f(chunk), loop)
      })
      return loop
    })
  )
