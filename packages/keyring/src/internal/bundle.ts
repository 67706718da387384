/**
 * The export bundle: JSON text `{ format, version, kdf, nonce, ciphertext }`. The header (format,
 * version, kdf) is the associated data, so changing any of it, or a byte of nonce or ciphertext,
 * fails authentication; a truncated bundle is not JSON. Nothing is imported unless all of it
 * decrypts and validates.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { BundleOptions } from "../Keyring.js"
import * as MasterKeyInternal from "./masterKey.js"
import type { Sodium } from "../Sodium.js"

/** @internal */
export const FORMAT = "aiu-keyring-export"
/** @internal */
export const VERSION = 1

const Kdf = Schema.Union(
  Schema.Struct({ alg: Schema.Literal("master") }),
  Schema.Struct({
    alg: Schema.Literal("argon2id13"),
    opsLimit: Schema.Number,
    memLimit: Schema.Number,
    salt: Schema.String
  })
)
type Kdf = typeof Kdf.Type

const Envelope = Schema.Struct({
  format: Schema.String,
  version: Schema.Number,
  kdf: Kdf,
  nonce: Schema.String,
  ciphertext: Schema.String
})

/** @internal */
export const Entry = Schema.Struct({
  provider: Schema.String,
  alias: Schema.String,
  key: Schema.String
})
/** @internal */
export type Entry = typeof Entry.Type
const Payload = Schema.parseJson(Schema.Struct({ keys: Schema.Array(Entry) }))

const failed = (message: string) => new AiuError.DecryptionFailed({ message: `key bundle: ${message}` })

const header = (kdf: Kdf) => JSON.stringify([FORMAT, VERSION, kdf])

const bundleKey = (sodium: Sodium, master: Uint8Array, kdf: Kdf, options: BundleOptions | undefined) => {
  if (kdf.alg === "master") {
    return Effect.succeed(sodium.crypto_generichash(32, "aiu-export-v1", master))
  }
  if (options?.passphrase === undefined) return Effect.fail(failed("this bundle is protected by a passphrase"))
  return MasterKeyInternal.derive(
    options.passphrase,
    sodium.from_base64(kdf.salt, sodium.base64_variants.ORIGINAL),
    kdf
  ).pipe(Effect.map(Redacted.value))
}

/** @internal */
export const seal = (
  sodium: Sodium,
  master: Uint8Array,
  entries: ReadonlyArray<Entry>,
  options: BundleOptions | undefined
): Effect.Effect<string, AiuError.DecryptionFailed> =>
  Effect.gen(function* () {
    const kdf: Kdf =
      options?.passphrase === undefined
        ? { alg: "master" }
        : {
            alg: "argon2id13",
            ...MasterKeyInternal.passphraseParams,
            salt: sodium.to_base64(
              sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES),
              sodium.base64_variants.ORIGINAL
            )
          }
    const key = yield* bundleKey(sodium, master, kdf, options)
    const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    const plain = new TextEncoder().encode(JSON.stringify({ keys: entries }))
    try {
      const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, header(kdf), null, nonce, key)
      return JSON.stringify({
        format: FORMAT,
        version: VERSION,
        kdf,
        nonce: sodium.to_base64(nonce, sodium.base64_variants.ORIGINAL),
        ciphertext: sodium.to_base64(ciphertext, sodium.base64_variants.ORIGINAL)
      })
    } finally {
      sodium.memzero(plain)
      sodium.memzero(key)
    }
  })

/** @internal */
export const open = (
  sodium: Sodium,
  master: Uint8Array,
  bundle: string,
  options: BundleOptions | undefined
): Effect.Effect<ReadonlyArray<Entry>, AiuError.DecryptionFailed> =>
  Effect.gen(function* () {
    let json: unknown
    try {
      json = JSON.parse(bundle)
    } catch {
      return yield* failed("not valid JSON (truncated?); nothing was imported")
    }
    const env = yield* Schema.decodeUnknown(Envelope)(json).pipe(
      Effect.mapError(() => failed("not an aiu key bundle (fields missing or of the wrong type); nothing was imported"))
    )
    if (env.format !== FORMAT) return yield* failed(`not an aiu key bundle (format '${env.format.slice(0, 40)}')`)
    if (env.version !== VERSION) {
      return yield* failed(`bundle version ${env.version} is not supported (this aiu reads version ${VERSION})`)
    }
    const key = yield* bundleKey(sodium, master, env.kdf, options)
    let plain: Uint8Array
    try {
      plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        sodium.from_base64(env.ciphertext, sodium.base64_variants.ORIGINAL),
        header(env.kdf),
        sodium.from_base64(env.nonce, sodium.base64_variants.ORIGINAL),
        key
      )
    } catch {
      return yield* failed(
        env.kdf.alg === "master"
          ? "does not authenticate: it was truncated or altered, or exported under another master key; nothing was imported"
          : "does not authenticate: it was truncated or altered, or the passphrase is wrong; nothing was imported"
      )
    } finally {
      sodium.memzero(key)
    }
    try {
      const payload = yield* Schema.decode(Payload)(new TextDecoder().decode(plain)).pipe(
        Effect.mapError(() => failed("its contents are malformed; nothing was imported"))
      )
      return payload.keys
    } finally {
      sodium.memzero(plain)
    }
  })
