/**
 * Cohere error bodies → the error union. Bodies are flat `{id, message}`; Cohere adds 402
 * (payment required), 498 (invalid token) and 499 (request cancelled) to the usual statuses. The
 * body's `id` (or the `x-debug-trace-id` header) serves as the request id.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"

export const requestIdOf = (
  headers: Readonly<Record<string, string>>,
  fallback: string | undefined
): string | undefined => fallback ?? headers["x-debug-trace-id"] ?? headers["x-trace-id"]

export const readBody = (json: unknown): { readonly message: string | undefined; readonly id: string | undefined } => {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { message: undefined, id: undefined }
  const o = json as Record<string, unknown>
  const nested = o.error !== null && typeof o.error === "object" ? (o.error as Record<string, unknown>) : undefined
  const message =
    typeof o.message === "string"
      ? o.message
      : typeof o.error === "string"
        ? o.error
        : typeof nested?.message === "string"
          ? nested.message
          : undefined
  return { message, id: typeof o.id === "string" ? o.id : undefined }
}

const clip = (s: string) => {
  const flat = s.replace(/\s+/g, " ").trim()
  return Redaction.redactString(flat.length > 500 ? `${flat.slice(0, 497)}...` : flat)
}

const contextPattern =
  /too many tokens|context (length|window)|exceeds? the (model'?s? )?(maximum|context)|prompt is too long/i
const quotaPattern = /trial key|limited to \d+|quota|billing|payment|credit|upgrade/i
const filterPattern = /blocked|safety|content (filter|policy)|moderat/i

export interface Classify {
  readonly provider: string
  readonly status: number | undefined
  readonly message: string
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
    case 498:
      return new AiuError.AuthenticationError(base)
    case 402:
      return new AiuError.QuotaExceeded(base)
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
      if (filterPattern.test(text)) return new AiuError.ContentFiltered(base)
      return new AiuError.InvalidRequest(base)
    case 499:
      return new AiuError.ProviderError({ ...base, transient: false })
    case 503:
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case undefined:
      if (/rate.?limit/i.test(text)) return new AiuError.RateLimited({ ...base, scope: "provider" })
      if (/overload|unavailable|capacity/i.test(text)) return new AiuError.ProviderOverloaded(base)
      return new AiuError.ProviderError({ ...base, transient: false })
    default:
      if (status >= 500) return new AiuError.ProviderError({ ...base, transient: status !== 501 })
      return new AiuError.InvalidRequest(base)
  }
}

/** The transport's error mapper for every Cohere call. */
export const fromResponse = (info: ErrorInfo): AiuError.ProviderFailure => {
  const body = readBody(info.json)
  return classify({
    provider: info.provider,
    status: info.status,
    message: body.message ?? (info.body.trim().length > 0 ? info.body : `HTTP ${info.status}`),
    requestId: requestIdOf(info.headers, info.requestId) ?? body.id,
    retryAfterMs: info.retryAfterMs
  })
}
