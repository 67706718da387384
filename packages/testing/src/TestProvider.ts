/**
 * A fake provider built with the real `Provider.make`, answering from a script: text split into
 * chunks, tool calls, usage, failures before or after some chunks, delays. It records every call
 * (request and options) so tests can assert on what the client sent. No network.
 *
 * ```ts
 * const fake = TestProvider.make({ id: "test", replies: [TestProvider.fail(new RateLimited({...})), TestProvider.text("hi")] })
 * ```
 *
 * @since 0.1.0
 */
import type { ProviderFailure } from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { ChatRequest, FinishReason } from "@aiu/core/Chat"
import type { EmbedRequest } from "@aiu/core/Embedding"
import type { ImageRequest } from "@aiu/core/Image"
import { textOf } from "@aiu/core/Message"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Provider from "@aiu/core/Provider"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as Usage from "@aiu/core/Usage"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * One scripted answer.
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  /** What the stream emits (a whole chat answer is folded from it). */
  readonly chunks: ReadonlyArray<StreamChunk>
  /** Fail with this after `failAfter` chunks (default: before the first). */
  readonly error?: ProviderFailure | undefined
  readonly failAfter?: number | undefined
  /** Wait (on the Effect clock) before answering. */
  readonly delay?: Duration.DurationInput | undefined
  /** Wait between chunks. */
  readonly chunkDelay?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly operation: "chat" | "chatStream" | "embed" | "generateImage" | "listModels"
  readonly request: ChatRequest | EmbedRequest | ImageRequest | undefined
  readonly options: CallOptions | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TestProvider {
  readonly provider: Provider.Service
  /** Every call, in order. */
  readonly calls: Array<Call>
  /** Queue more scripted replies (used before `respond`). */
  readonly script: (...replies: ReadonlyArray<Reply>) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly id?: string | undefined
  readonly type?: string | undefined
  readonly name?: string | undefined
  /** One-shot replies, in order. */
  readonly replies?: ReadonlyArray<Reply> | undefined
  /** The standing answer once the script is used up (default: `echo`). */
  readonly respond?: ((request: ChatRequest) => Reply) | undefined
  /** What `listModels` returns (default: none). */
  readonly models?: ReadonlyArray<ModelInfo> | undefined
}

/**
 * Chunks for a text answer: metadata, one delta per word, usage and finish.
 * @since 0.1.0
 * @category constructors
 */
