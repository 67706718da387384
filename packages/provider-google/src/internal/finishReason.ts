/**
 * Gemini `finishReason` → `FinishReason`. A tool call still ends with `STOP`, so the caller says
 * whether function calls were seen. With `enum-encoding=int` the reason is a number.
 */
import type { FinishReason } from "@aiu/core/Chat"

/** google.ai.generativelanguage.v1beta.Candidate.FinishReason, by number. */
const byNumber = [
  "FINISH_REASON_UNSPECIFIED",
  "STOP",
  "MAX_TOKENS",
  "SAFETY",
  "RECITATION",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
  "LANGUAGE",
  "IMAGE_SAFETY",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS"
] as const

export const rawFinishReason = (raw: string | number | null | undefined): string | undefined =>
  typeof raw === "number" ? (byNumber[raw] ?? String(raw)) : (raw ?? undefined)

export const toFinishReason = (raw: string | undefined, hasToolCalls: boolean): FinishReason => {
  switch (raw) {
    case "STOP":
      return hasToolCalls ? "tool-calls" : "stop"
    case "MAX_TOKENS":
      return "length"
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content-filter"
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
      return "error"
    default:
      return "other"
  }
}
