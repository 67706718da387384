/**
 * The Mistral adapter: implements the core `Provider` over `MistralClient` (chat, streaming chat,
 * embeddings, model listing). Image generation is not offered by Mistral and fails with
 * `UnsupportedOperation` (filled in by `Provider.make`).
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { ChatRequest } from "@aiu/core/Chat"
import type { EmbedRequest, EmbedResponse } from "@aiu/core/Embedding"
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
import * as MistralClient from "./MistralClient.js"
import * as MistralConfig from "./MistralConfig.js"
import * as Models from "./internal/models.js"
import * as RequestMapping from "./internal/requestMapping.js"
import * as ResponseMapping from "./internal/responseMapping.js"
import * as StreamMapping from "./internal/streamMapping.js"

/**
 * Mistral's default embeddings batch (texts per call).
 * @since 0.1.0
 * @category constants
 */
export const defaultEmbedBatchSize = 32

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* MistralConfig.decodeSettings(config.id, config.settings)
    const client = yield* MistralClient.make(config)
    const provider = config.id

    const prepare = (request: ChatRequest, stream: boolean) =>
      Either.map(MistralConfig.decodeProviderOptions(provider, request.providerOptions?.mistral), (providerOptions) =>
        RequestMapping.chatBody(request, { settings, providerOptions, stream })
      )

    const chat = Effect.fn("MistralProvider.chat")(function* (request: ChatRequest, options?: CallOptions) {
      const { body, warnings } = yield* prepare(request, false)
      const response = yield* client.chatCompletions(body, options, RequestMapping.estimateTokens(request))
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
        const response = yield* client.chatCompletionsStream(body, options, RequestMapping.estimateTokens(request))
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

    const batchSize = settings.embedBatchSize ?? defaultEmbedBatchSize

    const embed = Effect.fn("MistralProvider.embed")(function* (request: EmbedRequest, options?: CallOptions) {
      // Mistral's embeddings take no input type: `inputType` is accepted and ignored.
      const batches: Array<ReadonlyArray<string>> = []
      for (let i = 0; i < request.input.length; i += batchSize) batches.push(request.input.slice(i, i + batchSize))
      const responses = yield* Effect.forEach(batches, (input) =>
        client.embeddings(
          {
            model: request.model,
            input,
            ...(request.dimensions !== undefined ? { output_dimension: request.dimensions } : {})
          },
          options,
          RequestMapping.estimateEmbedTokens(input)
        )
      )
      const embeddings: Array<ReadonlyArray<number>> = []
      let inputTokens = 0
      let model = request.model
      let requestId: string | undefined
      for (const response of responses) {
        const data = [...response.body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
        for (const d of data) embeddings.push(d.embedding)
        inputTokens += response.body.usage?.prompt_tokens ?? 0
        if (typeof response.body.model === "string") model = response.body.model
        requestId = requestId ?? response.requestId
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
        model,
        embeddings,
        usage: { inputTokens },
        ...(requestId !== undefined ? { requestId } : {})
      }
      return out
    })

    const listModels = (options?: CallOptions) =>
      Effect.map(client.models(options), (response) => Models.modelInfos(provider, response.body)).pipe(
        Effect.withSpan("MistralProvider.listModels")
      )

    return Provider.make({
      id: provider,
      type: "mistral",
      name: "Mistral",
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
  type: "mistral",
  name: "Mistral",
  defaultBaseUrl: MistralClient.defaultBaseUrl,
  apiKeyEnv: MistralClient.apiKeyEnv,
  baseUrlEnv: "MISTRAL_BASE_URL",
  requiresKey: true,
  make
}
