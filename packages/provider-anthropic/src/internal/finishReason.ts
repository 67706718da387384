/**
 * Anthropic `stop_reason` → `FinishReason`.
 */
import type { FinishReason } from "@aiu/core/Chat"

export const toFinishReason = (stopReason: string | null | undefined, jsonToolMode = false): FinishReason => {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop"
    case "tool_use":
      // Structured output through a forced tool: the "tool call" is the answer.
      return jsonToolMode ? "stop" : "tool-calls"
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length"
    case "refusal":
      return "content-filter"
    case "pause_turn":
      return "other"
    default:
      return "other"
  }
}
