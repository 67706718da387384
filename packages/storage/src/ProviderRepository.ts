/**
 * Registered providers: id, type, base URL, rate limits and free-form settings.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as internal from "./internal/providerRepository.js"

/**
 * @since 0.1.0
 * @category models
 */
export const ProviderRow = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  baseUrl: Schema.optional(Schema.String),
  rpm: Schema.optional(Schema.Number),
  tpm: Schema.optional(Schema.Number),
  settings: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})

/**
 * @since 0.1.0
 * @category models
 */
export type ProviderRow = typeof ProviderRow.Type

/**
 * What `upsert` takes: the row without its timestamps (kept or set by the repository).
 * @since 0.1.0
 * @category models
 */
export interface ProviderInput {
  readonly id: string
  readonly type: string
  readonly baseUrl?: string | undefined
  readonly rpm?: number | undefined
  readonly tpm?: number | undefined
  readonly settings?: Readonly<Record<string, unknown>> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Inserts or replaces the provider; `createdAt` survives an update. */
  readonly upsert: (input: ProviderInput) => Effect.Effect<ProviderRow, AiuError.StorageError | AiuError.ConfigError>
  readonly get: (id: string) => Effect.Effect<Option.Option<ProviderRow>, AiuError.StorageError>
  /** Sorted by id. */
  readonly list: Effect.Effect<ReadonlyArray<ProviderRow>, AiuError.StorageError>
  /** True when a row was removed. */
  readonly remove: (id: string) => Effect.Effect<boolean, AiuError.StorageError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ProviderRepository extends Context.Tag("@aiu/storage/ProviderRepository")<ProviderRepository, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, SqlClient.SqlClient> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ProviderRepository, never, SqlClient.SqlClient> = Layer.effect(ProviderRepository, make)
