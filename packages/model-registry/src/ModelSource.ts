/**
 * Where live model listings come from. The registry does not know provider adapters (the
 * dependency points the other way); the client or the CLI provides this service from its
 * `ProviderRegistry`, usually by calling each adapter's `listModels` (pagination is the adapter's
 * job: `listModels` returns the whole listing).
 *
 * @since 0.1.0
 */
import type { ProviderFailure } from "@aiu/core/AiuError"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The whole live listing of one provider; models carry at least `id`, `provider`, `model`, `kinds`. */
  readonly listModels: (providerId: string) => Effect.Effect<ReadonlyArray<ModelInfo>, ProviderFailure>
  /** The provider ids that are configured now (the registry's `all` and `find` cover these). */
  readonly providers: Effect.Effect<ReadonlyArray<string>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ModelSource extends Context.Tag("@aiu/model-registry/ModelSource")<ModelSource, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (service: Service): Service => service

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (service: Service): Layer.Layer<ModelSource> => Layer.succeed(ModelSource, service)

/**
 * A fixed, in-memory source: provider id → models (tests, offline use, benchmarks).
 * @since 0.1.0
 * @category constructors
 */
export const fromRecord = (listings: Readonly<Record<string, ReadonlyArray<ModelInfo>>>): Service => ({
  listModels: (providerId) => Effect.succeed(listings[providerId] ?? []),
  providers: Effect.succeed(Object.keys(listings))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layerRecord = (listings: Readonly<Record<string, ReadonlyArray<ModelInfo>>>): Layer.Layer<ModelSource> =>
  layer(fromRecord(listings))
