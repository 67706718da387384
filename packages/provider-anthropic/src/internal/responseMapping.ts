/**
 * Anthropic message → `ChatResponse`. `thinking` blocks become reasoning parts carrying their
 * signature, `redacted_thinking` becomes a reasoning part carrying the opaque data, `tool_use`
 * becomes a tool call (its `input` object serialised as the arguments text). In structured-output
 * tool mode the `json` tool's input is the answer text.
 */
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import { toFinishReason } from "./finishReason.js"
import type { WireMessage } from "./schema.js"
import { JSON_TOOL_NAME } from "./tools.js"
import { toUsage } from "./usage.js"

export const toChatResponse = (
  message: WireMessage,
  options: {
    readonly model: string
    readonly requestId: string | undefined
    readonly jsonTool: boolean
    readonly warnings: ReadonlyArray<string>
  }
): ChatResponse => {
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = []
  let userToolCalls = 0
  for (const block of message.content ?? []) {
    switch (block.type) {
      case "text":
        if (block.text != null && block.text !== "") content.push({ type: "text", text: block.text })
        break
      case "thinking": {
        const part: { -readonly [K in keyof ReasoningPart]: ReasoningPart[K] } = {
          type: "reasoning",
          text: block.thinking ?? ""
        }
        if (block.signature != null && block.signature !== "") part.signature = block.signature
        content.push(part)
        break
      }
      case "redacted_thinking":
        content.push({ type: "reasoning", text: "", redacted: block.data ?? "" })
        break
      case "tool_use": {
        const input = block.input === undefined || block.input === null ? {} : block.input
        if (options.jsonTool && block.name === JSON_TOOL_NAME) {
          content.push({ type: "text", text: JSON.stringify(input) })
        } else {
          userToolCalls++
          content.push({
            type: "tool-call",
            id: block.id ?? `toolu_${content.length}`,
            name: block.name ?? "",
            arguments: JSON.stringify(input)
          })
        }
        break
      }
      default:
        // Server-tool blocks (web search results, …) are not part of the unified response.
        break
    }
  }
  const stopReason = message.stop_reason ?? undefined
  return makeResponse({
    id: message.id ?? undefined,
    model: message.model ?? options.model,
    content,
    finishReason: toFinishReason(stopReason, options.jsonTool && userToolCalls === 0),
    rawFinishReason: stopReason,
    usage: toUsage(message.usage),
    requestId: options.requestId,
    warnings: options.warnings
  })
}
