import { Faults, FakeProviderServer } from "@aiu/testing"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { attemptsOf, drive, failureOf } from "@aiu/testing/TestClockDriver"

const event = (data: string) => `data: ${data}\n\n`

const setup = (options?: NodeHttpTransport.Options) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const transport = yield* NodeHttpTransport.make({ circuitBreaker: false, ...options })
    const req = (path: string) => ({ provider: "fake", operation: "chatStream", url: `${server.url}${path}`, body: {} })
    const collect = <A, E>(open: Effect.Effect<{ events: Stream.Stream<A, E> }, E, Scope.Scope>) => {
      const got: Array<A> = []
      return Effect.map(
        drive(
          Effect.scoped(Effect.flatMap(open, (r) => Stream.runForEach(r.events, (e) => Effect.sync(() => got.push(e)))))
        ),
        (exit) => ({ exit, got })
      )
    }
    return { server, transport, req, collect }
  })

describe("streams", () => {
  it.effect("a connection dropped mid-stream is StreamInterrupted; delivered events stay delivered; no retry", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup()
      server.route("POST", "/drop", Faults.dropAfter([event("a"), event("b"), event("c")], 2))
      const { exit, got } = yield* collect(transport.sse(req("/drop")))
      assert.strictEqual(failureOf(exit)._tag, "StreamInterrupted")
      assert.deepStrictEqual(
        got.map((e) => e.data),
        ["a", "b"]
      )
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )

  it.effect("retries before the body starts, never after", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup()
      server.script("POST", "/s", [...Faults.statuses([503]), Faults.dropAfter([event("x"), event("y")], 1)])
      const { exit, got } = yield* collect(transport.sse(req("/s")))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "StreamInterrupted")
      // The error after the body started still says how many attempts opening it took.
      assert.strictEqual(attemptsOf(error), 2)
      assert.deepStrictEqual(
        got.map((e) => e.data),
        ["x"]
      )
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )

  it.effect("multi-byte characters split across network reads arrive intact (SSE and NDJSON)", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup()
      const text = "héllo wörld — 你好 🌍🚀 ñ"
      server.route("POST", "/sse", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: Faults.splitMidCharacter(event(text) + event(text)),
        chunkDelayMs: 1
      })
      const sse = yield* collect(transport.sse(req("/sse")))
      assert.strictEqual(sse.exit._tag, "Success")
      assert.deepStrictEqual(
        sse.got.map((e) => e.data),
        [text, text]
      )

      server.route("POST", "/nd", {
        status: 200,
        headers: { "content-type": "application/x-ndjson" },
        body: Faults.splitMidCharacter(`${JSON.stringify({ t: text })}\n${JSON.stringify({ t: text })}\n`),
        chunkDelayMs: 1
      })
      const nd = yield* collect(transport.ndjson(req("/nd")))
      assert.strictEqual(nd.exit._tag, "Success")
      assert.deepStrictEqual(nd.got, [{ t: text }, { t: text }])
    }).pipe(Effect.scoped)
  )

  // A wait has no canceler (see eventStream.ts): what arrives after an interrupted wait is parked,
  // not handed to the dead resume and lost.
  it.live("a pull interrupted while waiting loses nothing: the next pull gets what arrived meanwhile", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup()
      server.route("POST", "/slow", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: [event("a"), event("b"), event("c")],
        chunkDelayMs: 150
      })
      const response = yield* transport.sse(req("/slow"))
      const pull = yield* Stream.toPull(response.events)
      const data = (chunk: Chunk.Chunk<{ readonly data: string }>) => Chunk.toReadonlyArray(chunk).map((e) => e.data)
      assert.deepStrictEqual(data(yield* pull), ["a"])
      // Interrupted while waiting for "b" (due ~150 ms after "a"), then idle while it arrives.
      assert.isTrue(Option.isNone(yield* Effect.timeoutOption(pull, "20 millis")))
      yield* Effect.sleep("250 millis")
      assert.deepStrictEqual(data(yield* pull), ["b"])
      assert.deepStrictEqual(data(yield* pull), ["c"])
      assert.deepStrictEqual(yield* Effect.flip(pull), Option.none())
    }).pipe(Effect.scoped)
  )

  it.effect("a server `retry:` field neither pauses nor resets the stream", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup()
      server.route("POST", "/retry", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: [event("before"), "retry: 700000\n\n", "data: line one\ndata: line two\n\n"]
      })
      const { exit, got } = yield* collect(transport.sse(req("/retry")))
      assert.strictEqual(exit._tag, "Success")
      assert.deepStrictEqual(
        got.map((e) => e.data),
        ["before", "line one\nline two"]
      )
    }).pipe(Effect.scoped)
  )

  it.effect("an NDJSON line that is not JSON is a ResponseDecodeError naming the provider", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup()
      server.route("POST", "/bad", {
        status: 200,
        headers: { "content-type": "application/x-ndjson" },
        body: ['{"ok":1}\n', '{"ok": tru\n', '{"ok":3}\n']
      })
      const { exit, got } = yield* collect(transport.ndjson(req("/bad")))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.provider, "fake")
      assert.include(error.message, "fake")
      assert.deepStrictEqual(got, [{ ok: 1 }])
    }).pipe(Effect.scoped)
  )

  it.effect("a malformed JSON body is a ResponseDecodeError", () =>
    Effect.gen(function* () {
      const { server, transport, req } = yield* setup()
      server.route("POST", "/json", Faults.malformedJson())
      const exit = yield* drive(transport.request(req("/json"), Schema.Unknown))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ResponseDecodeError")
    }).pipe(Effect.scoped)
  )

  it.effect("an event above maxEventBytes is a ResponseDecodeError, not an out-of-memory crash", () =>
    Effect.gen(function* () {
      const { server, transport, req, collect } = yield* setup({ maxEventBytes: 64 * 1024 })
      const big = "x".repeat(16 * 1024)
      server.route("POST", "/big", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: [event("small"), ...Array.from({ length: 64 }, () => `data: ${big}\n`), "\n"],
        stall: true
      })
      const { exit, got } = yield* collect(transport.sse(req("/big")))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.deepStrictEqual(
        got.map((e) => e.data),
        ["small"]
      )
      yield* Effect.promise(() => server.awaitAborted(1))
    }).pipe(Effect.scoped)
  )
})
