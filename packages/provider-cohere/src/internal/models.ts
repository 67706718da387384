/** Cohere `/v1/models` entries → ModelInfo, kinds from `endpoints`. */
import { inferKinds, type ModelInfo, type ModelKind } from "@aiu/core/ModelInfo"
import type * as Wire from "./schema.js"

export const kinds = (model: Wire.Model): ReadonlyArray<ModelKind> => {
  const endpoints = model.endpoints ?? []
  const out: Array<ModelKind> = []
  if (endpoints.includes("chat") || endpoints.includes("generate")) out.push("chat")
  if (endpoints.includes("embed")) out.push("embedding")
  if (endpoints.includes("rerank")) out.push("rerank")
  if (endpoints.includes("classify") && out.length === 0) out.push("moderation")
  return out.length > 0 ? out : inferKinds(model.name)
}

export const modelInfo = (providerId: string, model: Wire.Model): ModelInfo => {
  const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
    id: `${providerId}:${model.name}`,
    provider: providerId,
    model: model.name,
    kinds: kinds(model)
  }
  if (typeof model.context_length === "number") info.contextWindow = model.context_length
  const features = model.features
  if (features !== null && features !== undefined) {
    info.tools = features.includes("tools") || features.includes("strict_tools")
    info.structuredOutput = features.includes("json_schema") || features.includes("json_mode")
    if (features.includes("reasoning")) info.reasoning = true
    if (features.includes("vision")) info.inputModalities = ["text", "image"]
  }
  return info
}
