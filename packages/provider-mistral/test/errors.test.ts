import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Errors from "../src/internal/errors.js"
import { requestIdOf, statusOf } from "./utils/harness.js"

const info = (status: number, json: unknown, headers: Record<string, string> = {}): ErrorInfo => ({
  provider: "mistral",
  operation: "chat",
  status,
  headers,
  body: JSON.stringify(json),
  json,
  requestId: undefined,
  retryAfterMs: status === 429 ? 1500 : undefined
})

describe("errors", () => {
  it("reads the flat Mistral body and the 422 detail form", () => {
    assert.deepStrictEqual(
      Errors.readBody({ object: "error", message: "bad", type: "invalid_request_error", param: null, code: "3001" }),
      {
        message: "bad",
        type: "invalid_request_error",
        code: "3001",
        param: undefined
      }
    )
    assert.deepStrictEqual(
      Errors.readBody({
        object: "error",
        message: {
          detail: [{ type: "extra_forbidden", loc: ["body", "store"], msg: "Extra inputs are not permitted" }]
        },
        type: "invalid_request_message_error"
      }),
      {
        message: "store: Extra inputs are not permitted",
        type: "invalid_request_message_error",
        code: undefined,
        param: "store"
      }
    )
    assert.deepStrictEqual(Errors.readBody({ detail: "Unauthorized" }).message, "Unauthorized")
  })

  it("classifies statuses and messages", () => {
    const tag = (status: number, message: string, headers?: Record<string, string>) =>
      Errors.fromResponse(info(status, { object: "error", message, type: "x" }, headers))._tag
    assert.strictEqual(tag(401, "Unauthorized"), "AuthenticationError")
    assert.strictEqual(tag(403, "Forbidden"), "PermissionDenied")
    assert.strictEqual(tag(404, "Invalid model"), "ModelNotFound")
    assert.strictEqual(tag(429, "Requests rate limit exceeded"), "RateLimited")
    assert.strictEqual(tag(429, "Too many tokens per minute: rate limit exceeded"), "RateLimited")
    assert.strictEqual(tag(429, "Monthly quota exhausted for this workspace"), "QuotaExceeded")
    assert.strictEqual(tag(429, "Service tier capacity exceeded for this model"), "ProviderOverloaded")
    assert.strictEqual(
      tag(400, "Prompt contains 90000 tokens, too large for model with 32768 maximum context length"),
      "ContextLengthExceeded"
    )
    assert.strictEqual(tag(400, "Input blocked by content moderation"), "ContentFiltered")
    assert.strictEqual(tag(422, "bad field"), "InvalidRequest")
    assert.strictEqual(tag(503, "unavailable"), "ProviderOverloaded")
    assert.strictEqual(tag(502, "bad gateway"), "ProviderError")
  })

  it("takes the request id from mistral-correlation-id and the wait from retry-after", () => {
    const error = Errors.fromResponse(info(429, { message: "slow" }, { "mistral-correlation-id": "corr-1" }))
    assert.strictEqual(requestIdOf(error), "corr-1")
    assert.strictEqual(
      error._tag === "RateLimited" && error.retryAfter ? Duration.toMillis(error.retryAfter) : undefined,
      1500
    )
    assert.strictEqual(statusOf(error), 429)
    assert.include(error.message, "mistral: slow")
  })

  it("classifies in-band stream errors without a status", () => {
    const ctx = { provider: "mistral", requestId: "r1" }
    assert.strictEqual(
      Errors.fromStreamPayload({ object: "error", message: "model overloaded", type: "service_unavailable" }, ctx)._tag,
      "ProviderOverloaded"
    )
    assert.strictEqual(Errors.fromStreamPayload({ error: { message: "rate limit exceeded" } }, ctx)._tag, "RateLimited")
    const internal = Errors.fromStreamPayload({ object: "error", message: "boom", type: "internal", code: 500 }, ctx)
    assert.strictEqual(internal._tag, "ProviderError")
    assert.strictEqual(statusOf(internal), 500)
    assert.strictEqual(requestIdOf(internal), "r1")
  })
})