export const textChunks = (
  text: string,
  options?: {
    readonly model?: string | undefined
    readonly usage?: Usage.Usage | undefined
    readonly finishReason?: FinishReason | undefined
    readonly requestId?: string | undefined
  }
): Array<StreamChunk> => {
  const usage = options?.usage ?? Usage.make({ inputTokens: 10, outputTokens: Math.max(1, Math.ceil(text.length / 4)) })
  const out: Array<StreamChunk> = [
    {
      type: "metadata",
      id: "resp_test",
      model: options?.model ?? "test-model",
      ...(options?.requestId !== undefined ? { requestId: options.requestId } : {})
    }
  ]
  for (const piece of text.split(/(?<= )/)) if (piece.length > 0) out.push({ type: "text-delta", text: piece })
  out.push({ type: "usage", usage })
  out.push({ type: "finish", finishReason: options?.finishReason ?? "stop", usage })
  return out
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const text = (answer: string, options?: Parameters<typeof textChunks>[1]): Reply => ({
  chunks: textChunks(answer, options)
})

/**
 * A reply that fails at once (or after `afterChunks` chunks of `partial`).
 * @since 0.1.0
 * @category constructors
 */
export const fail = (
  error: ProviderFailure,
  options?: { readonly afterChunks?: number; readonly partial?: string }
): Reply => ({
  chunks: options?.partial !== undefined ? textChunks(options.partial) : [],
  error,
  failAfter: options?.afterChunks ?? 0
})

/**
 * A tool call answer.
 * @since 0.1.0
 * @category constructors
 */
export const toolCall = (name: string, args: unknown, id = "call_test_1"): Reply => {
  const json = JSON.stringify(args)
  const usage = Usage.make({ inputTokens: 12, outputTokens: 6 })
  return {
    chunks: [
      { type: "metadata", id: "resp_test", model: "test-model" },
      { type: "tool-call-start", index: 0, id, name },
      { type: "tool-call-delta", index: 0, id, argumentsDelta: json },
      { type: "tool-call-end", index: 0, id, name, arguments: json },
      { type: "usage", usage },
      { type: "finish", finishReason: "tool-calls", usage }
    ]
  }
}

/**
 * The default answer: echoes the last user message.
 * @since 0.1.0
 * @category constructors
 */
export const echo = (request: ChatRequest): Reply => {
  const last = [...request.messages].reverse().find((m) => m.role === "user")
  const said = last === undefined || last.role !== "user" ? "" : textOf(last.content)
  return text(`You said: ${said}`, {
    model: request.model,
    usage: Usage.make({
      inputTokens: Math.max(1, Math.ceil(said.length / 4)),
      outputTokens: Math.ceil((said.length + 10) / 4)
    })
  })
}

const play = (reply: Reply): Stream.Stream<StreamChunk, ProviderFailure> => {
  const upTo = reply.error !== undefined ? (reply.failAfter ?? 0) : reply.chunks.length
  let stream: Stream.Stream<StreamChunk, ProviderFailure> =
    reply.chunkDelay === undefined
      ? Stream.fromChunk(Chunk.unsafeFromArray(reply.chunks.slice(0, upTo)))
      : Stream.fromIterable(reply.chunks.slice(0, upTo)).pipe(
          Stream.tap(() => Effect.sleep(Duration.decode(reply.chunkDelay!)))
        )
  if (reply.error !== undefined) stream = Stream.concat(stream, Stream.fail(reply.error))
  return reply.delay === undefined
    ? stream
    : Stream.concat(Stream.fromEffect(Effect.sleep(reply.delay)).pipe(Stream.drain), stream)
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): TestProvider => {
  const id = options?.id ?? "test"
  const queue: Array<Reply> = [...(options?.replies ?? [])]
  const respond = options?.respond ?? echo
  const calls: Array<Call> = []
  const next = (request: ChatRequest) => queue.shift() ?? respond(request)
  const provider = Provider.make({
    id,
    type: options?.type ?? "test",
    name: options?.name ?? `Test provider ${id}`,
    features: { tools: true, structuredOutput: true },
    chatStream: (request, callOptions) =>
      Stream.suspend(() => {
        calls.push({ operation: "chatStream", request, options: callOptions })
        return play(next(request))
      }),
    embed: (request, callOptions) =>
      Effect.sync(() => {
        calls.push({ operation: "embed", request, options: callOptions })
        return {
          model: request.model,
          embeddings: request.input.map((s) => vectorOf(s, request.dimensions ?? 8)),
          usage: { inputTokens: request.input.reduce((n, s) => n + Math.max(1, Math.ceil(s.length / 4)), 0) }
        }
      }),
    generateImage: (request, callOptions) =>
      Effect.sync(() => {
        calls.push({ operation: "generateImage", request, options: callOptions })
        return {
          model: request.model,
          images: Array.from({ length: request.n ?? 1 }, () => ({ b64: PNG_1x1, mediaType: "image/png" }))
        }
      }),
    listModels: (callOptions) =>
      Effect.sync(() => {
        calls.push({ operation: "listModels", request: undefined, options: callOptions })
        return options?.models ?? []
      })
  })
  // Record whole chats as "chat" (Provider.make derives chat from chatStream).
  const service: Provider.Service = {
    ...provider,
    chat: (request, callOptions) =>
      Effect.suspend(() => {
        const reply = next(request)
        calls.push({ operation: "chat", request, options: callOptions })
        return Provider.make({
          id,
          type: provider.info.type,
          name: provider.info.name,
          chatStream: () => play(reply)
        }).chat(request)
      })
  }
  return { provider: service, calls, script: (...replies) => queue.push(...replies) }
}

/** A deterministic unit-ish vector from the text. */
const vectorOf = (s: string, n: number): Array<number> => {
  const out: Array<number> = []
  let h = 2166136261
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 16777619) >>> 0
    h = Math.imul(h ^ i, 16777619) >>> 0
    out.push((h % 2000) / 1000 - 1)
  }
  return out
}

const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
