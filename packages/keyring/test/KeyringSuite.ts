/**
 * The keyring cases, run once per backend (SQLite always; PostgreSQL and MariaDB when their URLs
 * are set) and once on the in-memory repository. No `.test.ts` suffix: Keyring.test.ts calls it.
 */
import * as Keyring from "@aiu/keyring/Keyring"
import * as MasterKey from "@aiu/keyring/MasterKey"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

export const masterA = Redacted.make(new Uint8Array(32).fill(1))
export const masterB = Redacted.make(new Uint8Array(32).fill(2))

let counter = 0
const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`
const secret = (s: string) => Redacted.make(s)
const reveal = (r: Redacted.Redacted<string>) => Redacted.value(r)

/** A second keyring over the same storage with another master key. */
const keyringWith = (master: Redacted.Redacted<Uint8Array>) => Effect.provide(Keyring.make, MasterKey.layerKey(master))

const flipBit = (b64: string, at: number) => {
  const bytes = Buffer.from(b64, "base64")
  bytes[((at % bytes.length) + bytes.length) % bytes.length]! ^= 0x10
  return bytes.toString("base64")
}

export interface SuiteOptions<S> {
  readonly name: string
  readonly enabled: boolean
  /** Storage under the keyring: the repository, plus whatever `tamper` needs (a SqlClient). */
  readonly storage: Layer.Layer<ApiKeyRepository.ApiKeyRepository | S, unknown>
  /** Rewrites one row's columns behind the keyring's back (SQL backends only). */
  readonly tamper?: (
    id: string,
    columns: Partial<Record<"ciphertext" | "nonce" | "version", string | number>>
  ) => Effect.Effect<void, unknown, S>
}

export const suite = <S = never>(options: SuiteOptions<S>) => {
  // No row cache: the tampering cases change rows behind the keyring's back.
  const layer = Layer.effect(Keyring.Keyring, Keyring.makeWith({ cacheTtl: 0 })).pipe(
    Layer.provideMerge(MasterKey.layerKey(masterA)),
    Layer.provideMerge(options.storage)
  )

  if (!options.enabled) {
    // Not even built: `it.layer` would try to connect although the block is skipped.
    describe.skip(`Keyring on ${options.name}`, () => it.skip("needs its database URL", () => {}))
    return
  }
  describe(`Keyring on ${options.name}`, () => {
    it.layer(layer, { timeout: 60_000 })((it) => {
      it.effect("save and get; aliases are separate; list shows metadata and a fingerprint, never the key", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          const p = uid("openai")
          const saved = yield* keyring.save(p, secret("sk-proj-AAAAAAAAAAAAAAAAAAAA"))
          yield* keyring.save(p, secret("sk-proj-BBBBBBBBBBBBBBBBBBBB"), "batch")
          assert.strictEqual(reveal(yield* keyring.get(p)), "sk-proj-AAAAAAAAAAAAAAAAAAAA")
          assert.strictEqual(reveal(yield* keyring.get(p, "batch")), "sk-proj-BBBBBBBBBBBBBBBBBBBB")
          assert.deepStrictEqual([saved.alias, saved.version, saved.status], ["default", 1, "active"])
          const listed = (yield* keyring.list()).filter((k) => k.provider === p)
          assert.deepStrictEqual(
            listed.map((k) => k.alias),
            ["batch", "default"]
          )
          assert.notInclude(JSON.stringify(listed), "sk-proj")
          assert.match(saved.fingerprint, /^[0-9a-f]{16}$/)
          // Same key, same fingerprint; another key, another one.
          const q = uid("openai")
          const again = yield* keyring.save(q, secret("sk-proj-AAAAAAAAAAAAAAAAAAAA"))
          assert.strictEqual(again.fingerprint, saved.fingerprint)
          assert.notStrictEqual(listed[0]!.fingerprint, saved.fingerprint)
          const missing = yield* Effect.flip(keyring.get(uid("nobody")))
          assert.strictEqual(missing._tag, "KeyNotFound")
        })
      )

      it.effect("rotate makes the new key active and revokes the old one; revoke; rotate needs an active key", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          const p = uid("anthropic")
          yield* keyring.save(p, secret("sk-ant-old-000000000"))
          yield* TestClock.adjust("1 hour")
          const rotated = yield* keyring.rotate(p, secret("sk-ant-new-111111111"))
          assert.strictEqual(rotated.version, 2)
          assert.strictEqual(reveal(yield* keyring.get(p)), "sk-ant-new-111111111")
          const rows = (yield* keyring.list()).filter((k) => k.provider === p)
          assert.deepStrictEqual(
            rows.map((k) => [k.version, k.status]),
            [
              [1, "revoked"],
              [2, "active"]
            ]
          )
          assert.strictEqual(rows[0]!.rotatedAt?.getTime(), 3_600_000)
          yield* keyring.revoke(p)
          assert.strictEqual((yield* Effect.flip(keyring.get(p)))._tag, "KeyNotFound")
          assert.strictEqual((yield* Effect.flip(keyring.revoke(p)))._tag, "KeyNotFound")
          assert.strictEqual((yield* Effect.flip(keyring.rotate(p, secret("x-new"))))._tag, "KeyNotFound")
          // save after revoke starts a new version
          const fresh = yield* keyring.save(p, secret("sk-ant-third-2222222"))
          assert.strictEqual(fresh.version, 3)
        })
      )

      it.effect("export then import restores the keys; with a passphrase too", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          const p = uid("mistral")
          yield* keyring.save(p, secret("mistral-key-1"))
          yield* keyring.save(p, secret("mistral-key-2"), "two")
          const bundle = yield* keyring.export()
          assert.notInclude(bundle, "mistral-key")
          const parsed = JSON.parse(bundle)
          assert.strictEqual(parsed.format, "aiu-keyring-export")
          assert.strictEqual(parsed.version, 1)
          yield* keyring.revoke(p)
          yield* keyring.revoke(p, "two")
          const imported = yield* keyring.import(bundle)
          assert.isAtLeast(imported.length, 2)
          assert.strictEqual(reveal(yield* keyring.get(p)), "mistral-key-1")
          assert.strictEqual(reveal(yield* keyring.get(p, "two")), "mistral-key-2")

          const withPass = yield* keyring.export({ passphrase: secret("bundle pass") })
          const wrong = yield* Effect.flip(keyring.import(withPass, { passphrase: secret("nope") }))
          assert.strictEqual(wrong._tag, "DecryptionFailed")
          const none = yield* Effect.flip(keyring.import(withPass))
          assert.match(none.message, /passphrase/)
          yield* keyring.revoke(p, "two")
          yield* keyring.import(withPass, { passphrase: secret("bundle pass") })
          assert.strictEqual(reveal(yield* keyring.get(p, "two")), "mistral-key-2")
        })
      )

      it.effect("a truncated or altered bundle imports nothing and says why", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          const p = uid("cohere")
          yield* keyring.save(p, secret("co-key-1"))
          const bundle = yield* keyring.export()
          yield* keyring.revoke(p)
          const before = yield* keyring.list()
          const parsed = JSON.parse(bundle)
          const altered = [
            bundle.slice(0, Math.floor(bundle.length / 2)),
            JSON.stringify({ ...parsed, ciphertext: flipBit(parsed.ciphertext, 7) }),
            JSON.stringify({ ...parsed, nonce: flipBit(parsed.nonce, 1) }),
            JSON.stringify({
              ...parsed,
              kdf: { alg: "argon2id13", opsLimit: 2, memLimit: 8192, salt: "AAAAAAAAAAAAAAAAAAAAAA==" }
            }),
            JSON.stringify({ ...parsed, version: 2 }),
            JSON.stringify({ ...parsed, ciphertext: parsed.ciphertext.slice(0, 20) }),
            "",
            "{}"
          ]
          for (const b of altered) {
            const error = yield* Effect.flip(keyring.import(b))
            assert.strictEqual(error._tag, "DecryptionFailed", b.slice(0, 60))
            assert.match(error.message, /^key bundle: /)
          }
          assert.deepStrictEqual(yield* keyring.list(), before)
          assert.strictEqual((yield* Effect.flip(keyring.get(p)))._tag, "KeyNotFound")
        })
      )

      it.effect("bad input: metacharacters in ids round-trip; over-long ids and empty keys are rejected", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          for (const weird of ["o'brien; DROP TABLE aiu_api_keys; --", 'a"b\\c`d', "ünï 🔑", "%_[x]"]) {
            const p = `${uid("p")}${weird}`
            yield* keyring.save(p, secret(`key for ${weird}`), weird)
            assert.strictEqual(reveal(yield* keyring.get(p, weird)), `key for ${weird}`)
          }
          const long = yield* Effect.flip(keyring.save(uid("p"), secret("k"), "a".repeat(256)))
          assert.strictEqual(long._tag, "ConfigError")
          const empty = yield* Effect.flip(keyring.save(uid("p"), secret("")))
          assert.strictEqual(empty._tag, "ConfigError")
          const longKey = "k".repeat(20_000)
          const p = uid("big")
          yield* keyring.save(p, secret(longKey))
          assert.strictEqual(reveal(yield* keyring.get(p)), longKey)
        })
      )

      it.effect("a wrong master key is KeyringLocked at once, for reads and writes, and changes nothing", () =>
        Effect.gen(function* () {
          const keyring = yield* Keyring.Keyring
          const p = uid("google")
          yield* keyring.save(p, secret("AIzaSyA-not-a-real-key-0000000000000"))
          const other = yield* keyringWith(masterB)
          const before = yield* keyring.list()
          const got = yield* Effect.flip(other.get(p))
          assert.strictEqual(got._tag, "KeyringLocked")
          assert.match(got.message, /master key does not open this keyring/)
          const saved = yield* Effect.flip(other.save(p, secret("intruder")))
          assert.strictEqual(saved._tag, "KeyringLocked")
          assert.deepStrictEqual(yield* keyring.list(), before)
          assert.strictEqual(reveal(yield* keyring.get(p)), "AIzaSyA-not-a-real-key-0000000000000")
        })
      )

      it.effect("rekey re-seals every key under the new master key in one go", () =>
        Effect.gen(function* () {
          // A keyring of its own (separate storage) so the rest of the suite keeps master A.
          const isolated = Keyring.layer.pipe(
            Layer.provideMerge(MasterKey.layerKey(masterA)),
            Layer.provideMerge(ApiKeyRepository.layerMemory)
          )
          yield* Effect.gen(function* () {
            const keyring = yield* Keyring.Keyring
            yield* keyring.save("openai", secret("k-1"))
            yield* keyring.rotate("openai", secret("k-2"))
            yield* keyring.save("groq", secret("k-3"), "x")
            const before = yield* keyring.list()
            const count = yield* keyring.rekey(masterB)
            assert.strictEqual(count, 3)
            assert.strictEqual(reveal(yield* keyring.get("openai")), "k-2")
            assert.strictEqual(reveal(yield* keyring.get("groq", "x")), "k-3")
            const after = yield* keyring.list()
            assert.notDeepEqual(
              after.map((k) => k.fingerprint),
              before.map((k) => k.fingerprint)
            )
            const withNew = yield* keyringWith(masterB)
            assert.strictEqual(reveal(yield* withNew.get("openai")), "k-2")
            const withOld = yield* keyringWith(masterA)
            assert.strictEqual((yield* Effect.flip(withOld.get("openai")))._tag, "KeyringLocked")
          }).pipe(Effect.provide(isolated))
        })
      )

      if (options.tamper !== undefined) {
        const tamper = options.tamper
        it.effect(
          "tampering: a flipped bit, a rolled-back version, swapped rows: DecryptionFailed, nothing changes",
          () =>
            Effect.gen(function* () {
              const keyring = yield* Keyring.Keyring
              const repo = yield* ApiKeyRepository.ApiKeyRepository
              const a = uid("ta")
              const b = uid("tb")
              yield* keyring.save(a, secret("key-a-v1"))
              yield* keyring.rotate(a, secret("key-a-v2"))
              yield* keyring.save(b, secret("key-b"))
              const rowOf = (p: string) => Effect.map(repo.findActive(p, "default"), Option.getOrThrow)
              const rowA = yield* rowOf(a)
              const rowB = yield* rowOf(b)
              const oldA = (yield* repo.list).find((r) => r.providerId === a && r.version === 1)!

              const expectFailure = (name: string) =>
                Effect.gen(function* () {
                  const result = yield* Effect.either(keyring.get(a))
                  assert.isTrue(result._tag === "Left", `${name}: the tampered row still decrypted`)
                  if (result._tag === "Left") {
                    assert.strictEqual(result.left._tag, "DecryptionFailed", name)
                    assert.notInclude(result.left.message, "key-a")
                  }
                })
              const restore = tamper(rowA.id, { ciphertext: rowA.ciphertext, nonce: rowA.nonce, version: rowA.version })

              yield* tamper(rowA.id, { ciphertext: flipBit(rowA.ciphertext, 2) })
              yield* expectFailure("ciphertext bit")
              yield* restore
              yield* tamper(rowA.id, { nonce: flipBit(rowA.nonce, 9) })
              yield* expectFailure("nonce bit")
              yield* restore
              // Associated data: the version column no longer matches what was sealed.
              yield* tamper(rowA.id, { version: 7 })
              yield* expectFailure("version")
              yield* restore
              // Rolled back: the old version's ciphertext put into the current row.
              yield* tamper(rowA.id, { ciphertext: oldA.ciphertext, nonce: oldA.nonce })
              yield* expectFailure("rollback")
              yield* restore
              // Swapped between providers.
              yield* tamper(rowA.id, { ciphertext: rowB.ciphertext, nonce: rowB.nonce })
              yield* expectFailure("swap")
              yield* restore
              // Nothing was changed by the failures; the genuine rows still open.
              assert.strictEqual(reveal(yield* keyring.get(a)), "key-a-v2")
              assert.strictEqual(reveal(yield* keyring.get(b)), "key-b")
              assert.deepStrictEqual(yield* rowOf(a), rowA)
            })
        )
      }
    })
  })
}
