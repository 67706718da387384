/** Ollama `/api/chat` (`stream:false`) → ChatResponse. Tool-call arguments arrive as objects. */
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import * as FinishReason from "./finishReason.js"
import type * as Wire from "./schema.js"
import * as WireUsage from "./usage.js"

export const argumentsText = (args: Wire.ToolCall["function"]["arguments"]): string =>
  args === null || args === undefined ? "{}" : typeof args === "string" ? args : JSON.stringify(args)

/** Ollama's local servers give no call id: a stable one is made from the position. */
export const toolCallId = (call: Wire.ToolCall, index: number): string => call.id ?? `call_${index}`

export const chatResponse = (
  wire: Wire.ChatResponse,
  context: { readonly model: string; readonly requestId: string | undefined; readonly warnings: ReadonlyArray<string> }
): ChatResponse => {
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = []
  const message = wire.message
  if (typeof message?.thinking === "string" && message.thinking.length > 0) {
    content.push({ type: "reasoning", text: message.thinking })
  }
  if (typeof message?.content === "string" && message.content.length > 0)
    content.push({ type: "text", text: message.content })
  const calls = message?.tool_calls ?? []
  calls.forEach((call, index) => {
    content.push({
      type: "tool-call",
      id: toolCallId(call, index),
      name: call.function.name ?? "",
      arguments: argumentsText(call.function.arguments)
    })
  })
  const raw = wire.done_reason ?? undefined
  return makeResponse({
    model: wire.model ?? context.model,
    content,
    finishReason: FinishReason.fromOllama(raw, calls.length > 0),
    rawFinishReason: raw,
    usage: WireUsage.fromOllama(wire),
    requestId: context.requestId,
    warnings: context.warnings
  })
}
