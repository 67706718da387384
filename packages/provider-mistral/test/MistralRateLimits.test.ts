import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeMistral from "@aiu/testing/fake/mistral"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import { failureOf, heldFor } from "@aiu/testing/TestClockDriver"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as MistralProvider from "../src/MistralProvider.js"
import * as MistralRateLimits from "../src/MistralRateLimits.js"
import { apiKey } from "./utils/harness.js"

const parse = (headers: Record<string, string>) => MistralRateLimits.serverLimits(headers, 0)

describe("MistralRateLimits", () => {
  it("the minute window is the tokens bucket; ratelimitbysize-reset is seconds", () => {
    assert.deepStrictEqual(
      parse({
        "x-ratelimitbysize-limit-minute": "500000",
        "x-ratelimitbysize-remaining-minute": "499900",
        "ratelimitbysize-reset": "28"
      }),
      { tokens: { limit: 500000, remaining: 499900, resetMs: 28_000 } }
    )
    // The unprefixed spelling alone.
    assert.deepStrictEqual(
      parse({ "ratelimitbysize-limit": "500000", "ratelimitbysize-remaining": "0", "ratelimitbysize-reset": "7" }),
      { tokens: { limit: 500000, remaining: 0, resetMs: 7_000 } }
    )
    // Both spellings: the minute limit, and the smaller remaining figure.
    assert.deepStrictEqual(
      parse({
        "x-ratelimitbysize-limit-minute": "500000",
        "x-ratelimitbysize-remaining-minute": "1200",
        "ratelimitbysize-limit": "400000",
        "ratelimitbysize-remaining": "900"
      }),
      { tokens: { limit: 500000, remaining: 900 } }
    )
  })

  it("nothing left and no reset: a full minute; something left and no reset: no reset at all", () => {
    assert.deepStrictEqual(parse({ "x-ratelimitbysize-remaining-minute": "0" }), {
      tokens: { remaining: 0, resetMs: 60_000 }
    })
    assert.deepStrictEqual(parse({ "x-ratelimitbysize-remaining-minute": "10" }), { tokens: { remaining: 10 } })
  })

  it("a reset past a minute is capped at one (not a wait for a per-minute window)", () => {
    assert.deepStrictEqual(parse({ "x-ratelimitbysize-remaining-minute": "0", "ratelimitbysize-reset": "86400" }), {
      tokens: { remaining: 0, resetMs: 60_000 }
    })
  })

  it("the month quota is left out, even when it is spent", () => {
    assert.isUndefined(
      parse({ "x-ratelimitbysize-limit-month": "1000000000", "x-ratelimitbysize-remaining-month": "0" })
    )
    assert.deepStrictEqual(
      parse({
        "x-ratelimitbysize-limit-minute": "500000",
        "x-ratelimitbysize-remaining-minute": "499000",
        "x-ratelimitbysize-limit-month": "1000000000",
        "x-ratelimitbysize-remaining-month": "0",
        "ratelimitbysize-query-cost": "1000"
      }),
      { tokens: { limit: 500000, remaining: 499000 } }
    )
  })

  it("garbage values are left out, never NaN", () => {
    assert.deepStrictEqual(
      parse({
        "x-ratelimitbysize-limit-minute": "lots",
        "x-ratelimitbysize-remaining-minute": "0",
        "ratelimitbysize-reset": "soon"
      }),
      // An unreadable reset is no reset: nothing left, so the full-minute rule applies.
      { tokens: { remaining: 0, resetMs: 60_000 } }
    )
    assert.deepStrictEqual(parse({ "ratelimitbysize-remaining": "", "ratelimitbysize-reset": "-5" }), undefined)
    assert.isUndefined(parse({ "x-ratelimitbysize-limit-minute": "Infinity", "ratelimitbysize-remaining": "NaN" }))
  })

  it("no by-size headers → undefined", () => {
    assert.isUndefined(parse({}))
    assert.isUndefined(
      parse({ "content-type": "application/json", "mistral-correlation-id": "abc", "retry-after": "3" })
    )
  })
})

// -----------------------------------------------------------------------------
// Over loopback: what the headers say holds the next call back
// -----------------------------------------------------------------------------

describe("Mistral over loopback with a RateLimit service", () => {
  // No client limits at all: only what Mistral's headers say holds calls back.
  const setup = (maxWait: Duration.DurationInput) =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const transport = yield* NodeHttpTransport.make().pipe(
        Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait }))
      )
      const provider = yield* MistralProvider.make({ id: "mistral", baseUrl: `${server.url}/v1`, apiKey }).pipe(
        Effect.provideService(HttpTransport.HttpTransport, transport)
      )
      const chat = provider.chat({ model: "mistral-small-latest", messages: [{ role: "user", content: "Hi" }] })
      return { server, chat }
    })

  const ok = FakeMistral.completion({ content: "Bonjour" })
  const withHeaders = (headers: Record<string, string>) => ({ ...ok, headers: { ...ok.headers, ...headers } })

  it.effect("no tokens left in the minute holds the next chat until ratelimitbysize-reset (TestClock)", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      const exhausted = withHeaders({
        "x-ratelimitbysize-limit-minute": "500000",
        "x-ratelimitbysize-remaining-minute": "0",
        "ratelimitbysize-reset": "2"
      })
      server.script("POST", "/v1/chat/completions", [exhausted, ok, ok])
      assert.strictEqual((yield* chat).text, "Bonjour")
      const held = yield* heldFor(
        chat,
        2_000,
        Effect.sync(() => assert.strictEqual(server.requests.length, 1, "held back before the reset"))
      )
      assert.strictEqual(held.text, "Bonjour")
      assert.strictEqual(server.requests.length, 2)
      yield* chat
      assert.strictEqual(server.requests.length, 3)
    }).pipe(Effect.scoped)
  )

  it.effect("no tokens left and no reset (a full minute, beyond maxWait) fails at once with RateLimited", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.script("POST", "/v1/chat/completions", [
        withHeaders({ "x-ratelimitbysize-limit-minute": "500000", "x-ratelimitbysize-remaining-minute": "0" })
      ])
      yield* chat
      const error = failureOf(yield* Effect.exit(chat))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "mistral")
        assert.match(error.message, /^mistral: /)
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 60_000)
      }
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )

  it.effect("a spent month quota holds nothing back", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.route(
        "POST",
        "/v1/chat/completions",
        withHeaders({
          "x-ratelimitbysize-limit-minute": "500000",
          "x-ratelimitbysize-remaining-minute": "499000",
          "x-ratelimitbysize-limit-month": "1000000000",
          "x-ratelimitbysize-remaining-month": "0"
        })
      )
      yield* chat
      yield* chat
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )
})
