/**
 * The generic mapping from an HTTP error response to the error union, used when a provider's own
 * mapper has nothing more specific to say.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as Duration from "effect/Duration"
import type { ErrorInfo } from "../HttpTransport.js"

/** Pulls a human message out of the usual error body shapes, clipped and redacted. */
export const messageOf = (info: ErrorInfo): string => {
  const json = info.json
  let message: string | undefined
  const pick = (v: unknown): string | undefined => {
    if (typeof v === "string") return v
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>
      if (typeof o.message === "string") return o.message
      if (o.error !== undefined) return pick(o.error)
      if (typeof o.detail === "string") return o.detail
    }
    return undefined
  }
  message = Array.isArray(json) ? pick(json[0]) : pick(json)
  if (message === undefined) message = info.body.trim().length > 0 ? info.body : `HTTP ${info.status}`
  const clipped = message.length > 500 ? `${message.slice(0, 497)}...` : message
  return Redaction.redactString(clipped.replace(/\s+/g, " ").trim())
}

export const generic = (info: ErrorInfo): AiuError.ProviderFailure => {
  const base = {
    message: `${info.provider}: ${messageOf(info)}`,
    provider: info.provider,
    status: info.status,
    ...(info.requestId !== undefined ? { requestId: info.requestId } : {})
  }
  const retryAfter = info.retryAfterMs !== undefined ? { retryAfter: Duration.millis(info.retryAfterMs) } : {}
  switch (info.status) {
    case 400:
    case 413:
    case 422:
      return new AiuError.InvalidRequest(base)
    case 401:
      return new AiuError.AuthenticationError(base)
    case 403:
      return new AiuError.PermissionDenied(base)
    case 404:
      return new AiuError.ModelNotFound(base)
    case 429:
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    case 503:
    case 529:
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case 408:
    case 409:
    case 500:
    case 502:
    case 504:
      return new AiuError.ProviderError({ ...base, transient: true })
    default:
      return new AiuError.ProviderError({ ...base, transient: info.status >= 500 && info.status !== 501 })
  }
}
