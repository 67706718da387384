import type { FinishReason } from "@aiu/core/Chat"

/** Cohere `finish_reason` → unified. */
export const fromCohere = (raw: string | null | undefined): FinishReason => {
  switch (raw) {
    case "COMPLETE":
    case "STOP_SEQUENCE":
      return "stop"
    case "MAX_TOKENS":
      return "length"
    case "TOOL_CALL":
      return "tool-calls"
    case "ERROR":
    case "TIMEOUT":
      return "error"
    default:
      return "other"
  }
}
