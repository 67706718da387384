/**
 * Driving `TestClock` while real loopback I/O happens: the HTTP exchange runs in real time, the
 * transport's waits (backoff, deadlines, rate-limit holds) on the virtual clock. Shared by the
 * transport's and the adapters' tests.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

/**
 * A real pause, letting sockets make progress.
 * @since 0.1.0
 * @category testing
 */
export const realPause = (ms = 5) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/**
 * Polls (in real time) until `check` holds; fails the test after ~5 s.
 * @since 0.1.0
 * @category testing
 */
export const eventually = (check: () => boolean, what = "condition") =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      if (check()) return
      yield* realPause(5)
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

/**
 * Waits (in real time) until a sleep ends exactly `ms` from now on the virtual clock.
 * @since 0.1.0
 * @category testing
 */
export const awaitSleep = (ms: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      const now = yield* TestClock.currentTimeMillis
      const sleeps = yield* TestClock.sleeps()
      if (Chunk.some(sleeps, (t) => t === now + ms)) return
      yield* realPause(5)
    }
    return yield* Effect.dieMessage(`no sleep of ${ms} ms was scheduled`)
  })

/**
 * Forks `effect`, which is expected to wait `ms` on the virtual clock before it goes on: waits for
 * that sleep, moves the clock to 1 ms short of it, runs `justBefore` (where a test checks that
 * nothing happened yet), then lets the last millisecond pass and returns the effect's result.
 * @since 0.1.0
 * @category testing
 */
export const heldFor = <A, E, R, B>(
  effect: Effect.Effect<A, E, R>,
  ms: number,
  justBefore: Effect.Effect<B>
): Effect.Effect<A, E, R> =>
  Effect.gen(function* () {
    const held = yield* Effect.fork(effect)
    yield* awaitSleep(ms)
    yield* TestClock.adjust(ms - 1)
    yield* realPause(30)
    yield* justBefore
    yield* TestClock.adjust(1)
    return yield* Fiber.join(held)
  })

/**
 * Runs `effect` to its exit, advancing virtual time by `stepMs` while it is still running.
 * @since 0.1.0
 * @category testing
 */
export const drive = <A, E>(effect: Effect.Effect<A, E>, stepMs = 100, maxSteps = 2000) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < maxSteps; i++) {
      yield* realPause(2)
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust(stepMs)
    }
    return yield* Fiber.await(fiber)
  })

/**
 * The failure of an exit (or a test failure if it succeeded).
 * @since 0.1.0
 * @category testing
 */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/**
 * The `attempts` an error carries, if it is of a kind that carries it.
 * @since 0.1.0
 * @category testing
 */
export const attemptsOf = (error: object): number | undefined =>
  "attempts" in error && typeof error.attempts === "number" ? error.attempts : undefined
