import * as AiuError from "@aiu/core/AiuError"
import { type ApiKeyRow, ApiKeyRepository } from "@aiu/storage/ApiKeyRepository"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Envelope from "../Envelope.js"
import type { BundleOptions, KeyInfo, Options, Service } from "../Keyring.js"
import { MasterKey } from "../MasterKey.js"
import * as Sodium from "../Sodium.js"
import * as Bundle from "./bundle.js"

const DEFAULT_ALIAS = "default"
const CHECK_TEXT = "aiu-keyring-check-v1"
// An empty provider id never names a real key (ids are validated non-empty), so the check value
// cannot be confused with, or swapped for, a stored key.
const checkBinding = (keyringId: string): Envelope.Binding => ({ keyringId, provider: "", alias: "check", version: 0 })

const SealedJson = Schema.parseJson(Schema.Struct({ ciphertext: Schema.String, nonce: Schema.String }))

const toInfo = (row: ApiKeyRow): KeyInfo => ({
  provider: row.providerId,
  alias: row.alias,
  version: row.version,
  status: row.status,
  fingerprint: row.fingerprint,
  createdAt: row.createdAt,
  ...(row.rotatedAt !== undefined ? { rotatedAt: row.rotatedAt } : {}),
  ...(row.revokedAt !== undefined ? { revokedAt: row.revokedAt } : {})
})

const emptyKey = () => new AiuError.ConfigError({ message: "the API key is empty", key: "key" })

