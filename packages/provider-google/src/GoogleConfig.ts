/**
 * Configuration of the Google Gemini adapter: provider-level `settings` (decoded once, in `make`)
 * and the per-request `providerOptions.google` escape hatch (decoded per call).
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The most texts `batchEmbedContents` takes in one request.
 * @since 0.1.0
 * @category constants
 */
export const MAX_EMBED_BATCH = 100

/**
 * How JSON Schemas (tool parameters, structured output) are sent: `openapi` converts them to the
 * OpenAPI subset of `parameters` / `responseSchema` (every model); `json-schema` sends them as
 * they are in `parametersJsonSchema` / `responseJsonSchema` (newer models).
 * @since 0.1.0
 * @category schemas
 */
export const SchemaMode = Schema.Literal("openapi", "json-schema")

/**
 * @since 0.1.0
 * @category schemas
 */
export const SafetySetting = Schema.Struct({ category: Schema.String, threshold: Schema.String })

/**
 * Provider-level settings (`AdapterConfig.settings`).
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  schemaMode: Schema.optional(SchemaMode),
  safetySettings: Schema.optional(Schema.Array(SafetySetting)),
  /** Texts per `batchEmbedContents` call (1–100, default 100). */
  embedBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_EMBED_BATCH))),
  /** Batches sent at once (default 2). */
  embedConcurrency: Schema.optional(Schema.Int.pipe(Schema.between(1, 16)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * Per-request options (`ChatRequest.providerOptions.google` / `EmbedRequest.providerOptions.google`).
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Struct({
  schemaMode: Schema.optional(SchemaMode),
  safetySettings: Schema.optional(Schema.Array(SafetySetting)),
  /** `thinkingConfig.thinkingBudget` (-1 = dynamic, 0 = off where allowed). */
  thinkingBudget: Schema.optional(Schema.Int),
  /** `thinkingConfig.thinkingLevel` (Gemini 3). */
  thinkingLevel: Schema.optional(Schema.Literal("minimal", "low", "medium", "high")),
  includeThoughts: Schema.optional(Schema.Boolean),
  responseModalities: Schema.optional(Schema.Array(Schema.Literal("TEXT", "IMAGE", "AUDIO"))),
  cachedContent: Schema.optional(Schema.String),
  /** Embeddings: overrides the task type derived from `inputType`. */
  taskType: Schema.optional(Schema.String),
  /** Embeddings: a document title (with `RETRIEVAL_DOCUMENT`). */
  title: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ProviderOptions = typeof ProviderOptions.Type

const firstPath = (error: ParseResult.ParseError): string | undefined => {
  const path = ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.path
  return path !== undefined && path.length > 0 ? path.map(String).join(".") : undefined
}

/**
 * Decodes `settings`; a bad field is a `ConfigError` naming it.
 * @since 0.1.0
 * @category constructors
 */
export const decodeSettings = (
  provider: string,
  settings: Readonly<Record<string, unknown>> | undefined
): Effect.Effect<Settings, AiuError.ConfigError> =>
  Either.match(Schema.decodeUnknownEither(Settings)(settings ?? {}), {
    onLeft: (error) => {
      const field = firstPath(error)
      return Effect.fail(
        new AiuError.ConfigError({
          message: `${provider}: invalid setting${field !== undefined ? ` "${field}"` : ""}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
          key: field !== undefined ? `settings.${field}` : "settings"
        })
      )
    },
    onRight: Effect.succeed
  })

/**
 * Decodes `providerOptions.google`; a bad field is an `InvalidRequest` naming it.
 * @since 0.1.0
 * @category constructors
 */
export const decodeProviderOptions = (
  provider: string,
  options: Readonly<Record<string, unknown>> | undefined
): Either.Either<ProviderOptions, AiuError.InvalidRequest> =>
  Either.mapLeft(Schema.decodeUnknownEither(ProviderOptions)(options ?? {}), (error) => {
    const field = firstPath(error)
    const param = `providerOptions.google${field !== undefined ? `.${field}` : ""}`
    return new AiuError.InvalidRequest({
      message: `${provider}: invalid ${param}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
      provider,
      param
    })
  })
