/**
 * OpenAI `finish_reason` → the unified finish reason.
 */
import type { FinishReason } from "@aiu/core/Chat"

export const mapFinishReason = (raw: string | null | undefined, hasToolCalls = false): FinishReason => {
  switch (raw) {
    case "stop":
    case "end_turn":
    case "eos":
      return hasToolCalls ? "tool-calls" : "stop"
    case "length":
    case "max_tokens":
    case "model_length":
      return "length"
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool-calls"
    case "content_filter":
    case "refusal":
      return "content-filter"
    case "error":
      return "error"
    case null:
    case undefined:
      return hasToolCalls ? "tool-calls" : "other"
    default:
      return "other"
  }
}

/** Responses API: a response's `status` / `incomplete_details.reason` → finish reason. */
export const mapResponsesFinish = (
  status: string | null | undefined,
  incompleteReason: string | null | undefined,
  hasToolCalls: boolean
): FinishReason => {
  if (status === "incomplete") {
    if (incompleteReason === "max_output_tokens") return "length"
    if (incompleteReason === "content_filter") return "content-filter"
    return "other"
  }
  if (status === "failed") return "error"
  if (hasToolCalls) return "tool-calls"
  return status === "completed" || status === undefined || status === null ? "stop" : "other"
}
