/**
 * The adapter contract every provider package implements. `make` fills in what an adapter does
 * not support, so adapters stay mapping-only: a missing operation fails with
 * `UnsupportedOperation`; a missing `chat` is derived from `chatStream` and vice versa.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { type ConfigError, type ProviderFailure, UnsupportedOperation } from "./AiuError.js"
import type { CallOptions } from "./CallOptions.js"
import type { ChatRequest, ChatResponse } from "./Chat.js"
import type { EmbedRequest, EmbedResponse } from "./Embedding.js"
import type { ImageRequest, ImageResponse } from "./Image.js"
import type { ModelInfo } from "./ModelInfo.js"
import * as ScopedStream from "./ScopedStream.js"
import { collect, fromResponse, type StreamChunk } from "./StreamChunk.js"

/**
 * What the adapter can do; `make` derives the operation flags from the functions given.
 * @since 0.1.0
 * @category models
 */
export interface Capabilities {
  readonly chat: boolean
  readonly chatStream: boolean
  readonly embed: boolean
  readonly generateImage: boolean
  readonly listModels: boolean
  readonly tools: boolean
  readonly structuredOutput: boolean
  readonly reasoning: boolean
  readonly imageInput: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ProviderInfo {
  /** The registered id (`openai`, `groq`). Used in model ids and errors. */
  readonly id: string
  /** The adapter type (`openai`, `openai-compatible`, …). */
  readonly type: string
  readonly name: string
  readonly capabilities: Capabilities
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly info: ProviderInfo
  readonly chat: (request: ChatRequest, options?: CallOptions) => Effect.Effect<ChatResponse, ProviderFailure>
  readonly chatStream: (request: ChatRequest, options?: CallOptions) => Stream.Stream<StreamChunk, ProviderFailure>
  /**
   * `chatStream` for a caller that already has a scope: succeeds once the provider has accepted
   * the request (a refusal fails it), with a stream that only reads. `chatStream` is this
   * unwrapped. `onChunk` sees each chunk as the provider makes it, before it goes out: a caller
   * that watches every chunk (the `Aiu` client: usage, time to first token) does so without a
   * stream stage of its own, each of which costs a channel step and allocations per network read.
   * Optional: without it, use `chatStream` (see `openChatStream` below).
   */
  readonly openChatStream?: (
    request: ChatRequest,
    options?: CallOptions,
    onChunk?: (chunk: StreamChunk) => void
  ) => Effect.Effect<Stream.Stream<StreamChunk, ProviderFailure>, ProviderFailure, Scope.Scope>
  readonly embed: (request: EmbedRequest, options?: CallOptions) => Effect.Effect<EmbedResponse, ProviderFailure>
  readonly generateImage: (
    request: ImageRequest,
    options?: CallOptions
  ) => Effect.Effect<ImageResponse, ProviderFailure>
  readonly listModels: (options?: CallOptions) => Effect.Effect<ReadonlyArray<ModelInfo>, ProviderFailure>
}

/**
 * The service tag, for applications that work with one provider. Multi-provider code looks
 * adapters up in the client's `ProviderRegistry`.
 * @since 0.1.0
 * @category tags
 */
export class Provider extends Context.Tag("@aiu/core/Provider")<Provider, Service>() {}

/**
 * What every adapter's `make(config)` accepts: the registered id, where to send requests and the
 * default key. Per-call `CallOptions.apiKey` overrides `apiKey`. `settings` carries the
 * provider-specific rest (Azure `apiVersion`, OpenAI `organization`, compatible-server quirks),
 * decoded by the adapter with its own schema.
 * @since 0.1.0
 * @category models
 */
export interface AdapterConfig {
  readonly id: string
  readonly baseUrl?: string | undefined
  readonly apiKey?: Redacted.Redacted<string> | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly settings?: Readonly<Record<string, unknown>> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly features?: Partial<Pick<Capabilities, "tools" | "structuredOutput" | "reasoning" | "imageInput">>
  readonly chat?: Service["chat"]
  readonly chatStream?: Service["chatStream"]
  /** Gives `chatStream` too, when that is not given. */
  readonly openChatStream?: Service["openChatStream"]
  readonly embed?: Service["embed"]
  readonly generateImage?: Service["generateImage"]
  readonly listModels?: Service["listModels"]
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: MakeOptions): Service => {
  const unsupported = (operation: string) =>
    new UnsupportedOperation({
      message: `${options.name} does not support ${operation}`,
      provider: options.id,
      operation
    })
  const open = options.openChatStream
  const chatGiven = options.chat
  const chatStream: Service["chatStream"] =
    options.chatStream ??
    (open !== undefined
      ? (request, callOptions) => ScopedStream.unwrapScoped(open(request, callOptions))
      : chatGiven !== undefined
        ? (request, callOptions) => Stream.fromIterableEffect(Effect.map(chatGiven(request, callOptions), fromResponse))
        : () => Stream.fail(unsupported("chat")))
  const streams = options.chatStream !== undefined || open !== undefined
  const chat: Service["chat"] =
    options.chat ??
    (streams
      ? (request, callOptions) => collect(chatStream(request, callOptions), request.model)
      : () => Effect.fail(unsupported("chat")))
  return {
    info: {
      id: options.id,
      type: options.type,
      name: options.name,
      capabilities: {
        chat: options.chat !== undefined || streams,
        chatStream: options.chat !== undefined || streams,
        embed: options.embed !== undefined,
        generateImage: options.generateImage !== undefined,
        listModels: options.listModels !== undefined,
        tools: options.features?.tools ?? false,
        structuredOutput: options.features?.structuredOutput ?? false,
        reasoning: options.features?.reasoning ?? false,
        imageInput: options.features?.imageInput ?? false
      }
    },
    chat,
    chatStream,
    ...(open !== undefined && options.chatStream === undefined ? { openChatStream: open } : {}),
    embed: options.embed ?? (() => Effect.fail(unsupported("embed"))),
    generateImage: options.generateImage ?? (() => Effect.fail(unsupported("generateImage"))),
    listModels: options.listModels ?? (() => Effect.fail(unsupported("listModels")))
  }
}

/**
 * Opens a chat stream in the caller's scope, with `onChunk` seeing each chunk before it goes
 * out: the provider's `openChatStream`, or its `chatStream` (which then sends the request when
 * it is run) with a stage that shows each chunk to `onChunk`.
 * @since 0.1.0
 * @category combinators
 */
export const openChatStream = (
  service: Service,
  request: ChatRequest,
  options?: CallOptions,
  onChunk?: (chunk: StreamChunk) => void
): Effect.Effect<Stream.Stream<StreamChunk, ProviderFailure>, ProviderFailure, Scope.Scope> => {
  if (service.openChatStream !== undefined) return service.openChatStream(request, options, onChunk)
  const stream = service.chatStream(request, options)
  return Effect.succeed(
    onChunk === undefined
      ? stream
      : Stream.mapChunks(stream, (chunk) => {
          for (const c of chunk) onChunk(c)
          return chunk
        })
  )
}

/**
 * How a provider package presents itself to registries and the CLI: its type, defaults, the
 * environment variables it reads, and the constructor. `R` is what `make` needs (the transport).
 * @since 0.1.0
 * @category models
 */
export interface Descriptor<R> {
  /** `openai`, `anthropic`, `google`, `mistral`, `cohere`, `ollama`, `azure-openai`, `openai-compatible`. */
  readonly type: string
  readonly name: string
  /** Public endpoint including the API version segment; undefined when there is none (Azure, compatible). */
  readonly defaultBaseUrl: string | undefined
  /** e.g. `OPENAI_API_KEY`; used when the keyring holds no key. */
  readonly apiKeyEnv: string | undefined
  /** e.g. `OPENAI_BASE_URL`; used when the provider is not registered. */
  readonly baseUrlEnv: string | undefined
  /** False for servers that take no key (Ollama, local OpenAI-compatible servers). */
  readonly requiresKey: boolean
  readonly make: (config: AdapterConfig) => Effect.Effect<Service, ConfigError, R>
}
