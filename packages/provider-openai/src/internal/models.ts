/**
 * `GET /models` → `ModelInfo`, with kinds inferred from the name (the API does not say).
 */
import { inferKinds, type ModelInfo } from "@aiu/core/ModelInfo"
import type { ModelList } from "./schema.js"

const isoFromSeconds = (s: number | null | undefined): string | undefined =>
  typeof s === "number" && s > 0 ? new Date(s * 1000).toISOString() : undefined

export const fromModelList = (provider: string, list: ModelList): ReadonlyArray<ModelInfo> =>
  list.data.map((m) => {
    const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
      id: `${provider}:${m.id}`,
      provider,
      model: m.id,
      kinds: inferKinds(m.id)
    }
    const createdAt = isoFromSeconds(m.created)
    if (createdAt !== undefined) info.createdAt = createdAt
    if (typeof m.owned_by === "string") info.ownedBy = m.owned_by
    const context = m.context_length ?? m.max_model_len
    if (typeof context === "number") info.contextWindow = context
    return info
  })
