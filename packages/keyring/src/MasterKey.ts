/**
 * The 32-byte master key every provider key is sealed with. Sources, in the order `layerConfig`
 * tries them:
 *
 * 1. `AIU_MASTER_KEY` — base64 of 32 random bytes (`layerEnv`).
 * 2. `AIU_PASSPHRASE` — derived with Argon2id; the salt and parameters are stored in the database
 *    the first time (`layerPassphrase`).
 * 3. `AIU_HOME/master.key` — created once with 32 random bytes and mode 0600; a key file that
 *    group or others can read is refused (`layerFile`).
 *
 * The key stays `Redacted`, so it never prints.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { ApiKeyRepository } from "@aiu/storage/ApiKeyRepository"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/masterKey.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Source = "env" | "passphrase" | "file" | "random" | "explicit"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly key: Redacted.Redacted<Uint8Array>
  readonly source: Source
}

/**
 * @since 0.1.0
 * @category tags
 */
export class MasterKey extends Context.Tag("@aiu/keyring/MasterKey")<MasterKey, Service>() {}

/**
 * Argon2id parameters for passphrases: 3 passes over 64 MiB (above OWASP's minimum of 2 passes
 * over 19 MiB; about 0.2 s here).
 * @since 0.1.0
 * @category constants
 */
export const passphraseParams: { readonly opsLimit: number; readonly memLimit: number } = internal.passphraseParams

/**
 * 32 fresh random bytes.
 * @since 0.1.0
 * @category constructors
 */
export const generate: Effect.Effect<Redacted.Redacted<Uint8Array>> = internal.generate

/**
 * Base64 of a master key, as `AIU_MASTER_KEY` and the key file hold it.
 * @since 0.1.0
 * @category constructors
 */
export const encode: (key: Redacted.Redacted<Uint8Array>) => Redacted.Redacted<string> = internal.encode

/**
 * Parses base64 of exactly 32 bytes.
 * @since 0.1.0
 * @category constructors
 */
export const decode: (
  base64: Redacted.Redacted<string>,
  origin: string
) => Effect.Effect<Redacted.Redacted<Uint8Array>, AiuError.ConfigError> = internal.decode

/**
 * Derives a key from a passphrase with Argon2id (libsodium `crypto_pwhash`).
 * @since 0.1.0
 * @category constructors
 */
export const derive: (
  passphrase: Redacted.Redacted<string>,
  salt: Uint8Array,
  params?: { readonly opsLimit: number; readonly memLimit: number }
) => Effect.Effect<Redacted.Redacted<Uint8Array>> = internal.derive

/**
 * Reads (or creates, mode 0600) a key file; refuses one that group or others may read.
 * @since 0.1.0
 * @category constructors
 */
export const fromFile: (
  path: string
) => Effect.Effect<Redacted.Redacted<Uint8Array>, AiuError.KeyringLocked | AiuError.ConfigError> = internal.fromFile

/**
 * A given key.
 * @since 0.1.0
 * @category layers
 */
export const layerKey = (key: Redacted.Redacted<Uint8Array>): Layer.Layer<MasterKey> =>
  Layer.succeed(MasterKey, { key, source: "explicit" })

/**
 * A random key that lives as long as the layer (tests, `Keyring.layerMemory`).
 * @since 0.1.0
 * @category layers
 */
export const layerRandom: Layer.Layer<MasterKey> = Layer.effect(MasterKey, internal.random)

/**
 * `AIU_MASTER_KEY` (base64, 32 bytes).
 * @since 0.1.0
 * @category layers
 */
export const layerEnv: Layer.Layer<MasterKey, AiuError.KeyringLocked | AiuError.ConfigError> = Layer.effect(
  MasterKey,
  internal.fromEnv
)

/**
 * `AIU_PASSPHRASE` with Argon2id; salt and parameters stored through the `ApiKeyRepository`.
 * @since 0.1.0
 * @category layers
 */
export const layerPassphrase: Layer.Layer<
  MasterKey,
  AiuError.KeyringLocked | AiuError.ConfigError | AiuError.StorageError,
  ApiKeyRepository
> = Layer.effect(MasterKey, internal.fromPassphrase)

/**
 * `AIU_HOME/master.key` (created if missing).
 * @since 0.1.0
 * @category layers
 */
export const layerFile: Layer.Layer<MasterKey, AiuError.KeyringLocked | AiuError.ConfigError> = Layer.effect(
  MasterKey,
  internal.fromHomeFile
)

/**
 * A key file at an explicit path.
 * @since 0.1.0
 * @category layers
 */
export const layerFileAt = (path: string): Layer.Layer<MasterKey, AiuError.KeyringLocked | AiuError.ConfigError> =>
  Layer.effect(MasterKey, internal.fileService(path))

/**
 * `AIU_MASTER_KEY`, else `AIU_PASSPHRASE`, else `AIU_HOME/master.key`.
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<
  MasterKey,
  AiuError.KeyringLocked | AiuError.ConfigError | AiuError.StorageError,
  ApiKeyRepository
> = Layer.effect(MasterKey, internal.fromConfig)
