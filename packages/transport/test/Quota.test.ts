import { readFileSync } from "node:fs"
import { Faults, FakeProviderServer } from "@aiu/testing"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { attemptsOf, drive, failureOf } from "@aiu/testing/TestClockDriver"

const googlePerMinute: unknown = JSON.parse(
  readFileSync(new URL("./fixtures/vercel.google-429-retry-info.json", import.meta.url), "utf8")
)

const googleDaily = {
  error: {
    code: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
          }
        ]
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "20s" }
    ]
  }
}

const call = (body: unknown, status = 429) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    server.script("POST", "/v1/x", [Faults.json(status, body), Faults.json(200, { ok: true })])
    const transport = yield* NodeHttpTransport.make({ circuitBreaker: false, retry: { maxRetryAfter: "2 minutes" } })
    const exit = yield* drive(
      transport.request(
        { provider: "p", operation: "chat", url: `${server.url}/v1/x`, body: {} },
        Schema.Struct({ ok: Schema.Boolean })
      ),
      1000
    )
    return { exit, requests: server.requests.length }
  }).pipe(Effect.scoped)

describe("non-transient 429s surface as QuotaExceeded, for every adapter", () => {
  it.effect("OpenAI insufficient_quota", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* call({
        error: {
          message: "You exceeded your current quota",
          type: "insufficient_quota",
          param: null,
          code: "insufficient_quota"
        }
      })
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "QuotaExceeded")
      assert.strictEqual(attemptsOf(error), 1)
      assert.strictEqual(requests, 1)
    })
  )

  it.effect("an adapter's mapper cannot turn a quota error into a retried rate limit", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.script("POST", "/v1/x", [
        Faults.json(429, { error: { message: "quota", type: "insufficient_quota", code: "insufficient_quota" } }),
        Faults.json(200, { ok: true })
      ])
      const transport = yield* NodeHttpTransport.make({ circuitBreaker: false })
      const exit = yield* drive(
        transport.request(
          {
            provider: "p",
            operation: "chat",
            url: `${server.url}/v1/x`,
            body: {},
            mapError: () => undefined
          },
          Schema.Struct({ ok: Schema.Boolean })
        )
      )
      assert.strictEqual(failureOf(exit)._tag, "QuotaExceeded")
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )

  it.effect("Anthropic spend limit", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* call({
        type: "error",
        error: {
          type: "rate_limit_error",
          message:
            "You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC."
        }
      })
      assert.strictEqual(failureOf(exit)._tag, "QuotaExceeded")
      assert.strictEqual(requests, 1)
    })
  )

  it.effect("Anthropic billing_error (402)", () =>
    Effect.gen(function* () {
      const { exit } = yield* call(
        { type: "error", error: { type: "billing_error", message: "credit balance too low" } },
        402
      )
      assert.strictEqual(failureOf(exit)._tag, "QuotaExceeded")
    })
  )

  it.effect("Gemini daily-quota RESOURCE_EXHAUSTED", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* call(googleDaily)
      assert.strictEqual(failureOf(exit)._tag, "QuotaExceeded")
      assert.strictEqual(requests, 1)
    })
  )

  it.effect("Gemini per-minute RESOURCE_EXHAUSTED (recorded) is a rate limit, retried after RetryInfo.retryDelay", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* call(googlePerMinute)
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(requests, 2)
    })
  )

  it.effect("Gemini per-minute RESOURCE_EXHAUSTED carries retryAfter when it gives up", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/x", Faults.json(429, googlePerMinute))
      const transport = yield* NodeHttpTransport.make({ circuitBreaker: false, retry: { maxRetries: 0 } })
      const error = failureOf(
        yield* drive(
          transport.request({ provider: "p", operation: "chat", url: `${server.url}/v1/x`, body: {} }, Schema.Unknown)
        )
      )
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") assert.strictEqual(Duration.toMillis(error.retryAfter!), 34_400)
    }).pipe(Effect.scoped)
  )
})
