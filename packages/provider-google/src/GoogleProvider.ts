/**
 * The Google Gemini adapter (Gemini API / Generative Language, not Vertex): implements the core
 * `Provider` over `generateContent` / `streamGenerateContent?alt=sse` (tools, structured output
 * through `responseSchema`, thinking with thought summaries and signatures),
 * `batchEmbedContents` (batched to its maximum of 100 texts) and the models listing. Image
 * generation is not offered: `Provider.make` answers it with `UnsupportedOperation`.
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
import * as GoogleClient from "./GoogleClient.js"
import { decodeProviderOptions, MAX_EMBED_BATCH } from "./GoogleConfig.js"
import { toModelInfo } from "./internal/models.js"
import { type MappedRequest, toBatchEmbedRequests, toGenerateContentRequest } from "./internal/requestMapping.js"
import { toChatResponse } from "./internal/responseMapping.js"
import { toStreamChunks } from "./internal/streamMapping.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const TYPE = "google"

const MODELS_PAGE_SIZE = 1000
const MAX_MODEL_PAGES = 50

/**
 * The adapter over an existing client.
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (client: GoogleClient.Service): Provider.Service => {
  const provider = client.providerId

  const prepare = (request: ChatRequest): Either.Either<MappedRequest, AiuError.InvalidRequest> =>
    Either.flatMap(decodeProviderOptions(provider, request.providerOptions?.[TYPE]), (options) =>
      toGenerateContentRequest(provider, request, client.settings, options)
    )

  const chat: Provider.Service["chat"] = (request, options) =>
    Effect.gen(function* () {
      const mapped = yield* prepare(request)
      const response = yield* client.generateContent(request.model, mapped.body, options)
      return yield* toChatResponse(response.body, {
        provider,
        model: request.model,
        requestId: response.requestId,
        warnings: mapped.warnings
      })
    })

  // Opened in the caller's scope (`Provider.make` derives `chatStream`): a client watching every
  // chunk (`onChunk`) does it in the transport's read loop, not in a stream stage.
  const openChatStream: Provider.Service["openChatStream"] = (request, options, onChunk) =>
    Either.match(prepare(request), {
      onLeft: (error) => Effect.fail(error),
      onRight: (mapped) =>
        Effect.map(client.streamGenerateContent(request.model, mapped.body, options), (response) =>
          toStreamChunks(response, { provider, requestId: response.requestId }, onChunk)
        )
    })

  const embed: Provider.Service["embed"] = (request, options) =>
    Effect.gen(function* () {
      const providerOptions = yield* decodeProviderOptions(provider, request.providerOptions?.[TYPE])
      const batches = toBatchEmbedRequests(request, providerOptions, client.settings.embedBatchSize ?? MAX_EMBED_BATCH)
      const responses = yield* Effect.forEach(
        batches,
        (body) => client.batchEmbedContents(request.model, body, options),
        { concurrency: client.settings.embedConcurrency ?? 2 }
      )
      const embeddings = responses.flatMap((r) => r.body.embeddings.map((e) => e.values))
      const requestId = responses[responses.length - 1]?.requestId
      // Gemini's batch embedding response carries no token counts.
      return {
        model: request.model,
        embeddings,
        usage: { inputTokens: 0 },
        ...(requestId !== undefined ? { requestId } : {})
      }
    })

  const listModels: Provider.Service["listModels"] = (options) =>
    Effect.gen(function* () {
      const out: Array<ModelInfo> = []
      let pageToken: string | undefined
      for (let page = 0; page < MAX_MODEL_PAGES; page++) {
        const response = yield* client.listModelsPage({ pageSize: MODELS_PAGE_SIZE, pageToken }, options)
        for (const model of response.body.models ?? []) out.push(toModelInfo(provider, model))
        const next = response.body.nextPageToken ?? undefined
        if (next === undefined || next === "" || next === pageToken) break
        pageToken = next
      }
      return out
    }).pipe(Effect.withSpan("GoogleProvider.listModels"))

  return Provider.make({
    id: provider,
    type: TYPE,
    name: "Google Gemini",
    features: { tools: true, structuredOutput: true, reasoning: true, imageInput: true },
    chat,
    openChatStream,
    embed,
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
  Effect.map(GoogleClient.make(config), fromClient)

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
  name: "Google Gemini",
  defaultBaseUrl: GoogleClient.DEFAULT_BASE_URL,
  apiKeyEnv: GoogleClient.API_KEY_ENV,
  baseUrlEnv: "GEMINI_BASE_URL",
  requiresKey: true,
  make
}
