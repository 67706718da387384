/**
 * Settings of an OpenAI-compatible provider and the known servers' quirks. A preset
 * (`settings.quirks`, or the provider id when it names one) sets the base URL, the key's
 * environment variable, the request dialect and which operations exist; every switch can be
 * overridden one by one.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const QuirksPreset = Schema.Literal("groq", "deepseek", "together", "openrouter", "xai", "vllm", "lmstudio")

/**
 * @since 0.1.0
 * @category models
 */
export type QuirksPreset = typeof QuirksPreset.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const Settings = Schema.Struct({
  quirks: Schema.optional(QuirksPreset),
  /** Display name (errors say the provider id; this is for listings). */
  name: Schema.optional(Schema.String),
  /** Whether a call without a key is an error (default: the preset's; `false` for unknown servers). */
  requiresKey: Schema.optional(Schema.Boolean),
  /** Named in the missing-key message. */
  apiKeyEnv: Schema.optional(Schema.String),
  maxTokensField: Schema.optional(Schema.Literal("max_completion_tokens", "max_tokens")),
  /** Send `stream_options.include_usage`. */
  streamUsage: Schema.optional(Schema.Boolean),
  /** `response_format: json_schema` accepted (else degraded to `json_object` with a warning). */
  jsonSchema: Schema.optional(Schema.Boolean),
  reasoningEffort: Schema.optional(Schema.Boolean),
  parallelToolCalls: Schema.optional(Schema.Boolean),
  seed: Schema.optional(Schema.Boolean),
  systemRole: Schema.optional(Schema.Literal("system", "developer")),
  embeddings: Schema.optional(Schema.Boolean),
  embeddingBatchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 4096))),
  images: Schema.optional(Schema.Boolean),
  listModels: Schema.optional(Schema.Boolean),
  /** OpenRouter attribution headers. */
  appUrl: Schema.optional(Schema.String),
  appName: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * What a preset decides.
 * @since 0.1.0
 * @category models
 */
export interface Quirks {
  readonly name: string
  readonly baseUrl: string | undefined
  readonly apiKeyEnv: string | undefined
  readonly baseUrlEnv: string | undefined
  readonly requiresKey: boolean
  readonly maxTokensField: "max_completion_tokens" | "max_tokens"
  readonly streamUsage: boolean
  readonly jsonSchema: boolean
  readonly reasoningEffort: boolean
  readonly parallelToolCalls: boolean
  readonly seed: boolean
  readonly embeddings: boolean
  readonly images: boolean
  readonly listModels: boolean
}

/**
 * An unknown server: OpenAI's shape, the widely accepted `max_tokens`, no key required.
 * @since 0.1.0
 * @category constants
 */
export const generic: Quirks = {
  name: "OpenAI-compatible",
  baseUrl: undefined,
  apiKeyEnv: undefined,
  baseUrlEnv: undefined,
  requiresKey: false,
  maxTokensField: "max_tokens",
  streamUsage: true,
  jsonSchema: true,
  reasoningEffort: false,
  parallelToolCalls: true,
  seed: true,
  embeddings: true,
  images: false,
  listModels: true
}

/**
 * The known servers (see wire-formats.md §8 for what each does differently).
 * @since 0.1.0
 * @category constants
 */
export const presets: Readonly<Record<QuirksPreset, Quirks>> = {
  // Groq: `x_groq.usage` on the last chunk, tool calls arrive whole, `max_completion_tokens`.
  groq: {
    ...generic,
    name: "Groq",
    baseUrl: "https://api.groq.com/openai/v1",
    apiKeyEnv: "GROQ_API_KEY",
    baseUrlEnv: "GROQ_BASE_URL",
    requiresKey: true,
    maxTokensField: "max_completion_tokens",
    reasoningEffort: true,
    embeddings: false
  },
  // DeepSeek: `reasoning_content`, cache-hit usage, keep-alive comments; JSON mode only.
  deepseek: {
    ...generic,
    name: "DeepSeek",
    baseUrl: "https://api.deepseek.com/v1",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    baseUrlEnv: "DEEPSEEK_BASE_URL",
    requiresKey: true,
    jsonSchema: false,
    parallelToolCalls: false,
    embeddings: false
  },
  together: {
    ...generic,
    name: "Together AI",
    baseUrl: "https://api.together.xyz/v1",
    apiKeyEnv: "TOGETHER_API_KEY",
    baseUrlEnv: "TOGETHER_BASE_URL",
    requiresKey: true,
    images: true
  },
  // OpenRouter: `: OPENROUTER PROCESSING` comments, usage after the finish chunk, numeric error codes.
  openrouter: {
    ...generic,
    name: "OpenRouter",
    baseUrl: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    baseUrlEnv: "OPENROUTER_BASE_URL",
    requiresKey: true,
    embeddings: false
  },
  xai: {
    ...generic,
    name: "xAI",
    baseUrl: "https://api.x.ai/v1",
    apiKeyEnv: "XAI_API_KEY",
    baseUrlEnv: "XAI_BASE_URL",
    requiresKey: true,
    reasoningEffort: true,
    embeddings: false,
    images: true
  },
  // vLLM: auth only when started with --api-key; flat error bodies; `reasoning_content`/`reasoning`.
  vllm: {
    ...generic,
    name: "vLLM",
    baseUrl: "http://localhost:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
    baseUrlEnv: "VLLM_BASE_URL"
  },
  lmstudio: {
    ...generic,
    name: "LM Studio",
    baseUrl: "http://localhost:1234/v1",
    apiKeyEnv: undefined,
    baseUrlEnv: "LMSTUDIO_BASE_URL",
    streamUsage: false
  }
}

/**
 * The preset's quirks with the settings' overrides applied.
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (settings: Settings, id: string): Quirks => {
  const preset = settings.quirks ?? (id in presets ? (id as QuirksPreset) : undefined)
  const base = preset !== undefined ? presets[preset] : generic
  return {
    ...base,
    ...(settings.name !== undefined ? { name: settings.name } : {}),
    ...(settings.requiresKey !== undefined ? { requiresKey: settings.requiresKey } : {}),
    ...(settings.apiKeyEnv !== undefined ? { apiKeyEnv: settings.apiKeyEnv } : {}),
    ...(settings.maxTokensField !== undefined ? { maxTokensField: settings.maxTokensField } : {}),
    ...(settings.streamUsage !== undefined ? { streamUsage: settings.streamUsage } : {}),
    ...(settings.jsonSchema !== undefined ? { jsonSchema: settings.jsonSchema } : {}),
    ...(settings.reasoningEffort !== undefined ? { reasoningEffort: settings.reasoningEffort } : {}),
    ...(settings.parallelToolCalls !== undefined ? { parallelToolCalls: settings.parallelToolCalls } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...(settings.embeddings !== undefined ? { embeddings: settings.embeddings } : {}),
    ...(settings.images !== undefined ? { images: settings.images } : {}),
    ...(settings.listModels !== undefined ? { listModels: settings.listModels } : {})
  }
}
