/**
 * Sealed provider keys and the keyring's metadata. This repository stores ciphertext, nonce,
 * version, alias, status, times and a fingerprint; it never sees a plaintext key (the keyring
 * seals before it calls `insert`).
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
import * as internal from "./internal/apiKeyRepository.js"

/**
 * @since 0.1.0
 * @category models
 */
export const KeyStatus = Schema.Literal("active", "revoked")

/**
 * @since 0.1.0
 * @category models
 */
export type KeyStatus = typeof KeyStatus.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ApiKeyRow = Schema.Struct({
  /** Random row id (uuid). */
  id: Schema.String,
  providerId: Schema.String,
  alias: Schema.String,
  /** 1, 2, … per provider and alias; bound into the ciphertext's associated data. */
  version: Schema.Number,
  status: KeyStatus,
  /** The keyring the ciphertext was sealed by; bound into the associated data. */
  keyringId: Schema.String,
  /** Base64 of the XChaCha20-Poly1305 ciphertext (with its tag). */
  ciphertext: Schema.String,
  /** Base64 of the 24-byte nonce. */
  nonce: Schema.String,
  fingerprint: Schema.String,
  createdAt: Schema.DateFromSelf,
  rotatedAt: Schema.optional(Schema.DateFromSelf),
  revokedAt: Schema.optional(Schema.DateFromSelf)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ApiKeyRow = typeof ApiKeyRow.Type

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly insert: (row: ApiKeyRow) => Effect.Effect<void, AiuError.StorageError | AiuError.ConfigError>
  /** The newest active row for the provider and alias. */
  readonly findActive: (
    providerId: string,
    alias: string
  ) => Effect.Effect<Option.Option<ApiKeyRow>, AiuError.StorageError>
  /** Every row, active and revoked, ordered by provider, alias and version. */
  readonly list: Effect.Effect<ReadonlyArray<ApiKeyRow>, AiuError.StorageError>
  /** Highest version stored for the provider and alias (0 when none). */
  readonly latestVersion: (providerId: string, alias: string) => Effect.Effect<number, AiuError.StorageError>
  /** Marks an active row revoked (and rotated, when a new key replaced it); false if it was not active. */
  readonly revoke: (
    id: string,
    at: Date,
    options?: { readonly rotated?: boolean }
  ) => Effect.Effect<boolean, AiuError.StorageError>
  /** Replaces the sealed material of a row (re-keying). */
  readonly reseal: (
    id: string,
    sealed: {
      readonly keyringId: string
      readonly ciphertext: string
      readonly nonce: string
      readonly fingerprint: string
    }
  ) => Effect.Effect<void, AiuError.StorageError>
  readonly getMeta: (name: string) => Effect.Effect<Option.Option<string>, AiuError.StorageError>
  readonly setMeta: (name: string, value: string) => Effect.Effect<void, AiuError.StorageError>
  /** Stores the value unless the name exists; returns what is stored (the first writer wins). */
  readonly initMeta: (name: string, value: string) => Effect.Effect<string, AiuError.StorageError>
  /** Runs the effect in one database transaction; a failure rolls every write back. */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | AiuError.StorageError, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ApiKeyRepository extends Context.Tag("@aiu/storage/ApiKeyRepository")<ApiKeyRepository, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, SqlClient.SqlClient> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ApiKeyRepository, never, SqlClient.SqlClient> = Layer.effect(ApiKeyRepository, make)

/**
 * Process-local storage with the same semantics (transactions roll back), for tests.
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<ApiKeyRepository> = Layer.sync(ApiKeyRepository, internal.makeMemory)

/**
 * A process-local repository (what `layerMemory` provides).
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: () => Service = internal.makeMemory
