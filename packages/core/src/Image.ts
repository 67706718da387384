/**
 * Image generation requests and responses.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ProviderOptions } from "./Chat.js"

/**
 * @since 0.1.0
 * @category schemas
 */
export const ImageRequest = Schema.Struct({
  model: Schema.String,
  prompt: Schema.String,
  n: Schema.optional(Schema.Number),
  /** `WIDTHxHEIGHT`, e.g. `1024x1024`. */
  size: Schema.optional(Schema.String),
  quality: Schema.optional(Schema.String),
  style: Schema.optional(Schema.String),
  providerOptions: Schema.optional(ProviderOptions)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ImageRequest = typeof ImageRequest.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const GeneratedImage = Schema.Struct({
  /** Base64 image bytes, when the provider returned them inline. */
  b64: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  mediaType: Schema.optional(Schema.String),
  revisedPrompt: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ImageResponse = Schema.Struct({
  model: Schema.String,
  images: Schema.Array(GeneratedImage),
  usage: Schema.optional(Schema.Struct({ inputTokens: Schema.Number, outputTokens: Schema.Number })),
  requestId: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ImageResponse = typeof ImageResponse.Type
