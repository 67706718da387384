import { Faults, FakeProviderServer } from "@aiu/testing"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { eventually, failureOf } from "./utils/clock.js"

const setup = (options: RateLimit.Options) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    server.route("POST", "/v1/x", Faults.statuses([200])[0]!)
    const transport = yield* NodeHttpTransport.make().pipe(Effect.provide(RateLimit.layerMemory(options)))
    const req = (keyAlias?: string, estimatedTokens?: number): HttpTransport.HttpRequest => ({
      provider: "openai",
      operation: "chat",
      url: `${server.url}/v1/x`,
      body: {},
      ...(keyAlias !== undefined ? { options: { keyAlias } } : {}),
      ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
    })
    const call = (keyAlias?: string, tokens?: number) =>
      Effect.exit(transport.request(req(keyAlias, tokens), Schema.Unknown))
    return { server, transport, req, call }
  })

describe("rate limiter", () => {
  it.effect("requests per minute, keyed by provider and key alias; over the wait limit → RateLimited(client)", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup({ limits: { openai: { rpm: 2 } }, maxWait: "0 millis" })
      assert.strictEqual((yield* call())._tag, "Success")
      assert.strictEqual((yield* call())._tag, "Success")
      const error = failureOf(yield* call())
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 30_000)
      }
      assert.strictEqual(server.requests.length, 2)
      // Another key alias has its own bucket.
      assert.strictEqual((yield* call("team-b"))._tag, "Success")
      // The refused call gave its reservation back: after one refill interval, one more fits.
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual((yield* call())._tag, "Success")
    }).pipe(Effect.scoped)
  )

  it.effect("a call waits for capacity up to maxWait (on the Clock)", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setup({ limits: { openai: { rpm: 1 } }, maxWait: "2 minutes" })
      assert.strictEqual((yield* call())._tag, "Success")
      const fiber = yield* Effect.fork(call())
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(server.requests.length, 1)
      yield* TestClock.adjust("1 second")
      yield* eventually(() => server.requests.length === 2, "the delayed call")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Success")
    }).pipe(Effect.scoped)
  )

  it.effect("tokens per minute: estimate charged before, corrected with the real usage after", () =>
    Effect.gen(function* () {
      const { call, transport, req } = yield* setup({ limits: { openai: { tpm: 1000 } }, maxWait: "0 millis" })
      assert.strictEqual((yield* call(undefined, 800))._tag, "Success")
      // 200 left: a 300-token estimate does not fit…
      assert.strictEqual(failureOf(yield* call(undefined, 300))._tag, "RateLimited")
      // …until the first call reports it really used 100 tokens (700 refunded).
      yield* HttpTransport.reportUsage(transport, req(undefined, 800), 100)
      assert.strictEqual((yield* call(undefined, 300))._tag, "Success")
      // Under-estimates are charged too: 600 left; 1000 used where 300 were estimated → 700 more.
      yield* HttpTransport.reportUsage(transport, req(undefined, 300), 1000)
      assert.strictEqual(failureOf(yield* call(undefined, 300))._tag, "RateLimited")
    }).pipe(Effect.scoped)
  )

  it.effect("providers without limits are not limited; '*' applies to the rest", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimit.make({ limits: { "*": { rpm: 1 } }, maxWait: 0 })
      yield* limiter.acquire({ provider: "a" })
      const error = yield* Effect.flip(limiter.acquire({ provider: "a" }))
      assert.strictEqual(error.scope, "client")
      yield* limiter.acquire({ provider: "b" })
      const none = yield* RateLimit.make({ limits: { openai: { rpm: 1 } } })
      assert.isFalse(none.limits("anthropic"))
    }).pipe(Effect.provide(RateLimit.ExperimentalStoreMemory))
  )
})
