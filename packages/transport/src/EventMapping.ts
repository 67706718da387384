/**
 * Turning a provider's decoded stream events into `StreamChunk`s with a stateful mapper, one
 * network read at a time (one `Chunk` out per read, no effect per event). When the mapper reports
 * an in-band failure, what it produced before it is delivered first and the failure follows; the
 * mapper's `end` flushes what it still holds (or fails) when the events end, or as soon as `done`
 * says the last event was seen (nothing further is read: a server that keeps the connection open
 * after its end marker does not hold the stream).
 *
 * The transport runs a mapper inside its own read loop (`HttpTransport.mapEvents`); `mapEvents`
 * here is the same over any `Stream` of events.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
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
  /** True once the mapper has seen the stream's last event (e.g. `data: [DONE]`). */
  readonly done?: () => boolean
}

/**
 * The two in-band failures a provider's stream mapper reports, named for the provider and
 * carrying the response's request id: the stream ended early or out of order
 * (`StreamInterrupted`), an event that does not decode (`ResponseDecodeError`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const streamFailures = (
  provider: string,
  requestId: string | undefined
): {
  readonly interrupted: (what: string) => AiuError.ProviderFailure
  readonly decode: (what: string) => AiuError.ProviderFailure
} => {
  const withId = requestId !== undefined ? { requestId } : {}
  return {
    interrupted: (what) =>
      new AiuError.StreamInterrupted({ message: `${provider} chatStream: ${what}`, provider, ...withId }),
    decode: (what) =>
      new AiuError.ResponseDecodeError({ message: `${provider} chatStream: ${what}`, provider, ...withId })
  }
}

/**
 * `mapper`, with `onOut` shown each output as it is made, in order, before it goes out: a caller
 * that watches every chunk (the `Aiu` client's usage and time to first token) does it inside the
 * read loop instead of in a stream stage of its own, which costs a channel step per read.
 *
 * @since 0.1.0
 * @category combinators
 */
export const watched = <In, Out, E>(
  mapper: Mapper<In, Out, E>,
  onOut: ((out: Out) => void) | undefined
): Mapper<In, Out, E> => {
  if (onOut === undefined) return mapper
  const show = (out: Array<Out>, from: number, failure: E | undefined) => {
    for (let i = from; i < out.length; i++) onOut(out[i]!)
    return failure
  }
  return {
    event: (event, out) => {
      const from = out.length
      return show(out, from, mapper.event(event, out))
    },
    end: (out) => {
      const from = out.length
      return show(out, from, mapper.end(out))
    },
    ...(mapper.done !== undefined ? { done: mapper.done } : {})
  }
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const mapEvents = <In, Out, E, E2, R>(
  events: Stream.Stream<In, E2, R>,
  mapper: Mapper<In, Out, E>
): Stream.Stream<Out, E | E2, R> =>
  Stream.suspend(() => {
    let finished = false // `end` has run
    let failed: E | undefined
    const mapped = Stream.mapChunksEffect(events, (chunk): Effect.Effect<Chunk.Chunk<Out>, E> => {
      if (failed !== undefined) return Effect.fail(failed)
      const out: Array<Out> = []
      for (const event of chunk) {
        failed = mapper.event(event, out)
        if (failed !== undefined) break
        if (mapper.done?.() === true) {
          finished = true
          failed = mapper.end(out)
          break
        }
      }
      // Deliver what came before the failure; the next pull (or the end) fails.
      if (failed !== undefined && out.length === 0) return Effect.fail(failed)
      return Effect.succeed(Chunk.unsafeFromArray(out))
    })
    const rest = Stream.suspend(() => {
      if (failed !== undefined) return Stream.fail(failed)
      if (finished) return Stream.empty
      const out: Array<Out> = []
      const failure = mapper.end(out)
      return failure !== undefined
        ? Stream.concat(Stream.fromIterable(out), Stream.fail(failure))
        : Stream.fromIterable(out)
    })
    const bounded =
      mapper.done === undefined
        ? mapped
        : // no further read once the mapper has seen the last event (or failed)
          mapped.pipe(
            Stream.chunks,
            Stream.takeUntil(() => finished || failed !== undefined),
            Stream.flattenChunks
          )
    return Stream.concat(bounded, rest)
  })
