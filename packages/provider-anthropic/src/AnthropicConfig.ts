/**
 * Configuration of the Anthropic adapter: the provider-level `settings` (decoded once, in
 * `make`) and the per-request `providerOptions.anthropic` escape hatch (decoded per call).
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The API version header every request carries.
 * @since 0.1.0
 * @category constants
 */
export const API_VERSION = "2023-06-01"

/**
 * `max_tokens` is required by Anthropic; used when the request sets no `maxOutputTokens`.
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_TOKENS = 4096

const PositiveInt = Schema.Int.pipe(Schema.positive())

/**
 * How structured output (`responseFormat` JSON / JSON schema) is requested: `tool` forces a tool
 * named `json` whose input is the answer (works on every model); `native` uses
 * `output_config.format` (newer models only).
 * @since 0.1.0
 * @category schemas
 */
export const StructuredOutputMode = Schema.Literal("tool", "native")

/**
 * Provider-level settings (`AdapterConfig.settings`).
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  /** `anthropic-version` header (default `2023-06-01`). */
  apiVersion: Schema.optional(Schema.String),
  /** `anthropic-beta` flags sent with every request. */
  beta: Schema.optional(Schema.Array(Schema.String)),
  /** `max_tokens` when a request sets none (default 4096). */
  defaultMaxTokens: Schema.optional(PositiveInt),
  structuredOutput: Schema.optional(StructuredOutputMode)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * Per-request options (`ChatRequest.providerOptions.anthropic`).
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Struct({
  /** Overrides the thinking config derived from `reasoning`. */
  thinking: Schema.optional(
    Schema.Union(
      Schema.Struct({ type: Schema.Literal("enabled"), budgetTokens: PositiveInt }),
      Schema.Struct({ type: Schema.Literal("adaptive") }),
      Schema.Struct({ type: Schema.Literal("disabled") })
    )
  ),
  /** `output_config.effort` (newer models). */
  effort: Schema.optional(Schema.Literal("low", "medium", "high", "max")),
  /** `metadata.user_id`; defaults to `ChatRequest.user`. */
  userId: Schema.optional(Schema.String),
  serviceTier: Schema.optional(Schema.Literal("auto", "standard_only")),
  /** Extra `anthropic-beta` flags for this request. */
  beta: Schema.optional(Schema.Array(Schema.String)),
  structuredOutput: Schema.optional(StructuredOutputMode),
  /** Overrides `parallelToolCalls: false` → `disable_parallel_tool_use`. */
  disableParallelToolUse: Schema.optional(Schema.Boolean),
  /**
   * Prompt caching breakpoints (`cache_control: {type: "ephemeral"}`): after the system prompt,
   * after the tool definitions, and/or on the last block of the conversation so far.
   */
  cache: Schema.optional(
    Schema.Struct({
      system: Schema.optional(Schema.Boolean),
      tools: Schema.optional(Schema.Boolean),
      messages: Schema.optional(Schema.Boolean),
      ttl: Schema.optional(Schema.Literal("5m", "1h"))
    })
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type ProviderOptions = typeof ProviderOptions.Type

const firstPath = (error: ParseResult.ParseError): string | undefined => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const path = issues[0]?.path
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
 * Decodes `providerOptions.anthropic`; a bad field is an `InvalidRequest` naming it.
 * @since 0.1.0
 * @category constructors
 */
export const decodeProviderOptions = (
  provider: string,
  options: Readonly<Record<string, unknown>> | undefined
): Either.Either<ProviderOptions, AiuError.InvalidRequest> =>
  Either.mapLeft(Schema.decodeUnknownEither(ProviderOptions)(options ?? {}), (error) => {
    const field = firstPath(error)
    return new AiuError.InvalidRequest({
      message: `${provider}: invalid providerOptions.anthropic${field !== undefined ? `.${field}` : ""}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
      provider,
      param: `providerOptions.anthropic${field !== undefined ? `.${field}` : ""}`
    })
  })
