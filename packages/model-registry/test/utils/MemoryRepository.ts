/**
 * A small in-memory `ModelRepository` for tests: counts calls and can be told to fail.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as ModelRepository from "@aiu/storage/ModelRepository"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

export interface MemoryRepository extends ModelRepository.Service {
  readonly rows: Map<string, ModelRepository.ProviderModels>
  readonly calls: { saves: number; reads: number }
  /** When set, every call fails with a StorageError. */
  failing: boolean
}

export const makeMemoryRepository = (): MemoryRepository => {
  const rows = new Map<string, ModelRepository.ProviderModels>()
  const calls = { saves: 0, reads: 0 }
  const self: MemoryRepository = {
    rows,
    calls,
    failing: false,
    saveMany: (providerId: string, models: ReadonlyArray<ModelInfo>, fetchedAt: Date) =>
      Effect.suspend(() => {
        calls.saves++
        if (self.failing) return Effect.fail(new AiuError.StorageError({ message: "disk full", operation: "saveMany" }))
        rows.set(providerId, { models: [...models], fetchedAt })
        return Effect.void
      }),
    listByProvider: (providerId: string) =>
      Effect.suspend(() => {
        calls.reads++
        if (self.failing) return Effect.fail(new AiuError.StorageError({ message: "disk gone", operation: "list" }))
        return Effect.succeed(Option.fromNullable(rows.get(providerId)))
      }),
    all: () => Effect.sync(() => [...rows.values()].flatMap((r) => r.models)),
    removeProvider: (providerId: string) => Effect.sync(() => void rows.delete(providerId))
  }
  return self
}

export const layer = (repo: MemoryRepository): Layer.Layer<ModelRepository.ModelRepository> =>
  Layer.succeed(ModelRepository.ModelRepository, repo)
