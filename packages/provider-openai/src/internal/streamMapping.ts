/**
 * Chat Completions stream events → `StreamChunk`s. One `JSON.parse` per event and plain property
 * reads with `typeof` guards: no Schema work per chunk. Tool calls are assembled by their wire
 * `index` (which need not start at 0), a new `id` at a known index starts a new call, and every
 * open call is closed with a `tool-call-end` carrying the whole arguments text when the finish
 * reason (or the end of the stream) arrives.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import type * as Usage from "@aiu/core/Usage"
import type { SseEvent } from "@aiu/transport/Sse"
import { mapStreamError } from "./errors.js"
import { mapFinishReason } from "./finishReason.js"
import { fromChatUsage } from "./usage.js"

interface OpenCall {
  readonly index: number
  id: string
  name: string
  args: string
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)

export interface ChatStreamMapper {
  /** Maps one event, pushing chunks to `out`; returns a failure to end the stream with. */
  readonly event: (event: SseEvent, out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
  /** The events are over: closes open calls and emits the finish. */
  readonly end: (out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
  /** `data: [DONE]` was seen. */
  readonly done: () => boolean
}

export const makeChatStreamMapper = (ctx: {
  readonly provider: string
  readonly requestId: string | undefined
}): ChatStreamMapper => {
  const calls = new Map<number, OpenCall>()
  let nextIndex = 0
  let metadataSent = false
  let rawFinish: string | undefined
  let usage: Usage.Usage | undefined
  let sawCalls = false
  let done = false
  let finished = false

  const decodeError = (what: string) =>
    new AiuError.ResponseDecodeError({
      message: `${ctx.provider}: ${what}`,
      provider: ctx.provider,
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
    })

  const closeCalls = (out: Array<StreamChunk>) => {
    for (const c of calls.values()) {
      out.push({
        type: "tool-call-end",
        index: c.index,
        id: c.id,
        name: c.name,
        arguments: c.args.length > 0 ? c.args : "{}"
      })
    }
    calls.clear()
  }

  const toolCall = (tc: Obj, position: number, out: Array<StreamChunk>) => {
    const key = typeof tc.index === "number" ? tc.index : position
    const fn = isObj(tc.function) ? tc.function : undefined
    const id = typeof tc.id === "string" && tc.id.length > 0 ? tc.id : undefined
    const name = typeof fn?.name === "string" ? fn.name : undefined
    const rawArgs = fn?.arguments
    const args = typeof rawArgs === "string" ? rawArgs : isObj(rawArgs) ? JSON.stringify(rawArgs) : ""
    let call = calls.get(key)
    if (call !== undefined && id !== undefined && id !== call.id) {
      // A new call at an index already in use (servers that send whole calls at index 0).
      out.push({
        type: "tool-call-end",
        index: call.index,
        id: call.id,
        name: call.name,
        arguments: call.args.length > 0 ? call.args : "{}"
      })
      calls.delete(key)
      call = undefined
    }
    if (call === undefined) {
      const index = nextIndex++
      call = { index, id: id ?? `call_${index}`, name: name ?? "", args: "" }
      calls.set(key, call)
      sawCalls = true
      out.push({ type: "tool-call-start", index, id: call.id, name: call.name })
    } else if (name !== undefined && call.name === "") {
      call.name = name
    }
    if (args.length > 0) {
      call.args += args
      out.push({ type: "tool-call-delta", index: call.index, id: call.id, argumentsDelta: args })
    }
  }

  const event = (ev: SseEvent, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (done || finished) return undefined
    const data = ev.data
    if (data === "[DONE]") {
      done = true
      return undefined
    }
    if (data.length === 0) return undefined
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      return decodeError(`a stream event is not JSON: ${data.slice(0, 100)}`)
    }
    if (!isObj(json)) return decodeError("a stream event is not a JSON object")
    if (json.error !== undefined && json.error !== null) return mapStreamError(json, ctx)
    // an SSE event named `error` whose payload is the error itself
    if (ev.event === "error") return mapStreamError({ error: json }, ctx)
    if (!metadataSent) {
      const id = typeof json.id === "string" && json.id.length > 0 ? json.id : undefined
      const model = typeof json.model === "string" && json.model.length > 0 ? json.model : undefined
      if (id !== undefined || model !== undefined) {
        metadataSent = true
        out.push({ type: "metadata", ...(id !== undefined ? { id } : {}), ...(model !== undefined ? { model } : {}) })
      }
    }
    const choices = json.choices
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (!isObj(choice)) continue
        if (typeof choice.index === "number" && choice.index !== 0) continue
        const delta = choice.delta
        if (isObj(delta)) {
          const reasoning =
            typeof delta.reasoning_content === "string"
              ? delta.reasoning_content
              : typeof delta.reasoning === "string"
                ? delta.reasoning
                : undefined
          if (reasoning !== undefined && reasoning.length > 0) out.push({ type: "reasoning-delta", text: reasoning })
          const content = delta.content
          if (typeof content === "string") {
            if (content.length > 0) out.push({ type: "text-delta", text: content })
          } else if (Array.isArray(content)) {
            for (const p of content) {
              if (isObj(p) && p.type === "text" && typeof p.text === "string" && p.text.length > 0)
                out.push({ type: "text-delta", text: p.text })
            }
          }
          if (typeof delta.refusal === "string" && delta.refusal.length > 0)
            out.push({ type: "text-delta", text: delta.refusal })
          const toolCalls = delta.tool_calls
          if (Array.isArray(toolCalls)) {
            let position = 0
            for (const tc of toolCalls) {
              if (isObj(tc)) toolCall(tc, position, out)
              position++
            }
          }
        }
        if (typeof choice.finish_reason === "string" && choice.finish_reason.length > 0) {
          rawFinish = choice.finish_reason
          closeCalls(out)
        }
      }
    }
    if (isObj(json.usage)) {
      usage = fromChatUsage(json.usage)
      out.push({ type: "usage", usage })
    } else if (isObj(json.x_groq) && isObj(json.x_groq.usage)) {
      usage = fromChatUsage(json.x_groq.usage)
      out.push({ type: "usage", usage })
    }
    return undefined
  }

  const end = (out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (finished) return undefined
    finished = true
    if (rawFinish === undefined && !done) {
      return new AiuError.StreamInterrupted({
        message: `${ctx.provider}: the stream ended before a finish reason`,
        provider: ctx.provider,
        ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
      })
    }
    closeCalls(out)
    out.push({
      type: "finish",
      finishReason: mapFinishReason(rawFinish, sawCalls),
      ...(rawFinish !== undefined ? { rawFinishReason: rawFinish } : {}),
      ...(usage !== undefined ? { usage } : {})
    })
    return undefined
  }

  return { event, end, done: () => done }
}
