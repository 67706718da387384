/**
 * Ollama error bodies → the error union. Bodies are `{"error":"<message>"}`; a failure inside a
 * 200 stream is a line of the same shape. Ollama sends no request id.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"

export const messageOf = (json: unknown): string | undefined => {
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    const o = json as Record<string, unknown>
    if (typeof o.error === "string") return o.error
    if (o.error !== null && typeof o.error === "object") {
      const nested = (o.error as Record<string, unknown>).message
      if (typeof nested === "string") return nested
    }
    if (typeof o.message === "string") return o.message
  }
  return undefined
}

const clip = (s: string) => {
  const flat = s.replace(/\s+/g, " ").trim()
  return Redaction.redactString(flat.length > 500 ? `${flat.slice(0, 497)}...` : flat)
}

const contextPattern =
  /context (length|window)|exceeds? the (maximum )?context|prompt is too long|input length exceeds/i
const busyPattern = /server busy|overloaded|too many (concurrent )?requests|queue/i
const quotaPattern = /usage limit|quota|subscription|upgrade/i

export interface Classify {
  readonly provider: string
  readonly status: number | undefined
  readonly message: string
  /** Ollama sends none; a proxy in front of it may. */
  readonly requestId: string | undefined
  readonly retryAfterMs: number | undefined
}

export const classify = (input: Classify): AiuError.ProviderFailure => {
  const text = clip(input.message)
  const { provider, status } = input
  const base = {
    message: `${provider}: ${text}`,
    provider,
    ...(status !== undefined ? { status } : {}),
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {})
  }
  const retryAfter = input.retryAfterMs !== undefined ? { retryAfter: Duration.millis(input.retryAfterMs) } : {}
  // A rate limit may speak of tokens too: only a rejected request can be a context overflow.
  const rejected = status === undefined || status === 400 || status === 413 || status === 422
  if (rejected && contextPattern.test(text)) return new AiuError.ContextLengthExceeded(base)
  switch (status) {
    case 401:
      return new AiuError.AuthenticationError(base)
    case 403:
      return new AiuError.PermissionDenied(base)
    case 404:
      return new AiuError.ModelNotFound(base)
    case 429:
      if (quotaPattern.test(text)) return new AiuError.QuotaExceeded(base)
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    case 400:
    case 413:
    case 422:
      return new AiuError.InvalidRequest(base)
    case 503:
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case undefined:
      if (busyPattern.test(text)) return new AiuError.ProviderOverloaded(base)
      return new AiuError.ProviderError({ ...base, transient: false })
    default:
      if (status >= 500) return new AiuError.ProviderError({ ...base, transient: status !== 501 })
      return new AiuError.InvalidRequest(base)
  }
}

/** The transport's error mapper for every Ollama call. */
export const fromResponse = (info: ErrorInfo): AiuError.ProviderFailure =>
  classify({
    provider: info.provider,
    status: info.status,
    message: messageOf(info.json) ?? (info.body.trim().length > 0 ? info.body : `HTTP ${info.status}`),
    requestId: info.requestId,
    retryAfterMs: info.retryAfterMs
  })

/** An `{"error":…}` line inside a 200 stream. */
export const fromStreamLine = (
  message: string,
  context: { readonly provider: string; readonly requestId: string | undefined }
): AiuError.ProviderFailure =>
  classify({
    provider: context.provider,
    status: undefined,
    message,
    requestId: context.requestId,
    retryAfterMs: undefined
  })
