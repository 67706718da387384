/**
 * The model catalog per provider as last fetched, with its fetch time, so a restart (or another
 * process) can serve the list without calling the provider.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as internal from "./internal/modelRepository.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ProviderModels {
  readonly models: ReadonlyArray<ModelInfo>
  readonly fetchedAt: Date
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Replaces the provider's rows in one transaction (an empty list is a valid fetch result). */
  readonly saveMany: (
    providerId: string,
    models: ReadonlyArray<ModelInfo>,
    fetchedAt: Date
  ) => Effect.Effect<void, AiuError.StorageError | AiuError.ConfigError>
  /** None when the provider was never fetched. Models keep the order they were saved in. */
  readonly listByProvider: (providerId: string) => Effect.Effect<Option.Option<ProviderModels>, AiuError.StorageError>
  /** Every stored model, by provider then saved order. */
  readonly all: () => Effect.Effect<ReadonlyArray<ModelInfo>, AiuError.StorageError>
  /** Forgets a provider's catalog. */
  readonly removeProvider: (providerId: string) => Effect.Effect<void, AiuError.StorageError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ModelRepository extends Context.Tag("@aiu/storage/ModelRepository")<ModelRepository, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, SqlClient.SqlClient> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ModelRepository, never, SqlClient.SqlClient> = Layer.effect(ModelRepository, make)
