/**
 * Anthropic usage → `Usage`. Anthropic's `input_tokens` excludes cached tokens, so the prompt is
 * `input + cache_creation + cache_read`; cache reads are `cachedInputTokens`, cache writes
 * `cacheWriteInputTokens`. Thinking tokens are reported only by newer API versions
 * (`output_tokens_details.thinking_tokens`) and are part of `output_tokens`.
 */
import * as Usage from "@aiu/core/Usage"
import type { StreamUsage } from "./schema.js"

export const toUsage = (usage: StreamUsage | null | undefined): Usage.Usage => {
  const input = usage?.input_tokens ?? 0
  const cacheWrite = usage?.cache_creation_input_tokens ?? undefined
  const cacheRead = usage?.cache_read_input_tokens ?? undefined
  const output = usage?.output_tokens ?? 0
  const thinking = usage?.output_tokens_details?.thinking_tokens ?? undefined
  const inputTokens = input + (cacheWrite ?? 0) + (cacheRead ?? 0)
  return Usage.make({
    inputTokens,
    outputTokens: output,
    totalTokens: inputTokens + output,
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: thinking
  })
}

/**
 * Streams report usage twice: `message_start` (input counts, a first output count) and
 * `message_delta` (cumulative output, and in current API versions the input counts again).
 * Later non-null fields win.
 */
export const mergeUsage = (previous: StreamUsage | undefined, next: StreamUsage | null | undefined): StreamUsage => {
  if (next === null || next === undefined) return previous ?? {}
  if (previous === undefined) return next
  return {
    input_tokens: next.input_tokens ?? previous.input_tokens ?? null,
    output_tokens: next.output_tokens ?? previous.output_tokens ?? null,
    cache_creation_input_tokens: next.cache_creation_input_tokens ?? previous.cache_creation_input_tokens ?? null,
    cache_read_input_tokens: next.cache_read_input_tokens ?? previous.cache_read_input_tokens ?? null,
    output_tokens_details: next.output_tokens_details ?? previous.output_tokens_details ?? null
  }
}
