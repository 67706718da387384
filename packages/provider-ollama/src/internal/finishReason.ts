import type { FinishReason } from "@aiu/core/Chat"

/**
 * Ollama `done_reason` → unified. Ollama says `stop` even when the answer is tool calls, so the
 * presence of calls decides `tool-calls`. `load` / `unload` are model-management replies.
 */
export const fromOllama = (raw: string | null | undefined, hasToolCalls: boolean): FinishReason => {
  if (hasToolCalls && (raw === "stop" || raw === null || raw === undefined)) return "tool-calls"
  switch (raw) {
    case "stop":
      return "stop"
    case "length":
      return "length"
    default:
      return "other"
  }
}
