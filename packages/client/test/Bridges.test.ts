import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ServiceEvents from "@aiu/client/ServiceEvents"
import * as TransportEvents from "@aiu/client/TransportEvents"
import { ProviderError, RateLimited } from "@aiu/core/AiuError"
import * as Keyring from "@aiu/keyring/Keyring"
import * as Metrics from "@aiu/observability/Metrics"
import { Faults, FakeProviderServer } from "@aiu/testing"
import * as CircuitBreaker from "@aiu/transport/CircuitBreaker"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import type * as RateLimit from "@aiu/transport/RateLimit"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const take = (sub: Stream.Stream<AiuEvents.AiuEvent>, n: number) =>
  Effect.map(Stream.runCollect(Stream.take(sub, n)), (c) => Chunk.toReadonlyArray(c))

describe("event bridges", () => {
  it.scoped("keyring saves, rotations and revocations are published", () =>
    Effect.gen(function* () {
      const events = yield* AiuEvents.AiuEvents
      const sub = yield* events.subscribe
      const keyring = yield* Keyring.Keyring
      yield* keyring.save("openai", Redacted.make("sk-one"), "team")
      yield* keyring.rotate("openai", Redacted.make("sk-two"), "team")
      yield* keyring.revoke("openai", "team")
      const got = yield* take(sub, 3)
      assert.deepStrictEqual(
        got.map((e) => e._tag),
        ["KeySaved", "KeyRotated", "KeyRevoked"]
      )
    }).pipe(
      Effect.provide(ServiceEvents.layerKeyring(Keyring.layerMemory).pipe(Layer.provideMerge(AiuEvents.layerDefault)))
    )
  )

  it.scoped("circuit-breaker transitions are published", () =>
    Effect.gen(function* () {
      const events = yield* AiuEvents.make()
      const sub = yield* events.subscribe
      const breaker = TransportEvents.observeCircuitBreaker(
        yield* CircuitBreaker.make({ failureThreshold: 2, cooldown: "1 second" }),
        events
      )
      const boom = new ProviderError({ message: "down", provider: "p", status: 500 })
      yield* breaker.admit("p")
      yield* breaker.record("p", "failure", boom)
      yield* breaker.admit("p")
      yield* breaker.record("p", "failure", boom)
      const refused = yield* Effect.flip(breaker.admit("p"))
      assert.isTrue(refused.shortCircuited)
      yield* TestClock.adjust("2 seconds")
      yield* breaker.admit("p")
      yield* breaker.record("p", "success")
      const got = yield* take(sub, 3)
      assert.deepStrictEqual(
        got.map((e) => e._tag),
        ["CircuitOpened", "CircuitHalfOpen", "CircuitClosed"]
      )
    })
  )

  it.scoped("rate-limit waits and refusals are published", () =>
    Effect.gen(function* () {
      const events = yield* AiuEvents.make()
      const sub = yield* events.subscribe
      let calls = 0
      const inner: RateLimit.Service = {
        acquire: (key) =>
          ++calls === 1
            ? Effect.sleep("250 millis")
            : Effect.fail(new RateLimited({ message: "limit", provider: key.provider, scope: "client" })),
        reportUsage: () => Effect.void,
        observe: () => Effect.void,
        limits: () => true
      }
      const limiter = TransportEvents.observeRateLimit(inner, events)
      const fiber = yield* Effect.fork(limiter.acquire({ provider: "p", keyAlias: "k" }))
      yield* TestClock.adjust("250 millis")
      yield* Fiber.join(fiber)
      yield* Effect.flip(limiter.acquire({ provider: "p" }))
      const got = yield* take(sub, 2)
      assert.deepStrictEqual(
        got.map((e) => (e._tag === "RateLimitWait" ? [e.provider, e.key, e.waitMs] : [])),
        [
          ["p", "k", 250],
          ["p", undefined, 0]
        ]
      )
    })
  )

  it.scopedLive("every retry the transport schedules is published as RetryScheduled and counted", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.script("POST", "/v1/chat", Faults.statuses([503, 529, 200]))
      const events = yield* AiuEvents.AiuEvents
      const sub = yield* events.subscribe
      const transport = yield* NodeHttpTransport.make({ retry: { baseDelay: "1 millis", maxDelay: "2 millis" } }).pipe(
        Effect.provide(TransportEvents.layer())
      )
      const before = yield* Metric.value(
        Metric.taggedWithLabels(Metrics.retries, [
          MetricLabel.make("provider", "fake"),
          MetricLabel.make("reason", "retry")
        ])
      )
      yield* transport.request(
        { provider: "fake", operation: "chat", url: `${server.url}/v1/chat`, body: {} },
        Schema.Unknown
      )
      const got = yield* take(sub, 2)
      assert.deepStrictEqual(
        got.map((e) => (e._tag === "RetryScheduled" ? [e.provider, e.operation, e.attempt, e.reason] : [e._tag])),
        [
          ["fake", "chat", 1, "ProviderOverloaded 503"],
          ["fake", "chat", 2, "ProviderOverloaded 529"]
        ]
      )
      const after = yield* Metric.value(
        Metric.taggedWithLabels(Metrics.retries, [
          MetricLabel.make("provider", "fake"),
          MetricLabel.make("reason", "retry")
        ])
      )
      assert.strictEqual(after.count - before.count, 2)
    }).pipe(Effect.provide(AiuEvents.layerDefault))
  )
})
