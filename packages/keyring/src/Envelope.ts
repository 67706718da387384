/**
 * Sealing one provider key: XChaCha20-Poly1305 with a fresh random 24-byte nonce per encryption.
 * The associated data binds the format version, the keyring id, the provider id, the alias and the
 * key version, so a ciphertext copied to another row, another keyring, or rolled back to an older
 * version fails authentication instead of decrypting.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { Sodium } from "./Sodium.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const formatVersion = 1

/**
 * What a ciphertext is bound to.
 * @since 0.1.0
 * @category models
 */
export interface Binding {
  readonly keyringId: string
  readonly provider: string
  readonly alias: string
  readonly version: number
}

/**
 * Base64 ciphertext (with tag) and nonce.
 * @since 0.1.0
 * @category models
 */
export interface Sealed {
  readonly ciphertext: string
  readonly nonce: string
}

/**
 * The associated data: a JSON array, so no choice of ids can make two bindings encode alike.
 * @since 0.1.0
 * @category constructors
 */
export const associatedData = (binding: Binding): string =>
  JSON.stringify(["aiu-key", formatVersion, binding.keyringId, binding.provider, binding.alias, binding.version])

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Encrypts `secret` under `key` (32 bytes). The plaintext bytes are zeroed after use.
 * @since 0.1.0
 * @category constructors
 */
export const seal = (sodium: Sodium, key: Uint8Array, secret: string, binding: Binding): Sealed => {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  const message = encoder.encode(secret)
  try {
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      message,
      associatedData(binding),
      null,
      nonce,
      key
    )
    return {
      ciphertext: sodium.to_base64(ciphertext, sodium.base64_variants.ORIGINAL),
      nonce: sodium.to_base64(nonce, sodium.base64_variants.ORIGINAL)
    }
  } finally {
    sodium.memzero(message)
  }
}

/**
 * Decrypts and authenticates. Any change to ciphertext, nonce or binding, or the wrong key, gives
 * `DecryptionFailed`; the message never carries key material.
 * @since 0.1.0
 * @category constructors
 */
export const open = (
  sodium: Sodium,
  key: Uint8Array,
  sealed: Sealed,
  binding: Binding
): Either.Either<Redacted.Redacted<string>, AiuError.DecryptionFailed> => {
  const fail = (why: string) =>
    Either.left(
      new AiuError.DecryptionFailed({
        message: `the stored key for ${binding.provider}/${binding.alias} (version ${binding.version}) ${why}`,
        provider: binding.provider,
        alias: binding.alias
      })
    )
  let ciphertext: Uint8Array
  let nonce: Uint8Array
  try {
    ciphertext = sodium.from_base64(sealed.ciphertext, sodium.base64_variants.ORIGINAL)
    nonce = sodium.from_base64(sealed.nonce, sodium.base64_variants.ORIGINAL)
  } catch {
    return fail("is not valid base64")
  }
  if (nonce.length !== sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return fail("has a malformed nonce")
  let plain: Uint8Array
  try {
    // libsodium throws (rather than returning null) when authentication fails.
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, associatedData(binding), nonce, key)
  } catch {
    return fail(
      "failed authentication: it was altered, moved from another row or keyring, or sealed by another master key"
    )
  }
  try {
    return Either.right(Redacted.make(decoder.decode(plain)))
  } catch {
    return fail("is not valid UTF-8")
  } finally {
    sodium.memzero(plain)
  }
}
