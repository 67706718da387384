/**
 * A response body as a `Stream` of decoded events, pulled read by read. Each pull drains what the
 * socket buffered, decodes it whole and emits its events as one `Chunk`; a pull with no complete
 * event waits. A provider's event mapper can run inside the same pull (`mapper`): one `Stream`
 * stage for read, decode and map, where a separate mapping stage would cost a channel step per
 * read and a stage to set up per stream. While the consumer waits, one deadline watches it: no
 * byte for `idle`, no real event for `idle-event` (keep-alive comments move the first but not
 * the second), or the call's total deadline. A failure after the body started is final: nothing
 * is retried or replayed.
 */
import type * as AiuError from "@aiu/core/AiuError"
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Mapper } from "../EventMapping.js"
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

/** The end of the stream, as a pull's answer. */
const END: unique symbol = Symbol("End")
/** The stream failed: the failure is in the stream's `failure`. */
const FAILED: unique symbol = Symbol("Failed")

/**
 * What a pull yields without waiting: the next chunk, the end, or the failure. A pull that finds
 * one ready emits it in a channel step, with no effect run: a read that waited for the network
 * runs one (the wait), one that found the socket's bytes already buffered (a busy process, a fast
 * server) runs none. An effect that a channel runs goes up through every stage of the consumer's
 * pipeline (`Stream.runFold` has four), each wrapping it in its own handlers.
 */
type Ready<B> = Chunk.Chunk<B> | typeof END | typeof FAILED

export function make<A>(o: Options<A>): Stream.Stream<A, AiuError.ProviderFailure>
export function make<A, B, E>(o: Options<A>, mapper: Mapper<A, B, E>): Stream.Stream<B, E | AiuError.ProviderFailure>
export function make<A, B, E>(
  o: Options<A>,
  mapper?: Mapper<A, B, E>
): Stream.Stream<A | B, E | AiuError.ProviderFailure> {
  return Stream.suspend(() => {
    type F = E | AiuError.ProviderFailure
    const { reader, deadlines } = o
    const framer = o.framer()
    let done = false
    let failure: F | undefined

    const fail = (e: F): typeof FAILED => {
      failure = e
      o.close()
      return FAILED
    }

    /**
     * What one read's events become: themselves, or the mapper's output. A mapper failure is
     * stashed and follows what was mapped before it; a mapper that has seen its last event ends
     * the stream here (nothing more is read), flushing what it holds.
     */
    const emit = (events: ReadonlyArray<A>, last: boolean): Ready<A | B> | undefined => {
      if (mapper === undefined) {
        if (last) done = true
        return events.length > 0 ? Chunk.unsafeFromArray(events) : last ? END : undefined
      }
      const out: Array<B> = []
      let f: E | undefined
      for (const event of events) {
        f = mapper.event(event, out)
        if (f !== undefined) break
        if (mapper.done?.() === true) {
          last = true
          break
        }
      }
      if (f === undefined && last) {
        done = true
        f = mapper.end(out)
        if (f === undefined) o.close()
      }
      if (f !== undefined) {
        if (out.length === 0) return fail(f)
        failure = f
        o.close()
      }
      return out.length > 0 ? Chunk.unsafeFromArray(out) : last ? END : undefined
    }

    /** What the next pull yields without waiting, or undefined when it must wait. */
    const step = (): Ready<A | B> | undefined => {
      if (failure !== undefined) return FAILED
      if (done) return END
      for (;;) {
        const bytes = reader.read()
        if (bytes === null) break
        lastByteAt = deadlines.now()
        let events: ReadonlyArray<A>
        try {
          events = framer.feed(bytes)
        } catch (e) {
          if (e instanceof PartialFailure && e.events.length > 0) {
            // The events decoded before the bad one go out (mapped), then the decode failure.
            const decodeFailure = o.decodeError(e.cause)
            const r = emit(e.events as ReadonlyArray<A>, false)
            // A mapper failure came first; a mapper that has seen its last event never reads on.
            if (failure !== undefined || done) return r ?? END
            failure = decodeFailure
            o.close()
            return r ?? FAILED
          }
          return fail(o.decodeError(e instanceof PartialFailure ? e.cause : e))
        }
        const r = emit(events, false)
        if (r !== undefined) return r
      }
      const failed = reader.failed()
      if (failed !== undefined) return fail(o.readError(failed))
      if (reader.ended()) {
        let events: ReadonlyArray<A>
        try {
          events = framer.end()
        } catch (e) {
          done = true
          return fail(o.decodeError(e))
        }
        return emit(events, true)
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
    //
    // A wait has no canceler: `Effect.async` with one wraps the wait in `onInterrupt` (about
    // seven run-loop steps per read, and their closures live as long as the wait: measured, a
    // third of a read's steps). Without one, an interrupted wait leaves `resumeWait` pointing at
    // a resume Effect ignores, so what a wake hands it must not be lost: it is parked in
    // `pending`, and the resume takes it; if the resume was dead, the next pull does.
    // (Until then the dead wait's deadline still runs: silence from the provider past `idle`
    // fails the stream whether or not anyone is pulling.)
    let resumeWait: ((r: Effect.Effect<Ready<A | B> | undefined>) => void) | undefined
    let pending: Ready<A | B> | undefined
    let waitStart = 0
    let timer: Timer | undefined

    const take = (): Ready<A | B> | undefined => {
      const r = pending
      pending = undefined
      return r
    }
    const takePending = Effect.sync(take)
    const settle = (r: Ready<A | B>) => {
      const resume = resumeWait
      resumeWait = undefined
      pending = r
      resume?.(takePending)
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
    const wait = Effect.async<Ready<A | B> | undefined>((resume) => {
      // A consumer that interrupted a wait (a timeout on its pull) runs it again on its next pull:
      // what arrived meanwhile is parked, or still buffered, and goes out before anything newer.
      if (pending === undefined) pending = step()
      if (pending !== undefined) return resume(takePending)
      waitStart = deadlines.now()
      resumeWait = resume
      if (timer === undefined) {
        const d = nextDeadline(waitStart)
        if (d !== undefined) armFor(d)
      }
      reader.wait(wake)
    })

    const release = Effect.sync(() => {
      resumeWait = undefined
      pending = undefined
      if (timer !== undefined) deadlines.cancel(timer)
      timer = undefined
      o.close()
    })
    // The read loop as channels built once: per read it allocates a write and its continuation
    // (`Stream.repeatEffectChunkOption` builds a few channels and an Option per pull: measured,
    // ~3 KB and ~25% of the CPU of a bare stream's read), and runs an effect only to wait.
    type Loop = Channel.Channel<Chunk.Chunk<A | B>, unknown, F, unknown, void, unknown>
    const next = (): Loop => loop
    const handle = (r: Ready<A | B> | undefined): Loop =>
      r === undefined
        ? loop // a resume whose answer a later pull took: look again
        : r === END
          ? Channel.void
          : r === FAILED
            ? Channel.fail(failure!)
            : Channel.flatMap(Channel.write(r), next)
    const waitThenHandle: Loop = Channel.flatMap(Channel.fromEffect(wait), handle)
    const loop: Loop = Channel.suspend(() => {
      const r = take() ?? step()
      return r === undefined ? waitThenHandle : handle(r)
    })
    return Stream.fromChannel(Channel.ensuring(loop, release))
  })
}
