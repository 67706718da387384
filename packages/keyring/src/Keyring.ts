/**
 * Provider API keys, sealed at rest with libsodium. Keys leave the keyring only as
 * `Redacted<string>`, decrypted in memory for one request.
 *
 * A stored check value (a known plaintext sealed under the master key) tells a wrong master key
 * apart at once: operations that need the key fail with `KeyringLocked` rather than producing
 * garbage. Every ciphertext is bound to this keyring, its provider, alias and version (see
 * `Envelope`).
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { ApiKeyRepository } from "@aiu/storage/ApiKeyRepository"
import * as ApiKeyRepo from "@aiu/storage/ApiKeyRepository"
import * as Database from "@aiu/storage/Database"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/keyring.js"
import * as MasterKey from "./MasterKey.js"

/**
 * What `list` shows of a key: never the key, only a fingerprint (a keyed BLAKE2b hash under a
 * subkey of the master key, so it reveals nothing even of a short key).
 * @since 0.1.0
 * @category models
 */
export interface KeyInfo {
  readonly provider: string
  readonly alias: string
  readonly version: number
  readonly status: "active" | "revoked"
  readonly fingerprint: string
  readonly createdAt: Date
  readonly rotatedAt?: Date
  readonly revokedAt?: Date
}

/**
 * Options of `export` / `import`: without a passphrase the bundle is sealed with a subkey of the
 * master key (it imports into a keyring with the same master key); with one, with Argon2id.
 * @since 0.1.0
 * @category models
 */
export interface BundleOptions {
  readonly passphrase?: Redacted.Redacted<string> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Stores the key as the active one for provider and alias (an older active key becomes revoked). */
  readonly save: (
    provider: string,
    key: Redacted.Redacted<string>,
    alias?: string
  ) => Effect.Effect<KeyInfo, AiuError.KeyringLocked | AiuError.StorageError | AiuError.ConfigError>
  readonly get: (
    provider: string,
    alias?: string
  ) => Effect.Effect<
    Redacted.Redacted<string>,
    AiuError.KeyNotFound | AiuError.KeyringLocked | AiuError.DecryptionFailed | AiuError.StorageError
  >
  readonly list: () => Effect.Effect<ReadonlyArray<KeyInfo>, AiuError.StorageError>
  /** New key active, old one revoked, in one transaction; fails `KeyNotFound` without an active key. */
  readonly rotate: (
    provider: string,
    key: Redacted.Redacted<string>,
    alias?: string
  ) => Effect.Effect<
    KeyInfo,
    AiuError.KeyNotFound | AiuError.KeyringLocked | AiuError.StorageError | AiuError.ConfigError
  >
  readonly revoke: (
    provider: string,
    alias?: string
  ) => Effect.Effect<void, AiuError.KeyNotFound | AiuError.StorageError>
  /** A versioned, encrypted bundle (JSON text) of every active key. */
  readonly export: (
    options?: BundleOptions
  ) => Effect.Effect<string, AiuError.KeyringLocked | AiuError.DecryptionFailed | AiuError.StorageError>
  /** Validates the whole bundle first; a truncated or altered one imports nothing. */
  readonly import: (
    bundle: string,
    options?: BundleOptions
  ) => Effect.Effect<
    ReadonlyArray<KeyInfo>,
    AiuError.DecryptionFailed | AiuError.KeyringLocked | AiuError.StorageError | AiuError.ConfigError
  >
  /** Re-seals every stored key (active and revoked) under a new master key, in one transaction. */
  readonly rekey: (
    newMaster: Redacted.Redacted<Uint8Array>
  ) => Effect.Effect<number, AiuError.KeyringLocked | AiuError.DecryptionFailed | AiuError.StorageError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * How long a looked-up sealed row (ciphertext, never the key) is reused by `get` before the
   * database is read again (default 1 s; 0 disables). Writes through this keyring clear it at
   * once; a revocation by another process takes effect here within this time.
   */
  readonly cacheTtl?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Keyring extends Context.Tag("@aiu/keyring/Keyring")<Keyring, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeWith: (options: Options) => Effect.Effect<Service, never, ApiKeyRepository | MasterKey.MasterKey> =
  internal.make

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ApiKeyRepository | MasterKey.MasterKey> = internal.make()

/**
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<Keyring, never, ApiKeyRepository | MasterKey.MasterKey> =>
  Layer.effect(Keyring, makeWith(options))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Keyring, never, ApiKeyRepository | MasterKey.MasterKey> = Layer.effect(Keyring, make)

/**
 * In memory with a random master key, for tests.
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Keyring> = layer.pipe(
  Layer.provide(ApiKeyRepo.layerMemory),
  Layer.provide(MasterKey.layerRandom)
)

/**
 * Over a given `SqlClient`, with the master key from the environment (`MasterKey.layerConfig`).
 * @since 0.1.0
 * @category layers
 */
export const layerSql: Layer.Layer<
  Keyring,
  AiuError.StorageError | AiuError.KeyringLocked | AiuError.ConfigError,
  SqlClient.SqlClient
> = layer.pipe(Layer.provide(MasterKey.layerConfig), Layer.provide(ApiKeyRepo.layer))

/**
 * Everything from the environment: storage (`Database.layerFromEnv`) and master key.
 * @since 0.1.0
 * @category layers
 */
export const layerFromEnv: Layer.Layer<Keyring, AiuError.StorageError | AiuError.KeyringLocked | AiuError.ConfigError> =
  layerSql.pipe(Layer.provide(Database.layerFromEnv))
