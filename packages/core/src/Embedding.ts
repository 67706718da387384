/**
 * Embedding requests and responses.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ProviderOptions } from "./Chat.js"

/**
 * @since 0.1.0
 * @category schemas
 */
export const EmbedRequest = Schema.Struct({
  /** The provider-local model name. */
  model: Schema.String,
  input: Schema.Array(Schema.String),
  /** Output dimensions, where the model supports shortening. */
  dimensions: Schema.optional(Schema.Number),
  /** What the texts are for; Cohere requires it, Gemini uses it as a task type. */
  inputType: Schema.optional(Schema.Literal("query", "document", "classification", "clustering")),
  providerOptions: Schema.optional(ProviderOptions)
})

/**
 * @since 0.1.0
 * @category models
 */
export type EmbedRequest = typeof EmbedRequest.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const EmbedResponse = Schema.Struct({
  model: Schema.String,
  /** One vector per input, in input order. */
  embeddings: Schema.Array(Schema.Array(Schema.Number)),
  usage: Schema.Struct({ inputTokens: Schema.Number }),
  requestId: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type EmbedResponse = typeof EmbedResponse.Type
