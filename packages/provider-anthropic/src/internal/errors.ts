/**
 * Anthropic error bodies (`{"type":"error","error":{"type","message"},"request_id"}`), HTTP
 * statuses and in-stream `event: error` payloads → the core error union.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"
import * as AnthropicRateLimits from "../AnthropicRateLimits.js"
import type { WireError } from "./schema.js"

// "prompt is too long: 212000 tokens > 200000 maximum"; "input length and `max_tokens` exceed context limit: …"
const contextLength = /prompt is too long|context (?:window|length|limit)|maximum context|too many (?:input )?tokens/i
const spendLimit = /credit balance|usage limits?|spend(?:ing)? limit|billing|insufficient (?:credit|funds|quota)/i

const clip = (s: string) => {
  const one = s.replace(/\s+/g, " ").trim()
  return Redaction.redactString(one.length > 500 ? `${one.slice(0, 497)}...` : one)
}

/** Reads the error object out of a body (`{error:{type,message}}`), tolerating odd shapes. */
export const errorOf = (json: unknown): WireError | undefined => {
  if (json === null || typeof json !== "object") return undefined
  const error = (json as { error?: unknown }).error
  if (error === null || typeof error !== "object") return undefined
  const e = error as { type?: unknown; message?: unknown }
  return {
    ...(typeof e.type === "string" ? { type: e.type } : {}),
    ...(typeof e.message === "string" ? { message: e.message } : {})
  }
}

const requestIdOfBody = (json: unknown): string | undefined => {
  if (json === null || typeof json !== "object") return undefined
  const id = (json as { request_id?: unknown }).request_id
  return typeof id === "string" ? id : undefined
}

export interface ErrorContext {
  readonly provider: string
  readonly operation: string
  readonly status?: number | undefined
  readonly requestId?: string | undefined
  readonly retryAfterMs?: number | undefined
}

/**
 * The error for an Anthropic error `type` and message. Used for HTTP error bodies and for
 * in-stream `error` events (no status there).
 */
export const fromWireError = (
  ctx: ErrorContext,
  error: WireError | undefined
): AiuError.ProviderFailure | undefined => {
  const type = error?.type
  const message = error?.message ?? (type !== undefined ? type : undefined)
  if (type === undefined && message === undefined) return undefined
  const base = {
    message: `${ctx.provider}: ${clip(message ?? "unknown error")}${type !== undefined ? ` (${type})` : ""}`,
    provider: ctx.provider,
    ...(ctx.status !== undefined ? { status: ctx.status } : {}),
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
  }
  const retryAfter = ctx.retryAfterMs !== undefined ? { retryAfter: Duration.millis(ctx.retryAfterMs) } : {}
  const text = message ?? ""
  switch (type) {
    case "invalid_request_error":
      if (contextLength.test(text)) return new AiuError.ContextLengthExceeded(base)
      if (spendLimit.test(text)) return new AiuError.QuotaExceeded(base)
      return new AiuError.InvalidRequest(base)
    case "authentication_error":
      return new AiuError.AuthenticationError(base)
    case "billing_error":
      return new AiuError.QuotaExceeded(base)
    case "permission_error":
      return new AiuError.PermissionDenied(base)
    case "not_found_error": {
      const model = /model:\s*(\S+)/.exec(text)?.[1]
      return new AiuError.ModelNotFound({ ...base, ...(model !== undefined ? { model } : {}) })
    }
    case "request_too_large":
      // The body is too many bytes (32 MB on Messages), not too many tokens.
      return new AiuError.InvalidRequest(base)
    case "rate_limit_error":
      if (spendLimit.test(text)) return new AiuError.QuotaExceeded(base)
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    case "overloaded_error":
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case "api_error":
      return new AiuError.ProviderError({ ...base, transient: true })
    case "timeout_error":
      return new AiuError.ProviderError({ ...base, transient: true })
    default:
      return undefined
  }
}

/** The `mapError` given to the transport; undefined falls back to the generic status mapping. */
export const mapError = (info: ErrorInfo): AiuError.ProviderFailure | undefined => {
  const error = errorOf(info.json)
  const requestId = info.requestId ?? requestIdOfBody(info.json)
  const mapped = fromWireError(
    {
      provider: info.provider,
      operation: info.operation,
      status: info.status,
      requestId,
      // A 429 without retry-after: the reset of the exhausted anthropic-ratelimit bucket says how
      // long to wait (measured against the response's `date`, as this mapper has no clock).
      retryAfterMs:
        info.retryAfterMs ?? (info.status === 429 ? AnthropicRateLimits.exhaustedResetMs(info.headers) : undefined)
    },
    error
  )
  if (mapped !== undefined) return mapped
  // No (known) error body: a 529 is Anthropic's overload signal even from a proxy.
  if (info.status === 529) {
    return new AiuError.ProviderOverloaded({
      message: `${info.provider}: overloaded (HTTP 529)`,
      provider: info.provider,
      status: 529,
      ...(requestId !== undefined ? { requestId } : {}),
      ...(info.retryAfterMs !== undefined ? { retryAfter: Duration.millis(info.retryAfterMs) } : {})
    })
  }
  return undefined
}

/** An in-stream `event: error` (the HTTP status was already 200). */
export const fromStreamError = (
  ctx: { readonly provider: string; readonly requestId: string | undefined },
  payload: unknown
): AiuError.ProviderFailure =>
  fromWireError({ provider: ctx.provider, operation: "chatStream", requestId: ctx.requestId }, errorOf(payload)) ??
  new AiuError.StreamInterrupted({
    message: `${ctx.provider}: the stream reported an error: ${clip(errorOf(payload)?.message ?? JSON.stringify(payload) ?? "")}`,
    provider: ctx.provider,
    ...(errorOf(payload)?.type !== undefined ? { errorType: errorOf(payload)!.type! } : {}),
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
  })
