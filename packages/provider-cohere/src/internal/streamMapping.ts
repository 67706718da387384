/**
 * Cohere v2 SSE events → StreamChunk. Each payload has a `type`: `message-start` (`id`),
 * `content-start`/`-delta`/`-end` (`delta.message.content.{text|thinking}`), `tool-plan-delta`,
 * `tool-call-start`/`-delta`/`-end` (`delta.message.tool_calls` is one object; arguments stream as
 * string fragments), `citation-*`, `message-end` (`finish_reason`, `usage`), `debug`. The stream
 * ends after `message-end`; a trailing `[DONE]` is tolerated.
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as Errors from "./errors.js"
import * as Finish from "./finishReason.js"
import { argumentsText } from "./responseMapping.js"
import type * as Wire from "./schema.js"
import * as WireUsage from "./usage.js"

export interface Context {
  readonly provider: string
  readonly model: string
  readonly requestId: string | undefined
}

export interface Failures {
  readonly interrupted: (what: string) => AiuError.ProviderFailure
  readonly decode: (what: string) => AiuError.ProviderFailure
}

export interface Mapper {
  readonly event: (data: string, out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
  readonly end: (out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
}

interface OpenCall {
  readonly index: number
  readonly id: string
  readonly name: string
  args: string
}

export const make = (context: Context, failures: Failures): Mapper => {
  let sawMetadata = false
  let done = false
  let failure: AiuError.ProviderFailure | undefined
  const calls = new Map<number, OpenCall>()
  let nextCall = 0

  const metadata = (out: Array<StreamChunk>, id: string | undefined) => {
    if (sawMetadata) return
    sawMetadata = true
    out.push({
      type: "metadata",
      ...(id !== undefined ? { id } : {}),
      model: context.model,
      ...(context.requestId !== undefined ? { requestId: context.requestId } : {})
    })
  }

  const closeCall = (call: OpenCall, out: Array<StreamChunk>) => {
    calls.delete(call.index)
    out.push({
      type: "tool-call-end",
      index: call.index,
      id: call.id,
      name: call.name,
      arguments: argumentsText(call.args)
    })
  }

  const apply = (e: Wire.StreamEvent, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    switch (e.type) {
      case "message-start":
        metadata(out, typeof e.id === "string" ? e.id : undefined)
        return undefined
      case "content-delta": {
        metadata(out, undefined)
        const c = e.delta?.message?.content
        if (typeof c?.thinking === "string" && c.thinking.length > 0)
          out.push({ type: "reasoning-delta", text: c.thinking })
        if (typeof c?.text === "string" && c.text.length > 0) out.push({ type: "text-delta", text: c.text })
        return undefined
      }
      case "tool-plan-delta": {
        metadata(out, undefined)
        const plan = e.delta?.message?.tool_plan
        if (typeof plan === "string" && plan.length > 0) out.push({ type: "reasoning-delta", text: plan })
        return undefined
      }
      case "tool-call-start": {
        metadata(out, undefined)
        const tc = e.delta?.message?.tool_calls
        const index = typeof e.index === "number" ? e.index : nextCall
        nextCall = Math.max(nextCall, index + 1)
        const args = tc?.function?.arguments
        const call: OpenCall = {
          index,
          id: tc?.id ?? `call_${index}`,
          name: tc?.function?.name ?? "",
          args: typeof args === "string" ? args : args === null || args === undefined ? "" : JSON.stringify(args)
        }
        calls.set(index, call)
        out.push({ type: "tool-call-start", index, id: call.id, name: call.name })
        if (call.args.length > 0) out.push({ type: "tool-call-delta", index, id: call.id, argumentsDelta: call.args })
        return undefined
      }
      case "tool-call-delta": {
        const call = calls.get(typeof e.index === "number" ? e.index : nextCall - 1)
        const fragment = e.delta?.message?.tool_calls?.function?.arguments
        if (call === undefined) return failures.decode("tool-call-delta for a call that was not started")
        if (typeof fragment === "string" && fragment.length > 0) {
          call.args += fragment
          out.push({ type: "tool-call-delta", index: call.index, id: call.id, argumentsDelta: fragment })
        }
        return undefined
      }
      case "tool-call-end": {
        const call = calls.get(typeof e.index === "number" ? e.index : nextCall - 1)
        if (call !== undefined) closeCall(call, out)
        return undefined
      }
      case "message-end": {
        metadata(out, undefined)
        for (const call of [...calls.values()]) closeCall(call, out)
        done = true
        const raw = e.delta?.finish_reason ?? undefined
        const usage = WireUsage.fromCohere(e.delta?.usage)
        if (usage !== undefined) out.push({ type: "usage", usage })
        out.push({
          type: "finish",
          finishReason: Finish.fromCohere(raw),
          ...(raw !== undefined ? { rawFinishReason: raw } : {}),
          ...(usage !== undefined ? { usage } : {})
        })
        return undefined
      }
      case "error":
        return Errors.classify({
          provider: context.provider,
          status: undefined,
          message:
            (typeof e.message === "string" ? e.message : undefined) ??
            (typeof e.delta?.error === "string" ? e.delta.error : "error event in the stream"),
          requestId: context.requestId,
          retryAfterMs: undefined
        })
      default:
        // content-start / content-end / citation-* / debug: nothing to emit.
        return undefined
    }
  }

  const event = (data: string, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done || data === "[DONE]") return undefined
    let parsed: Wire.StreamEvent
    try {
      parsed = JSON.parse(data) as Wire.StreamEvent
    } catch {
      failure = failures.decode("a stream event is not JSON")
      return failure
    }
    if (parsed === null || typeof parsed !== "object") {
      failure = failures.decode("a stream event is not a JSON object")
      return failure
    }
    try {
      failure = apply(parsed, out)
    } catch {
      failure = failures.decode("a stream event has an unexpected shape")
    }
    return failure
  }

  const end = (_out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done) return undefined
    failure = failures.interrupted("the stream ended before message-end")
    return failure
  }

  return { event, end }
}
