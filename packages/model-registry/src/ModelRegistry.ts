/**
 * The model registry: which models each configured provider serves, with catalog metadata, behind
 * three (or four) tiers:
 *
 * 1. memory: an Effect `Cache` per provider listing (LRU, `capacity`); 100 concurrent misses make
 *    one lookup. An entry older than `timeToLive` (30 minutes) is served at once while one
 *    background refresh runs; a failed refresh keeps the last good data and logs a warning.
 * 2. shared (optional, `layerPersistence` / `ModelRegistry/Redis`): a `BackingPersistence` store
 *    so a fleet shares listings instead of each process calling the provider.
 * 3. database: `ModelRepository` (fresh rows fill the tiers above; stale rows are the fallback
 *    when the provider is down).
 * 4. the provider's listing API, through `ModelSource`, single-flight per provider.
 *
 * Listings are merged with the `Catalog` (prices, context windows, capabilities; models the
 * provider no longer lists come back with `available: false`).
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as ModelRepository from "@aiu/storage/ModelRepository"
import * as Persistence from "@effect/experimental/Persistence"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Catalog from "./Catalog.js"
import * as internal from "./internal/registry.js"
import type * as ModelQuery from "./ModelQuery.js"
import * as ModelSource from "./ModelSource.js"

/**
 * What a lookup can fail with: the provider's typed error (naming the provider and why) when
 * there is no data at all, `ModelNotFound` for an unknown model or provider.
 * @since 0.1.0
 * @category models
 */
export type LookupError = AiuError.ProviderFailure

/**
 * @since 0.1.0
 * @category models
 */
export type RefreshError = AiuError.ProviderFailure | AiuError.StorageError | AiuError.ConfigError

/**
 * @since 0.1.0
 * @category models
 */
export interface RefreshResult {
  readonly provider: string
  /** The merged models after the refresh, by model. */
  readonly models: ReadonlyArray<ModelInfo>
  readonly fetchedAt: Date
  /** True when nothing was known about the provider before (then every model is `added`). */
  readonly firstFetch: boolean
  /** Ids of available models that are new. */
  readonly added: ReadonlyArray<string>
  /** Ids of models that were available and no longer are. */
  readonly removed: ReadonlyArray<string>
  /** Ids of available models whose metadata changed. */
  readonly changed: ReadonlyArray<string>
  /** How many available models are exactly as before. */
  readonly unchanged: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Every model of every configured provider, by provider then model. A failing provider is
   * skipped with a warning; the call fails only when every provider fails. */
  readonly all: Effect.Effect<ReadonlyArray<ModelInfo>, LookupError>
  /** Filters and orders (`ModelQuery`). With `provider` set, that provider's failure fails the call. */
  readonly find: (query: ModelQuery.ModelQuery) => Effect.Effect<ReadonlyArray<ModelInfo>, LookupError>
  /** `provider:model` → its merged info (also for catalog models with `available: false`). */
  readonly findOne: (modelId: string) => Effect.Effect<ModelInfo, LookupError | AiuError.InvalidModelId>
  /** Fetches the provider's listing now, stores it in every tier and reports what changed. */
  readonly refresh: (providerId: string) => Effect.Effect<RefreshResult, RefreshError>
  /** Drops cached data (memory and shared tiers); the next lookup calls the provider. */
  readonly invalidate: (providerId: string) => Effect.Effect<void>
  /** The catalog the registry merges with (for prices: `catalog.price(modelId)`). */
  readonly catalog: Catalog.Service
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ModelRegistry extends Context.Tag("@aiu/model-registry/ModelRegistry")<ModelRegistry, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How long a listing counts as fresh. Default 30 minutes. */
  readonly timeToLive?: Duration.DurationInput
  /** How long past `timeToLive` stale data may still be served. Default: no limit. */
  readonly maxStale?: Duration.DurationInput
  /** Memory tier capacity, in provider listings (LRU). Default 256. */
  readonly capacity?: number
  /** After a failed background refresh, wait this long before the next one. Default 1 minute. */
  readonly retryFailedRefreshAfter?: Duration.DurationInput
  /** The catalog to merge with. Default: the `Catalog` service when provided, else the bundled one. */
  readonly catalog?: Catalog.Service
  /** User additions and overrides (applied to the bundled catalog). */
  readonly overrides?: ReadonlyArray<Catalog.Override>
  /** Catalog provider for a registered provider id (`{ "my-groq": "groq" }`). */
  readonly aliases?: Readonly<Record<string, string>>
}

/**
 * Memory → database → provider.
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, never, ModelSource.ModelSource | ModelRepository.ModelRepository | Scope.Scope> =>
  Effect.gen(function* () {
    const source = yield* ModelSource.ModelSource
    const repository = yield* ModelRepository.ModelRepository
    const catalog = yield* Effect.serviceOption(Catalog.Catalog)
    return yield* internal.make(
      options,
      source,
      { repository: Option.some(repository), shared: Option.none() },
      catalog
    )
  })

/**
 * Memory → shared store → database → provider. The shared store is the `BackingPersistence`
 * store `storeId` (default `aiu:models`), entries expire with `timeToLive`.
 * @since 0.1.0
 * @category constructors
 */
export const makePersistence = (
  options?: Options & { readonly storeId?: string }
): Effect.Effect<
  Service,
  never,
  ModelSource.ModelSource | ModelRepository.ModelRepository | Persistence.BackingPersistence | Scope.Scope
> =>
  Effect.gen(function* () {
    const source = yield* ModelSource.ModelSource
    const repository = yield* ModelRepository.ModelRepository
    const catalog = yield* Effect.serviceOption(Catalog.Catalog)
    const backing = yield* Persistence.BackingPersistence
    const store = yield* backing.make(options?.storeId ?? "aiu:models")
    return yield* internal.make(
      options,
      source,
      { repository: Option.some(repository), shared: Option.some(internal.sharedFromStore(store)) },
      catalog
    )
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<ModelRegistry, never, ModelSource.ModelSource | ModelRepository.ModelRepository> =>
  Layer.scoped(ModelRegistry, make(options))

/**
 * With a shared tier over any `BackingPersistence` (see `ModelRegistry/Redis` for Redis).
 * @since 0.1.0
 * @category layers
 */
export const layerPersistence = (
  options?: Options & { readonly storeId?: string }
): Layer.Layer<
  ModelRegistry,
  never,
  ModelSource.ModelSource | ModelRepository.ModelRepository | Persistence.BackingPersistence
> => Layer.scoped(ModelRegistry, makePersistence(options))

/**
 * Memory → provider only (no database): scripts, tests, edge runtimes.
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: Options): Layer.Layer<ModelRegistry, never, ModelSource.ModelSource> =>
  Layer.scoped(
    ModelRegistry,
    Effect.gen(function* () {
      const source = yield* ModelSource.ModelSource
      const catalog = yield* Effect.serviceOption(Catalog.Catalog)
      return yield* internal.make(options, source, { repository: Option.none(), shared: Option.none() }, catalog)
    })
  )
