/**
 * What a streaming chat emits, and how to fold a stream back into a `ChatResponse`.
 *
 * Chunks are plain objects (no class construction on the hot path); the schemas describe them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ChatResponse, FinishReason, makeResponse } from "./Chat.js"
import type { ReasoningPart, TextPart, ToolCallPart } from "./Message.js"
import { Usage, empty as emptyUsage } from "./Usage.js"

/**
 * Response metadata, usually first: the provider's response id, model and request id.
 * @since 0.1.0
 * @category schemas
 */
export const Metadata = Schema.Struct({
  type: Schema.Literal("metadata"),
  id: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const TextDelta = Schema.Struct({ type: Schema.Literal("text-delta"), text: Schema.String })

/**
 * @since 0.1.0
 * @category schemas
 */
export const ReasoningDelta = Schema.Struct({
  type: Schema.Literal("reasoning-delta"),
  text: Schema.String,
  signature: Schema.optional(Schema.String),
  redacted: Schema.optional(Schema.String)
})

/**
 * A tool call begins. `index` orders parallel calls.
 * @since 0.1.0
 * @category schemas
 */
export const ToolCallStart = Schema.Struct({
  type: Schema.Literal("tool-call-start"),
  index: Schema.Number,
  id: Schema.String,
  name: Schema.String
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ToolCallDelta = Schema.Struct({
  type: Schema.Literal("tool-call-delta"),
  index: Schema.Number,
  id: Schema.String,
  argumentsDelta: Schema.String
})

/**
 * A tool call is complete: its whole arguments text.
 * @since 0.1.0
 * @category schemas
 */
export const ToolCallEnd = Schema.Struct({
  type: Schema.Literal("tool-call-end"),
  index: Schema.Number,
  id: Schema.String,
  name: Schema.String,
  arguments: Schema.String
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const UsageChunk = Schema.Struct({ type: Schema.Literal("usage"), usage: Usage })

/**
 * The last chunk of a stream that ended normally.
 * @since 0.1.0
 * @category schemas
 */
export const Finish = Schema.Struct({
  type: Schema.Literal("finish"),
  finishReason: FinishReason,
  rawFinishReason: Schema.optional(Schema.String),
  usage: Schema.optional(Usage)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const StreamChunk = Schema.Union(
  Metadata,
  TextDelta,
  ReasoningDelta,
  ToolCallStart,
  ToolCallDelta,
  ToolCallEnd,
  UsageChunk,
  Finish
)

/**
 * @since 0.1.0
 * @category models
 */
export type StreamChunk = typeof StreamChunk.Type

/**
 * @since 0.1.0
 * @category models
 */
export type Finish = typeof Finish.Type

/**
 * Folds chunks into a response, incrementally. Used by `collect`, by `Provider.make` to derive a
 * non-streaming chat, and by the client to record what a stream delivered before it failed.
 * @since 0.1.0
 * @category models
 */
export class Accumulator {
  id: string | undefined
  model: string | undefined
  requestId: string | undefined
  usage: Usage | undefined
  finish: Finish | undefined
  private readonly parts: Array<TextPart | ReasoningPart | ToolCallPart> = []
  private readonly calls = new Map<number, ToolCallPart>()

  add(chunk: StreamChunk): void {
    switch (chunk.type) {
      case "metadata":
        if (chunk.id !== undefined) this.id = chunk.id
        if (chunk.model !== undefined) this.model = chunk.model
        if (chunk.requestId !== undefined) this.requestId = chunk.requestId
        return
      case "text-delta": {
        const last = this.parts[this.parts.length - 1]
        if (last?.type === "text") this.parts[this.parts.length - 1] = { type: "text", text: last.text + chunk.text }
        else this.parts.push({ type: "text", text: chunk.text })
        return
      }
      case "reasoning-delta": {
        const last = this.parts[this.parts.length - 1]
        if (last?.type === "reasoning") {
          const merged: { -readonly [K in keyof ReasoningPart]: ReasoningPart[K] } = {
            ...last,
            text: last.text + chunk.text
          }
          if (chunk.signature !== undefined) merged.signature = chunk.signature
          if (chunk.redacted !== undefined) merged.redacted = chunk.redacted
          this.parts[this.parts.length - 1] = merged
        } else {
          const part: { -readonly [K in keyof ReasoningPart]: ReasoningPart[K] } = {
            type: "reasoning",
            text: chunk.text
          }
          if (chunk.signature !== undefined) part.signature = chunk.signature
          if (chunk.redacted !== undefined) part.redacted = chunk.redacted
          this.parts.push(part)
        }
        return
      }
      case "tool-call-start":
      case "tool-call-delta":
        return
      case "tool-call-end": {
        const call: ToolCallPart = { type: "tool-call", id: chunk.id, name: chunk.name, arguments: chunk.arguments }
        this.calls.set(chunk.index, call)
        this.parts.push(call)
        return
      }
      case "usage":
        this.usage = chunk.usage
        return
      case "finish":
        this.finish = chunk
        if (chunk.usage !== undefined) this.usage = chunk.usage
        return
    }
  }

  /** The text delivered so far. */
  get text(): string {
    let text = ""
    for (const part of this.parts) if (part.type === "text") text += part.text
    return text
  }

  get toolCalls(): ReadonlyArray<ToolCallPart> {
    return [...this.calls.values()]
  }

  response(fallbackModel: string): ChatResponse {
    return makeResponse({
      id: this.id,
      model: this.model ?? fallbackModel,
      content: this.parts,
      finishReason: this.finish?.finishReason ?? "other",
      rawFinishReason: this.finish?.rawFinishReason,
      usage: this.usage ?? emptyUsage,
      requestId: this.requestId
    })
  }
}

/**
 * Runs a stream to its end and folds it into a `ChatResponse`.
 * @since 0.1.0
 * @category destructors
 */
export const collect = <E, R>(
  stream: Stream.Stream<StreamChunk, E, R>,
  fallbackModel: string
): Effect.Effect<ChatResponse, E, R> =>
  Effect.suspend(() => {
    const acc = new Accumulator()
    return Stream.runForEachChunk(stream, (chunk) =>
      Effect.sync(() => {
        for (const c of chunk) acc.add(c)
      })
    ).pipe(Effect.map(() => acc.response(fallbackModel)))
  })

/**
 * Replays a complete response as a stream (for providers or fakes that only answer whole).
 * @since 0.1.0
 * @category constructors
 */
export const fromResponse = (response: ChatResponse): ReadonlyArray<StreamChunk> => {
  const chunks: Array<StreamChunk> = []
  const meta: { -readonly [K in keyof typeof Metadata.Type]: (typeof Metadata.Type)[K] } = {
    type: "metadata",
    model: response.model
  }
  if (response.id !== undefined) meta.id = response.id
  if (response.requestId !== undefined) meta.requestId = response.requestId
  chunks.push(meta)
  let index = 0
  for (const part of response.content) {
    if (part.type === "text") chunks.push({ type: "text-delta", text: part.text })
    else if (part.type === "reasoning") {
      const delta: { -readonly [K in keyof typeof ReasoningDelta.Type]: (typeof ReasoningDelta.Type)[K] } = {
        type: "reasoning-delta",
        text: part.text
      }
      if (part.signature !== undefined) delta.signature = part.signature
      if (part.redacted !== undefined) delta.redacted = part.redacted
      chunks.push(delta)
    } else {
      chunks.push({ type: "tool-call-start", index, id: part.id, name: part.name })
      chunks.push({ type: "tool-call-delta", index, id: part.id, argumentsDelta: part.arguments })
      chunks.push({ type: "tool-call-end", index, id: part.id, name: part.name, arguments: part.arguments })
      index++
    }
  }
  chunks.push({ type: "usage", usage: response.usage })
  const finish: { -readonly [K in keyof Finish]: Finish[K] } = {
    type: "finish",
    finishReason: response.finishReason,
    usage: response.usage
  }
  if (response.rawFinishReason !== undefined) finish.rawFinishReason = response.rawFinishReason
  chunks.push(finish)
  return chunks
}
