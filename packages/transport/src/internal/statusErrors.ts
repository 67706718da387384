/**
 * The generic mapping from an HTTP error response to the error union, used when a provider's own
 * mapper has nothing more specific to say, plus the quota detection that runs before any adapter
 * mapper: a 429 that waiting will not fix must never be retried, whichever adapter sent it.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as Duration from "effect/Duration"
import type { ErrorInfo } from "../HttpTransport.js"
import { googleDetails } from "../RetryAfter.js"

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

const base = (info: ErrorInfo) => ({
  message: `${info.provider}: ${messageOf(info)}`,
  provider: info.provider,
  status: info.status,
  ...(info.requestId !== undefined ? { requestId: info.requestId } : {})
})

const errorObject = (json: unknown): Record<string, unknown> | undefined => {
  if (json === null || typeof json !== "object") return undefined
  const e = (json as { error?: unknown }).error
  return e !== null && typeof e === "object" ? (e as Record<string, unknown>) : undefined
}

/** Billing and spend-limit phrasing across providers (Anthropic words it in the message only). */
const SPEND_LIMIT =
  /spend(?:ing)? limit|usage limits?|credit balance|billing|insufficient[_ ]quota|exceeded your current quota.*(?:plan|billing)/i

/**
 * Non-transient 429s (and 402s): OpenAI `insufficient_quota`, Anthropic spend / usage limits,
 * Gemini `RESOURCE_EXHAUSTED` on a per-day quota. A per-minute Gemini quota stays a `RateLimited`.
 */
export const quotaExceeded = (info: ErrorInfo): AiuError.QuotaExceeded | undefined => {
  if (info.status === 402) return new AiuError.QuotaExceeded(base(info))
  if (info.status !== 429 && info.status !== 400 && info.status !== 403) return undefined
  const error = errorObject(info.json)
  if (error !== undefined) {
    if (error.code === "insufficient_quota" || error.type === "insufficient_quota") {
      return new AiuError.QuotaExceeded(base(info))
    }
    if (error.status === "RESOURCE_EXHAUSTED") {
      const daily = googleDetails(info.json).some(
        (d) =>
          Array.isArray(d.violations) &&
          d.violations.some((v: unknown) => /per ?day|daily/i.test(JSON.stringify(v ?? "")))
      )
      return daily ? new AiuError.QuotaExceeded(base(info)) : undefined
    }
    if (error.type === "billing_error") return new AiuError.QuotaExceeded(base(info))
  }
  // Anthropic reports a reached spend limit as a 400/429 whose only marker is the message.
  if (info.status === 429 || info.status === 400) {
    const message = typeof error?.message === "string" ? error.message : ""
    if (SPEND_LIMIT.test(message)) return new AiuError.QuotaExceeded(base(info))
  }
  return undefined
}

export const generic = (info: ErrorInfo): AiuError.ProviderFailure => {
  const b = base(info)
  const retryAfter = info.retryAfterMs !== undefined ? { retryAfter: Duration.millis(info.retryAfterMs) } : {}
  switch (info.status) {
    case 400:
    case 413:
    case 422:
      return new AiuError.InvalidRequest(b)
    case 401:
      return new AiuError.AuthenticationError(b)
    case 403:
      return new AiuError.PermissionDenied(b)
    case 404:
      return new AiuError.ModelNotFound(b)
    case 429:
      return new AiuError.RateLimited({ ...b, ...retryAfter, scope: "provider" })
    case 503:
    case 529:
      return new AiuError.ProviderOverloaded({ ...b, ...retryAfter })
    case 408:
    case 409:
    case 500:
    case 502:
    case 504:
      return new AiuError.ProviderError({ ...b, transient: true })
    default:
      return new AiuError.ProviderError({ ...b, transient: info.status >= 500 && info.status !== 501 })
  }
}
