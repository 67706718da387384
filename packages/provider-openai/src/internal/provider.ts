/**
 * The `Provider.Service` over an OpenAI-shaped client: chat (Chat Completions or Responses),
 * streaming chat, embeddings, images, models. Shared by the OpenAI, Azure OpenAI and
 * OpenAI-compatible adapters, which differ in client (URL, auth) and dialect.
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { ChatRequest } from "@aiu/core/Chat"
import type { EmbedRequest, EmbedResponse } from "@aiu/core/Embedding"
import type { ImageRequest } from "@aiu/core/Image"
import * as Provider from "@aiu/core/Provider"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import type * as EventMapping from "@aiu/transport/EventMapping"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { Client } from "../OpenAiClient.js"
import { ChatOptions, chatOptionsToWire, decodeOptions, ExtraOptions } from "../OpenAiConfig.js"
import { batches, toEmbeddingBody, vectorsOf } from "./embeddings.js"
import { fromImageList, toImageBody } from "./images.js"
import { fromModelList } from "./models.js"
import type { ChatDialect } from "./requestMapping.js"
import { toChatBody } from "./requestMapping.js"
import { fromChatCompletion } from "./responseMapping.js"
import * as responses from "./responses.js"
import { ChatCompletion, EmbeddingList, ImageList, ModelList, ResponsesObject } from "./schema.js"
import { makeChatStreamMapper } from "./streamMapping.js"

export interface ServiceOptions {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly client: Client
  readonly dialect: ChatDialect
  /** `providerOptions` keys read for this adapter, later ones winning (`["openai-compatible", "groq"]`). */
  readonly optionKeys: ReadonlyArray<string>
  /** Default chat API; `undefined` when the Responses API is not available. */
  readonly defaultApi: "chat-completions" | "responses"
  readonly responsesApi: boolean
  /** Inputs per embeddings request; `undefined` = no embeddings. */
  readonly embeddingBatchSize: number | undefined
  readonly images: boolean
  readonly listModels: boolean
  readonly features: Provider.MakeOptions["features"]
}

/**
 * A stream's chunks: a metadata chunk with the response's request id, then the mapper's output,
 * mapped inside the transport's read loop; `onChunk` sees each one as it is made.
 */
const chunksOf = (
  r: HttpTransport.StreamResponse<SseEvent>,
  mapper: EventMapping.Mapper<SseEvent, StreamChunk, AiuError.ProviderFailure>,
  onChunk: ((chunk: StreamChunk) => void) | undefined
): Stream.Stream<StreamChunk, AiuError.ProviderFailure> => {
  const requestId = r.requestId
  let headSent = requestId === undefined
  const head = (out: Array<StreamChunk>) => {
    if (headSent) return
    headSent = true
    out.push({ type: "metadata", requestId: requestId! })
  }
  return HttpTransport.mapEvents(
    r,
    {
      event: (event, out) => {
        head(out)
        return mapper.event(event, out)
      },
      end: (out) => {
        head(out)
        return mapper.end(out)
      },
      ...(mapper.done !== undefined ? { done: mapper.done } : {})
    },
    onChunk
  )
}

