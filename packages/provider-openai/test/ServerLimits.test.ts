import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as Recordings from "@aiu/testing/Recordings"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import { failureOf, heldFor } from "@aiu/testing/TestClockDriver"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiProvider from "../src/OpenAiProvider.js"
import * as OpenAiRateLimits from "../src/OpenAiRateLimits.js"
import { KEY } from "./utils.js"

const RECORDING = "openai/chat/langchaingo.TestClient_CreateChatCompletionStream.httprr"

describe("OpenAiRateLimits.serverLimits", () => {
  it(`the recorded headers (${RECORDING})`, () => {
    const [exchange] = Recordings.loadHttprr(RECORDING)
    assert.deepStrictEqual(OpenAiRateLimits.serverLimits(exchange!.response.headers, 0), {
      requests: { limit: 10000, remaining: 9999, resetMs: 6 },
      tokens: { limit: 50000000, remaining: 49999993, resetMs: 0 }
    })
  })

  it("garbage values are left out, never NaN", () => {
    assert.deepStrictEqual(
      OpenAiRateLimits.serverLimits(
        {
          "x-ratelimit-limit-requests": "many",
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": "soon",
          "x-ratelimit-remaining-tokens": "NaN",
          "x-ratelimit-reset-tokens": "1x"
        },
        0
      ),
      { requests: { remaining: 0 } }
    )
  })

  it("no x-ratelimit headers → undefined", () => {
    assert.isUndefined(OpenAiRateLimits.serverLimits({}, 0))
    assert.isUndefined(OpenAiRateLimits.serverLimits({ "x-request-id": "req_1", "retry-after": "2" }, 0))
  })
})

describe("OpenAI over loopback with a RateLimit service", () => {
  // No client limits at all: only what OpenAI's headers say holds calls back.
  const setup = (maxWait: Duration.DurationInput) =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const transport = yield* NodeHttpTransport.make().pipe(
        Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait }))
      )
      const provider = yield* OpenAiProvider.make({
        id: "openai",
        baseUrl: `${server.url}/v1`,
        apiKey: Redacted.make(KEY)
      }).pipe(Effect.provideService(HttpTransport.HttpTransport, transport))
      const chat = provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
      return { server, chat }
    })

  const ok = FakeOpenAi.completion("Hello")
  const exhausted = (reset: string) => ({
    ...ok,
    headers: {
      ...ok.headers,
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": reset
    }
  })

  it.effect("an emptied request bucket holds the next chat until its reset (TestClock)", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.script("POST", "/v1/chat/completions", [exhausted("2s"), ok, ok])
      assert.strictEqual((yield* chat).text, "Hello")
      const held = yield* heldFor(
        chat,
        2_000,
        Effect.sync(() => assert.strictEqual(server.requests.length, 1, "held back before the reset"))
      )
      assert.strictEqual(held.text, "Hello")
      assert.strictEqual(server.requests.length, 2)
      yield* chat
      assert.strictEqual(server.requests.length, 3)
    }).pipe(Effect.scoped)
  )

  it.effect("a reset beyond maxWait fails at once with RateLimited (client), no second request", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.script("POST", "/v1/chat/completions", [exhausted("2m0s")])
      yield* chat
      const error = failureOf(yield* Effect.exit(chat))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "openai")
        assert.match(error.message, /^openai: /)
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 120_000)
      }
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )
})
