/**
 * Ollama `/api/chat` NDJSON lines → StreamChunk. Each line is `{model, message:{content, thinking?,
 * tool_calls?}, done:false}`; tool calls arrive whole in one line; the last line has `done:true`,
 * `done_reason` and the counts. A `{"error":…}` line fails the stream (the status stays 200).
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
  /** Maps one parsed NDJSON line, pushing chunks to `out`; returns a failure to end the stream. */
  readonly line: (line: unknown, out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
  readonly end: (out: Array<StreamChunk>) => AiuError.ProviderFailure | undefined
}

export const make = (context: Context, failures: Failures): Mapper => {
  let sawMetadata = false
  let done = false
  let failure: AiuError.ProviderFailure | undefined
  let calls = 0

  const apply = (chunk: Wire.ChatResponse, out: Array<StreamChunk>) => {
    const message = chunk.message
    if (message !== null && message !== undefined) {
      if (typeof message.thinking === "string" && message.thinking.length > 0) {
        out.push({ type: "reasoning-delta", text: message.thinking })
      }
      if (typeof message.content === "string" && message.content.length > 0) {
        out.push({ type: "text-delta", text: message.content })
      }
      const toolCalls = message.tool_calls
      if (toolCalls !== null && toolCalls !== undefined) {
        for (const call of toolCalls) {
          const index = calls++
          const id = call.id ?? `call_${index}`
          const name = call.function.name ?? ""
          const args = argumentsText(call.function.arguments)
          out.push({ type: "tool-call-start", index, id, name })
          out.push({ type: "tool-call-delta", index, id, argumentsDelta: args })
          out.push({ type: "tool-call-end", index, id, name, arguments: args })
        }
      }
    }
    if (chunk.done === true) {
      done = true
      const usage = WireUsage.fromOllama(chunk)
      const raw = chunk.done_reason ?? undefined
      out.push({ type: "usage", usage })
      out.push({
        type: "finish",
        finishReason: Finish.fromOllama(raw, calls > 0),
        ...(raw !== undefined ? { rawFinishReason: raw } : {}),
        usage
      })
    }
  }

  const line = (value: unknown, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done) return undefined
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      failure = failures.decode("a stream line is not a JSON object")
      return failure
    }
    const chunk = value as Wire.ChatResponse
    if (chunk.error !== undefined && chunk.error !== null) {
      failure = Errors.fromStreamLine(
        typeof chunk.error === "string" ? chunk.error : (Errors.messageOf(chunk) ?? "error line in the stream"),
        context
      )
      return failure
    }
    if (!sawMetadata) {
      sawMetadata = true
      out.push({
        type: "metadata",
        model: typeof chunk.model === "string" ? chunk.model : context.model,
        ...(context.requestId !== undefined ? { requestId: context.requestId } : {})
      })
    }
    try {
      apply(chunk, out)
    } catch {
      failure = failures.decode("a stream line has an unexpected shape")
      return failure
    }
    return undefined
  }

  const end = (_out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (failure !== undefined) return failure
    if (done) return undefined
    failure = failures.interrupted("the stream ended before the line with done:true")
    return failure
  }

  return { line, end }
}
