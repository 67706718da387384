import * as Usage from "@aiu/core/Usage"
import type * as Wire from "./schema.js"

/** Mistral `usage` → unified. `cached_tokens: 0` is kept: the provider reported it. */
export const fromMistral = (usage: Wire.Usage | null | undefined): Usage.Usage | undefined => {
  if (usage === null || usage === undefined) return undefined
  const input = usage.prompt_tokens ?? 0
  const output = usage.completion_tokens ?? 0
  return Usage.make({
    inputTokens: input,
    outputTokens: output,
    totalTokens: usage.total_tokens ?? input + output,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? undefined,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? undefined
  })
}
