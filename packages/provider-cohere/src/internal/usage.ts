import * as Usage from "@aiu/core/Usage"
import type * as Wire from "./schema.js"

/**
 * Cohere `usage` → unified. `tokens` (what the model processed, which `cached_tokens` is a part
 * of) is preferred; `billed_units` (what is charged, without Cohere's own preamble) is the
 * fallback when `tokens` is absent.
 */
export const fromCohere = (usage: Wire.Usage | null | undefined): Usage.Usage | undefined => {
  if (usage === null || usage === undefined) return undefined
  const counts = usage.tokens ?? usage.billed_units
  if (counts === null || counts === undefined) return undefined
  return Usage.make({
    inputTokens: counts.input_tokens ?? 0,
    outputTokens: counts.output_tokens ?? 0,
    cachedInputTokens: usage.cached_tokens ?? undefined
  })
}
