import { Faults, FakeProviderServer } from "@aiu/testing"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { attemptsOf, drive, eventually, failureOf } from "@aiu/testing/TestClockDriver"
import { unacceptedPort } from "./utils/unaccepted.js"

const event = (data: string) => `data: ${data}\n\n`

const setup = Effect.gen(function* () {
  const server = yield* FakeProviderServer.make()
  const transport = yield* NodeHttpTransport.make({ circuitBreaker: false })
  const req = (path: string, options?: NodeHttpTransport.Options["timeouts"], retries = 0) => ({
    provider: "fake",
    operation: "chatStream",
    url: `${server.url}${path}`,
    body: {},
    options: { ...(options !== undefined ? { timeouts: options } : {}), retry: { maxRetries: retries } }
  })
  return { server, transport, req }
})

/** Runs `call` until the server has its request, interrupts it, and expects the server to see `path` aborted. */
const interruptedOnceSent = (
  server: Effect.Effect.Success<typeof setup>["server"],
  call: Effect.Effect<unknown, unknown>,
  path: string
) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(call)
    yield* eventually(() => server.requests.length === 1, "the request")
    yield* Fiber.interrupt(fiber)
    yield* Effect.promise(() => server.awaitAborted(1))
    assert.strictEqual(server.aborted[0]?.path, path)
  })

describe("timeouts", () => {
  it.live("connect: a host that never completes the handshake is Timeout(connect), retried, then given up", () =>
    Effect.gen(function* () {
      const { port } = yield* unacceptedPort
      const transport = yield* NodeHttpTransport.make({ circuitBreaker: false })
      const error = yield* Effect.flip(
        transport.request(
          {
            provider: "fake",
            operation: "chat",
            url: `http://127.0.0.1:${port}/v1/chat`,
            body: {},
            options: { timeouts: { connect: "200 millis" }, retry: { maxRetries: 1, baseDelay: "1 millis" } }
          },
          Schema.Unknown
        )
      )
      assert.strictEqual(error._tag, "Timeout")
      if (error._tag === "Timeout") assert.strictEqual(error.phase, "connect")
      assert.strictEqual(attemptsOf(error), 2)
      assert.include(error.message, "connect")
    }).pipe(Effect.scoped)
  )

  it.effect("first byte: no response headers in time is Timeout(first-byte), retried, and aborts the request", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/slow", { status: 200, body: "{}", delayMs: 60_000 })
      const error = failureOf(
        yield* drive(transport.request(req("/slow", { firstByte: "2 seconds" }, 1), Schema.Unknown), 500)
      )
      assert.strictEqual(error._tag, "Timeout")
      if (error._tag === "Timeout") assert.strictEqual(error.phase, "first-byte")
      assert.strictEqual(attemptsOf(error), 2)
      yield* Effect.promise(() => server.awaitAborted(2))
    }).pipe(Effect.scoped)
  )

  it.effect("idle: a stream silent after its headers fails with Timeout(idle) and keeps what it delivered", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/stall", Faults.stall([event("one"), event("two")]))
      const got: Array<string> = []
      const exit = yield* drive(
        Effect.scoped(
          Effect.flatMap(transport.sse(req("/stall", { idle: "30 seconds" })), (r) =>
            Stream.runForEach(r.events, (e) => Effect.sync(() => got.push(e.data)))
          )
        ),
        5_000
      )
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "Timeout")
      if (error._tag === "Timeout") assert.strictEqual(error.phase, "idle")
      assert.deepStrictEqual(got, ["one", "two"])
      assert.strictEqual(server.requests.length, 1)
      yield* Effect.promise(() => server.awaitAborted(1))
    }).pipe(Effect.scoped)
  )

  it.effect("idle-event: keep-alive comments alone do not keep a stream alive forever", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/ka", Faults.stall([event("one")], 5))
      const got: Array<string> = []
      const fiber = yield* Effect.fork(
        Effect.scoped(
          Effect.flatMap(transport.sse(req("/ka", { idle: "1 second", idleEvent: "10 seconds" })), (r) =>
            Stream.runForEach(r.events, (e) => Effect.sync(() => got.push(e.data)))
          )
        )
      )
      yield* eventually(() => got.length === 1, "the first event")
      // Keep-alives arrive (in real time) between every 500 ms step: the 1 s byte limit never trips.
      for (let i = 0; i < 19; i++) {
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 25)))
        yield* TestClock.adjust("500 millis")
        assert.isNull(fiber.unsafePoll(), `still open after ${(i + 1) * 500} ms`)
      }
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 25)))
      yield* TestClock.adjust("600 millis")
      const error = failureOf(yield* Fiber.await(fiber))
      assert.strictEqual(error._tag, "Timeout")
      if (error._tag === "Timeout") assert.strictEqual(error.phase, "idle-event")
      yield* Effect.promise(() => server.awaitAborted(1))
    }).pipe(Effect.scoped)
  )

  it.effect("total: one deadline covers the stream too", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/drip", { ...Faults.drip(event("a").repeat(1000), { bytes: 9, delayMs: 10 }) })
      const exit = yield* drive(
        Effect.scoped(
          Effect.flatMap(transport.sse(req("/drip", { total: "3 seconds" })), (r) => Stream.runDrain(r.events))
        ),
        100
      )
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "Timeout")
      if (error._tag === "Timeout") assert.strictEqual(error.phase, "total")
    }).pipe(Effect.scoped)
  )

  it.effect("interrupting a request aborts it: the server sees the socket close", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/hang", { status: 200, body: "{}", delayMs: 60_000 })
      yield* interruptedOnceSent(server, transport.request(req("/hang"), Schema.Unknown), "/hang")
    }).pipe(Effect.scoped)
  )

  it.effect("interrupting a stream's consumer aborts the request mid-body", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/forever", Faults.stall([event("one")]))
      const got: Array<string> = []
      const fiber = yield* Effect.fork(
        Effect.scoped(
          Effect.flatMap(transport.sse(req("/forever")), (r) =>
            Stream.runForEach(r.events, (e) => Effect.sync(() => got.push(e.data)))
          )
        )
      )
      yield* eventually(() => got.length === 1, "the first event")
      yield* Fiber.interrupt(fiber)
      yield* Effect.promise(() => server.awaitAborted(1))
    }).pipe(Effect.scoped)
  )

  it.effect("interrupting a stream while it waits for its headers aborts the request", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/slow", { status: 200, body: event("late"), delayMs: 60_000 })
      yield* interruptedOnceSent(server, Effect.scoped(transport.sse(req("/slow"))), "/slow")
    }).pipe(Effect.scoped)
  )

  it.effect("a stream response opened and never read is closed with the scope it was opened in", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/unread", Faults.stall([event("1")]))
      const status = yield* Effect.scoped(Effect.map(transport.sse(req("/unread")), (r) => r.status))
      assert.strictEqual(status, 200)
      yield* Effect.promise(() => server.awaitAborted(1))
      assert.strictEqual(server.aborted[0]?.path, "/unread")
    }).pipe(Effect.scoped)
  )

  it.effect("taking a few events and stopping (Stream.take) aborts the rest of the body", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup
      server.route("POST", "/long", Faults.stall([event("1"), event("2"), event("3")]))
      const events = yield* Effect.scoped(
        Effect.flatMap(transport.sse(req("/long")), (r) => Stream.runCollect(Stream.take(r.events, 2)))
      )
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(events).map((e) => e.data),
        ["1", "2"]
      )
      yield* Effect.promise(() => server.awaitAborted(1))
    }).pipe(Effect.scoped)
  )
})
