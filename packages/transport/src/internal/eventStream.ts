/**
 * A response body as a `Stream` of decoded events, pulled read by read. Each pull drains what the
 * socket buffered, decodes it whole and emits its events as one `Chunk`; a pull with no complete
 * event waits. While the consumer waits, one deadline watches it: no byte for `idle`, no real
 * event for `idle-event` (keep-alive comments move the first but not the second), or the call's
 * total deadline. A failure after the body started is final: nothing is retried or replayed.
 */
import type * as AiuError from "@aiu/core/AiuError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { BackendError, BodyReader } from "./backend.js"
import type { Deadlines, Timer } from "./deadlines.js"

/**
 * Thrown by a framer that decoded some events of a read before failing on a later one: the
 * events are delivered, then the stream fails.
 */
export class PartialFailure<A> {
  constructor(
    readonly events: ReadonlyArray<A>,
    readonly cause: unknown
  ) {}
}

export interface Framer<A> {
  readonly feed: (bytes: Uint8Array) => ReadonlyArray<A>
  readonly end: () => ReadonlyArray<A>
}

export interface Options<A> {
  readonly reader: BodyReader
  readonly framer: () => Framer<A>
  readonly deadlines: Deadlines
  readonly idleMs: number | undefined
  readonly idleEventMs: number | undefined
  readonly totalAt: number | undefined
  readonly timeout: (phase: "idle" | "idle-event" | "total") => AiuError.ProviderFailure
  readonly readError: (e: BackendError) => AiuError.ProviderFailure
  /** `e` is what the framer threw. */
  readonly decodeError: (e: unknown) => AiuError.ProviderFailure
  readonly close: () => void
}

type Pull<A> = Effect.Effect<Chunk.Chunk<A>, Option.Option<AiuError.ProviderFailure>>

export const make = <A>(o: Options<A>): Stream.Stream<A, AiuError.ProviderFailure> =>
  Stream.suspend(() => {
    const { reader, deadlines } = o
    const framer = o.framer()
    let done = false
    let failure: AiuError.ProviderFailure | undefined
    const end: Pull<A> = Effect.fail(Option.none())

    const fail = (e: AiuError.ProviderFailure): Pull<A> => {
      failure = e
      o.close()
      return Effect.fail(Option.some(e))
    }

    /** What the next pull yields without waiting, or undefined when it must wait. */
    const step = (): Pull<A> | undefined => {
      if (failure !== undefined) return Effect.fail(Option.some(failure))
      if (done) return end
      for (;;) {
        const bytes = reader.read()
        if (bytes === null) break
        lastByteAt = deadlines.now()
        let events: ReadonlyArray<A>
        try {
          events = framer.feed(bytes)
        } catch (e) {
          if (e instanceof PartialFailure && e.events.length > 0) {
            failure = o.decodeError(e.cause)
            o.close()
            return Effect.succeed(Chunk.unsafeFromArray(e.events as ReadonlyArray<A>))
          }
          return fail(o.decodeError(e instanceof PartialFailure ? e.cause : e))
        }
        if (events.length > 0) return Effect.succeed(Chunk.unsafeFromArray(events))
      }
      const failed = reader.failed()
      if (failed !== undefined) return fail(o.readError(failed))
      if (reader.ended()) {
        done = true
        let events: ReadonlyArray<A>
        try {
          events = framer.end()
        } catch (e) {
          return fail(o.decodeError(e))
        }
        return events.length > 0 ? Effect.succeed(Chunk.unsafeFromArray(events)) : end
      }
      return undefined
    }

    let lastByteAt = 0
    const nextDeadline = (waitStart: number): { at: number; phase: "idle" | "idle-event" | "total" } | undefined => {
      let at = Number.POSITIVE_INFINITY
      let phase: "idle" | "idle-event" | "total" = "idle"
      if (o.idleMs !== undefined && Math.max(waitStart, lastByteAt) + o.idleMs < at) {
        at = Math.max(waitStart, lastByteAt) + o.idleMs
        phase = "idle"
      }
      if (o.idleEventMs !== undefined && waitStart + o.idleEventMs < at) {
        at = waitStart + o.idleEventMs
        phase = "idle-event"
      }
      if (o.totalAt !== undefined && o.totalAt < at) {
        at = o.totalAt
        phase = "total"
      }
      return at === Number.POSITIVE_INFINITY ? undefined : { at, phase }
    }

    // The waiting state lives here, per stream, not per pull: a stream waits once per network
    // read, and with hundreds of streams open whatever a wait allocates outlives a young-GC cycle
    // and is promoted. So a wait allocates nothing of its own, and the deadline timer is re-armed
    // only when it fires (deadlines only move later: a timer armed for an earlier wait fires
    // early, sees the wait's real deadline and re-arms for it).
    let resumeWait: ((r: Pull<A>) => void) | undefined
    let waitStart = 0
    let timer: Timer | undefined

    const settle = (r: Pull<A>) => {
      const resume = resumeWait
      resumeWait = undefined
      resume?.(r)
    }
    const armFor = (d: { at: number }) => {
      timer = deadlines.at(d.at, onDeadline)
    }
    const onDeadline = () => {
      timer = undefined
      if (resumeWait === undefined) return // not waiting: the next wait arms again
      const d = nextDeadline(waitStart)
      if (d === undefined) return
      // Keep-alive bytes, or a later wait, may have moved the deadline since this was armed.
      if (d.at > deadlines.now()) return armFor(d)
      settle(fail(o.timeout(d.phase)))
    }
    const wake = () => {
      if (resumeWait === undefined) return
      const r = step()
      if (r !== undefined) settle(r)
      else reader.wait(wake)
    }
    const stopWaiting = Effect.sync(() => {
      resumeWait = undefined
    })
    const wait: Pull<A> = Effect.async<Chunk.Chunk<A>, Option.Option<AiuError.ProviderFailure>>((resume) => {
      waitStart = deadlines.now()
      resumeWait = resume
      if (timer === undefined) {
        const d = nextDeadline(waitStart)
        if (d !== undefined) armFor(d)
      }
      reader.wait(wake)
      return stopWaiting
    })

    const pull: Pull<A> = Effect.suspend(() => step() ?? wait)
    const release = Effect.sync(() => {
      resumeWait = undefined
      if (timer !== undefined) deadlines.cancel(timer)
      timer = undefined
      o.close()
    })
    return Stream.repeatEffectChunkOption(pull).pipe(Stream.ensuring(release))
  })
