/**
 * The adapter for servers that speak OpenAI Chat Completions at a configurable base URL (vLLM,
 * Groq, DeepSeek, Together, OpenRouter, xAI, LM Studio, …), with the known servers' quirks as
 * presets (`settings.quirks`).
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Provider from "@aiu/core/Provider"
import * as OpenAiClient from "@aiu/provider-openai/OpenAiClient"
import * as OpenAiConfig from "@aiu/provider-openai/OpenAiConfig"
import * as OpenAiProvider from "@aiu/provider-openai/OpenAiProvider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as OpenAiCompatibleConfig from "./OpenAiCompatibleConfig.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* OpenAiConfig.decodeSettings(OpenAiCompatibleConfig.Settings, config.id, config.settings)
    const quirks = OpenAiCompatibleConfig.resolve(settings, config.id)
    const baseUrl = config.baseUrl ?? quirks.baseUrl
    if (baseUrl === undefined || baseUrl.length === 0) {
      return yield* new AiuError.ConfigError({
        message: `${config.id}: no base URL. Give the server's URL (e.g. http://localhost:8000/v1) or settings.quirks (${OpenAiCompatibleConfig.QuirksPreset.literals.join(", ")})`,
        key: "baseUrl"
      })
    }
    const headers: Record<string, string> = { ...config.headers }
    if (settings.appUrl !== undefined) headers["http-referer"] = settings.appUrl
    if (settings.appName !== undefined) headers["x-title"] = settings.appName
    const client = yield* OpenAiClient.make({
      provider: config.id,
      baseUrl,
      apiKey: config.apiKey,
      requiresKey: quirks.requiresKey,
      apiKeyEnv: quirks.apiKeyEnv,
      headers
    })
    const preset = settings.quirks ?? (config.id in OpenAiCompatibleConfig.presets ? config.id : undefined)
    return OpenAiProvider.makeService({
      id: config.id,
      type: "openai-compatible",
      name: quirks.name,
      client,
      dialect: {
        maxTokensField: quirks.maxTokensField,
        streamUsage: quirks.streamUsage,
        systemRole: settings.systemRole ?? "system",
        jsonSchema: quirks.jsonSchema,
        reasoningEffort: quirks.reasoningEffort,
        seed: quirks.seed,
        parallelToolCalls: quirks.parallelToolCalls
      },
      optionKeys: [
        "openai-compatible",
        ...(preset !== undefined && preset !== config.id ? [preset] : []),
        ...(config.id !== "openai-compatible" ? [config.id] : [])
      ],
      defaultApi: "chat-completions",
      responsesApi: false,
      embeddingBatchSize: quirks.embeddings ? (settings.embeddingBatchSize ?? 256) : undefined,
      images: quirks.images,
      listModels: quirks.listModels,
      features: { tools: true, structuredOutput: true, reasoning: quirks.reasoningEffort, imageInput: true }
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: Provider.AdapterConfig
): Layer.Layer<Provider.Provider, AiuError.ConfigError, HttpTransport> => Layer.effect(Provider.Provider, make(config))

/**
 * The generic descriptor: any server, base URL required, key optional.
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor: Provider.Descriptor<HttpTransport> = {
  type: "openai-compatible",
  name: "OpenAI-compatible",
  defaultBaseUrl: undefined,
  apiKeyEnv: undefined,
  baseUrlEnv: undefined,
  requiresKey: false,
  make
}

/**
 * A descriptor for one known server: its public URL, its key's environment variable, and the
 * preset applied unless the settings name another.
 * @since 0.1.0
 * @category descriptors
 */
export const descriptorFor = (preset: OpenAiCompatibleConfig.QuirksPreset): Provider.Descriptor<HttpTransport> => {
  const q = OpenAiCompatibleConfig.presets[preset]
  return {
    type: "openai-compatible",
    name: q.name,
    defaultBaseUrl: q.baseUrl,
    apiKeyEnv: q.apiKeyEnv,
    baseUrlEnv: q.baseUrlEnv,
    requiresKey: q.requiresKey,
    make: (config) => make({ ...config, settings: { quirks: preset, ...config.settings } })
  }
}
