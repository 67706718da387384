/**
 * OpenAI adapter settings (`AdapterConfig.settings`) and per-request options
 * (`ChatRequest.providerOptions.openai`), each decoded with its own schema. A bad setting is a
 * `ConfigError` naming the field; a bad request option is an `InvalidRequest`.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * `settings` of an `openai` provider.
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  /** Sent as `OpenAI-Organization`. */
  organization: Schema.optional(Schema.String),
  /** Sent as `OpenAI-Project`. */
  project: Schema.optional(Schema.String),
  /** Which chat API to call by default. */
  api: Schema.optional(Schema.Literal("chat-completions", "responses")),
  /** Inputs per embeddings request (OpenAI accepts up to 2048). */
  embeddingBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 2048)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * `providerOptions.openai` on a chat request: what the unified request lacks.
 * @since 0.1.0
 * @category schemas
 */
export const ChatOptions = Schema.Struct({
  /** Use the Responses API for this call. */
  api: Schema.optional(Schema.Literal("chat-completions", "responses")),
  serviceTier: Schema.optional(Schema.Literal("auto", "default", "flex", "priority", "scale")),
  store: Schema.optional(Schema.Boolean),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  promptCacheKey: Schema.optional(Schema.String),
  verbosity: Schema.optional(Schema.Literal("low", "medium", "high")),
  logprobs: Schema.optional(Schema.Boolean),
  topLogprobs: Schema.optional(Schema.Number),
  logitBias: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Number })),
  /** Responses API: continue from a stored response. */
  previousResponseId: Schema.optional(Schema.String),
  /** Responses API: `reasoning.summary`. */
  reasoningSummary: Schema.optional(Schema.Literal("auto", "concise", "detailed")),
  /** Raw fields merged into the request body last (the untyped escape hatch). */
  extraBody: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ChatOptions = typeof ChatOptions.Type

/**
 * `providerOptions.openai` on embed / image requests.
 * @since 0.1.0
 * @category schemas
 */
export const ExtraOptions = Schema.Struct({
  extraBody: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  /** Images: `response_format` for dall-e models (`url` | `b64_json`). */
  responseFormat: Schema.optional(Schema.Literal("url", "b64_json")),
  /** Images: gpt-image output options. */
  background: Schema.optional(Schema.String),
  outputFormat: Schema.optional(Schema.String),
  moderation: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ExtraOptions = typeof ExtraOptions.Type

const formatIssue = (e: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(e)
  const first = issues[0]
  const path = first ? first.path.map(String).join(".") : ""
  return { path, message: issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ") }
}

/**
 * Decodes `settings` with a schema; a bad field becomes a `ConfigError` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeSettings = <A, I>(
  schema: Schema.Schema<A, I, never>,
  provider: string,
  settings: unknown
): Effect.Effect<A, AiuError.ConfigError> =>
  Schema.decodeUnknown(schema, { onExcessProperty: "error" })(settings ?? {}).pipe(
    Effect.mapError((e) => {
      const { path, message } = formatIssue(e)
      return new AiuError.ConfigError({
        message: `${provider}: invalid settings: ${message}`,
        key: path.length > 0 ? `settings.${path}` : "settings"
      })
    })
  )

/**
 * Decodes a `providerOptions` entry; a bad field becomes an `InvalidRequest`.
 * @since 0.1.0
 * @category decoding
 */
export const decodeOptions = <A, I>(
  schema: Schema.Schema<A, I, never>,
  provider: string,
  key: string,
  value: unknown
): Effect.Effect<A | undefined, AiuError.InvalidRequest> =>
  value === undefined
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(schema, { onExcessProperty: "error" })(value).pipe(
        Effect.mapError((e) => {
          const { path, message } = formatIssue(e)
          return new AiuError.InvalidRequest({
            message: `${provider}: invalid providerOptions.${key}: ${message}`,
            provider,
            param: path.length > 0 ? `providerOptions.${key}.${path}` : `providerOptions.${key}`
          })
        })
      )

/**
 * The wire fields of `ChatOptions` for Chat Completions.
 * @since 0.1.0
 * @category mapping
 */
export const chatOptionsToWire = (o: ChatOptions | undefined): Record<string, unknown> | undefined => {
  if (o === undefined) return undefined
  const w: Record<string, unknown> = {}
  if (o.serviceTier !== undefined) w.service_tier = o.serviceTier
  if (o.store !== undefined) w.store = o.store
  if (o.metadata !== undefined) w.metadata = o.metadata
  if (o.promptCacheKey !== undefined) w.prompt_cache_key = o.promptCacheKey
  if (o.verbosity !== undefined) w.verbosity = o.verbosity
  if (o.logprobs !== undefined) w.logprobs = o.logprobs
  if (o.topLogprobs !== undefined) w.top_logprobs = o.topLogprobs
  if (o.logitBias !== undefined) w.logit_bias = o.logitBias
  if (o.extraBody !== undefined) Object.assign(w, o.extraBody)
  return w
}
