/**
 * Gemini `usageMetadata` → `Usage`. `candidatesTokenCount` excludes thoughts, so output is
 * candidates + thoughts (reasoning tokens are a subset of output, as in the core `Usage`); input
 * counts the tool-use prompt too, so input + output = `totalTokenCount`.
 */
import * as Usage from "@aiu/core/Usage"
import type { WireUsage } from "./schema.js"

export const toUsage = (usage: WireUsage | null | undefined): Usage.Usage => {
  const prompt = usage?.promptTokenCount ?? 0
  const toolUse = usage?.toolUsePromptTokenCount ?? 0
  const candidates = usage?.candidatesTokenCount ?? 0
  const thoughts = usage?.thoughtsTokenCount ?? undefined
  const inputTokens = prompt + toolUse
  const outputTokens = candidates + (thoughts ?? 0)
  return Usage.make({
    inputTokens,
    outputTokens,
    totalTokens: usage?.totalTokenCount ?? inputTokens + outputTokens,
    cachedInputTokens: usage?.cachedContentTokenCount ?? undefined,
    reasoningTokens: thoughts
  })
}
