/**
 * Mistral settings (from `AdapterConfig.settings`) and per-request provider options (from
 * `ChatRequest.providerOptions.mistral`), each decoded with its own schema.
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

/**
 * Decodes `settings`; a bad or unknown field is a `ConfigError` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeSettings = AdapterSettings.settingsDecoder(Settings, "Mistral")

/**
 * Decodes `providerOptions.mistral`; a bad or unknown field is an `InvalidRequest` naming it.
 * @since 0.1.0
 * @category decoding
 */
export const decodeProviderOptions = AdapterSettings.providerOptionsDecoder(ProviderOptions, "mistral")
