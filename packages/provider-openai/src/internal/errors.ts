/**
 * OpenAI error bodies → the error union. Handles the OpenAI envelope
 * `{error:{message,type,param,code}}`, the flat vLLM shape `{object:"error",message,type,code}`,
 * OpenRouter's numeric `error.code`, and Azure's `innererror` content-filter details. The same
 * classifier serves HTTP errors and in-band stream errors.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"
import * as OpenAiRateLimits from "../OpenAiRateLimits.js"

/** The fields we read from any OpenAI-like error body. */
export interface ErrorFields {
  readonly message: string | undefined
  readonly type: string | undefined
  readonly code: string | undefined
  readonly param: string | undefined
  readonly innerCode: string | undefined
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined

const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

/** Reads the error fields, or undefined when the value is not an error body. */
export const errorFields = (json: unknown): ErrorFields | undefined => {
  const top = rec(Array.isArray(json) ? json[0] : json)
  if (top === undefined) return undefined
  const nested = rec(top.error)
  const e = nested ?? (top.object === "error" || top.type === "error" ? top : undefined)
  if (e === undefined) {
    // `{"error":"text"}` (Ollama's OpenAI endpoint, some proxies)
    return typeof top.error === "string"
      ? { message: top.error, type: undefined, code: undefined, param: undefined, innerCode: undefined }
      : undefined
  }
  const inner = rec(e.innererror)
  return {
    message: str(e.message),
    type: str(e.type),
    code: str(e.code),
    param: str(e.param),
    innerCode: str(inner?.code)
  }
}

type Kind =
  | "auth"
  | "permission"
  | "rate-limit"
  | "quota"
  | "context-length"
  | "content-filter"
  | "overloaded"
  | "model-not-found"
  | "invalid-request"
  | "server"

const classify = (status: number | undefined, f: ErrorFields | undefined): Kind | undefined => {
  const code = f?.code?.toLowerCase() ?? ""
  const type = f?.type?.toLowerCase() ?? ""
  const message = f?.message?.toLowerCase() ?? ""
  // A 429 that talks about tokens per minute is a rate limit: the message decides only for rejected requests.
  const rejected = status === undefined || status === 400 || status === 413 || status === 422
  if (
    code === "context_length_exceeded" ||
    code === "string_above_max_length" ||
    (rejected &&
      /maximum context length|context window|context_length|too many tokens|prompt is too long/.test(message))
  )
    return "context-length"
  if (
    code === "content_filter" ||
    code === "content_policy_violation" ||
    f?.innerCode === "ResponsibleAIPolicyViolation" ||
    type === "content_filter"
  )
    return "content-filter"
  if (
    code === "insufficient_quota" ||
    type === "insufficient_quota" ||
    code === "billing_hard_limit_reached" ||
    status === 402
  )
    return "quota"
  if (code === "model_not_found" || (status === 404 && /model/.test(message)) || code === "deploymentnotfound")
    return "model-not-found"
  if (
    code === "server_is_overloaded" ||
    code === "slow_down" ||
    type === "overloaded_error" ||
    /overloaded/.test(message)
  )
    return "overloaded"
  if (code === "invalid_api_key" || type === "authentication_error" || status === 401) return "auth"
  if (status === 403 || type === "permission_error") return "permission"
  if (
    code === "rate_limit_exceeded" ||
    type === "rate_limit_error" ||
    type === "requests" ||
    type === "tokens" ||
    status === 429
  )
    return "rate-limit"
  if (status === 503 || status === 529) return "overloaded"
  if (status !== undefined && status >= 500) return "server"
  if (type === "server_error" || type === "api_error" || code === "server_error" || code === "internal_error")
    return "server"
  if (status === 404) return "model-not-found"
  if (status === 400 || status === 413 || status === 422 || type === "invalid_request_error") return "invalid-request"
  return undefined
}

const clip = (s: string) =>
  Redaction.redactString((s.length > 500 ? `${s.slice(0, 497)}...` : s).replace(/\s+/g, " ").trim())

interface Context {
  readonly provider: string
  readonly status?: number | undefined
  readonly requestId?: string | undefined
  readonly retryAfterMs?: number | undefined
}

const build = (
  kind: Kind | undefined,
  f: ErrorFields | undefined,
  ctx: Context,
  fallback: string
): AiuError.ProviderFailure => {
  const detail = f?.message ?? fallback
  const code = f?.code ?? f?.type
  const message = `${ctx.provider}: ${clip(detail)}${code !== undefined && !detail.includes(code) ? ` (${code})` : ""}`
  const base = {
    message,
    provider: ctx.provider,
    ...(ctx.status !== undefined ? { status: ctx.status } : {}),
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
  }
  const retryAfter = ctx.retryAfterMs !== undefined ? { retryAfter: Duration.millis(ctx.retryAfterMs) } : {}
  switch (kind) {
    case "auth":
      return new AiuError.AuthenticationError(base)
    case "permission":
      return new AiuError.PermissionDenied(base)
    case "rate-limit":
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    case "quota":
      return new AiuError.QuotaExceeded(base)
    case "context-length":
      return new AiuError.ContextLengthExceeded(base)
    case "content-filter":
      return new AiuError.ContentFiltered(base)
    case "overloaded":
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case "model-not-found":
      return new AiuError.ModelNotFound(base)
    case "invalid-request":
      return new AiuError.InvalidRequest({ ...base, ...(f?.param !== undefined ? { param: f.param } : {}) })
    case "server":
      return new AiuError.ProviderError({ ...base, transient: ctx.status === undefined || ctx.status !== 501 })
    case undefined:
      return new AiuError.ProviderError(base)
  }
}

/** The transport's `mapError` for OpenAI-shaped APIs. */
export const mapHttpError = (info: ErrorInfo): AiuError.ProviderFailure | undefined => {
  const f = errorFields(info.json)
  const kind = classify(info.status, f)
  if (kind === undefined) return undefined
  // A 429 without retry-after: the reset of the exhausted x-ratelimit bucket says how long to wait.
  const retryAfterMs =
    info.retryAfterMs ??
    (kind === "rate-limit"
      ? OpenAiRateLimits.exhaustedResetMs(OpenAiRateLimits.parse(info.headers, undefined))
      : undefined)
  return build(kind, f, { ...info, retryAfterMs }, info.body.length > 0 ? info.body : `HTTP ${info.status}`)
}

/** An in-band error inside a 200 stream (`data: {"error":{…}}` or an `error` event). */
export const mapStreamError = (
  json: unknown,
  ctx: { readonly provider: string; readonly requestId?: string | undefined }
): AiuError.ProviderFailure => {
  const f = errorFields(json)
  const top = rec(json)
  const status = typeof rec(top?.error)?.code === "number" ? (rec(top?.error)?.code as number) : undefined
  const kind = classify(status, f)
  if (kind === undefined) {
    return new AiuError.StreamInterrupted({
      message: `${ctx.provider}: the stream reported an error: ${clip(f?.message ?? JSON.stringify(json))}`,
      provider: ctx.provider,
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {}),
      ...((f?.code ?? f?.type) ? { errorType: (f?.code ?? f?.type) as string } : {})
    })
  }
  return build(kind, f, { provider: ctx.provider, requestId: ctx.requestId, status }, "stream error")
}

/** The key is missing: say how to provide one. */
export const missingKey = (provider: string, envVar: string | undefined) =>
  new AiuError.AuthenticationError({
    message: `${provider}: no API key. ${envVar !== undefined ? `Set ${envVar} or run` : "Run"} \`aiu keys add ${provider}\``,
    provider
  })
