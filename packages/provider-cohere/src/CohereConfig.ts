/**
 * Cohere settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.cohere`), each decoded with its own schema.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * Adapter settings. Unknown keys are rejected, so a typo fails at start-up.
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  /** Texts per `/v2/embed` call (default and maximum 96, Cohere's limit). */
  embedBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 96))),
  /** Sent as `X-Client-Name` (Cohere's usage attribution). */
  clientName: Schema.optional(Schema.String),
  /** `/v1/models` page size (default 1000, Cohere's maximum). */
  modelsPageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * What `providerOptions.cohere` may carry: Cohere request fields the unified request lacks.
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Struct({
  /** Overrides the thinking block derived from `reasoning`. */
  thinking: Schema.optional(
    Schema.Struct({ type: Schema.Literal("enabled", "disabled"), token_budget: Schema.optional(Schema.Int) })
  ),
  safety_mode: Schema.optional(Schema.Literal("CONTEXTUAL", "STRICT", "OFF")),
  strict_tools: Schema.optional(Schema.Boolean),
  /** Grounding documents (strings or objects), passed through. */
  documents: Schema.optional(Schema.Array(Schema.Unknown)),
  citation_options: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  /** `/v2/embed` truncation. */
  truncate: Schema.optional(Schema.Literal("NONE", "START", "END"))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ProviderOptions = typeof ProviderOptions.Type

/** `a.b` paths of the first issue, for error messages that name the field. */
const describe = (error: ParseResult.ParseError): { path: string; message: string } => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  return {
    path: first === undefined ? "" : first.path.map(String).join("."),
    message: first?.message ?? "invalid value"
  }
}

const decodeSettingsEither = Schema.decodeUnknownEither(Settings, { onExcessProperty: "error" })

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeSettings = (
  providerId: string,
  settings: Readonly<Record<string, unknown>> | undefined
): Effect.Effect<Settings, AiuError.ConfigError> =>
  Either.match(decodeSettingsEither(settings ?? {}), {
    onRight: Effect.succeed,
    onLeft: (error) => {
      const { message, path } = describe(error)
      const key = path.length > 0 ? `settings.${path}` : "settings"
      return Effect.fail(
        new AiuError.ConfigError({ message: `${providerId}: invalid Cohere setting ${key}: ${message}`, key })
      )
    }
  })

const decodeOptionsEither = Schema.decodeUnknownEither(ProviderOptions, { onExcessProperty: "error" })

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeProviderOptions = (
  providerId: string,
  options: Readonly<Record<string, unknown>> | undefined
): Either.Either<ProviderOptions, AiuError.InvalidRequest> =>
  Either.mapLeft(decodeOptionsEither(options ?? {}), (error) => {
    const { message, path } = describe(error)
    const param = `providerOptions.cohere${path.length > 0 ? `.${path}` : ""}`
    return new AiuError.InvalidRequest({
      message: `${providerId}: invalid ${param}: ${message}`,
      provider: providerId,
      param
    })
  })
