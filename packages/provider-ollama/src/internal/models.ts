/** Ollama `/api/tags` → ModelInfo. Tags say nothing of kinds: names and BERT families decide. */
import { inferKinds, type ModelInfo, type ModelKind } from "@aiu/core/ModelInfo"
import type * as Wire from "./schema.js"

const embeddingFamilies = /bert|embed/i

export const kinds = (tag: Wire.Tag): ReadonlyArray<ModelKind> => {
  const families = [tag.details?.family ?? "", ...(tag.details?.families ?? [])]
  if (families.some((f) => embeddingFamilies.test(f)) || /embed|minilm|bge-|e5-|gte-/i.test(tag.name))
    return ["embedding"]
  return inferKinds(tag.name)
}

export const modelInfo = (providerId: string, tag: Wire.Tag): ModelInfo => {
  const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
    id: `${providerId}:${tag.name}`,
    provider: providerId,
    model: tag.name,
    kinds: kinds(tag)
  }
  const details = tag.details
  if (details !== null && details !== undefined) {
    const parts = [details.family, details.parameter_size, details.quantization_level].filter(
      (p): p is string => typeof p === "string" && p.length > 0
    )
    if (parts.length > 0) info.name = `${tag.name} (${parts.join(", ")})`
  }
  if (/thinking|deepseek-r1|qwen3|gpt-oss|magistral/i.test(tag.name)) info.reasoning = true
  return info
}

export const modelInfos = (providerId: string, tags: Wire.Tags): ReadonlyArray<ModelInfo> =>
  (tags.models ?? []).map((t) => modelInfo(providerId, t))
