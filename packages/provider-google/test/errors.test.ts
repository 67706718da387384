import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { fromStreamError, mapError, retryDelayMs } from "../src/internal/errors.js"

const info = (status: number, json: unknown): ErrorInfo => ({
  provider: "google",
  operation: "chat",
  status,
  headers: {},
  body: JSON.stringify(json),
  json,
  requestId: undefined,
  retryAfterMs: undefined
})
const body = (code: number, status: string, message: string, details?: Array<unknown>) => ({
  error: { code, status, message, ...(details !== undefined ? { details } : {}) }
})

describe("errors", () => {
  it("maps canonical statuses", () => {
    const cases: Array<[number, string, string, string]> = [
      [400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "InvalidRequest"],
      [400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "AuthenticationError"],
      [
        400,
        "INVALID_ARGUMENT",
        "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
        "ContextLengthExceeded"
      ],
      [400, "FAILED_PRECONDITION", "User location is not supported for the API use.", "PermissionDenied"],
      [401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", "AuthenticationError"],
      [403, "PERMISSION_DENIED", "The caller does not have permission", "PermissionDenied"],
      [
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        "AuthenticationError"
      ],
      [404, "NOT_FOUND", "models/gemini-nope is not found for API version v1beta", "ModelNotFound"],
      [429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", "RateLimited"],
      [500, "INTERNAL", "An internal error has occurred.", "ProviderError"],
      [503, "UNAVAILABLE", "The model is overloaded.", "ProviderOverloaded"],
      [504, "DEADLINE_EXCEEDED", "Deadline exceeded", "ProviderError"]
    ]
    for (const [status, canonical, message, tag] of cases) {
      const e = mapError(info(status, body(status, canonical, message)))
      assert.strictEqual(e?._tag, tag, message)
      if (e?._tag === "ModelNotFound") assert.strictEqual(e.model, "gemini-nope")
    }
  })

  it("RESOURCE_EXHAUSTED: per-day quota → QuotaExceeded, per-minute → RateLimited with RetryInfo", () => {
    const quota = (quotaId: string) => ({
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{ quotaId }]
    })
    const retry = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" }
    const daily = mapError(
      info(
        429,
        body(429, "RESOURCE_EXHAUSTED", "quota", [quota("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), retry])
      )
    )
    assert.strictEqual(daily?._tag, "QuotaExceeded")
    const minute = mapError(
      info(
        429,
        body(429, "RESOURCE_EXHAUSTED", "quota", [quota("GenerateContentInputTokensPerModelPerMinute-FreeTier"), retry])
      )
    )
    assert.strictEqual(minute?._tag, "RateLimited")
    if (minute?._tag === "RateLimited") assert.deepStrictEqual(minute.retryAfter, Duration.seconds(12))
    assert.strictEqual(retryDelayMs({ details: [{ "@type": "x.RetryInfo", retryDelay: "0.5s" }] }), 500)
  })

  it("unknown bodies fall back (undefined); in-stream errors map or become StreamInterrupted", () => {
    assert.isUndefined(mapError(info(502, undefined)))
    assert.isUndefined(mapError(info(418, body(418, "SOMETHING_NEW", "x"))))
    assert.strictEqual(
      fromStreamError({ provider: "google", requestId: undefined }, body(503, "UNAVAILABLE", "busy"))._tag,
      "ProviderOverloaded"
    )
    const odd = fromStreamError({ provider: "google", requestId: undefined }, body(499, "CANCELLED", "cancelled"))
    assert.strictEqual(odd._tag, "StreamInterrupted")
    // an array body (the JSON-array stream form) is read too
    assert.strictEqual(mapError(info(500, [body(500, "INTERNAL", "x")]))?._tag, "ProviderError")
  })
})
