/**
 * Azure OpenAI settings (`AdapterConfig.settings`), decoded with a schema; a bad field is a
 * `ConfigError` naming it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  /** The resource name: `https://{resource}.openai.azure.com/openai` when no baseUrl is given. */
  resource: Schema.optional(Schema.String.pipe(Schema.pattern(/^[a-z0-9][a-z0-9-]*$/i))),
  /** `api-version` query parameter (deployment URLs; optional on the v1 path). */
  apiVersion: Schema.optional(Schema.NonEmptyString),
  /** Model name → deployment name; a model without an entry is used as the deployment name. */
  deployments: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.NonEmptyString })),
  /**
   * `deployments`: `/openai/deployments/{deployment}/…?api-version=…`; `v1`: `/openai/v1/…`.
   * Default: `v1` when the base URL ends in `/openai/v1`, else `deployments`.
   */
  api: Schema.optional(Schema.Literal("deployments", "v1")),
  /** `api-key` (default) or `bearer` (a Microsoft Entra ID token as the key). */
  auth: Schema.optional(Schema.Literal("api-key", "bearer")),
  /** Default chat API. */
  chatApi: Schema.optional(Schema.Literal("chat-completions", "responses")),
  /** Older api-versions want `max_tokens` instead of `max_completion_tokens`. */
  maxTokensField: Schema.optional(Schema.Literal("max_completion_tokens", "max_tokens")),
  /** Inputs per embeddings request (Azure accepts up to 2048). */
  embeddingBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 2048)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * The api-version used for deployment URLs when none is configured (the latest GA data-plane
 * version at the time of writing).
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_API_VERSION = "2024-10-21"
