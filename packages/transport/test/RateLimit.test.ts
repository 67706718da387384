import { Faults, FakeProviderServer } from "@aiu/testing"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import * as ServerLimits from "@aiu/transport/ServerLimits"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { eventually, failureOf } from "@aiu/testing/TestClockDriver"

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

describe("the provider's own rate-limit headers", () => {
  // A parser as an adapter gives one: here the OpenAI header names, resets in seconds.
  const parser: ServerLimits.Parser = (headers) =>
    ServerLimits.make({
      requests: ServerLimits.bucket(
        ServerLimits.number(headers["x-ratelimit-limit-requests"]),
        ServerLimits.number(headers["x-ratelimit-remaining-requests"]),
        ServerLimits.number(headers["x-ratelimit-reset-requests"]) === undefined
          ? undefined
          : ServerLimits.number(headers["x-ratelimit-reset-requests"])! * 1000
      ),
      tokens: ServerLimits.bucket(
        undefined,
        ServerLimits.number(headers["x-ratelimit-remaining-tokens"]),
        ServerLimits.number(headers["x-ratelimit-reset-tokens"]) === undefined
          ? undefined
          : ServerLimits.number(headers["x-ratelimit-reset-tokens"])! * 1000
      )
    })
  const exhausted = (resetSeconds: number) =>
    Faults.json(
      200,
      { ok: true },
      { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": `${resetSeconds}` }
    )

  const setupServer = (maxWait: Duration.DurationInput) =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      // No client limits at all: only what the provider says holds calls back.
      const transport = yield* NodeHttpTransport.make().pipe(
        Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait }))
      )
      const call = (keyAlias?: string, estimatedTokens?: number) =>
        transport.request(
          {
            provider: "openai",
            operation: "chat",
            url: `${server.url}/v1/x`,
            body: {},
            serverLimits: parser,
            ...(keyAlias !== undefined ? { options: { keyAlias } } : {}),
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          },
          Schema.Unknown
        )
      return { server, call }
    })

  it.effect("an exhausted request bucket holds the next call until its reset (on the Clock)", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setupServer("30 seconds")
      server.script("POST", "/v1/x", [exhausted(2), Faults.json(200, { ok: true }), Faults.json(200, { ok: true })])
      yield* call()
      const fiber = yield* Effect.fork(call())
      yield* TestClock.adjust(1_900)
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 30)))
      assert.strictEqual(server.requests.length, 1, "held back before the reset")
      yield* TestClock.adjust(200)
      yield* Fiber.join(fiber)
      assert.strictEqual(server.requests.length, 2)
      // The last response said nothing is exhausted: calls go straight through again.
      yield* call()
      assert.strictEqual(server.requests.length, 3)
    }).pipe(Effect.scoped)
  )

  it.effect("a reset beyond maxWait fails at once with RateLimited, without spending a request", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setupServer("1 second")
      server.script("POST", "/v1/x", [exhausted(120)])
      yield* call()
      const error = failureOf(yield* Effect.exit(call()))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "openai")
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 120_000)
        assert.include(error.message, "provider reported")
      }
      assert.strictEqual(server.requests.length, 1)
      // Another key alias has its own buckets at the provider: not held back.
      server.route("POST", "/v1/x", Faults.json(200, { ok: true }))
      yield* call("other")
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )

  it.effect("too few tokens left for the call's estimate waits for the token reset; a small call goes", () =>
    Effect.gen(function* () {
      const { server, call } = yield* setupServer("30 seconds")
      server.route(
        "POST",
        "/v1/x",
        Faults.json(200, { ok: true }, { "x-ratelimit-remaining-tokens": "500", "x-ratelimit-reset-tokens": "5" })
      )
      yield* call()
      yield* call(undefined, 400) // fits in what remains
      assert.strictEqual(server.requests.length, 2)
      const big = yield* Effect.fork(call(undefined, 1_000))
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 30)))
      assert.strictEqual(server.requests.length, 2, "the large call waits")
      yield* TestClock.adjust(5_000)
      yield* Fiber.join(big)
      assert.strictEqual(server.requests.length, 3)
    }).pipe(Effect.scoped)
  )
})
