/**
 * The Cohere adapter (API v2): chat and streaming chat over `/v2/chat` (SSE with typed events),
 * embeddings over `/v2/embed` (batched to 96, `input_type` from the request), models from
 * `/v1/models` (paginated). Image generation fails with `UnsupportedOperation`.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { ChatRequest } from "@aiu/core/Chat"
import type { EmbedRequest, EmbedResponse } from "@aiu/core/Embedding"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Provider from "@aiu/core/Provider"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as EventMapping from "@aiu/transport/EventMapping"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as CohereClient from "./CohereClient.js"
import * as CohereConfig from "./CohereConfig.js"
import * as Models from "./internal/models.js"
import * as RequestMapping from "./internal/requestMapping.js"
import * as ResponseMapping from "./internal/responseMapping.js"
import * as StreamMapping from "./internal/streamMapping.js"

/**
 * Cohere's maximum texts per `/v2/embed` call.
 * @since 0.1.0
 * @category constants
 */
export const maxEmbedBatchSize = 96

/** At most this many `/v1/models` pages are followed (a guard against a server that loops). */
const maxModelPages = 100

const inputTypes = {
  query: "search_query",
  document: "search_document",
  classification: "classification",
  clustering: "clustering"
} as const

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* CohereConfig.decodeSettings(config.id, config.settings)
    const client = yield* CohereClient.make(config, { clientName: settings.clientName })
    const provider = config.id

    const prepare = (request: ChatRequest, stream: boolean) =>
      Either.map(CohereConfig.decodeProviderOptions(provider, request.providerOptions?.cohere), (providerOptions) =>
        RequestMapping.chatBody(request, { providerOptions, stream })
      )

    const chat = Effect.fn("CohereProvider.chat")(function* (request: ChatRequest, options?: CallOptions) {
      const { body, warnings } = yield* prepare(request, false)
      const response = yield* client.chat(body, options, RequestMapping.estimateTokens(request))
      return ResponseMapping.chatResponse(response.body, {
        model: request.model,
        requestId: response.requestId,
        warnings
      })
    })

    // Opened in the caller's scope (`Provider.make` derives `chatStream`): a client watching
    // every chunk (`onChunk`) does it in the transport's read loop, not in a stream stage.
    const openChatStream = (
      request: ChatRequest,
      options?: CallOptions,
      onChunk?: (chunk: StreamChunk) => void
    ): Effect.Effect<Stream.Stream<StreamChunk, AiuError.ProviderFailure>, AiuError.ProviderFailure, Scope.Scope> =>
      Effect.gen(function* () {
        const { body } = yield* prepare(request, true)
        const response = yield* client.chatStream(body, options, RequestMapping.estimateTokens(request))
        const requestId = response.requestId
        const mapper = StreamMapping.make(
          { provider, model: request.model, requestId },
          EventMapping.streamFailures(provider, requestId)
        )
        // Mapped inside the transport's read loop (no stream stage of its own).
        return HttpTransport.mapEvents<SseEvent, StreamChunk, AiuError.ProviderFailure>(
          response,
          { event: (event, out) => mapper.event(event.data, out), end: mapper.end },
          onChunk
        )
      })

    const batchSize = settings.embedBatchSize ?? maxEmbedBatchSize

    const embed = Effect.fn("CohereProvider.embed")(function* (request: EmbedRequest, options?: CallOptions) {
      const providerOptions = yield* CohereConfig.decodeProviderOptions(provider, request.providerOptions?.cohere)
      const inputType = inputTypes[request.inputType ?? "document"]
      const batches: Array<ReadonlyArray<string>> = []
      for (let i = 0; i < request.input.length; i += batchSize) batches.push(request.input.slice(i, i + batchSize))
      const responses = yield* Effect.forEach(batches, (texts) =>
        client.embed(
          {
            model: request.model,
            texts,
            input_type: inputType,
            embedding_types: ["float"],
            ...(request.dimensions !== undefined ? { output_dimension: request.dimensions } : {}),
            ...(providerOptions.truncate !== undefined ? { truncate: providerOptions.truncate } : {})
          },
          options,
          RequestMapping.estimateEmbedTokens(texts)
        )
      )
      const embeddings: Array<ReadonlyArray<number>> = []
      let inputTokens = 0
      let requestId: string | undefined
      for (const response of responses) {
        for (const e of response.body.embeddings.float) embeddings.push(e)
        inputTokens += response.body.meta?.billed_units?.input_tokens ?? 0
        requestId = requestId ?? response.requestId ?? response.body.id ?? undefined
      }
      if (embeddings.length !== request.input.length) {
        return yield* Effect.fail(
          new AiuError.ResponseDecodeError({
            message: `${provider} embed: ${embeddings.length} vectors for ${request.input.length} inputs`,
            provider,
            ...(requestId !== undefined ? { requestId } : {})
          })
        )
      }
      const out: EmbedResponse = {
        model: request.model,
        embeddings,
        usage: { inputTokens },
        ...(requestId !== undefined ? { requestId } : {})
      }
      return out
    })

    const pageSize = settings.modelsPageSize ?? 1000

    const listModels = Effect.fn("CohereProvider.listModels")(function* (options?: CallOptions) {
      const models: Array<ModelInfo> = []
      const seen = new Set<string>()
      let pageToken: string | undefined
      for (let page = 0; page < maxModelPages; page++) {
        const response = yield* client.models({ pageSize, pageToken }, options)
        for (const m of response.body.models ?? []) models.push(Models.modelInfo(provider, m))
        const next = response.body.next_page_token ?? undefined
        if (next === undefined || next === "" || seen.has(next)) break
        seen.add(next)
        pageToken = next
      }
      return models
    })

    return Provider.make({
      id: provider,
      type: "cohere",
      name: "Cohere",
      features: { tools: true, structuredOutput: true, reasoning: true, imageInput: true },
      chat,
      openChatStream,
      embed,
      listModels
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: Provider.AdapterConfig
): Layer.Layer<Provider.Provider, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(Provider.Provider, make(config))

/**
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor: Provider.Descriptor<HttpTransport.HttpTransport> = {
  type: "cohere",
  name: "Cohere",
  defaultBaseUrl: CohereClient.defaultBaseUrl,
  apiKeyEnv: CohereClient.apiKeyEnv,
  baseUrlEnv: "COHERE_BASE_URL",
  requiresKey: true,
  make
}
