/**
 * Mistral error bodies → the error union. Bodies are `{object:"error", message, type, param,
 * code}`; on 422 `message` may itself be `{detail:[{type, loc, msg}]}`. Mistral names its request
 * id `mistral-correlation-id`.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import * as Duration from "effect/Duration"

export const requestIdOf = (
  headers: Readonly<Record<string, string>>,
  fallback: string | undefined
): string | undefined => fallback ?? headers["mistral-correlation-id"] ?? headers["x-kong-request-id"]

interface Body {
  readonly message: string | undefined
  readonly type: string | undefined
  readonly code: string | undefined
  readonly param: string | undefined
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

/** Reads `{object:"error",…}`, `{error:{…}}`, `{detail:[…]}` and `{message:{detail:[…]}}`. */
export const readBody = (json: unknown): Body => {
  let o = obj(json)
  const nested = obj(o?.error)
  if (nested !== undefined) o = nested
  if (o === undefined) return { message: undefined, type: undefined, code: undefined, param: undefined }
  let message = str(o.message) ?? (typeof o.error === "string" ? o.error : undefined)
  let param = str(o.param)
  const detailHolder = obj(o.message) ?? o
  const detail = detailHolder.detail
  if (Array.isArray(detail) && detail.length > 0) {
    const first = obj(detail[0])
    const loc = Array.isArray(first?.loc) ? first.loc.map(String).filter((s) => s !== "body") : []
    if (param === undefined && loc.length > 0) param = loc.join(".")
    const msg = str(first?.msg)
    if (msg !== undefined) message = loc.length > 0 ? `${loc.join(".")}: ${msg}` : msg
  } else if (typeof detail === "string" && message === undefined) message = detail
  return { message, type: str(o.type), code: str(o.code), param }
}

const clip = (s: string) => {
  const flat = s.replace(/\s+/g, " ").trim()
  return Redaction.redactString(flat.length > 500 ? `${flat.slice(0, 497)}...` : flat)
}

const contextPattern =
  /context (length|window)|too large for model|maximum context|exceeds? the (model'?s? )?(context|maximum)|prompt is too long|too many tokens/i
const quotaPattern = /quota|billing|credit|payment|spend(ing)? limit|exhausted|subscription/i
const capacityPattern = /capacity|overload/i
const filterPattern = /content (filter|policy|moderation)|safety|moderat/i

export interface Classify {
  readonly provider: string
  readonly status: number | undefined
  readonly body: Body
  readonly fallbackMessage: string
  readonly requestId: string | undefined
  readonly retryAfterMs: number | undefined
}

export const classify = (input: Classify): AiuError.ProviderFailure => {
  const { body, provider, status } = input
  const text = clip(body.message ?? input.fallbackMessage)
  const base = {
    message: `${provider}: ${text}`,
    provider,
    ...(status !== undefined ? { status } : {}),
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {})
  }
  const retryAfter = input.retryAfterMs !== undefined ? { retryAfter: Duration.millis(input.retryAfterMs) } : {}
  const kind = `${body.type ?? ""} ${body.code ?? ""}`
  const haystack = `${kind} ${text}`
  // A rate limit may speak of tokens too: only a rejected request can be a context overflow.
  const rejected = status === undefined || status === 400 || status === 413 || status === 422
  if (rejected && contextPattern.test(haystack)) return new AiuError.ContextLengthExceeded(base)
  switch (status) {
    case 401:
      return new AiuError.AuthenticationError(base)
    case 403:
      return new AiuError.PermissionDenied(base)
    case 404:
      return new AiuError.ModelNotFound(base)
    case 429:
      if (quotaPattern.test(haystack)) return new AiuError.QuotaExceeded(base)
      if (capacityPattern.test(haystack)) return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
      return new AiuError.RateLimited({ ...base, ...retryAfter, scope: "provider" })
    case 400:
    case 413:
    case 422:
      if (filterPattern.test(haystack)) return new AiuError.ContentFiltered(base)
      return new AiuError.InvalidRequest({ ...base, ...(body.param !== undefined ? { param: body.param } : {}) })
    case 503:
    case 529:
      return new AiuError.ProviderOverloaded({ ...base, ...retryAfter })
    case undefined: {
      // An in-band error inside a 200 stream: classify by its type / message.
      if (/rate.?limit/i.test(haystack)) return new AiuError.RateLimited({ ...base, scope: "provider" })
      if (capacityPattern.test(haystack)) return new AiuError.ProviderOverloaded(base)
      if (filterPattern.test(haystack)) return new AiuError.ContentFiltered(base)
      return new AiuError.ProviderError({ ...base, transient: false })
    }
    default:
      if (status >= 500) return new AiuError.ProviderError({ ...base, transient: status !== 501 })
      return new AiuError.InvalidRequest(base)
  }
}

/** The transport's error mapper for every Mistral call. */
export const fromResponse = (info: ErrorInfo): AiuError.ProviderFailure =>
  classify({
    provider: info.provider,
    status: info.status,
    body: readBody(info.json),
    fallbackMessage: info.body.trim().length > 0 ? info.body : `HTTP ${info.status}`,
    requestId: requestIdOf(info.headers, info.requestId),
    retryAfterMs: info.retryAfterMs
  })

/** An error payload inside a 200 stream. */
export const fromStreamPayload = (
  payload: unknown,
  context: { readonly provider: string; readonly requestId: string | undefined }
): AiuError.ProviderFailure => {
  const body = readBody(payload)
  const code = Number(body.code)
  return classify({
    provider: context.provider,
    status: Number.isInteger(code) && code >= 400 && code < 600 ? code : undefined,
    body,
    fallbackMessage: "error event in the stream",
    requestId: context.requestId,
    retryAfterMs: undefined
  })
}
