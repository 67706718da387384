/**
 * OpenAI usage objects → the unified `Usage`.
 */
import * as Usage from "@aiu/core/Usage"
import type { ResponsesUsage, WireUsage } from "./schema.js"

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined)

const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" ? (v as Record<string, unknown>) : undefined

/** Chat Completions `usage` (also the shape compatible servers send, with DeepSeek's cache field). */
export const fromChatUsage = (u: WireUsage | Record<string, unknown>): Usage.Usage => {
  const o = u as Record<string, unknown>
  const input = num(o.prompt_tokens) ?? 0
  const output = num(o.completion_tokens) ?? 0
  return Usage.make({
    inputTokens: input,
    outputTokens: output,
    totalTokens: num(o.total_tokens) ?? input + output,
    cachedInputTokens: num(rec(o.prompt_tokens_details)?.cached_tokens) ?? num(o.prompt_cache_hit_tokens),
    reasoningTokens: num(rec(o.completion_tokens_details)?.reasoning_tokens)
  })
}

/** Responses API `usage`. */
export const fromResponsesUsage = (u: ResponsesUsage | Record<string, unknown>): Usage.Usage => {
  const o = u as Record<string, unknown>
  const input = num(o.input_tokens) ?? 0
  const output = num(o.output_tokens) ?? 0
  return Usage.make({
    inputTokens: input,
    outputTokens: output,
    totalTokens: num(o.total_tokens) ?? input + output,
    cachedInputTokens: num(rec(o.input_tokens_details)?.cached_tokens),
    reasoningTokens: num(rec(o.output_tokens_details)?.reasoning_tokens)
  })
}
