/** Mistral `/models` entries → ModelInfo, kinds from `capabilities` (names where silent). */
import { inferKinds, type ModelInfo, type ModelKind } from "@aiu/core/ModelInfo"
import type * as Wire from "./schema.js"

export const kinds = (model: Wire.Model): ReadonlyArray<ModelKind> => {
  const caps = model.capabilities
  if (/embed/i.test(model.id)) return ["embedding"]
  if (/moderation/i.test(model.id) || (caps?.classification === true && caps.completion_chat !== true)) {
    return ["moderation"]
  }
  if (caps?.completion_chat === true) return ["chat"]
  return inferKinds(model.id)
}

export const modelInfo = (providerId: string, model: Wire.Model): ModelInfo => {
  const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
    id: `${providerId}:${model.id}`,
    provider: providerId,
    model: model.id,
    kinds: kinds(model)
  }
  if (typeof model.name === "string" && model.name.length > 0) info.name = model.name
  if (typeof model.max_context_length === "number") info.contextWindow = model.max_context_length
  const caps = model.capabilities
  if (caps !== null && caps !== undefined) {
    if (typeof caps.function_calling === "boolean") info.tools = caps.function_calling
    if (caps.completion_chat === true) {
      info.inputModalities = caps.vision === true ? ["text", "image"] : ["text"]
      info.outputModalities = ["text"]
      info.structuredOutput = true
    }
  }
  if (/magistral/i.test(model.id)) info.reasoning = true
  if (typeof model.deprecation === "string") info.deprecation = model.deprecation
  if (typeof model.created === "number") info.createdAt = new Date(model.created * 1000).toISOString()
  if (typeof model.owned_by === "string") info.ownedBy = model.owned_by
  return info
}

/** Mistral lists aliases as separate entries with the same `name`; keep every id (each is callable). */
export const modelInfos = (providerId: string, list: Wire.ModelList): ReadonlyArray<ModelInfo> =>
  list.data.map((m) => modelInfo(providerId, m))
