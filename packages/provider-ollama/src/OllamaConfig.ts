/**
 * Ollama settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.ollama`), each decoded with its own schema.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const KeepAlive = Schema.Union(Schema.String, Schema.Number)

/**
 * Adapter settings. Unknown keys are rejected, so a typo fails at start-up.
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  /** Texts per `/api/embed` call (default 256). */
  embedBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 4096))),
  /** How long the model stays loaded after a call (`"5m"`, `0` to unload at once). */
  keepAlive: Schema.optional(KeepAlive),
  /** Context window to load models with (`options.num_ctx`); Ollama's own default is small. */
  numCtx: Schema.optional(Schema.Int.pipe(Schema.positive()))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * What `providerOptions.ollama` may carry: request fields the unified request lacks.
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Struct({
  keep_alive: Schema.optional(KeepAlive),
  /** Merged into the request's `options` (`num_ctx`, `repeat_penalty`, `mirostat`, …). */
  options: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  /** Overrides the thinking switch derived from `reasoning`. */
  think: Schema.optional(Schema.Union(Schema.Boolean, Schema.Literal("low", "medium", "high"))),
  truncate: Schema.optional(Schema.Boolean)
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
        new AiuError.ConfigError({ message: `${providerId}: invalid Ollama setting ${key}: ${message}`, key })
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
    const param = `providerOptions.ollama${path.length > 0 ? `.${path}` : ""}`
    return new AiuError.InvalidRequest({
      message: `${providerId}: invalid ${param}: ${message}`,
      provider: providerId,
      param
    })
  })
