/**
 * What is known about one model: kinds, limits, prices and capabilities.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The kinds of work a model does. Extensible: unknown kinds decode as plain strings.
 * @since 0.1.0
 * @category schemas
 */
export const KnownModelKind = Schema.Literal(
  "chat",
  "embedding",
  "image",
  "audio-speech",
  "audio-transcription",
  "moderation",
  "rerank"
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const ModelKind = Schema.Union(KnownModelKind, Schema.String)

/**
 * @since 0.1.0
 * @category models
 */
export type ModelKind = typeof KnownModelKind.Type | (string & {})

/**
 * @since 0.1.0
 * @category schemas
 */
export const Modality = Schema.Literal("text", "image", "audio", "video", "pdf")

/**
 * @since 0.1.0
 * @category schemas
 */
export const ModelInfo = Schema.Struct({
  /** `provider:model`. */
  id: Schema.String,
  provider: Schema.String,
  /** The provider-local model name. */
  model: Schema.String,
  name: Schema.optional(Schema.String),
  kinds: Schema.Array(ModelKind),
  contextWindow: Schema.optional(Schema.Number),
  maxOutputTokens: Schema.optional(Schema.Number),
  inputPricePerMTok: Schema.optional(Schema.Number),
  outputPricePerMTok: Schema.optional(Schema.Number),
  cachedInputPricePerMTok: Schema.optional(Schema.Number),
  inputModalities: Schema.optional(Schema.Array(Schema.String)),
  outputModalities: Schema.optional(Schema.Array(Schema.String)),
  tools: Schema.optional(Schema.Boolean),
  structuredOutput: Schema.optional(Schema.Boolean),
  reasoning: Schema.optional(Schema.Boolean),
  /** Deprecation or shutdown date (ISO), when announced. */
  deprecation: Schema.optional(Schema.String),
  /** False for a catalog model the provider no longer lists. */
  available: Schema.optional(Schema.Boolean),
  /** Creation time reported by the provider (ISO). */
  createdAt: Schema.optional(Schema.String),
  ownedBy: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ModelInfo = typeof ModelInfo.Type

/**
 * Guesses kinds from a model name, for listings that do not say (OpenAI's `/models`).
 * @since 0.1.0
 * @category constructors
 */
export const inferKinds = (model: string): ReadonlyArray<ModelKind> => {
  const m = model.toLowerCase()
  if (/embed/.test(m)) return ["embedding"]
  if (/rerank/.test(m)) return ["rerank"]
  if (/moderation/.test(m)) return ["moderation"]
  if (/(dall-e|gpt-image|imagen|image-gen|stable-diffusion|flux)/.test(m)) return ["image"]
  if (/(whisper|transcribe|stt)/.test(m)) return ["audio-transcription"]
  if (/(tts|speech)/.test(m)) return ["audio-speech"]
  return ["chat"]
}