/** @internal */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const repo = yield* ApiKeyRepository
    const master = yield* MasterKey
    const sodium = yield* Sodium.load

    // The current master key and the fingerprint subkey derived from it (replaced by `rekey`).
    let key = Redacted.value(master.key)
    const fingerprintKeyOf = (k: Uint8Array) => sodium.crypto_generichash(32, "aiu-fingerprint-v1", k)
    let fingerprintKey = fingerprintKeyOf(key)
    const fingerprintOf = (secret: string, fpKey: Uint8Array = fingerprintKey) =>
      sodium.to_hex(sodium.crypto_generichash(8, secret, fpKey))

    let unlockedAs: string | undefined

    // Sealed rows (never plaintext) from recent lookups, so a hot `get` skips the database; any
    // write through this keyring clears it, and another process's change shows after the TTL.
    const cacheTtl = Duration.toMillis(options.cacheTtl ?? Duration.seconds(1))
    const rowCache = new Map<string, { readonly row: ApiKeyRow; readonly at: number }>()
    const cacheKey = (provider: string, alias: string) => JSON.stringify([provider, alias])
    const invalidate = Effect.sync(() => rowCache.clear())
    const findActive = (provider: string, alias: string) =>
      cacheTtl <= 0
        ? repo.findActive(provider, alias)
        : Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const key = cacheKey(provider, alias)
            const hit = rowCache.get(key)
            if (hit !== undefined && now - hit.at < cacheTtl) return Effect.succeed(Option.some(hit.row))
            return Effect.tap(repo.findActive(provider, alias), (row) =>
              Effect.sync(() => {
                if (Option.isSome(row)) rowCache.set(key, { row: row.value, at: now })
                else rowCache.delete(key)
              })
            )
          })

    const locked = () =>
      new AiuError.KeyringLocked({
        message:
          "the master key does not open this keyring (its check value does not decrypt): use the AIU_MASTER_KEY, " +
          "AIU_PASSPHRASE or master.key it was created with"
      })

    /** Establishes the keyring id and check value once, and proves the master key against them. */
    const unlock: Effect.Effect<string, AiuError.KeyringLocked | AiuError.StorageError> = Effect.suspend(() => {
      if (unlockedAs !== undefined) return Effect.succeed(unlockedAs)
      return Effect.gen(function* () {
        const keyringId = yield* repo.initMeta("keyring_id", globalThis.crypto.randomUUID())
        const fresh = JSON.stringify(Envelope.seal(sodium, key, CHECK_TEXT, checkBinding(keyringId)))
        const stored = yield* repo.initMeta("check", fresh)
        const sealed = yield* Schema.decode(SealedJson)(stored).pipe(Effect.mapError(locked))
        const opened = Envelope.open(sodium, key, sealed, checkBinding(keyringId))
        if (Either.isLeft(opened) || Redacted.value(opened.right) !== CHECK_TEXT) return yield* locked()
        unlockedAs = keyringId
        return keyringId
      }).pipe(Effect.withSpan("Keyring.unlock"))
    })

    const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

    /** Seals and stores a new active version; `whenNone` decides what a missing active key means. */
    const store = <E>(
      provider: string,
      secret: Redacted.Redacted<string>,
      alias: string,
      whenNone: Effect.Effect<void, E>
    ) =>
      Effect.gen(function* () {
        const plain = Redacted.value(secret)
        if (plain.length === 0) return yield* emptyKey()
        const keyringId = yield* unlock
        yield* invalidate
        return yield* repo.transaction(
          Effect.gen(function* () {
            const at = yield* now
            const active = yield* repo.findActive(provider, alias)
            if (Option.isNone(active)) yield* whenNone
            if (Option.isSome(active)) yield* repo.revoke(active.value.id, at, { rotated: true })
            const version = (yield* repo.latestVersion(provider, alias)) + 1
            const sealed = Envelope.seal(sodium, key, plain, { keyringId, provider, alias, version })
            const row: ApiKeyRow = {
              id: globalThis.crypto.randomUUID(),
              providerId: provider,
              alias,
              version,
              status: "active",
              keyringId,
              ciphertext: sealed.ciphertext,
              nonce: sealed.nonce,
              fingerprint: fingerprintOf(plain),
              createdAt: at
            }
            yield* repo.insert(row)
            return toInfo(row)
          })
        )
      })

    const openRow = (row: ApiKeyRow, keyringId: string, with_: Uint8Array = key) =>
      row.keyringId !== keyringId
        ? Effect.fail(
            new AiuError.DecryptionFailed({
              message: `the stored key for ${row.providerId}/${row.alias} belongs to another keyring`,
              provider: row.providerId,
              alias: row.alias
            })
          )
        : Envelope.open(sodium, with_, row, {
            keyringId,
            provider: row.providerId,
            alias: row.alias,
            version: row.version
          })

    const save = Effect.fn("Keyring.save")(
      (provider: string, secret: Redacted.Redacted<string>, alias: string = DEFAULT_ALIAS) =>
        store(provider, secret, alias, Effect.void)
    )

    const rotate = Effect.fn("Keyring.rotate")(
      (provider: string, secret: Redacted.Redacted<string>, alias: string = DEFAULT_ALIAS) =>
        store(
          provider,
          secret,
          alias,
          Effect.fail(
            new AiuError.KeyNotFound({
              message: `no active key to rotate for ${provider} (alias ${alias})`,
              provider,
              alias
            })
          )
        )
    )

    // On every call's path, so no span of its own: the decrypt is in memory (a span cost more CPU
    // than it), a storage read has the SQL client's span, and the caller's span is the call.
    const get = Effect.fnUntraced(function* (provider: string, alias: string = DEFAULT_ALIAS) {
      const keyringId = yield* unlock
      const row = yield* findActive(provider, alias)
      if (Option.isNone(row)) {
        return yield* new AiuError.KeyNotFound({
          message: `no active key for ${provider} (alias ${alias})`,
          provider,
          alias
        })
      }
      // Bind to what was asked for, not to what the row claims: a row moved to another provider or
      // alias then fails authentication.
      if (row.value.providerId !== provider || row.value.alias !== alias) {
        return yield* new AiuError.DecryptionFailed({ message: "the stored key row does not match", provider, alias })
      }
      return yield* openRow(row.value, keyringId)
    })

    const list = Effect.fn("Keyring.list")(() => Effect.map(repo.list, (rows) => rows.map(toInfo)))

    const revoke = Effect.fn("Keyring.revoke")(function* (provider: string, alias: string = DEFAULT_ALIAS) {
      const row = yield* repo.findActive(provider, alias)
      if (Option.isNone(row)) {
        return yield* new AiuError.KeyNotFound({
          message: `no active key for ${provider} (alias ${alias})`,
          provider,
          alias
        })
      }
      yield* invalidate
      yield* repo.revoke(row.value.id, yield* now)
    })

    const exportKeys = Effect.fn("Keyring.export")(function* (options?: BundleOptions) {
      const keyringId = yield* unlock
      const rows = (yield* repo.list).filter((r) => r.status === "active")
      const entries: Array<Bundle.Entry> = []
      for (const row of rows) {
        const secret = yield* openRow(row, keyringId)
        entries.push({ provider: row.providerId, alias: row.alias, key: Redacted.value(secret) })
      }
      return yield* Bundle.seal(sodium, key, entries, options)
    })

    const importKeys = Effect.fn("Keyring.import")(function* (bundle: string, options?: BundleOptions) {
      const entries = yield* Bundle.open(sodium, key, bundle, options)
      for (const e of entries) {
        if (e.provider === "" || e.alias === "" || e.key === "") {
          return yield* new AiuError.DecryptionFailed({
            message: "key bundle: an entry is empty; nothing was imported"
          })
        }
      }
      yield* unlock
      return yield* repo.transaction(
        Effect.forEach(entries, (e) => store(e.provider, Redacted.make(e.key), e.alias, Effect.void))
      )
    })

    const rekey = Effect.fn("Keyring.rekey")(function* (newMaster: Redacted.Redacted<Uint8Array>) {
      const next = Redacted.value(newMaster)
      if (next.length !== 32) {
        return yield* new AiuError.KeyringLocked({ message: "the new master key must be exactly 32 bytes" })
      }
      const keyringId = yield* unlock
      const nextFingerprintKey = fingerprintKeyOf(next)
      yield* invalidate
      const count = yield* repo.transaction(
        Effect.gen(function* () {
          const rows = yield* repo.list
          for (const row of rows) {
            const secret = Redacted.value(yield* openRow(row, keyringId))
            const sealed = Envelope.seal(sodium, next, secret, {
              keyringId,
              provider: row.providerId,
              alias: row.alias,
              version: row.version
            })
            yield* repo.reseal(row.id, { keyringId, ...sealed, fingerprint: fingerprintOf(secret, nextFingerprintKey) })
          }
          yield* repo.setMeta("check", JSON.stringify(Envelope.seal(sodium, next, CHECK_TEXT, checkBinding(keyringId))))
          return rows.length
        })
      )
      sodium.memzero(fingerprintKey)
      key = next
      fingerprintKey = nextFingerprintKey
      return count
    })

    const service: Service = {
      save,
      get,
      list,
      rotate,
      revoke,
      export: exportKeys,
      import: importKeys,
      rekey
    }
    return service
  })
