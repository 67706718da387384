/**
 * Mistral SSE payloads → StreamChunk. Mistral is OpenAI-like: `delta.content` (a string, or an
 * array of `thinking` / `text` chunks on magistral models), `delta.tool_calls` (usually whole, with
 * no `index`), `finish_reason` and `usage` on the last chunk, then `data: [DONE]`.
 *
 * One `JSON.parse` per event, plain objects out. Tool calls are closed (`tool-call-end`) when the
 * stream finishes, so a call split over several deltas is assembled whole.
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { FinishReason } from "@aiu/core/Chat"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import type * as Usage from "@aiu/core/Usage"
import * as Errors from "./errors.js"
import * as Finish from "./finishReason.js"
import { argumentsText, thinkingText } from "./responseMapping.js"
import type * as Wire from "./schema.js"
import * as WireUsage from "./usage.js"

export interface Context {
  readonly provider: string
  readonly model: string
  readonly requestId: string | undefined
}

interface OpenCall {
  readonly index: number
  readonly id: string
  readonly name: string
  args: string
}

export interface Mapper {
  /** Maps one SSE `data:` payload, pushing chunks to `out`; returns a failure to end the stream. */
  readonly event: (data: string, out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
  /** The input ended: closes open calls, emits usage and finish; fails if no finish was seen. */
  readonly end: (out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
}

export interface Failures {
  /** The stream ended early or out of order. */
  readonly interrupted: (what: string) => AiuError.ProviderFailure
  /** An event that does not decode. */
  readonly decode: (what: string) => AiuError.ProviderFailure
}

export const make = (context: Context, failures: Failures): Mapper => {
  let sawMetadata = false
  let done = false
  let failure: AiuError.ProviderFailure | undefined
  let finishRaw: string | undefined
  let finishReason: FinishReason | undefined
  let usage: Usage.Usage | undefined
  const calls: Array<OpenCall> = []
  const byIndex = new Map<number, OpenCall>()
  let nextIndex = 0

  const closeCalls = (out: Array<StreamChunk>) => {
    for (const call of calls) {
      out.push({ type: "tool-call-end", index: call.index, id: call.id, name: call.name, arguments: call.args })
    }
    calls.length = 0
    byIndex.clear()
  }

  const finish = (out: Array<StreamChunk>) => {
    done = true
    closeCalls(out)
    if (usage !== undefined) out.push({ type: "usage", usage })
    out.push({
      type: "finish",
      finishReason: finishReason ?? "other",
      ...(finishRaw !== undefined ? { rawFinishReason: finishRaw } : {}),
      ...(usage !== undefined ? { usage } : {})
    })
  }

  const toolCall = (tc: Wire.ToolCall, out: Array<StreamChunk>) => {
    let call: OpenCall | undefined
    if (typeof tc.index === "number") call = byIndex.get(tc.index)
    else if (typeof tc.id === "string") call = calls.find((c) => c.id === tc.id)
    const args = tc.function?.arguments
    const delta = args === null || args === undefined ? "" : argumentsText(args)
    if (call === undefined) {
      const index = typeof tc.index === "number" ? tc.index : nextIndex
      nextIndex = Math.max(nextIndex, index + 1)
      call = { index, id: tc.id ?? `call_${index}`, name: tc.function?.name ?? "", args: "" }
      calls.push(call)
      byIndex.set(index, call)
      out.push({ type: "tool-call-start", index, id: call.id, name: call.name })
    }
    if (delta.length > 0) {
      call.args += delta
      out.push({ type: "tool-call-delta", index: call.index, id: call.id, argumentsDelta: delta })
    }
  }

  const apply = (chunk: Wire.ChatCompletionChunk, out: Array<StreamChunk>): void => {
    const u = WireUsage.fromMistral(chunk.usage)
    if (u !== undefined) usage = u
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined
    if (choice === undefined || choice === null) return
    const delta = choice.delta
    if (delta !== null && delta !== undefined) {
      const content = delta.content
      if (typeof content === "string") {
        if (content.length > 0) out.push({ type: "text-delta", text: content })
      } else if (Array.isArray(content)) {
        for (const part of content) {
          if (part.type === "text") {
            if (typeof part.text === "string" && part.text.length > 0) out.push({ type: "text-delta", text: part.text })
          } else if (part.type === "thinking") {
            const text = thinkingText(part)
            if (text.length > 0) out.push({ type: "reasoning-delta", text })
          }
        }
      }
      const toolCalls = delta.tool_calls
      if (toolCalls !== null && toolCalls !== undefined) for (const tc of toolCalls) toolCall(tc, out)
    }
    if (typeof choice.finish_reason === "string") {
      finishRaw = choice.finish_reason
      finishReason = Finish.fromMistral(choice.finish_reason)
    }
  }

  const event = (data: string, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done) return undefined
    if (data === "[DONE]") {
      if (finishReason === undefined) {
        failure = failures.interrupted("the stream ended ([DONE]) without a finish reason")
        return failure
      }
      finish(out)
      return undefined
    }
    let chunk: Wire.ChatCompletionChunk
    try {
      chunk = JSON.parse(data) as Wire.ChatCompletionChunk
    } catch {
      failure = failures.decode("a stream event is not JSON")
      return failure
    }
    if (chunk === null || typeof chunk !== "object") {
      failure = failures.decode("a stream event is not a JSON object")
      return failure
    }
    if (chunk.object === "error" || (chunk.error !== undefined && chunk.error !== null)) {
      failure = Errors.fromStreamPayload(chunk, context)
      return failure
    }
    if (!sawMetadata) {
      sawMetadata = true
      out.push({
        type: "metadata",
        ...(typeof chunk.id === "string" ? { id: chunk.id } : {}),
        model: typeof chunk.model === "string" ? chunk.model : context.model,
        ...(context.requestId !== undefined ? { requestId: context.requestId } : {})
      })
    }
    try {
      apply(chunk, out)
    } catch {
      // A shape no schema run would have let through (e.g. a null tool call): a decode failure.
      failure = failures.decode("a stream event has an unexpected shape")
      return failure
    }
    return undefined
  }

  const end = (out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done) return undefined
    if (finishReason === undefined) {
      failure = failures.interrupted("the stream ended before a finish reason")
      return failure
    }
    // A finish reason but no `[DONE]`: the answer is complete; finish normally.
    finish(out)
    return undefined
  }

  return { event, end }
}
