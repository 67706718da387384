import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { fromStreamError, mapError } from "../src/internal/errors.js"

const info = (status: number, json: unknown, extra?: Partial<ErrorInfo>): ErrorInfo => ({
  provider: "anthropic",
  operation: "chat",
  status,
  headers: {},
  body: JSON.stringify(json),
  json,
  requestId: undefined,
  retryAfterMs: undefined,
  ...extra
})

const envelope = (type: string, message: string) => ({
  type: "error",
  error: { type, message },
  request_id: "req_body"
})

describe("errors", () => {
  it("maps each Anthropic error type, taking the request id from the body when no header had one", () => {
    const cases: Array<[number, string, string, string]> = [
      [400, "invalid_request_error", "prompt is too long: 212000 tokens > 200000 maximum", "ContextLengthExceeded"],
      [400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API.", "QuotaExceeded"],
      [400, "invalid_request_error", "max_tokens: Field required", "InvalidRequest"],
      [401, "authentication_error", "invalid x-api-key", "AuthenticationError"],
      [402, "billing_error", "billing", "QuotaExceeded"],
      [403, "permission_error", "nope", "PermissionDenied"],
      [404, "not_found_error", "model: claude-x", "ModelNotFound"],
      [413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", "InvalidRequest"],
      [429, "rate_limit_error", "per-minute rate limit", "RateLimited"],
      [429, "rate_limit_error", "You have reached your specified API usage limits.", "QuotaExceeded"],
      [500, "api_error", "Internal server error", "ProviderError"],
      [504, "timeout_error", "timeout", "ProviderError"],
      [529, "overloaded_error", "Overloaded", "ProviderOverloaded"]
    ]
    for (const [status, type, message, tag] of cases) {
      const error = mapError(info(status, envelope(type, message)))
      assert.strictEqual(error?._tag, tag, `${type}: ${message}`)
      assert.strictEqual(error && "requestId" in error ? error.requestId : undefined, "req_body")
      assert.strictEqual(error && "status" in error ? error.status : undefined, status)
    }
  })

  it("a header request id wins; retry-after is kept on RateLimited and ProviderOverloaded", () => {
    const rl = mapError(
      info(429, envelope("rate_limit_error", "slow down"), { requestId: "req_header", retryAfterMs: 2500 })
    )
    assert.strictEqual(rl?._tag, "RateLimited")
    if (rl?._tag === "RateLimited") {
      assert.strictEqual(rl.requestId, "req_header")
      assert.deepStrictEqual(rl.retryAfter, Duration.millis(2500))
      assert.strictEqual(rl.retryable, true)
    }
    const ov = mapError(info(529, undefined, { retryAfterMs: 1000 }))
    assert.strictEqual(ov?._tag, "ProviderOverloaded")
  })

  it("a 429 without retry-after waits for the exhausted bucket's reset, measured against the date header", () => {
    const headers = {
      date: "Sun, 05 Apr 2026 14:28:55 GMT",
      "anthropic-ratelimit-requests-remaining": "19",
      "anthropic-ratelimit-requests-reset": "2026-04-05T14:29:55Z",
      "anthropic-ratelimit-output-tokens-remaining": "0",
      "anthropic-ratelimit-output-tokens-reset": "2026-04-05T14:29:07Z"
    }
    const rl = mapError(info(429, envelope("rate_limit_error", "output tokens per minute"), { headers }))
    assert.strictEqual(rl?._tag, "RateLimited")
    if (rl?._tag === "RateLimited") assert.deepStrictEqual(rl.retryAfter, Duration.millis(12_000))
    // retry-after, when sent, wins.
    const sent = mapError(info(429, envelope("rate_limit_error", "slow down"), { headers, retryAfterMs: 3000 }))
    if (sent?._tag === "RateLimited") assert.deepStrictEqual(sent.retryAfter, Duration.millis(3000))
    else assert.fail("expected RateLimited")
    // No date header to measure the absolute reset against: no wait is made up.
    const { date: _, ...undated } = headers
    const bare = mapError(info(429, envelope("rate_limit_error", "slow down"), { headers: undated }))
    if (bare?._tag === "RateLimited") assert.isUndefined(bare.retryAfter)
    else assert.fail("expected RateLimited")
    // A 529 is capacity, not this key's buckets: they give it no wait.
    const ov = mapError(info(529, envelope("overloaded_error", "Overloaded"), { headers }))
    if (ov?._tag === "ProviderOverloaded") assert.isUndefined(ov.retryAfter)
    else assert.fail("expected ProviderOverloaded")
  })

  it("falls back (undefined) for bodies it does not recognise", () => {
    assert.isUndefined(mapError(info(502, undefined)))
    assert.isUndefined(mapError(info(400, { error: "a string" })))
    assert.isUndefined(mapError(info(400, envelope("brand_new_error", "x"))))
  })

  it("in-stream errors: known types map; unknown ones are StreamInterrupted carrying the type", () => {
    const ov = fromStreamError(
      { provider: "anthropic", requestId: "req_1" },
      envelope("overloaded_error", "Overloaded")
    )
    assert.strictEqual(ov._tag, "ProviderOverloaded")
    const other = fromStreamError({ provider: "anthropic", requestId: undefined }, envelope("weird_error", "odd"))
    assert.strictEqual(other._tag, "StreamInterrupted")
    if (other._tag === "StreamInterrupted") assert.strictEqual(other.errorType, "weird_error")
  })

  it("never echoes a key that slipped into a message", () => {
    const e = mapError(
      info(401, envelope("authentication_error", "bad key sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyz0123456789"))
    )
    assert.notInclude(e?.message ?? "", "abcdefghijklmnopqrstuvwxyz0123456789")
  })
})
