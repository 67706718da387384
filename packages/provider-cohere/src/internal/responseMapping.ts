/**
 * Cohere `/v2/chat` → ChatResponse. `thinking` blocks and the `tool_plan` (the model's stated plan
 * before tool calls) become reasoning parts; tool-call arguments are JSON strings.
 */
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import * as Usage from "@aiu/core/Usage"
import * as FinishReason from "./finishReason.js"
import type * as Wire from "./schema.js"
import * as WireUsage from "./usage.js"

/** A no-argument call can come back as `""` or `"null"`: both become `{}`. */
export const argumentsText = (args: string | Readonly<Record<string, unknown>> | null | undefined): string => {
  if (args === null || args === undefined) return "{}"
  if (typeof args !== "string") return JSON.stringify(args)
  const trimmed = args.trim()
  return trimmed === "" || trimmed === "null" ? "{}" : args
}

export const chatResponse = (
  wire: Wire.ChatResponse,
  context: { readonly model: string; readonly requestId: string | undefined; readonly warnings: ReadonlyArray<string> }
): ChatResponse => {
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = []
  const message = wire.message
  for (const block of message?.content ?? []) {
    if (block.type === "thinking" && typeof block.thinking === "string" && block.thinking.length > 0) {
      content.push({ type: "reasoning", text: block.thinking })
    } else if (block.type === "text" && typeof block.text === "string" && block.text.length > 0) {
      content.push({ type: "text", text: block.text })
    }
  }
  if (typeof message?.tool_plan === "string" && message.tool_plan.length > 0) {
    content.push({ type: "reasoning", text: message.tool_plan })
  }
  let index = 0
  for (const call of message?.tool_calls ?? []) {
    content.push({
      type: "tool-call",
      id: call.id ?? `call_${index}`,
      name: call.function?.name ?? "",
      arguments: argumentsText(call.function?.arguments)
    })
    index++
  }
  const raw = wire.finish_reason ?? undefined
  return makeResponse({
    id: wire.id ?? undefined,
    model: context.model,
    content,
    finishReason: FinishReason.fromCohere(raw),
    rawFinishReason: raw,
    usage: WireUsage.fromCohere(wire.usage) ?? Usage.empty,
    requestId: context.requestId,
    warnings: context.warnings
  })
}
