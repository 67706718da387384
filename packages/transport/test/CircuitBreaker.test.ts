import * as AiuError from "@aiu/core/AiuError"
import { Faults, FakeProviderServer } from "@aiu/testing"
import * as CircuitBreaker from "@aiu/transport/CircuitBreaker"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { drive, failureOf, realPause } from "@aiu/testing/TestClockDriver"

const transitions = (provider: string, state: string) =>
  Metric.value(
    Metric.taggedWithLabels(CircuitBreaker.transitions, [
      MetricLabel.make("provider", provider),
      MetricLabel.make("state", state)
    ])
  ).pipe(Effect.map((s) => s.count))

describe("circuit breaker", () => {
  it.effect("opens after N consecutive failures, fails fast without a request, probes after the cool-down", () => {
    const logs: Array<string> = []
    const logger = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message }) => {
        logs.push(String(Array.isArray(message) ? message.join(" ") : message))
      })
    )
    return Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const provider = `cb-${Math.random().toString(36).slice(2)}`
      const transport = yield* NodeHttpTransport.make({
        circuitBreaker: { failureThreshold: 3, cooldown: "30 seconds" },
        retry: { maxRetries: 0 }
      })
      const call = drive(
        transport.request({ provider, operation: "chat", url: `${server.url}/v1/x`, body: {} }, Schema.Unknown)
      )
      server.route("POST", "/v1/x", Faults.statuses([529])[0]!)
      for (let i = 0; i < 3; i++) assert.strictEqual(failureOf(yield* call)._tag, "ProviderOverloaded")
      assert.strictEqual(server.requests.length, 3)

      // Open: fails fast, marked short-circuited, nothing sent.
      const fast = failureOf(yield* call)
      assert.strictEqual(fast._tag, "ProviderOverloaded")
      assert.isTrue("shortCircuited" in fast && fast.shortCircuited)
      assert.isFalse(fast.retryable)
      assert.strictEqual(server.requests.length, 3)

      // After the cool-down one probe goes through; it fails, so the breaker opens again.
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(failureOf(yield* call)._tag, "ProviderOverloaded")
      assert.strictEqual(server.requests.length, 4)
      const again = failureOf(yield* call)
      assert.isTrue("shortCircuited" in again && again.shortCircuited)
      assert.strictEqual(server.requests.length, 4)

      // The next probe succeeds and closes it.
      yield* TestClock.adjust("30 seconds")
      server.route("POST", "/v1/x", Faults.statuses([200])[0]!)
      assert.strictEqual((yield* call)._tag, "Success")
      assert.strictEqual((yield* call)._tag, "Success")
      assert.strictEqual(server.requests.length, 6)

      assert.strictEqual(yield* transitions(provider, "open"), 2)
      assert.strictEqual(yield* transitions(provider, "half-open"), 2)
      assert.strictEqual(yield* transitions(provider, "closed"), 1)
      assert.isTrue(logs.some((l) => l.includes(`circuit breaker for ${provider} opened`)))
      assert.isTrue(logs.some((l) => l.includes(`circuit breaker for ${provider} is closed`)))
    }).pipe(Effect.provide(logger), Effect.scoped)
  })

  it.effect("client errors (4xx) and rate limits do not open it; a 5xx streak is broken by any answer", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const transport = yield* NodeHttpTransport.make({
        circuitBreaker: { failureThreshold: 2 },
        retry: { maxRetries: 0 }
      })
      const call = drive(
        transport.request({ provider: "cb2", operation: "chat", url: `${server.url}/v1/x`, body: {} }, Schema.Unknown)
      )
      server.script("POST", "/v1/x", Faults.statuses([400, 429, 400, 500, 400, 500, 404]))
      for (let i = 0; i < 7; i++) yield* call
      assert.strictEqual(server.requests.length, 7)
    }).pipe(Effect.scoped)
  )

  it.effect("a CircuitBreaker service in context is shared by transports", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/x", Faults.statuses([502])[0]!)
      const a = yield* NodeHttpTransport.make({ retry: { maxRetries: 0 } })
      const b = yield* NodeHttpTransport.make({ retry: { maxRetries: 0 } })
      const req = { provider: "shared", operation: "chat", url: `${server.url}/v1/x`, body: {} }
      yield* drive(a.request(req, Schema.Unknown))
      yield* drive(a.request(req, Schema.Unknown))
      const error = failureOf(yield* drive(b.request(req, Schema.Unknown)))
      assert.strictEqual(error._tag, "ProviderError")
      assert.isTrue("shortCircuited" in error && error.shortCircuited)
      assert.strictEqual(server.requests.length, 2)
      const breaker = yield* CircuitBreaker.CircuitBreaker
      assert.strictEqual(yield* breaker.state("shared"), "open")
    }).pipe(Effect.provide(Layer.fresh(CircuitBreaker.layer({ failureThreshold: 2 }))), Effect.scoped)
  )

  it.effect("a half-open probe interrupted while waiting for its answer lets the next call probe", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const provider = `cb-${Math.random().toString(36).slice(2)}`
      const transport = yield* NodeHttpTransport.make({
        circuitBreaker: { failureThreshold: 1, cooldown: "30 seconds" },
        retry: { maxRetries: 0 }
      })
      const call = transport.request(
        { provider, operation: "chat", url: `${server.url}/v1/x`, body: {} },
        Schema.Unknown
      )
      server.route("POST", "/v1/x", Faults.statuses([500])[0]!)
      assert.strictEqual(failureOf(yield* drive(call))._tag, "ProviderError")
      yield* TestClock.adjust("30 seconds")
      // The probe: the server takes its time; the caller gives up.
      server.route("POST", "/v1/x", { ...Faults.statuses([200])[0]!, delayMs: 10_000 })
      const probe = yield* Effect.fork(call)
      for (let i = 0; i < 200 && server.requests.length < 2; i++) yield* realPause(5)
      assert.strictEqual(server.requests.length, 2)
      yield* Fiber.interrupt(probe)
      // No verdict from it: the next call is the probe (sent, and its success closes the breaker).
      server.route("POST", "/v1/x", Faults.statuses([200])[0]!)
      assert.strictEqual((yield* drive(call))._tag, "Success")
      assert.strictEqual(server.requests.length, 3)
      assert.strictEqual((yield* drive(call))._tag, "Success")
      assert.strictEqual(server.requests.length, 4)
    }).pipe(Effect.scoped)
  )

  it.effect("a probe that never reports is taken as lost after a cool-down, and another goes", () =>
    Effect.gen(function* () {
      const breaker = yield* CircuitBreaker.make({ failureThreshold: 1, cooldown: "10 seconds" })
      const down = new AiuError.ProviderError({ message: "503", provider: "p", status: 503 })
      yield* breaker.record("p", "failure", down)
      assert.strictEqual(yield* breaker.state("p"), "open")
      yield* TestClock.adjust("10 seconds")
      yield* breaker.admit("p") // the probe, which never reports
      assert.strictEqual(yield* breaker.state("p"), "half-open")
      const refused = yield* Effect.flip(breaker.admit("p"))
      assert.isTrue("shortCircuited" in refused && refused.shortCircuited)
      yield* TestClock.adjust("9 seconds")
      assert.strictEqual((yield* Effect.flip(breaker.admit("p")))._tag, "ProviderError")
      yield* TestClock.adjust("1 second")
      yield* breaker.admit("p") // a new probe
      yield* breaker.record("p", "success")
      assert.strictEqual(yield* breaker.state("p"), "closed")
    })
  )
})
