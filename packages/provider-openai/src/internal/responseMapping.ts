/**
 * A Chat Completions response → the unified `ChatResponse`. Pure.
 */
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import * as Usage from "@aiu/core/Usage"
import { mapFinishReason } from "./finishReason.js"
import type { ChatCompletion } from "./schema.js"
import { fromChatUsage } from "./usage.js"

/** Message content may be a string, null, or (some compatible servers) an array of parts. */
export const contentText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (Array.isArray(content)) {
    let text = ""
    for (const p of content) {
      if (p !== null && typeof p === "object" && (p as { type?: unknown }).type === "text") {
        const t = (p as { text?: unknown }).text
        if (typeof t === "string") text += t
      }
    }
    return text
  }
  return ""
}

/** `reasoning` may be a string, or (OpenRouter) an object we do not read. */
export const reasoningText = (reasoningContent: unknown, reasoning: unknown): string | undefined =>
  typeof reasoningContent === "string" && reasoningContent.length > 0
    ? reasoningContent
    : typeof reasoning === "string" && reasoning.length > 0
      ? reasoning
      : undefined

export const argumentsText = (args: unknown): string =>
  typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args)

export const fromChatCompletion = (
  wire: ChatCompletion,
  context: { readonly model: string; readonly requestId: string | undefined; readonly warnings: ReadonlyArray<string> }
): ChatResponse => {
  const choice = wire.choices[0]
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = []
  const warnings = [...context.warnings]
  if (choice !== undefined) {
    const m = choice.message
    const reasoning = reasoningText(m.reasoning_content, m.reasoning)
    if (reasoning !== undefined) content.push({ type: "reasoning", text: reasoning })
    const text = contentText(m.content)
    if (text.length > 0) content.push({ type: "text", text })
    else if (typeof m.refusal === "string" && m.refusal.length > 0) {
      content.push({ type: "text", text: m.refusal })
      warnings.push("the model refused; the refusal is the text")
    }
    let i = 0
    for (const call of m.tool_calls ?? []) {
      content.push({
        type: "tool-call",
        id: call.id ?? `call_${i}`,
        name: call.function.name ?? "",
        arguments: argumentsText(call.function.arguments)
      })
      i++
    }
  }
  const hasCalls = content.some((p) => p.type === "tool-call")
  const raw = choice?.finish_reason ?? undefined
  return makeResponse({
    id: wire.id ?? undefined,
    model: wire.model ?? context.model,
    content,
    finishReason: mapFinishReason(raw, hasCalls),
    rawFinishReason: raw,
    usage: wire.usage ? fromChatUsage(wire.usage) : Usage.empty,
    requestId: context.requestId,
    warnings
  })
}
