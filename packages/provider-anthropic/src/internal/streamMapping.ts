/**
 * Anthropic SSE events → `StreamChunk`s. One `JSON.parse` per event and a small state machine:
 * content blocks by index (text, thinking, tool_use, the structured-output `json` tool), usage
 * merged from `message_start` and `message_delta`, the finish emitted at `message_stop`. A stream
 * that ends before `message_stop` fails with `StreamInterrupted`; an `event: error` fails with the
 * mapped error.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Stream from "effect/Stream"
import { fromStreamError } from "./errors.js"
import { toFinishReason } from "./finishReason.js"
import type { StreamEvent, StreamUsage } from "./schema.js"
import { JSON_TOOL_NAME } from "./tools.js"
import { mergeUsage, toUsage } from "./usage.js"

interface BlockState {
  readonly kind: "text" | "thinking" | "tool" | "json" | "other"
  readonly toolIndex: number
  readonly id: string
  readonly name: string
  args: string
}

export interface StreamContext {
  readonly provider: string
  readonly requestId: string | undefined
  readonly jsonTool: boolean
}

/** A per-stream mapper: feed events, get chunks; `end()` checks the stream finished properly. */
export const makeMapper = (ctx: StreamContext) => {
  const blocks = new Map<number, BlockState>()
  let toolCount = 0
  let userToolCalls = 0
  let usage: StreamUsage | undefined
  let stopReason: string | undefined
  let started = false
  let done = false

  const fail = (message: string) =>
    new AiuError.ResponseDecodeError({
      message: `${ctx.provider}: ${message}`,
      provider: ctx.provider,
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
    })

  const feed = (event: SseEvent, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (done) return undefined
    let parsed: StreamEvent
    try {
      parsed = JSON.parse(event.data) as StreamEvent
    } catch {
      return fail(`a stream event is not JSON (event: ${event.event ?? "message"})`)
    }
    if (parsed === null || typeof parsed !== "object") return fail("a stream event is not a JSON object")
    // The JSON `type` repeats the SSE event name; fall back to the name for payloads without it.
    const type = (parsed as { type?: unknown }).type ?? event.event
    switch (type) {
      case "message_start": {
        if (parsed.type !== "message_start") return undefined
        started = true
        const m = parsed.message
        usage = mergeUsage(usage, m?.usage)
        out.push({
          type: "metadata",
          ...(m?.id !== undefined ? { id: m.id } : {}),
          ...(m?.model !== undefined ? { model: m.model } : {}),
          ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
        })
        return undefined
      }
      case "content_block_start": {
        if (parsed.type !== "content_block_start") return undefined
        const block = parsed.content_block
        switch (block?.type) {
          case "text":
            blocks.set(parsed.index, { kind: "text", toolIndex: -1, id: "", name: "", args: "" })
            if (block.text !== undefined && block.text !== "") out.push({ type: "text-delta", text: block.text })
            return undefined
          case "thinking":
            blocks.set(parsed.index, { kind: "thinking", toolIndex: -1, id: "", name: "", args: "" })
            if (block.thinking !== undefined && block.thinking !== "") {
              out.push({ type: "reasoning-delta", text: block.thinking })
            }
            return undefined
          case "redacted_thinking":
            blocks.set(parsed.index, { kind: "other", toolIndex: -1, id: "", name: "", args: "" })
            out.push({ type: "reasoning-delta", text: "", redacted: block.data ?? "" })
            return undefined
          case "tool_use": {
            // `input` is always `{}` here: the arguments arrive as input_json_delta fragments.
            const name = block.name ?? ""
            if (ctx.jsonTool && name === JSON_TOOL_NAME) {
              blocks.set(parsed.index, { kind: "json", toolIndex: -1, id: "", name, args: "" })
              return undefined
            }
            const id = block.id ?? `toolu_${parsed.index}`
            const toolIndex = toolCount++
            userToolCalls++
            blocks.set(parsed.index, { kind: "tool", toolIndex, id, name, args: "" })
            out.push({ type: "tool-call-start", index: toolIndex, id, name })
            return undefined
          }
          default:
            blocks.set(parsed.index, { kind: "other", toolIndex: -1, id: "", name: "", args: "" })
            return undefined
        }
      }
      case "content_block_delta": {
        if (parsed.type !== "content_block_delta") return undefined
        const delta = parsed.delta
        const state = blocks.get(parsed.index)
        switch (delta?.type) {
          case "text_delta":
            if (delta.text !== undefined && delta.text !== "") out.push({ type: "text-delta", text: delta.text })
            return undefined
          case "thinking_delta":
            if (delta.thinking !== undefined && delta.thinking !== "") {
              out.push({ type: "reasoning-delta", text: delta.thinking })
            }
            return undefined
          case "signature_delta":
            if (delta.signature !== undefined && delta.signature !== "") {
              out.push({ type: "reasoning-delta", text: "", signature: delta.signature })
            }
            return undefined
          case "input_json_delta": {
            const piece = delta.partial_json ?? ""
            if (state === undefined || piece === "") return undefined
            state.args += piece
            if (state.kind === "json") out.push({ type: "text-delta", text: piece })
            else if (state.kind === "tool") {
              out.push({ type: "tool-call-delta", index: state.toolIndex, id: state.id, argumentsDelta: piece })
            }
            return undefined
          }
          default:
            return undefined
        }
      }
      case "content_block_stop": {
        if (parsed.type !== "content_block_stop") return undefined
        const state = blocks.get(parsed.index)
        if (state === undefined) return undefined
        if (state.kind === "tool") {
          // A tool without arguments only ever sends "": its input is {}.
          out.push({
            type: "tool-call-end",
            index: state.toolIndex,
            id: state.id,
            name: state.name,
            arguments: state.args === "" ? "{}" : state.args
          })
        } else if (state.kind === "json" && state.args === "") {
          out.push({ type: "text-delta", text: "{}" })
        }
        blocks.delete(parsed.index)
        return undefined
      }
      case "message_delta": {
        if (parsed.type !== "message_delta") return undefined
        if (parsed.delta?.stop_reason != null) stopReason = parsed.delta.stop_reason
        usage = mergeUsage(usage, parsed.usage)
        return undefined
      }
      case "message_stop": {
        done = true
        const u = toUsage(usage)
        out.push({ type: "usage", usage: u })
        out.push({
          type: "finish",
          finishReason: toFinishReason(stopReason, ctx.jsonTool && userToolCalls === 0),
          ...(stopReason !== undefined ? { rawFinishReason: stopReason } : {}),
          usage: u
        })
        return undefined
      }
      case "error":
        return fromStreamError(ctx, parsed)
      default:
        // ping, and event types added after this adapter was written.
        return undefined
    }
  }

  const end = (): AiuError.ProviderFailure | undefined =>
    done
      ? undefined
      : new AiuError.StreamInterrupted({
          message: `${ctx.provider}: the stream ended ${started ? "before message_stop" : "without any message"}`,
          provider: ctx.provider,
          ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
        })

  return { feed, end, done: () => done }
}

/**
 * A streaming response's chunks, mapped inside the transport's read loop (where `onChunk`, when
 * given, sees each one as it is made); fails on an error event or a truncated
 * stream, and ends at `message_stop` without reading further.
 */
export const toStreamChunks = (
  response: HttpTransport.StreamResponse<SseEvent>,
  ctx: StreamContext,
  onChunk?: (chunk: StreamChunk) => void
): Stream.Stream<StreamChunk, AiuError.ProviderFailure> =>
  Stream.suspend(() => {
    const mapper = makeMapper(ctx)
    return HttpTransport.mapEvents(
      response,
      { event: mapper.feed, end: () => mapper.end(), done: mapper.done },
      onChunk
    )
  })
