import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeAnthropic from "@aiu/testing/fake/anthropic"
import * as Recordings from "@aiu/testing/Recordings"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import { failureOf, heldFor } from "@aiu/testing/TestClockDriver"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as AnthropicProvider from "../src/AnthropicProvider.js"
import * as AnthropicRateLimits from "../src/AnthropicRateLimits.js"
import { apiKey } from "./utils/harness.js"

const RECORDING = "anthropic/llm-anthropic.test_stream_events_tool_calls.yaml"
// The recording's `date` header, Sun, 05 Apr 2026 14:28:55 GMT: every reset in it is that instant.
const RECORDED_AT = Date.UTC(2026, 3, 5, 14, 28, 55)

describe("AnthropicRateLimits", () => {
  it("RFC 3339 timestamps", () => {
    assert.strictEqual(AnthropicRateLimits.parseTimestamp("2026-04-05T14:28:55Z"), RECORDED_AT)
    assert.strictEqual(AnthropicRateLimits.parseTimestamp("2026-04-05T16:28:55+02:00"), RECORDED_AT)
    assert.strictEqual(AnthropicRateLimits.parseTimestamp("2026-04-05T13:58:55-00:30"), RECORDED_AT)
    assert.strictEqual(AnthropicRateLimits.parseTimestamp("2026-04-05t14:28:55.250z"), RECORDED_AT + 250)
    assert.strictEqual(AnthropicRateLimits.parseTimestamp(" 2026-04-05 14:28:55Z "), RECORDED_AT)
    for (const garbage of [
      "",
      "soon",
      "2026",
      "1775399335",
      "Sun, 05 Apr 2026 14:28:55 GMT",
      "2026-04-05T14:28:55", // no zone
      "2026-02-30T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-04-05T24:00:00Z",
      "2026-04-05T14:61:00Z"
    ]) {
      assert.isUndefined(AnthropicRateLimits.parseTimestamp(garbage), garbage)
    }
  })

  it(`the recorded headers (${RECORDING})`, () => {
    const [exchange] = Recordings.loadVcr(RECORDING)
    const headers = exchange!.response.headers
    assert.strictEqual(headers.date, "Sun, 05 Apr 2026 14:28:55 GMT")
    assert.deepStrictEqual(AnthropicRateLimits.serverLimits(headers, RECORDED_AT), {
      requests: { limit: 20000, remaining: 19999, resetMs: 0 },
      tokens: { limit: 4800000, remaining: 4800000, resetMs: 0 },
      inputTokens: { limit: 4000000, remaining: 4000000, resetMs: 0 },
      outputTokens: { limit: 800000, remaining: 800000, resetMs: 0 }
    })
    // Read 1.5 s before the recorded instant, every reset is 1.5 s away.
    const earlier = AnthropicRateLimits.serverLimits(headers, RECORDED_AT - 1500)
    assert.strictEqual(earlier?.requests?.resetMs, 1500)
    assert.strictEqual(earlier?.outputTokens?.resetMs, 1500)
    // Nothing is exhausted in the recording: no wait for a 429 to take from it.
    assert.isUndefined(AnthropicRateLimits.exhaustedResetMs(headers))
  })

  it("garbage values are left out, never NaN; a reset in the past is no wait", () => {
    const limits = AnthropicRateLimits.serverLimits(
      {
        "anthropic-ratelimit-requests-limit": "fifty",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": "in a minute",
        "anthropic-ratelimit-tokens-limit": "",
        "anthropic-ratelimit-tokens-remaining": "NaN",
        "anthropic-ratelimit-tokens-reset": "2026-04-05T14:28:50Z",
        "anthropic-ratelimit-input-tokens-limit": "Infinity",
        "anthropic-ratelimit-output-tokens-reset": "2026-02-30T00:00:00Z"
      },
      RECORDED_AT
    )
    assert.deepStrictEqual(limits, { requests: { remaining: 0 }, tokens: { resetMs: 0 } })
  })

  it("no anthropic-ratelimit headers → undefined", () => {
    assert.isUndefined(AnthropicRateLimits.serverLimits({}, RECORDED_AT))
    assert.isUndefined(
      AnthropicRateLimits.serverLimits(
        { "content-type": "application/json", "request-id": "req_1", "retry-after": "5" },
        RECORDED_AT
      )
    )
  })

  it("exhaustedResetMs: measured against the response's date header; none without one", () => {
    const headers = {
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": "2026-04-05T14:29:25Z",
      "anthropic-ratelimit-tokens-remaining": "0",
      "anthropic-ratelimit-tokens-reset": "2026-04-05T14:29:05Z"
    }
    assert.strictEqual(
      AnthropicRateLimits.exhaustedResetMs({ ...headers, date: "Sun, 05 Apr 2026 14:28:55 GMT" }),
      30_000
    )
    assert.isUndefined(AnthropicRateLimits.exhaustedResetMs(headers))
    assert.isUndefined(AnthropicRateLimits.exhaustedResetMs({ ...headers, date: "yesterday" }))
  })
})

