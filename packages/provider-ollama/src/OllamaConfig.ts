/**
 * Ollama settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.ollama`), each decoded with its own schema.
 *
 * @since 0.1.0
 */
import * as AdapterSettings from "@aiu/core/AdapterSettings"
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

/**
 * Decodes `settings`; a bad or unknown field is a `ConfigError` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeSettings = AdapterSettings.settingsDecoder(Settings, "Ollama")

/**
 * Decodes `providerOptions.ollama`; a bad or unknown field is an `InvalidRequest` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeProviderOptions = AdapterSettings.providerOptionsDecoder(ProviderOptions, "ollama")