export const make = (o: ServiceOptions): Provider.Service => {
  const { client, id } = o

  const chatOptions = (options: Readonly<Record<string, unknown>> | undefined) =>
    Effect.gen(function* () {
      let merged: ChatOptions | undefined
      for (const key of o.optionKeys) {
        const decoded = yield* decodeOptions(ChatOptions, id, key, options?.[key])
        if (decoded !== undefined) merged = { ...merged, ...decoded }
      }
      return merged
    })

  const extraOptions = (options: Readonly<Record<string, unknown>> | undefined) =>
    Effect.gen(function* () {
      let merged: ExtraOptions | undefined
      for (const key of o.optionKeys) {
        const decoded = yield* decodeOptions(ExtraOptions, id, key, options?.[key])
        if (decoded !== undefined) merged = { ...merged, ...decoded }
      }
      return merged
    })

  const useResponses = (opts: ChatOptions | undefined) => o.responsesApi && (opts?.api ?? o.defaultApi) === "responses"

  // No span of its own (nor for a stream or an image): each is one HTTP exchange, which the
  // transport's span covers, and the client's attempt span carries the GenAI attributes. A span
  // costs about as much CPU as the rest of the adapter's work on a call.
  const chat = Effect.fnUntraced(function* (request: ChatRequest, call?: CallOptions) {
    const opts = yield* chatOptions(request.providerOptions)
    if (useResponses(opts)) {
      const { body, warnings } = responses.toResponsesBody(request, { stream: false, options: opts })
      const r = yield* client.post("chat", "/responses", request.model, body, ResponsesObject, call)
      return responses.fromResponsesObject(r.body, { model: request.model, requestId: r.requestId, warnings })
    }
    const { body, warnings } = toChatBody(request, {
      stream: false,
      dialect: o.dialect,
      extra: chatOptionsToWire(opts)
    })
    const r = yield* client.post("chat", "/chat/completions", request.model, body, ChatCompletion, call)
    return fromChatCompletion(r.body, { model: request.model, requestId: r.requestId, warnings })
  })

  const openChatStream = (
    request: ChatRequest,
    call?: CallOptions,
    onChunk?: (chunk: StreamChunk) => void
  ): Effect.Effect<Stream.Stream<StreamChunk, AiuError.ProviderFailure>, AiuError.ProviderFailure, Scope.Scope> =>
    Effect.gen(function* () {
      const opts = yield* chatOptions(request.providerOptions)
      if (useResponses(opts)) {
        const { body } = responses.toResponsesBody(request, { stream: true, options: opts })
        const r = yield* client.sse("chatStream", "/responses", request.model, body, call)
        const mapper = responses.makeResponsesStreamMapper({ provider: id, requestId: r.requestId })
        let last = false
        return chunksOf(
          r,
          {
            event: (event, out) => {
              if (mapper.isLast(event)) last = true
              return mapper.event(event, out)
            },
            end: mapper.end,
            done: () => last
          },
          onChunk
        )
      }
      const { body } = toChatBody(request, { stream: true, dialect: o.dialect, extra: chatOptionsToWire(opts) })
      const r = yield* client.sse("chatStream", "/chat/completions", request.model, body, call)
      return chunksOf(r, makeChatStreamMapper({ provider: id, requestId: r.requestId }), onChunk)
    })

  const batchSize = o.embeddingBatchSize
  const embed =
    batchSize === undefined
      ? undefined
      : Effect.fn("OpenAi.embed")(function* (request: EmbedRequest, call?: CallOptions) {
          const extra = yield* extraOptions(request.providerOptions)
          const parts = yield* Effect.forEach(
            batches(request.input, batchSize),
            (input) =>
              client.post(
                "embed",
                "/embeddings",
                request.model,
                toEmbeddingBody(request, input, extra?.extraBody),
                EmbeddingList,
                call
              ),
            { concurrency: 4 }
          )
          const embeddings: Array<ReadonlyArray<number>> = []
          let inputTokens = 0
          let model: string | undefined
          let requestId: string | undefined
          for (const p of parts) {
            embeddings.push(...vectorsOf(p.body))
            inputTokens += p.body.usage?.prompt_tokens ?? 0
            model ??= p.body.model ?? undefined
            requestId ??= p.requestId
          }
          const response: EmbedResponse = {
            model: model ?? request.model,
            embeddings,
            usage: { inputTokens },
            ...(requestId !== undefined ? { requestId } : {})
          }
          return response
        })

  const generateImage = o.images
    ? Effect.fnUntraced(function* (request: ImageRequest, call?: CallOptions) {
        const extra = yield* extraOptions(request.providerOptions)
        const r = yield* client.post(
          "generateImage",
          "/images/generations",
          request.model,
          toImageBody(request, extra),
          ImageList,
          call
        )
        return fromImageList(r.body, { model: request.model, requestId: r.requestId })
      })
    : undefined

  const listModels = o.listModels
    ? Effect.fn("OpenAi.listModels")(function* (call?: CallOptions) {
        const r = yield* client.get("listModels", "/models", ModelList, call)
        return fromModelList(id, r.body)
      })
    : undefined

  return Provider.make({
    id,
    type: o.type,
    name: o.name,
    ...(o.features !== undefined ? { features: o.features } : {}),
    chat,
    openChatStream,
    ...(embed !== undefined ? { embed } : {}),
    ...(generateImage !== undefined ? { generateImage } : {}),
    ...(listModels !== undefined ? { listModels } : {})
  })
}