// -----------------------------------------------------------------------------
// Over loopback: what the headers say holds the next call back
// -----------------------------------------------------------------------------

/** Server, transport (with a `RateLimit` service of no client limits when `maxWait` is given) and a chat. */
const setup = (maxWait?: Duration.DurationInput) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const transport = yield* maxWait === undefined
      ? NodeHttpTransport.make()
      : NodeHttpTransport.make().pipe(Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait })))
    const provider = yield* AnthropicProvider.make({
      id: "anthropic",
      baseUrl: `${server.url}/v1`,
      apiKey
    }).pipe(Effect.provideService(HttpTransport.HttpTransport, transport))
    const chat = provider.chat({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }] })
    return { server, chat }
  })

const ok = FakeAnthropic.message({ content: [{ type: "text", text: "Hello" }] })

/** Headers saying the request bucket is empty until `resetInMs` after `now`. */
const emptyBucket = (now: number, resetInMs: number) => ({
  "anthropic-ratelimit-requests-limit": "50",
  "anthropic-ratelimit-requests-remaining": "0",
  "anthropic-ratelimit-requests-reset": new Date(now + resetInMs).toISOString().replace(".000Z", "Z")
})

describe("Anthropic over loopback with a RateLimit service", () => {
  // No client limits at all: only what Anthropic's headers say holds calls back.
  /** A 200 whose headers say the request bucket is empty until `resetInMs` from the TestClock's now. */
  const exhausted = (resetInMs: number) =>
    Effect.map(Clock.currentTimeMillis, (now) => ({
      ...ok,
      headers: { ...ok.headers, ...emptyBucket(now, resetInMs) }
    }))

  it.effect("an emptied request bucket holds the next chat until its reset (TestClock)", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.script("POST", "/v1/messages", [yield* exhausted(2_000), ok, ok])
      assert.strictEqual((yield* chat).text, "Hello")
      const held = yield* heldFor(
        chat,
        2_000,
        Effect.sync(() => assert.strictEqual(server.requests.length, 1, "held back before the reset"))
      )
      assert.strictEqual(held.text, "Hello")
      assert.strictEqual(server.requests.length, 2)
      // That response said nothing: calls go straight through again.
      yield* chat
      assert.strictEqual(server.requests.length, 3)
    }).pipe(Effect.scoped)
  )

  it.effect("a reset beyond maxWait fails at once with RateLimited (client), no second request", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup("30 seconds")
      server.script("POST", "/v1/messages", [yield* exhausted(120_000)])
      yield* chat
      const error = failureOf(yield* Effect.exit(chat))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "anthropic")
        assert.match(error.message, /^anthropic: /)
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 120_000)
      }
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )
})

describe("Anthropic over loopback without a RateLimit service", () => {
  it.effect("a 429 without retry-after is retried when its exhausted bucket resets, not on the backoff", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup()
      // The bucket's reset is absolute: measured against the response's own date header.
      const now = yield* Clock.currentTimeMillis
      const limited = FakeAnthropic.error(429, "rate_limit_error", "requests per minute", {
        date: new Date(now).toUTCString(),
        ...emptyBucket(now, 7_000)
      })
      server.script("POST", "/v1/messages", [limited, ok])
      const response = yield* heldFor(
        chat,
        7_000,
        Effect.sync(() => assert.strictEqual(server.requests.length, 1, "not retried before the reset"))
      )
      assert.strictEqual(response.text, "Hello")
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )
})
