import * as AsyncIterable from "@aiu/client/AsyncIterable"
import { RateLimited } from "@aiu/core/AiuError"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"

const runtime = Runtime.defaultRuntime

const collect = async <A>(iterable: AsyncIterable<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for await (const a of iterable) out.push(a)
  return out
}

/** Settles once the promise settles or after `ms`, saying which. */
const within = <A>(p: Promise<A>, ms: number): Promise<"settled" | "pending"> =>
  Promise.race([
    p.then(
      () => "settled" as const,
      () => "settled" as const
    ),
    new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), ms))
  ])

describe("AsyncIterable.toAsyncIterable", () => {
  it("yields every element in order, across chunks of any size, empty ones included", async () => {
    const stream = Stream.fromChunks(Chunk.make(1, 2, 3), Chunk.empty(), Chunk.make(4), Chunk.make(5, 6))
    assert.deepStrictEqual(await collect(AsyncIterable.toAsyncIterable(stream, runtime)), [1, 2, 3, 4, 5, 6])
  })

  it("does not run the stream before the first next()", async () => {
    let ran = false
    const iterable = AsyncIterable.toAsyncIterable(Stream.fromEffect(Effect.sync(() => (ran = true))), runtime)
    const iterator = iterable[Symbol.asyncIterator]()
    await new Promise((r) => setTimeout(r, 10))
    assert.isFalse(ran)
    assert.deepStrictEqual(await iterator.next(), { done: false, value: true })
  })

  it("rejects with the stream's failure itself, after the elements before it", async () => {
    const error = new RateLimited({ provider: "openai", message: "slow down" })
    const seen: Array<number> = []
    const failure = await (async () => {
      for await (const n of AsyncIterable.toAsyncIterable(
        Stream.concat(Stream.make(1, 2), Stream.fail(error)),
        runtime
      ))
        seen.push(n)
    })().catch((e: unknown) => e)
    assert.deepStrictEqual(seen, [1, 2])
    assert.strictEqual(failure, error)
  })

  it("runs the stream's finalizers (scoped resources included) before reporting its end or failure", async () => {
    const error = new RateLimited({ provider: "openai", message: "slow down" })
    const events: Array<string> = []
    const scoped = (tail: Stream.Stream<number, RateLimited>) =>
      Stream.unwrapScoped(
        Effect.as(
          Effect.acquireRelease(Effect.void, () => Effect.sync(() => events.push("released"))),
          Stream.concat(Stream.make(1), tail)
        )
      ).pipe(Stream.ensuring(Effect.sync(() => events.push("ensuring"))))
    await collect(AsyncIterable.toAsyncIterable(scoped(Stream.empty), runtime))
    events.push("done")
    const failure = await collect(AsyncIterable.toAsyncIterable(scoped(Stream.fail(error)), runtime)).catch(
      (e: unknown) => e
    )
    events.push("failed")
    assert.strictEqual(failure, error)
    assert.deepStrictEqual(events, ["released", "ensuring", "done", "released", "ensuring", "failed"])
  })

  it("rejects with the defect when the stream dies", async () => {
    const boom = new Error("boom")
    const failure = await collect(AsyncIterable.toAsyncIterable(Stream.die(boom), runtime)).catch((e: unknown) => e)
    assert.strictEqual(failure, boom)
  })

  it("holds the producer back: one chunk in flight while the consumer does not read", async () => {
    let pulled = 0
    const stream = Stream.range(1, 100).pipe(
      Stream.rechunk(1),
      Stream.tap(() => Effect.sync(() => pulled++))
    )
    const iterator = AsyncIterable.toAsyncIterable(stream, runtime)[Symbol.asyncIterator]()
    assert.deepStrictEqual(await iterator.next(), { done: false, value: 1 })
    await new Promise((r) => setTimeout(r, 20))
    assert.isAtMost(pulled, 2, `pulled ${pulled} elements while the consumer had taken one`)
    assert.deepStrictEqual(await iterator.next(), { done: false, value: 2 })
    await iterator.return!()
  })

  it("breaking out of the loop interrupts the stream and runs its finalizers before the loop exits", async () => {
    let finalized = false
    const stream = Stream.concat(Stream.make(1, 2), Stream.never).pipe(
      Stream.ensuring(Effect.sync(() => (finalized = true)))
    )
    for await (const n of AsyncIterable.toAsyncIterable(stream, runtime)) if (n === 2) break
    assert.isTrue(finalized)
  })

  it("answers done after return(), without running the stream if it had not started", async () => {
    let ran = false
    const iterable = AsyncIterable.toAsyncIterable(
      Stream.concat(Stream.make(1, 2), Stream.fromEffect(Effect.sync(() => (ran = true)))),
      runtime
    )
    const started = iterable[Symbol.asyncIterator]()
    assert.deepStrictEqual(await started.next(), { done: false, value: 1 })
    await started.return!()
    assert.deepStrictEqual(await started.next(), { done: true, value: undefined })
    const unstarted = iterable[Symbol.asyncIterator]()
    await unstarted.return!()
    assert.deepStrictEqual(await unstarted.next(), { done: true, value: undefined })
    assert.isFalse(ran)
  })

  it("an abort while waiting rejects with the signal's reason and runs the finalizers", async () => {
    let finalized = false
    const controller = new AbortController()
    const stream = Stream.concat(Stream.make(1), Stream.never).pipe(
      Stream.ensuring(Effect.sync(() => (finalized = true)))
    )
    const iterator = AsyncIterable.toAsyncIterable(stream, runtime, { signal: controller.signal })[
      Symbol.asyncIterator
    ]()
    assert.deepStrictEqual(await iterator.next(), { done: false, value: 1 })
    const waiting = iterator.next()
    assert.strictEqual(await within(waiting, 20), "pending")
    const reason = new Error("user cancelled")
    controller.abort(reason)
    assert.strictEqual(await waiting.catch((e: unknown) => e), reason)
    assert.isTrue(finalized)
    assert.strictEqual(await iterator.next().catch((e: unknown) => e), reason, "stays aborted")
  })

  it("an already aborted signal rejects at once without running the stream", async () => {
    let ran = false
    const controller = new AbortController()
    controller.abort()
    const failure = await collect(
      AsyncIterable.toAsyncIterable(Stream.fromEffect(Effect.sync(() => (ran = true))), runtime, {
        signal: controller.signal
      })
    ).catch((e: unknown) => e)
    assert.instanceOf(failure, Error)
    assert.strictEqual((failure as Error).name, "AbortError")
    assert.isFalse(ran)
  })

  it("ends after the last element with done, and keeps answering done", async () => {
    const iterator = AsyncIterable.toAsyncIterable(Stream.make("a"), runtime)[Symbol.asyncIterator]()
    assert.deepStrictEqual(await iterator.next(), { done: false, value: "a" })
    assert.deepStrictEqual(await iterator.next(), { done: true, value: undefined })
    assert.deepStrictEqual(await iterator.next(), { done: true, value: undefined })
  })
})
