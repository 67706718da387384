/**
 * Keeping secrets out of logs, errors and spans. Everything here is pure and runs on any runtime.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/**
 * What secrets are replaced with.
 * @since 0.1.0
 * @category constants
 */
export const MASK = "<redacted>"

/** Header names whose values are credentials (lowercase). */
const secretHeaders = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
  "cookie",
  "set-cookie",
  "ocp-apim-subscription-key"
])

/**
 * @since 0.1.0
 * @category guards
 */
export const isSecretHeader = (name: string): boolean => secretHeaders.has(name.toLowerCase())

/**
 * A copy of the headers with credential values masked.
 * @since 0.1.0
 * @category combinators
 */
export const redactHeaders = (headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>) => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = isSecretHeader(name) ? MASK : redactString(Array.isArray(value) ? value.join(", ") : String(value))
  }
  return out
}

const secretParams = /([?&](?:key|api[-_]?key|apikey|access[-_]?token|token|sig|signature|secret|password)=)[^&#\s]*/gi

/**
 * Masks credential query parameters (`?key=…`, `api-key=…`, `token=…`) and userinfo passwords.
 * @since 0.1.0
 * @category combinators
 */
export const redactUrl = (url: string): string =>
  url.replace(secretParams, `$1${MASK}`).replace(/(\/\/[^/:@\s]+:)[^@/\s]+@/, `$1${MASK}@`)

/**
 * Shapes of provider keys and bearer tokens, so a key that slipped into free text is masked too.
 * Conservative: long runs only, so model ids and request ids survive.
 */
const keyShapes: ReadonlyArray<RegExp> = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g, // Anthropic
  /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, // OpenAI, DeepSeek, others
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google
  /\bgsk_[A-Za-z0-9]{20,}/g, // Groq
  /\bxai-[A-Za-z0-9]{20,}/g, // xAI
  /\bsk-or-v1-[A-Za-z0-9]{20,}/g, // OpenRouter
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi
]

/**
 * Masks anything shaped like a provider key or bearer token, plus secret URL parameters.
 * @since 0.1.0
 * @category combinators
 */
export const redactString = (text: string): string => {
  let out = redactUrl(text)
  for (const shape of keyShapes) {
    out = out.replace(shape, (_match, bearer: unknown) => (typeof bearer === "string" ? `${bearer}${MASK}` : MASK))
  }
  return out
}

/**
 * Masks the given secret values wherever they appear in `text` (also their base64 form), then any
 * key-shaped strings. Use it on text that may echo a key the caller knows.
 * @since 0.1.0
 * @category combinators
 */
export const redactKnown = (text: string, secrets: ReadonlyArray<string | Redacted.Redacted<string>>): string => {
  let out = text
  for (const secret of secrets) {
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (value.length < 4) continue
    out = out.split(value).join(MASK)
    const b64 = typeof btoa === "function" ? safeBtoa(value) : undefined
    if (b64 !== undefined) out = out.split(b64).join(MASK)
  }
  return redactString(out)
}

const safeBtoa = (value: string): string | undefined => {
  try {
    return btoa(value)
  } catch {
    return undefined
  }
}

/**
 * A deep copy with `Redacted` values, secret-named fields (`apiKey`, `authorization`, …) and
 * key-shaped strings masked. For log annotations and span attributes.
 * @since 0.1.0
 * @category combinators
 */
export const redactDeep = (value: unknown, depth = 0): unknown => {
  if (depth > 8) return "[depth]"
  if (Redacted.isRedacted(value)) return MASK
  if (typeof value === "string") return redactString(value)
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1))
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretField(k) ? MASK : redactDeep(v, depth + 1)
    }
    return out
  }
  return value
}

const secretField =
  /^(api[-_]?key|apikey|authorization|password|passphrase|secret|token|access[-_]?token|master[-_]?key|x-api-key|x-goog-api-key)$/i

/**
 * @since 0.1.0
 * @category guards
 */
export const isSecretField = (name: string): boolean => secretField.test(name)
