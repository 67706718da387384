/**
 * Anthropic `/v1/models` entries → `ModelInfo`. The listing has no kind field; kinds are inferred
 * from the name (every Claude model is a chat model with tools, image and PDF input).
 */
import { inferKinds, type ModelInfo } from "@aiu/core/ModelInfo"
import type { WireModel } from "./schema.js"

/** Models that support extended thinking (Claude 3.7 and every Claude 4 family). */
const thinkingModel = /claude-(?:3-7|(?:opus|sonnet|haiku)-4|4)/

export const toModelInfo = (provider: string, model: WireModel): ModelInfo => {
  const kinds = inferKinds(model.id)
  const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
    id: `${provider}:${model.id}`,
    provider,
    model: model.id,
    kinds
  }
  if (!kinds.includes("chat")) {
    if (model.display_name != null) info.name = model.display_name
    if (model.created_at != null) info.createdAt = model.created_at
    return info
  }
  Object.assign(info, {
    inputModalities: ["text", "image", "pdf"],
    outputModalities: ["text"],
    tools: true,
    structuredOutput: true,
    reasoning: thinkingModel.test(model.id)
  })
  if (model.display_name != null) info.name = model.display_name
  if (model.created_at != null) info.createdAt = model.created_at
  if (model.max_input_tokens != null) info.contextWindow = model.max_input_tokens
  if (model.max_tokens != null) info.maxOutputTokens = model.max_tokens
  return info
}
