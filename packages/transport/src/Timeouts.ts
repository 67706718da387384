/**
 * Limits per phase of an HTTP call. `connect` is enforced by the connection layer (undici's
 * connect timeout on Node); the others by the transport's own deadlines, which read the Effect
 * `Clock`, so `TestClock` drives them in tests:
 * - `firstByte`: from sending an attempt to its response headers;
 * - `idle`: the consumer waited this long and no byte arrived (default 300 s);
 * - `idleEvent`: the consumer waited this long and no real event arrived, keep-alive comments
 *   notwithstanding (default 600 s: reasoning models pause legitimately);
 * - `total`: the whole call, all attempts and waits together, including reading a stream.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { Timeouts } from "@aiu/core/CallOptions"
import * as Duration from "effect/Duration"

/**
 * Every limit in milliseconds; `undefined` means none.
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly connectMs: number | undefined
  readonly firstByteMs: number | undefined
  readonly idleMs: number | undefined
  readonly idleEventMs: number | undefined
  readonly totalMs: number | undefined
}

/**
 * connect 10 s, first byte 10 min (a non-streamed answer from a reasoning model arrives whole),
 * idle 300 s, idle-event 600 s, no total limit.
 * @since 0.1.0
 * @category constants
 */
export const defaults: Resolved = {
  connectMs: 10_000,
  firstByteMs: 600_000,
  idleMs: 300_000,
  idleEventMs: 600_000,
  totalMs: undefined
}

const ms = (d: Duration.DurationInput | undefined, fallback: number | undefined) => {
  if (d === undefined) return fallback
  const duration = Duration.decode(d)
  return Duration.isFinite(duration) ? Duration.toMillis(duration) : undefined
}

/**
 * Layers settings, later ones overriding earlier ones field by field (`Duration.infinity` turns a
 * limit off).
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (...layers: ReadonlyArray<Timeouts | undefined>): Resolved => {
  let out = defaults
  for (const t of layers) {
    if (t === undefined) continue
    out = {
      connectMs: ms(t.connect, out.connectMs),
      firstByteMs: ms(t.firstByte, out.firstByteMs),
      idleMs: ms(t.idle, out.idleMs),
      idleEventMs: ms(t.idleEvent, out.idleEventMs),
      totalMs: ms(t.total, out.totalMs)
    }
  }
  return out
}

const what: Record<AiuError.TimeoutPhase, string> = {
  connect: "could not connect",
  "first-byte": "no response",
  idle: "the stream was silent",
  "idle-event": "no event arrived (keep-alives only)",
  total: "the call did not complete"
}

/**
 * The message of a `Timeout` error for a phase.
 * @since 0.1.0
 * @category constructors
 */
export const describe = (phase: AiuError.TimeoutPhase, limitMs: number): string =>
  `${what[phase]} within ${Duration.format(Duration.millis(limitMs))} (${phase} timeout)`
