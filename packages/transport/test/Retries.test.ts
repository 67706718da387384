import { Faults, FakeProviderServer } from "@aiu/testing"
import type * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RetryObserver from "@aiu/transport/RetryObserver"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { attemptsOf, awaitSleep, drive, eventually, failureOf } from "@aiu/testing/TestClockDriver"

const Ok = Schema.Struct({ ok: Schema.Boolean })

const setup = (options?: NodeHttpTransport.Options) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const transport = yield* NodeHttpTransport.make({ circuitBreaker: false, ...options })
    const call = (extra?: Partial<HttpTransport.HttpRequest>) =>
      transport.request({ provider: "fake", operation: "chat", url: `${server.url}/v1/chat`, body: {}, ...extra }, Ok)
    return { server, transport, call }
  })

describe("retries", () => {
  it.effect("retries 408, 409, 429, 500, 502, 503, 504 and 529, then succeeds", () =>
    Effect.gen(function* () {
      for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) {
        const { server, call } = yield* setup()
        server.script("POST", "/v1/chat", Faults.statuses([status, 200]))
        const exit = yield* drive(call())
        assert.strictEqual(exit._tag, "Success", `status ${status}`)
        assert.strictEqual(server.requests.length, 2, `status ${status}`)
      }
    }).pipe(Effect.scoped)
  )

  it.effect("never retries 400, 401, 403, 404, 413, 422", () =>
    Effect.gen(function* () {
      const expected = {
        400: "InvalidRequest",
        401: "AuthenticationError",
        403: "PermissionDenied",
        404: "ModelNotFound",
        413: "InvalidRequest",
        422: "InvalidRequest"
      } as const
      for (const [status, tag] of Object.entries(expected)) {
        const { server, call } = yield* setup()
        server.script("POST", "/v1/chat", Faults.statuses([Number(status), 200]))
        const error = failureOf(yield* drive(call()))
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(attemptsOf(error), 1)
        assert.strictEqual(server.requests.length, 1)
      }
    }).pipe(Effect.scoped)
  )

  it.effect("the final error says how many attempts were made", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup()
      server.route("POST", "/v1/chat", Faults.statuses([500])[0]!)
      const error = failureOf(yield* drive(call({ options: { retry: { maxRetries: 3 } } })))
      assert.strictEqual(error._tag, "ProviderError")
      assert.strictEqual(attemptsOf(error), 4)
      assert.strictEqual(server.requests.length, 4)
    }).pipe(Effect.scoped)
  )

  it.effect("backs off exponentially with jitter: 0.5 s then 1 s, at most 25 % shorter", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup()
      server.script("POST", "/v1/chat", Faults.statuses([503, 503, 200]))
      const fiber = yield* Effect.fork(call())
      yield* eventually(() => server.requests.length === 1, "first attempt")
      const t0 = yield* TestClock.currentTimeMillis
      let t1 = t0
      while (server.requests.length < 2) {
        yield* TestClock.adjust(10)
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 2)))
        t1 = yield* TestClock.currentTimeMillis
      }
      assert.isAtLeast(t1 - t0, 375)
      assert.isAtMost(t1 - t0, 510)
      while (server.requests.length < 3) {
        yield* TestClock.adjust(10)
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 2)))
      }
      const t2 = yield* TestClock.currentTimeMillis
      assert.isAtLeast(t2 - t1, 750)
      assert.isAtMost(t2 - t1, 1010)
      const res = yield* Fiber.join(fiber)
      assert.deepStrictEqual(res.body, { ok: true })
    }).pipe(Effect.scoped)
  )

  it.effect("honours retry-after (seconds), retry-after-ms and retry-after as an HTTP date", () =>
    Effect.gen(function* () {
      const cases: Array<[(now: number) => Record<string, string>, number]> = [
        [() => ({ "retry-after": "2" }), 2000],
        [() => ({ "retry-after-ms": "1500", "retry-after": "9" }), 1500],
        [(now) => ({ "retry-after": new Date(now + 7000).toUTCString() }), 7000]
      ]
      for (const [headersAt, wait] of cases) {
        yield* TestClock.setTime(1_700_000_000_000) // a whole second: HTTP dates have no milliseconds
        const headers = headersAt(yield* TestClock.currentTimeMillis)
        const { server, call } = yield* setup()
        server.script("POST", "/v1/chat", [...Faults.statuses([429], { headers }), ...Faults.statuses([200])])
        const fiber = yield* Effect.fork(call())
        yield* awaitSleep(wait)
        assert.strictEqual(server.requests.length, 1)
        yield* TestClock.adjust(wait)
        yield* eventually(() => server.requests.length === 2, "the retry")
        const res = yield* Fiber.join(fiber)
        assert.deepStrictEqual(res.body, { ok: true })
      }
    }).pipe(Effect.scoped)
  )

  it.effect("x-should-retry overrides the status rule both ways", () =>
    Effect.gen(function* () {
      const a = yield* setup()
      a.server.script("POST", "/v1/chat", Faults.statuses([503, 200], { headers: { "x-should-retry": "false" } }))
      const e = failureOf(yield* drive(a.call()))
      assert.strictEqual(e._tag, "ProviderOverloaded")
      assert.strictEqual(a.server.requests.length, 1)

      const b = yield* setup()
      b.server.script("POST", "/v1/chat", [
        ...Faults.statuses([400], { headers: { "x-should-retry": "true" } }),
        ...Faults.statuses([200])
      ])
      const exit = yield* drive(b.call())
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(b.server.requests.length, 2)
    }).pipe(Effect.scoped)
  )

  it.effect("a wait above the ceiling fails at once with RateLimited carrying retryAfter", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup()
      server.script("POST", "/v1/chat", Faults.statuses([503, 200], { headers: { "retry-after": "3600" } }))
      const error = failureOf(yield* drive(call()))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag !== "RateLimited") return
      assert.strictEqual(Duration.toMillis(error.retryAfter!), 3_600_000)
      assert.strictEqual(attemptsOf(error), 1)
      assert.strictEqual(server.requests.length, 1)

      // The ceiling is configurable per call.
      const second = yield* setup()
      second.server.script("POST", "/v1/chat", Faults.statuses([429, 200], { headers: { "retry-after": "120" } }))
      const exit = yield* drive(second.call({ options: { retry: { maxRetryAfter: "5 minutes" } } }), 10_000)
      assert.strictEqual(exit._tag, "Success")
    }).pipe(Effect.scoped)
  )

  it.effect("one overall deadline covers every attempt: no retry that would start after it", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup()
      server.script("POST", "/v1/chat", Faults.statuses([503, 503, 200], { headers: { "retry-after": "2" } }))
      const error = failureOf(yield* drive(call({ options: { timeouts: { total: "3 seconds" } } })))
      assert.strictEqual(error._tag, "ProviderOverloaded")
      assert.strictEqual(attemptsOf(error), 2)
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )

  it.effect("the retry budget stops a retry storm when a provider is down", () =>
    Effect.gen(function* () {
      const { server, call, transport } = yield* setup({ retryBudget: { capacity: 10, retryCost: 5 } })
      server.route("POST", "/v1/chat", Faults.statuses([500])[0]!)
      const first = failureOf(yield* drive(call()))
      assert.strictEqual(attemptsOf(first), 3) // two retries paid: 10 → 0
      const second = failureOf(yield* drive(call()))
      assert.strictEqual(attemptsOf(second), 1) // budget empty: no retry
      assert.strictEqual(server.requests.length, 4)
      // Successes refund the budget.
      server.route("POST", "/v1/chat", Faults.statuses([200])[0]!)
      for (let i = 0; i < 5; i++) yield* drive(call())
      server.route("POST", "/v1/chat", Faults.statuses([500])[0]!)
      const third = failureOf(yield* drive(call()))
      assert.strictEqual(attemptsOf(third), 2)
      assert.isDefined(transport)
    }).pipe(Effect.scoped)
  )

  it.effect("connection refused is a retried NetworkError", () =>
    Effect.gen(function* () {
      const { server, transport } = yield* setup()
      const url = `${server.url}/v1/chat`
      yield* Effect.promise(() => server.close())
      const error = failureOf(
        yield* drive(transport.request({ provider: "fake", operation: "chat", url, body: {} }, Ok))
      )
      assert.strictEqual(error._tag, "NetworkError")
      assert.strictEqual(attemptsOf(error), 3)
      assert.notInclude(error.message, "127.0.0.1:") // no URL in messages
    }).pipe(Effect.scoped)
  )

  it.effect("a RetryObserver in context hears of each retry as it is scheduled, and of no other", () =>
    Effect.gen(function* () {
      const heard: Array<RetryObserver.RetryInfo> = []
      const observer = RetryObserver.RetryObserver.of({
        retryScheduled: (info) => Effect.sync(() => void heard.push(info))
      })
      const { server, call } = yield* setup().pipe(Effect.provideService(RetryObserver.RetryObserver, observer))
      server.script("POST", "/v1/chat", [
        ...Faults.statuses([529]),
        ...Faults.statuses([429], { headers: { "retry-after-ms": "700" } }),
        ...Faults.statuses([200])
      ])
      assert.strictEqual((yield* drive(call()))._tag, "Success")
      assert.deepStrictEqual(
        heard.map(({ delayMs: _, ...rest }) => rest),
        [
          { provider: "fake", operation: "chat", attempt: 1, reason: "ProviderOverloaded 529", serverRequested: false },
          { provider: "fake", operation: "chat", attempt: 2, reason: "RateLimited 429", serverRequested: true }
        ]
      )
      assert.isAtLeast(heard[0]!.delayMs, 375)
      assert.isAtMost(heard[0]!.delayMs, 500)
      assert.strictEqual(heard[1]!.delayMs, 700)

      // Not retried (400), and retries exhausted: nothing more is heard than what was scheduled.
      heard.length = 0
      server.script("POST", "/v1/chat", Faults.statuses([400]))
      yield* drive(call())
      assert.strictEqual(heard.length, 0)
      server.route("POST", "/v1/chat", Faults.statuses([500])[0]!)
      yield* drive(call({ options: { retry: { maxRetries: 1 } } }))
      assert.deepStrictEqual(
        heard.map((h) => h.attempt),
        [1]
      )
    }).pipe(Effect.scoped)
  )
})
