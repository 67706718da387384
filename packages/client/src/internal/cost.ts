import type { ModelInfo } from "@aiu/core/ModelInfo"
import type { Usage } from "@aiu/core/Usage"
import * as Catalog from "@aiu/model-registry/Catalog"
import * as Option from "effect/Option"

/** USD for the usage at the model's catalog prices (tiers and cache prices included); undefined without prices. */
export const costOf = (info: ModelInfo | undefined, usage: Usage): number | undefined => {
  if (info === undefined) return undefined
  const price = Catalog.priceOf(info)
  return Option.isSome(price) ? Catalog.cost(usage, price.value) : undefined
}
