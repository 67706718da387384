/**
 * Mistral chat completion → ChatResponse. `message.content` is a string or an array of chunks
 * (`text`, `thinking`, `reference`, …); thinking chunks become reasoning parts.
 */
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import * as Usage from "@aiu/core/Usage"
import * as FinishReason from "./finishReason.js"
import type * as Wire from "./schema.js"
import * as WireUsage from "./usage.js"

type Part = TextPart | ReasoningPart | ToolCallPart

/** The text of a `thinking` chunk: its inner text chunks joined. */
export const thinkingText = (chunk: Wire.ContentChunk): string => {
  let text = ""
  for (const inner of chunk.thinking ?? []) if (typeof inner.text === "string") text += inner.text
  return text
}

export const contentParts = (content: Wire.Content | null | undefined, out: Array<Part>): void => {
  if (content === null || content === undefined) return
  if (typeof content === "string") {
    if (content.length > 0) out.push({ type: "text", text: content })
    return
  }
  for (const chunk of content) {
    if (chunk.type === "text" && typeof chunk.text === "string" && chunk.text.length > 0) {
      out.push({ type: "text", text: chunk.text })
    } else if (chunk.type === "thinking") {
      const text = thinkingText(chunk)
      if (text.length > 0) out.push({ type: "reasoning", text })
    }
  }
}

export const argumentsText = (args: Wire.ToolCall["function"]["arguments"]): string =>
  args === null || args === undefined ? "{}" : typeof args === "string" ? args : JSON.stringify(args)

export const chatResponse = (
  wire: Wire.ChatCompletion,
  context: { readonly model: string; readonly requestId: string | undefined; readonly warnings: ReadonlyArray<string> }
): ChatResponse => {
  const choice = wire.choices[0]
  const content: Array<Part> = []
  contentParts(choice?.message.content, content)
  let index = 0
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: "tool-call",
      id: call.id ?? `call_${index}`,
      name: call.function.name ?? "",
      arguments: argumentsText(call.function.arguments)
    })
    index++
  }
  const raw = choice?.finish_reason ?? undefined
  return makeResponse({
    id: wire.id ?? undefined,
    model: wire.model ?? context.model,
    content,
    finishReason: FinishReason.fromMistral(raw),
    rawFinishReason: raw,
    usage: WireUsage.fromMistral(wire.usage) ?? Usage.empty,
    requestId: context.requestId,
    warnings: context.warnings
  })
}
