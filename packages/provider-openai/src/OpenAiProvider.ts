/**
 * The OpenAI adapter: Chat Completions (whole and streamed; the Responses API with
 * `settings.api` or `providerOptions.openai.api = "responses"`), embeddings, images and the
 * model listing, over `HttpTransport`.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import * as Provider from "@aiu/core/Provider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as OpenAiClient from "./OpenAiClient.js"
import * as OpenAiConfig from "./OpenAiConfig.js"
import * as internal from "./internal/provider.js"
import { type ChatDialect, openAiDialect } from "./internal/requestMapping.js"

/**
 * Dialect switches for OpenAI-shaped chat APIs (used by the Azure and compatible adapters).
 * @since 0.1.0
 * @category models
 */
export type Dialect = ChatDialect

/**
 * OpenAI's own dialect.
 * @since 0.1.0
 * @category constants
 */
export const dialect: Dialect = openAiDialect

/**
 * Options for building a `Provider.Service` over any OpenAI-shaped client.
 * @since 0.1.0
 * @category models
 */
export type ServiceOptions = internal.ServiceOptions

/**
 * Builds the service from a client and a dialect; the Azure and compatible adapters use this.
 * @since 0.1.0
 * @category constructors
 */
export const makeService: (options: ServiceOptions) => Provider.Service = internal.make

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.openai.com/v1"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* OpenAiConfig.decodeSettings(OpenAiConfig.Settings, config.id, config.settings)
    const headers: Record<string, string> = { ...config.headers }
    if (settings.organization !== undefined) headers["openai-organization"] = settings.organization
    if (settings.project !== undefined) headers["openai-project"] = settings.project
    const client = yield* OpenAiClient.make({
      provider: config.id,
      baseUrl: config.baseUrl ?? DEFAULT_BASE_URL,
      apiKey: config.apiKey,
      requiresKey: true,
      apiKeyEnv: "OPENAI_API_KEY",
      headers
    })
    return internal.make({
      id: config.id,
      type: "openai",
      name: "OpenAI",
      client,
      dialect: openAiDialect,
      optionKeys: config.id === "openai" ? ["openai"] : ["openai", config.id],
      defaultApi: settings.api ?? "chat-completions",
      responsesApi: true,
      embeddingBatchSize: settings.embeddingBatchSize ?? 2048,
      images: true,
      listModels: true,
      features: { tools: true, structuredOutput: true, reasoning: true, imageInput: true }
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
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor: Provider.Descriptor<HttpTransport> = {
  type: "openai",
  name: "OpenAI",
  defaultBaseUrl: DEFAULT_BASE_URL,
  apiKeyEnv: "OPENAI_API_KEY",
  baseUrlEnv: "OPENAI_BASE_URL",
  requiresKey: true,
  make
}
