/**
 * Gemini `alt=sse` events → `StreamChunk`s. Every event is a complete `GenerateContentResponse`
 * holding the delta parts; usage is repeated (cumulative) on each, so the last one wins. There is
 * no terminal event: the stream ends when the connection closes, and it must have carried a
 * `finishReason` (or a prompt block) to count as complete. A `{"error":…}` event fails the stream
 * with the mapped error. One `JSON.parse` per event.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Stream from "effect/Stream"
import { fromStreamError } from "./errors.js"
import { rawFinishReason, toFinishReason } from "./finishReason.js"
import { blocked, type ContentPart, partToContent } from "./responseMapping.js"
import type { WireResponse, WireUsage } from "./schema.js"
import { toUsage } from "./usage.js"

export interface StreamContext {
  readonly provider: string
  readonly requestId: string | undefined
}

export const makeMapper = (ctx: StreamContext) => {
  let metadataSent = false
  let calls = 0
  let usage: WireUsage | null | undefined
  let finish: string | undefined
  let sawFinish = false

  const decodeError = (message: string) =>
    new AiuError.ResponseDecodeError({
      message: `${ctx.provider}: ${message}`,
      provider: ctx.provider,
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
    })

  /** Maps one response object (an SSE event's data, or an element of the JSON-array stream). */
  const feedJson = (parsed: unknown, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return decodeError("a stream event is not a JSON object")
    }
    if ("error" in parsed) return fromStreamError(ctx, parsed)
    const response = parsed as WireResponse
    if (!metadataSent) {
      metadataSent = true
      out.push({
        type: "metadata",
        ...(response.responseId != null ? { id: response.responseId } : {}),
        ...(response.modelVersion != null ? { model: response.modelVersion } : {}),
        // No request-id header from Gemini: its `responseId` is the identifier to quote.
        ...(ctx.requestId !== undefined
          ? { requestId: ctx.requestId }
          : response.responseId != null
            ? { requestId: response.responseId }
            : {})
      })
    }
    if (response.usageMetadata != null) usage = response.usageMetadata
    const candidate = response.candidates?.[0]
    if (candidate === undefined || candidate === null) {
      const reason = response.promptFeedback?.blockReason
      if (reason != null) return blocked(ctx.provider, reason, ctx.requestId)
      return undefined
    }
    const parts: Array<ContentPart> = []
    const firstCall = calls
    for (const part of candidate.content?.parts ?? []) partToContent(part, response.responseId, () => calls++, parts)
    let callIndex = firstCall
    for (const part of parts) {
      switch (part.type) {
        case "text":
          out.push({ type: "text-delta", text: part.text })
          break
        case "reasoning":
          out.push(
            part.signature !== undefined
              ? { type: "reasoning-delta", text: part.text, signature: part.signature }
              : { type: "reasoning-delta", text: part.text }
          )
          break
        case "tool-call": {
          // Gemini sends each call whole.
          const index = callIndex++
          out.push({ type: "tool-call-start", index, id: part.id, name: part.name })
          out.push({ type: "tool-call-delta", index, id: part.id, argumentsDelta: part.arguments })
          out.push({ type: "tool-call-end", index, id: part.id, name: part.name, arguments: part.arguments })
          break
        }
      }
    }
    if (candidate.finishReason != null) {
      finish = rawFinishReason(candidate.finishReason)
      sawFinish = true
    }
    return undefined
  }

  const feed = (event: SseEvent, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    let parsed: unknown
    try {
      parsed = JSON.parse(event.data)
    } catch {
      return decodeError("a stream event is not JSON")
    }
    return feedJson(parsed, out)
  }

  /** The closing chunks, or the error for a stream that ended without a finish reason. */
  const end = (out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (!sawFinish) {
      return new AiuError.StreamInterrupted({
        message: `${ctx.provider}: the stream ended without a finishReason`,
        provider: ctx.provider,
        ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
      })
    }
    const u = toUsage(usage)
    out.push({ type: "usage", usage: u })
    out.push({
      type: "finish",
      finishReason: toFinishReason(finish, calls > 0),
      ...(finish !== undefined ? { rawFinishReason: finish } : {}),
      usage: u
    })
    return undefined
  }

  return { feed, feedJson, end }
}

/**
 * A streaming response's chunks, mapped inside the transport's read loop (where `onChunk`, when
 * given, sees each one as it is made); fails on an error event or a stream that
 * ends without a finish reason.
 */
export const toStreamChunks = (
  response: HttpTransport.StreamResponse<SseEvent>,
  ctx: StreamContext,
  onChunk?: (chunk: StreamChunk) => void
): Stream.Stream<StreamChunk, AiuError.ProviderFailure> =>
  Stream.suspend(() => {
    const mapper = makeMapper(ctx)
    return HttpTransport.mapEvents(response, { event: mapper.feed, end: mapper.end }, onChunk)
  })
