/**
 * Token usage of one call.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Usage = Schema.Struct({
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  totalTokens: Schema.Number,
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens). */
  cachedInputTokens: Schema.optional(Schema.Number),
  /** Tokens spent on reasoning / thinking (a subset of outputTokens). */
  reasoningTokens: Schema.optional(Schema.Number),
  /** Input tokens written to the provider's prompt cache (Anthropic). */
  cacheWriteInputTokens: Schema.optional(Schema.Number)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Usage = typeof Usage.Type

/**
 * @since 0.1.0
 * @category constructors
 */
export const empty: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 }

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (fields: {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly totalTokens?: number | undefined
  readonly cachedInputTokens?: number | undefined
  readonly reasoningTokens?: number | undefined
  readonly cacheWriteInputTokens?: number | undefined
}): Usage => {
  const usage: {
    inputTokens: number
    outputTokens: number
    totalTokens: number
    cachedInputTokens?: number
    reasoningTokens?: number
    cacheWriteInputTokens?: number
  } = {
    inputTokens: fields.inputTokens,
    outputTokens: fields.outputTokens,
    totalTokens: fields.totalTokens ?? fields.inputTokens + fields.outputTokens
  }
  if (fields.cachedInputTokens !== undefined) usage.cachedInputTokens = fields.cachedInputTokens
  if (fields.reasoningTokens !== undefined) usage.reasoningTokens = fields.reasoningTokens
  if (fields.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = fields.cacheWriteInputTokens
  return usage
}

const addOptional = (a: number | undefined, b: number | undefined) =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0)

/**
 * Sums two usages (e.g. the attempts of a fallback chain).
 * @since 0.1.0
 * @category combinators
 */
export const combine = (self: Usage, that: Usage): Usage =>
  make({
    inputTokens: self.inputTokens + that.inputTokens,
    outputTokens: self.outputTokens + that.outputTokens,
    totalTokens: self.totalTokens + that.totalTokens,
    cachedInputTokens: addOptional(self.cachedInputTokens, that.cachedInputTokens),
    reasoningTokens: addOptional(self.reasoningTokens, that.reasoningTokens),
    cacheWriteInputTokens: addOptional(self.cacheWriteInputTokens, that.cacheWriteInputTokens)
  })
