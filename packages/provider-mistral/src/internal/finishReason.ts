import type { FinishReason } from "@aiu/core/Chat"

/** Mistral `finish_reason` → unified. `model_length` is the context window running out. */
export const fromMistral = (raw: string | null | undefined): FinishReason => {
  switch (raw) {
    case "stop":
      return "stop"
    case "length":
    case "model_length":
      return "length"
    case "tool_calls":
      return "tool-calls"
    case "content_filter":
      return "content-filter"
    case "error":
      return "error"
    default:
      return "other"
  }
}
