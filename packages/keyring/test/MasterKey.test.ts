import * as MasterKey from "@aiu/keyring/MasterKey"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const bytesOf = (m: MasterKey.Service) => Buffer.from(Redacted.value(m.key)).toString("hex")

const load = <E, R>(layer: Layer.Layer<MasterKey.MasterKey, E, R>) =>
  Effect.scoped(
    Effect.flatMap(Layer.build(layer), (ctx) =>
      Effect.succeed(ctx.unsafeMap.get(MasterKey.MasterKey.key) as MasterKey.Service)
    )
  )

describe("MasterKey", () => {
  it.effect("AIU_MASTER_KEY: base64 of 32 bytes; anything else is a ConfigError that does not echo it", () =>
    Effect.gen(function* () {
      const raw = Buffer.alloc(32, 7).toString("base64")
      const m = yield* load(MasterKey.layerEnv).pipe(withEnv({ AIU_MASTER_KEY: raw }))
      assert.strictEqual(m.source, "env")
      assert.strictEqual(bytesOf(m), Buffer.alloc(32, 7).toString("hex"))
      assert.strictEqual(String(m.key), "<redacted>")
      const short = Buffer.alloc(16, 1).toString("base64")
      const bad = yield* Effect.flip(load(MasterKey.layerEnv).pipe(withEnv({ AIU_MASTER_KEY: short })))
      assert.strictEqual(bad._tag, "ConfigError")
      assert.notInclude(bad.message, short)
      const missing = yield* Effect.flip(load(MasterKey.layerEnv).pipe(withEnv({})))
      assert.strictEqual(missing._tag, "KeyringLocked")
    })
  )

  it.scoped("AIU_HOME/master.key: created once with mode 0600, reused, refused when others can read it", () =>
    Effect.gen(function* () {
      const home = yield* TestDatabase.tempDir
      const file = Path.join(home, "master.key")
      const first = yield* load(MasterKey.layerFile).pipe(withEnv({ AIU_HOME: home }))
      assert.strictEqual(first.source, "file")
      assert.strictEqual(Fs.statSync(file).mode & 0o777, 0o600)
      const second = yield* load(MasterKey.layerFile).pipe(withEnv({ AIU_HOME: home }))
      assert.strictEqual(bytesOf(first), bytesOf(second))
      Fs.chmodSync(file, 0o644)
      const refused = yield* Effect.flip(load(MasterKey.layerFile).pipe(withEnv({ AIU_HOME: home })))
      assert.strictEqual(refused._tag, "KeyringLocked")
      assert.match(refused.message, /mode 644: others can read it/)
      Fs.chmodSync(file, 0o600)
      Fs.writeFileSync(file, "not a key\n")
      const garbage = yield* Effect.flip(load(MasterKey.layerFile).pipe(withEnv({ AIU_HOME: home })))
      assert.strictEqual(garbage._tag, "ConfigError")
    })
  )

  it.scoped("AIU_PASSPHRASE: Argon2id with a salt stored once; the same passphrase gives the same key", () =>
    Effect.gen(function* () {
      const db = TestDatabase.layerSqliteTemp
      const repoLayer = ApiKeyRepository.layer.pipe(Layer.provideMerge(db))
      const ctx = yield* Layer.build(repoLayer)
      const repo = ctx.unsafeMap.get(ApiKeyRepository.ApiKeyRepository.key) as ApiKeyRepository.Service
      const layer = MasterKey.layerPassphrase.pipe(Layer.provide(Layer.succeedContext(ctx)))
      const a = yield* load(layer).pipe(withEnv({ AIU_PASSPHRASE: "correct horse battery staple" }))
      const b = yield* load(layer).pipe(withEnv({ AIU_PASSPHRASE: "correct horse battery staple" }))
      const c = yield* load(layer).pipe(withEnv({ AIU_PASSPHRASE: "wrong horse" }))
      assert.strictEqual(a.source, "passphrase")
      assert.strictEqual(bytesOf(a), bytesOf(b))
      assert.notStrictEqual(bytesOf(a), bytesOf(c))
      const kdf = JSON.parse(Option.getOrThrow(yield* repo.getMeta("kdf")))
      assert.strictEqual(kdf.alg, "argon2id13")
      assert.isAtLeast(kdf.opsLimit, 2)
      assert.isAtLeast(kdf.memLimit, 19 * 1024 * 1024)
      assert.notInclude(JSON.stringify(kdf), "horse")
    })
  )

  it.effect("layerConfig prefers AIU_MASTER_KEY, then AIU_PASSPHRASE, then the key file", () =>
    Effect.gen(function* () {
      const raw = Buffer.alloc(32, 9).toString("base64")
      const m = yield* load(MasterKey.layerConfig.pipe(Layer.provide(ApiKeyRepository.layerMemory))).pipe(
        withEnv({ AIU_MASTER_KEY: raw, AIU_PASSPHRASE: "ignored" })
      )
      assert.strictEqual(m.source, "env")
      const p = yield* load(MasterKey.layerConfig.pipe(Layer.provide(ApiKeyRepository.layerMemory))).pipe(
        withEnv({ AIU_PASSPHRASE: "pass" })
      )
      assert.strictEqual(p.source, "passphrase")
    })
  )
})
