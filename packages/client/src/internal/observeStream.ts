/**
 * One `Stream` stage doing the work of four (`mapError`, `mapChunks`, `tapError`, `onEnd`): the
 * client watches every stream it hands out, and each stage of a stream costs a channel step per
 * network read and a set-up per stream.
 */
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Chunk from "effect/Chunk"
import * as Stream from "effect/Stream"

export interface Hooks<A, E, E2> {
  /** Sees every chunk on its way out. */
  readonly chunk: (chunk: Chunk.Chunk<A>) => void
  /** Maps (and may remember) a failure. */
  readonly failure: (error: E) => E2
  /** The upstream ended by itself; not called when the consumer stops early or on failure. */
  readonly end: () => void
}

export const observe = <A, E, E2, R>(self: Stream.Stream<A, E, R>, hooks: Hooks<A, E, E2>): Stream.Stream<A, E2, R> => {
  const loop: Channel.Channel<Chunk.Chunk<A>, Chunk.Chunk<A>, E2, E, unknown, unknown> = Channel.readWithCause({
    onInput: (chunk: Chunk.Chunk<A>) => {
      hooks.chunk(chunk)
      return Channel.flatMap(Channel.write(chunk), () => loop)
    },
    onFailure: (cause: Cause.Cause<E>) => Channel.failCause(Cause.map(cause, hooks.failure)),
    onDone: () => {
      hooks.end()
      return Channel.void
    }
  })
  return Stream.fromChannel(Channel.pipeTo(Stream.toChannel(self), loop))
}
