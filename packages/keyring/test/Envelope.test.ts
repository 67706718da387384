import * as Envelope from "@aiu/keyring/Envelope"
import * as Sodium from "@aiu/keyring/Sodium"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"

const binding: Envelope.Binding = { keyringId: "kr-1", provider: "openai", alias: "default", version: 3 }

const flipBit = (b64: string, byte: number) => {
  const bytes = Buffer.from(b64, "base64")
  bytes[((byte % bytes.length) + bytes.length) % bytes.length]! ^= 0x01
  return bytes.toString("base64")
}

describe("Envelope", () => {
  it.effect("seal then open gives the key back; each seal uses a fresh nonce", () =>
    Effect.gen(function* () {
      const s = yield* Sodium.load
      const key = s.randombytes_buf(32)
      const a = Envelope.seal(s, key, "sk-test-1234567890", binding)
      const b = Envelope.seal(s, key, "sk-test-1234567890", binding)
      assert.notStrictEqual(a.nonce, b.nonce)
      assert.notStrictEqual(a.ciphertext, b.ciphertext)
      assert.strictEqual(Buffer.from(a.nonce, "base64").length, 24)
      const opened = Envelope.open(s, key, a, binding)
      assert.strictEqual(Redacted.value(Either.getOrThrow(opened)), "sk-test-1234567890")
    })
  )

  it.effect("any changed bit, binding field or key fails with DecryptionFailed", () =>
    Effect.gen(function* () {
      const s = yield* Sodium.load
      const key = s.randombytes_buf(32)
      const sealed = Envelope.seal(s, key, "sk-live-secret", binding)
      const cases: Array<[string, Envelope.Sealed, Envelope.Binding, Uint8Array]> = [
        ["ciphertext bit", { ...sealed, ciphertext: flipBit(sealed.ciphertext, 3) }, binding, key],
        ["tag bit", { ...sealed, ciphertext: flipBit(sealed.ciphertext, -1) }, binding, key],
        ["nonce bit", { ...sealed, nonce: flipBit(sealed.nonce, 5) }, binding, key],
        ["provider", sealed, { ...binding, provider: "anthropic" }, key],
        ["alias", sealed, { ...binding, alias: "other" }, key],
        ["version", sealed, { ...binding, version: 2 }, key],
        ["keyring", sealed, { ...binding, keyringId: "kr-2" }, key],
        ["master key", sealed, binding, s.randombytes_buf(32)],
        ["short nonce", { ...sealed, nonce: "AAAA" }, binding, key],
        ["not base64", { ...sealed, ciphertext: "%%%" }, binding, key]
      ]
      for (const [name, sealedCase, bindingCase, keyCase] of cases) {
        const result = Envelope.open(s, keyCase, sealedCase, bindingCase)
        assert.isTrue(Either.isLeft(result), name)
        if (Either.isLeft(result)) {
          assert.strictEqual(result.left._tag, "DecryptionFailed", name)
          assert.notInclude(result.left.message, "sk-live-secret")
        }
      }
    })
  )

  it("the associated data cannot be made ambiguous by separators in ids", () => {
    const a = Envelope.associatedData({ keyringId: "k", provider: "a|b", alias: "c", version: 1 })
    const b = Envelope.associatedData({ keyringId: "k", provider: "a", alias: "b|c", version: 1 })
    assert.notStrictEqual(a, b)
  })
})
