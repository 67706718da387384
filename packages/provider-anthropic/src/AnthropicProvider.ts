/**
 * The Anthropic adapter: implements the core `Provider` over the Messages API (chat, streaming
 * chat with thinking and tool use, structured output through a forced tool or `output_config`)
 * and the models listing. Anthropic has no embeddings or image generation: `Provider.make`
 * answers those with `UnsupportedOperation`.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { ChatRequest } from "@aiu/core/Chat"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Provider from "@aiu/core/Provider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as AnthropicClient from "./AnthropicClient.js"
import { decodeProviderOptions } from "./AnthropicConfig.js"
import { toModelInfo } from "./internal/models.js"
import { type MappedRequest, toMessagesRequest } from "./internal/requestMapping.js"
import { toChatResponse } from "./internal/responseMapping.js"
import { toStreamChunks } from "./internal/streamMapping.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const TYPE = "anthropic"

const MODELS_PAGE_SIZE = 1000
const MAX_MODEL_PAGES = 50

/**
 * The adapter over an existing client.
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (client: AnthropicClient.Service): Provider.Service => {
  const provider = client.providerId

  const prepare = (request: ChatRequest): Either.Either<MappedRequest, AiuError.InvalidRequest> =>
    Either.flatMap(decodeProviderOptions(provider, request.providerOptions?.[TYPE]), (options) =>
      toMessagesRequest(provider, request, client.settings, options)
    )

  const chat: Provider.Service["chat"] = (request, options) =>
    Effect.gen(function* () {
      const mapped = yield* prepare(request)
      const response = yield* client.messages(mapped.body, { options, beta: mapped.beta })
      return toChatResponse(response.body, {
        model: request.model,
        requestId: response.requestId,
        jsonTool: mapped.jsonTool,
        warnings: mapped.warnings
      })
    })

  // Opened in the caller's scope (`Provider.make` derives `chatStream`): a client watching every
  // chunk (`onChunk`) does it in the transport's read loop, not in a stream stage.
  const openChatStream: Provider.Service["openChatStream"] = (request, options, onChunk) =>
    Either.match(prepare(request), {
      onLeft: (error) => Effect.fail(error),
      onRight: (mapped) =>
        Effect.map(client.messagesStream(mapped.body, { options, beta: mapped.beta }), (response) =>
          toStreamChunks(response, { provider, requestId: response.requestId, jsonTool: mapped.jsonTool }, onChunk)
        )
    })

  const listModels: Provider.Service["listModels"] = (options) =>
    Effect.gen(function* () {
      const out: Array<ModelInfo> = []
      let afterId: string | undefined
      for (let page = 0; page < MAX_MODEL_PAGES; page++) {
        const response = yield* client.listModelsPage({ limit: MODELS_PAGE_SIZE, afterId }, options)
        const data = response.body.data ?? []
        for (const model of data) out.push(toModelInfo(provider, model))
        const next = response.body.last_id ?? data[data.length - 1]?.id
        if (response.body.has_more !== true || next === undefined || next === afterId) break
        afterId = next
      }
      return out
    }).pipe(Effect.withSpan("AnthropicProvider.listModels"))

  return Provider.make({
    id: provider,
    type: TYPE,
    name: "Anthropic",
    features: { tools: true, structuredOutput: true, reasoning: true, imageInput: true },
    chat,
    openChatStream,
    listModels
  })
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport> =>
  Effect.map(AnthropicClient.make(config), fromClient)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: Provider.AdapterConfig
): Layer.Layer<Provider.Provider, AiuError.ConfigError, HttpTransport> => Layer.effect(Provider.Provider, make(config))

/**
 * @since 0.1.0
 * @category models
 */
export const descriptor: Provider.Descriptor<HttpTransport> = {
  type: TYPE,
  name: "Anthropic",
  defaultBaseUrl: AnthropicClient.DEFAULT_BASE_URL,
  apiKeyEnv: AnthropicClient.API_KEY_ENV,
  baseUrlEnv: "ANTHROPIC_BASE_URL",
  requiresKey: true,
  make
}
