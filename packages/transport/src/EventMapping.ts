/**
 * Turning a provider's decoded stream events into `StreamChunk`s with a stateful mapper, one
 * network read at a time (one `Chunk` out per read, no effect per event). When the mapper reports
 * an in-band failure, what it produced before it is delivered first and the failure follows; the
 * mapper's `end` flushes what it still holds (or fails) when the events end.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * @since 0.1.0
 * @category models
 */
export interface Mapper<In, Out, E> {
  /** Appends the chunks for one event to `out`; returns a failure to end the stream with. */
  readonly event: (event: In, out: Array<Out>) => E | undefined
  /** Appends what is left when the events end; returns a failure for a stream cut short. */
  readonly end: (out: Array<Out>) => E | undefined
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const mapEvents = <In, Out, E, E2, R>(
  events: Stream.Stream<In, E2, R>,
  mapper: Mapper<In, Out, E>
): Stream.Stream<Out, E | E2, R> => {
  const mapped = Stream.mapChunksEffect(events, (chunk): Effect.Effect<Chunk.Chunk<Out>, E> => {
    const out: Array<Out> = []
    for (const event of chunk) {
      const failure = mapper.event(event, out)
      // Deliver what came before the failure; the next pull (or the end) fails.
      if (failure !== undefined)
        return out.length > 0 ? Effect.succeed(Chunk.unsafeFromArray(out)) : Effect.fail(failure)
    }
    return Effect.succeed(Chunk.unsafeFromArray(out))
  })
  const end = Stream.suspend(() => {
    const out: Array<Out> = []
    const failure = mapper.end(out)
    return failure !== undefined ? Stream.fail(failure) : Stream.fromIterable(out)
  })
  return Stream.concat(mapped, end)
}
