/**
 * Gemini error bodies (`{"error":{code, message, status, details[]}}`) → the core error union,
 * for HTTP errors and for `data: {"error":…}` events inside a 200 stream. Daily / billing quota
 * (`RESOURCE_EXHAUSTED` with a per-day `QuotaFailure`) is `QuotaExceeded`; per-minute limits are
 * `RateLimited` with the body's `RetryInfo.retryDelay` (Gemini sends no rate-limit headers).
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"

export interface WireError {
  readonly code?: number
  readonly message?: string
  readonly status?: string
  readonly details?: ReadonlyArray<Readonly<Record<string, unknown>>>
}

const clip = (s: string) => {
  const one = s.replace(/\s+/g, " ").trim()
  return Redaction.redactString(one.length > 500 ? `${one.slice(0, 497)}...` : one)
}

/** The `error` object of a body (also the first element when the body is an array). */
export const errorOf = (json: unknown): WireError | undefined => {
  const body = Array.isArray(json) ? (json[0] as unknown) : json
  if (body === null || typeof body !== "object") return undefined
  const error = (body as { error?: unknown }).error
  if (error === null || typeof error !== "object") return undefined
  const e = error as Record<string, unknown>
  return {
    ...(typeof e.code === "number" ? { code: e.code } : {}),
    ...(typeof e.message === "string" ? { message: e.message } : {}),
    ...(typeof e.status === "string" ? { status: e.status } : {}),
    ...(Array.isArray(e.details)
      ? { details: e.details.filter((d): d is Record<string, unknown> => d !== null && typeof d === "object") }
      : {})
  }
}

const detailsOf = (error: WireError, kind: string) =>
  (error.details ?? []).filter((d) => typeof d["@type"] === "string" && (d["@type"] as string).endsWith(`.${kind}`))

/** `RetryInfo.retryDelay` ("34.4s", a protobuf Duration in JSON) in milliseconds. */
export const retryDelayMs = (error: WireError): number | undefined => {
  for (const d of detailsOf(error, "RetryInfo")) {
    const delay = d.retryDelay
    if (typeof delay === "string") {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim())
      if (m !== null) return Math.round(Number(m[1]) * 1000)
    }
  }
  return undefined
}

const quotaIds = (error: WireError): Array<string> => {
  const ids: Array<string> = []
  for (const d of detailsOf(error, "QuotaFailure")) {
    const violations = d.violations
    if (!Array.isArray(violations)) continue
    for (const v of violations) {
      if (v !== null && typeof v === "object") {
        const id = (v as { quotaId?: unknown }).quotaId
        const metric = (v as { quotaMetric?: unknown }).quotaMetric
        if (typeof id === "string") ids.push(id)
        else if (typeof metric === "string") ids.push(metric)
      }
    }
  }
  return ids
}

const reasons = (error: WireError): Array<string> =>
  detailsOf(error, "ErrorInfo").flatMap((d) => (typeof d.reason === "string" ? [d.reason] : []))

const contextLength =
  /input token count.*exceeds|exceeds the maximum number of tokens|too many tokens|context (?:window|length)/i
const missingKey = /API key|unregistered callers|API_KEY/i

export interface ErrorContext {
  readonly provider: string
  readonly status?: number | undefined
  readonly requestId?: string | undefined
  readonly retryAfterMs?: number | undefined
}

export const fromWireError = (
  ctx: ErrorContext,
  error: WireError | undefined
): AiuError.ProviderFailure | undefined => {
  if (error === undefined || (error.status === undefined && error.message === undefined)) return undefined
  const text = error.message ?? ""
  const status = ctx.status ?? error.code
  const base = {
    message: `${ctx.provider}: ${clip(text || (error.status ?? "unknown error"))}${error.status !== undefined ? ` (${error.status})` : ""}`,
    provider: ctx.provider,
    ...(status !== undefined ? { status } : {}),
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
  }
  const waitMs = retryDelayMs(error) ?? ctx.retryAfterMs
  const retryAfter = waitMs !== undefined ? { retryAfter: Duration.millis(waitMs) } : {}
  const why = reasons(error)
  switch (error.status) {
    case "INVALID_ARGUMENT":
      if (why.includes("API_KEY_INVALID") || /API key not valid/i.test(text))
        return new AiuError.AuthenticationError(base)
      if (contextLength.test(text)) return new AiuError.ContextLengthExceeded(base)
      return new AiuError.InvalidRequest(base)
    case "FAILED_PRECONDITION":
      if (/location is not supported|billing/i.test(text)) return new AiuError.PermissionDenied(base)
      return new AiuError.InvalidRequest(base)
    case "UNAUTHENTICATED":
      return new AiuError.AuthenticationError(base)
    case "PERMISSION_DENIED":
      // A missing or unknown key is reported as 403; say what to fix.
      if (missingKey.test(text) || why.some((r) => r.startsWith("API_KEY")))
        return new AiuError.AuthenticationError(base)
      return new AiuError.PermissionDenied(base)
    case "NOT_FOUND": {
      const model = /models\/([\w.-]+)/.exec(text)?.[1]
      return new AiuError.ModelNotFound({ ...base, ...(model !== undefined ? { model } : {}) })
    }
    case "RESOURCE_EXHAUSTED": {
      const ids = quotaIds(error)
      if (ids.some((id) => /PerDay|PerMonth|Daily/i.test(id))) return new AiuError.QuotaExceeded(base)
      if (ids.length === 0 && /billing|spend|credits/i.test(text)) return new AiuError.QuotaExceeded(base)
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    }
    case "UNAVAILABLE":
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case "INTERNAL":
    case "DEADLINE_EXCEEDED":
    case "ABORTED":
    case "UNKNOWN":
      return new AiuError.ProviderError({ ...base, transient: true })
    case "UNIMPLEMENTED":
      return new AiuError.ProviderError({ ...base, transient: false })
    default:
      return undefined
  }
}

/** The `mapError` given to the transport; undefined falls back to the generic status mapping. */
export const mapError = (info: ErrorInfo): AiuError.ProviderFailure | undefined =>
  fromWireError(
    { provider: info.provider, status: info.status, requestId: info.requestId, retryAfterMs: info.retryAfterMs },
    errorOf(info.json)
  )

/** A `{"error":…}` payload inside a 200 stream. */
export const fromStreamError = (
  ctx: { readonly provider: string; readonly requestId: string | undefined },
  payload: unknown
): AiuError.ProviderFailure => {
  const error = errorOf(payload)
  return (
    fromWireError(ctx, error) ??
    new AiuError.StreamInterrupted({
      message: `${ctx.provider}: the stream reported an error: ${clip(error?.message ?? "unknown")}`,
      provider: ctx.provider,
      ...(error?.status !== undefined ? { errorType: error.status } : {}),
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
    })
  )
}
