/**
 * Mistral settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.mistral`), each decoded with its own schema.
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
  /** Texts per `/embeddings` call (default 32, Mistral's practical batch size). */
  embedBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 2048))),
  /** Ask Mistral to prepend its safety prompt to every chat (`safe_prompt`). */
  safePrompt: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * What `providerOptions.mistral` may carry: Mistral request fields the unified request lacks.
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Struct({
  safe_prompt: Schema.optional(Schema.Boolean),
  /** `"reasoning"` turns on the magistral reasoning system prompt. */
  prompt_mode: Schema.optional(Schema.NullOr(Schema.Literal("reasoning"))),
  reasoning_effort: Schema.optional(Schema.String),
  parallel_tool_calls: Schema.optional(Schema.Boolean),
  n: Schema.optional(Schema.Int),
  /** Prediction (speculative edits): `{ type: "content", content }`. */
  prediction: Schema.optional(Schema.Struct({ type: Schema.Literal("content"), content: Schema.String }))
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
        new AiuError.ConfigError({ message: `${providerId}: invalid Mistral setting ${key}: ${message}`, key })
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
    const param = `providerOptions.mistral${path.length > 0 ? `.${path}` : ""}`
    return new AiuError.InvalidRequest({
      message: `${providerId}: invalid ${param}: ${message}`,
      provider: providerId,
      param
    })
  })
