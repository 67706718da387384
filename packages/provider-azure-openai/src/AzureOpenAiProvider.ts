/**
 * The Azure OpenAI adapter: deployment URLs with `api-version` (or the v1 path), the `api-key`
 * header (or an Entra ID bearer token), Azure's content-filter errors and filter-only stream
 * chunks. Model names map to deployment names through `settings.deployments`.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import * as Provider from "@aiu/core/Provider"
import * as OpenAiClient from "@aiu/provider-openai/OpenAiClient"
import * as OpenAiConfig from "@aiu/provider-openai/OpenAiConfig"
import * as OpenAiProvider from "@aiu/provider-openai/OpenAiProvider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AzureOpenAiConfig from "./AzureOpenAiConfig.js"
import * as urls from "./internal/urls.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const API_KEY_ENV = "AZURE_OPENAI_API_KEY"

/**
 * @since 0.1.0
 * @category constants
 */
export const ENDPOINT_ENV = "AZURE_OPENAI_ENDPOINT"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* OpenAiConfig.decodeSettings(AzureOpenAiConfig.Settings, config.id, config.settings)
    const resolved = yield* urls.resolve({
      provider: config.id,
      baseUrl: config.baseUrl,
      resource: settings.resource,
      api: settings.api,
      apiVersion: settings.apiVersion,
      defaultApiVersion: AzureOpenAiConfig.DEFAULT_API_VERSION
    })
    const client = yield* OpenAiClient.make({
      provider: config.id,
      baseUrl: resolved.base,
      apiKey: config.apiKey,
      requiresKey: true,
      apiKeyEnv: API_KEY_ENV,
      headers: { ...config.headers },
      auth: settings.auth === "bearer" ? "bearer" : "api-key",
      url: (path, model) => urls.urlFor(resolved, path, model)
    })
    const service = OpenAiProvider.makeService({
      id: config.id,
      type: "azure-openai",
      name: "Azure OpenAI",
      client,
      dialect: { ...OpenAiProvider.dialect, maxTokensField: settings.maxTokensField ?? "max_completion_tokens" },
      optionKeys: ["openai", "azure-openai", ...(config.id !== "azure-openai" ? [config.id] : [])],
      defaultApi: settings.chatApi ?? "chat-completions",
      responsesApi: true,
      embeddingBatchSize: settings.embeddingBatchSize ?? 2048,
      images: true,
      listModels: true,
      features: { tools: true, structuredOutput: true, reasoning: true, imageInput: true }
    })
    const deployments = settings.deployments ?? {}
    const deploymentOf = (model: string) => deployments[model] ?? model
    // Requests name the deployment: in the URL (deployment style) or as `model` (v1 style).
    return {
      ...service,
      chat: (request, options?: CallOptions) =>
        service.chat({ ...request, model: deploymentOf(request.model) }, options),
      chatStream: (request, options?: CallOptions) =>
        service.chatStream({ ...request, model: deploymentOf(request.model) }, options),
      embed: (request, options?: CallOptions) =>
        service.embed({ ...request, model: deploymentOf(request.model) }, options),
      generateImage: (request, options?: CallOptions) =>
        service.generateImage({ ...request, model: deploymentOf(request.model) }, options)
    } satisfies Provider.Service
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
  type: "azure-openai",
  name: "Azure OpenAI",
  defaultBaseUrl: undefined,
  apiKeyEnv: API_KEY_ENV,
  baseUrlEnv: ENDPOINT_ENV,
  requiresKey: true,
  make
}
