import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { mapHttpError, mapStreamError, missingKey } from "../src/internal/errors.js"

const info = (status: number, json: unknown, headers: Record<string, string> = {}): ErrorInfo => ({
  provider: "openai",
  operation: "chat",
  status,
  headers,
  body: JSON.stringify(json),
  json,
  requestId: "req_1",
  retryAfterMs: headers["retry-after-ms"] !== undefined ? Number(headers["retry-after-ms"]) : undefined
})

const err = (message: string, type: string, code: string | number | null, param: string | null = null) => ({
  error: { message, type, code, param }
})

describe("errors", () => {
  it("maps OpenAI error bodies by code, type and status", () => {
    const cases: Array<[number, unknown, string]> = [
      [401, err("Incorrect API key", "invalid_request_error", "invalid_api_key"), "AuthenticationError"],
      [
        403,
        err("Country not supported", "request_forbidden", "unsupported_country_region_territory"),
        "PermissionDenied"
      ],
      [429, err("Rate limit reached", "requests", "rate_limit_exceeded"), "RateLimited"],
      [429, err("You exceeded your current quota", "insufficient_quota", "insufficient_quota"), "QuotaExceeded"],
      [
        400,
        err(
          "This model's maximum context length is 8192 tokens",
          "invalid_request_error",
          "context_length_exceeded",
          "messages"
        ),
        "ContextLengthExceeded"
      ],
      [400, err("filtered", "invalid_request_error", "content_filter", "prompt"), "ContentFiltered"],
      [
        400,
        err("Your request was rejected by the safety system", "invalid_request_error", "content_policy_violation"),
        "ContentFiltered"
      ],
      [
        503,
        err("The server is overloaded or not ready yet.", "server_error", "server_is_overloaded"),
        "ProviderOverloaded"
      ],
      [404, err("The model `x` does not exist", "invalid_request_error", "model_not_found"), "ModelNotFound"],
      [
        400,
        err("Unsupported parameter", "invalid_request_error", "unsupported_parameter", "max_tokens"),
        "InvalidRequest"
      ],
      [500, err("The server had an error", "server_error", null), "ProviderError"],
      // a TPM rate limit that mentions tokens stays a rate limit
      [
        429,
        err(
          "Request too large: too many tokens per min (TPM): Limit 30000, Requested 40000",
          "tokens",
          "rate_limit_exceeded"
        ),
        "RateLimited"
      ],
      // vLLM's flat body
      [
        400,
        {
          object: "error",
          message: "maximum context length is 4096 tokens",
          type: "BadRequestError",
          param: null,
          code: 400
        },
        "ContextLengthExceeded"
      ],
      // OpenRouter: numeric code, 402 credits
      [402, { error: { message: "Insufficient credits", code: 402 } }, "QuotaExceeded"],
      // Azure prompt filter
      [
        400,
        {
          error: { message: "filtered", code: "content_filter", innererror: { code: "ResponsibleAIPolicyViolation" } }
        },
        "ContentFiltered"
      ]
    ]
    for (const [status, json, tag] of cases) {
      const e = mapHttpError(info(status, json))
      assert.strictEqual(e?._tag, tag, JSON.stringify(json))
      assert.strictEqual(e !== undefined && "requestId" in e ? e.requestId : undefined, "req_1")
      assert.isTrue(e!.message.startsWith("openai: "))
    }
  })

  it("keeps the message, the param and the server's wait", () => {
    const e = mapHttpError(
      info(
        400,
        err("Use 'max_completion_tokens' instead.", "invalid_request_error", "unsupported_parameter", "max_tokens")
      )
    )
    assert.strictEqual(e?._tag, "InvalidRequest")
    if (e?._tag === "InvalidRequest") {
      assert.strictEqual(e.param, "max_tokens")
      assert.include(e.message, "max_completion_tokens")
      assert.include(e.message, "unsupported_parameter")
    }
    const r = mapHttpError(info(429, err("slow down", "requests", "rate_limit_exceeded"), { "retry-after-ms": "1500" }))
    assert.strictEqual(r?._tag, "RateLimited")
    if (r?._tag === "RateLimited")
      assert.strictEqual(r.retryAfter === undefined ? undefined : Duration.toMillis(r.retryAfter), 1500)
  })

  it("a 429 without retry-after waits for the exhausted bucket's reset", () => {
    const r = mapHttpError(
      info(429, err("Rate limit reached", "tokens", "rate_limit_exceeded"), {
        "x-ratelimit-remaining-requests": "10",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "6m0s"
      })
    )
    assert.strictEqual(r?._tag, "RateLimited")
    if (r?._tag === "RateLimited")
      assert.strictEqual(r.retryAfter === undefined ? undefined : Duration.toMillis(r.retryAfter), 360_000)
  })

  it("leaves unknown shapes to the generic status mapping", () => {
    assert.isUndefined(mapHttpError({ ...info(418, undefined), body: "teapot" }))
  })

  it("maps in-band stream errors; unknown ones are StreamInterrupted", () => {
    assert.strictEqual(
      mapStreamError(err("overloaded", "server_error", "server_is_overloaded"), {
        provider: "openai",
        requestId: undefined
      })._tag,
      "ProviderOverloaded"
    )
    assert.strictEqual(
      mapStreamError(
        { type: "error", error: { type: "insufficient_quota", code: "insufficient_quota", message: "quota" } },
        { provider: "openai", requestId: undefined }
      )._tag,
      "QuotaExceeded"
    )
    const unknown = mapStreamError(
      { error: { message: "weird", type: "mystery" } },
      { provider: "openai", requestId: "r" }
    )
    assert.strictEqual(unknown._tag, "StreamInterrupted")
    assert.strictEqual("requestId" in unknown ? unknown.requestId : undefined, "r")
  })

  it("a missing key names the env var and the aiu command, and no secret", () => {
    const e = missingKey("openai", "OPENAI_API_KEY")
    assert.strictEqual(e._tag, "AuthenticationError")
    assert.include(e.message, "OPENAI_API_KEY")
    assert.include(e.message, "aiu keys add openai")
  })
})
