/**
 * The Ollama adapter (native API): chat and streaming chat over `/api/chat` (NDJSON), embeddings
 * over `/api/embed`, local models from `/api/tags`. No key is needed; a configured one is sent as
 * Bearer (ollama.com, proxies). Image generation fails with `UnsupportedOperation`.
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
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as Models from "./internal/models.js"
import * as RequestMapping from "./internal/requestMapping.js"
import * as ResponseMapping from "./internal/responseMapping.js"
import * as StreamMapping from "./internal/streamMapping.js"
import * as OllamaClient from "./OllamaClient.js"
import * as OllamaConfig from "./OllamaConfig.js"

/**
 * Texts per `/api/embed` call unless `settings.embedBatchSize` says otherwise.
 * @since 0.1.0
 * @category constants
 */
export const defaultEmbedBatchSize = 256

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Provider.AdapterConfig
): Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Effect.gen(function* () {
    const settings = yield* OllamaConfig.decodeSettings(config.id, config.settings)
    const client = yield* OllamaClient.make(config)
    const provider = config.id

    const prepare = (request: ChatRequest, stream: boolean) =>
      Either.map(OllamaConfig.decodeProviderOptions(provider, request.providerOptions?.ollama), (providerOptions) =>
        RequestMapping.chatBody(request, { settings, providerOptions, stream })
      )

    const chat = Effect.fn("OllamaProvider.chat")(function* (request: ChatRequest, options?: CallOptions) {
      const { body, warnings } = yield* prepare(request, false)
      const response = yield* client.chat(body, options, RequestMapping.estimateTokens(request))
      if (typeof response.body.error === "string") {
        return yield* Effect.fail(
          new AiuError.ProviderError({ message: `${provider}: ${response.body.error}`, provider, transient: false })
        )
      }
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
        // Mapped inside the transport's read loop (no stream stage of its own); a failure
        // follows what was mapped before it.
        return HttpTransport.mapEvents<unknown, StreamChunk, AiuError.ProviderFailure>(
          response,
          { event: mapper.line, end: mapper.end },
          onChunk
        )
      })

    const batchSize = settings.embedBatchSize ?? defaultEmbedBatchSize

    const embed = Effect.fn("OllamaProvider.embed")(function* (request: EmbedRequest, options?: CallOptions) {
      const providerOptions = yield* OllamaConfig.decodeProviderOptions(provider, request.providerOptions?.ollama)
      const keepAlive = providerOptions.keep_alive ?? settings.keepAlive
      const batches: Array<ReadonlyArray<string>> = []
      for (let i = 0; i < request.input.length; i += batchSize) batches.push(request.input.slice(i, i + batchSize))
      const responses = yield* Effect.forEach(batches, (input) =>
        client.embed(
          {
            model: request.model,
            input,
            ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
            ...(providerOptions.truncate !== undefined ? { truncate: providerOptions.truncate } : {}),
            ...(keepAlive !== undefined ? { keep_alive: keepAlive } : {})
          },
          options,
          RequestMapping.estimateEmbedTokens(input)
        )
      )
      const embeddings: Array<ReadonlyArray<number>> = []
      let inputTokens = 0
      let model = request.model
      for (const response of responses) {
        for (const e of response.body.embeddings) embeddings.push(e)
        inputTokens += response.body.prompt_eval_count ?? 0
        if (typeof response.body.model === "string") model = response.body.model
      }
      if (embeddings.length !== request.input.length) {
        return yield* Effect.fail(
          new AiuError.ResponseDecodeError({
            message: `${provider} embed: ${embeddings.length} vectors for ${request.input.length} inputs`,
            provider
          })
        )
      }
      const out: EmbedResponse = { model, embeddings, usage: { inputTokens } }
      return out
    })

    const listModels = (options?: CallOptions) =>
      Effect.map(client.tags(options), (response) => Models.modelInfos(provider, response.body)).pipe(
        Effect.withSpan("OllamaProvider.listModels")
      )

    return Provider.make({
      id: provider,
      type: "ollama",
      name: "Ollama",
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
  type: "ollama",
  name: "Ollama",
  defaultBaseUrl: OllamaClient.defaultBaseUrl,
  apiKeyEnv: undefined,
  baseUrlEnv: "OLLAMA_HOST",
  requiresKey: false,
  make
}
