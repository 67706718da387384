/**
 * Cohere settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.cohere`), each decoded with its own schema.
 *
 * @since 0.1.0
 */
import * as AdapterSettings from "@aiu/core/AdapterSettings"
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

/**
 * Decodes `settings`; a bad or unknown field is a `ConfigError` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeSettings = AdapterSettings.settingsDecoder(Settings, "Cohere")

/**
 * Decodes `providerOptions.cohere`; a bad or unknown field is an `InvalidRequest` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeProviderOptions = AdapterSettings.providerOptionsDecoder(ProviderOptions, "cohere")
