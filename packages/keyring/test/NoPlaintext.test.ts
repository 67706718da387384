/**
 * After storing keys, no byte of the database files (including the WAL), no debug-level log line
 * and no error carries a key, in plain text, base64 or hex.
 */
import * as Keyring from "@aiu/keyring/Keyring"
import * as MasterKey from "@aiu/keyring/MasterKey"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as Database from "@aiu/storage/Database"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"

const keys = [
  "sk-proj-Zx9QvN3kLm7RtY2pW8sD4fGh",
  "sk-ant-api03-Qw7Er5Ty9Ui1Op3As5Df",
  "AIzaSyB-Nq4Wz8Xc2Vb6Nm0Lk3Jh5Gf7Ds9Aq1"
]
const master = new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256)

/** Every encoding of each secret that must not appear. */
const needles = [
  ...keys.flatMap((k) => [k, Buffer.from(k).toString("base64"), Buffer.from(k).toString("hex")]),
  Buffer.from(master).toString("base64"),
  Buffer.from(master).toString("hex")
]

const scan = (haystack: string | Buffer, where: string) => {
  for (const needle of needles) {
    assert.isFalse(
      (typeof haystack === "string" ? haystack : haystack.toString("latin1")).includes(needle),
      `${where} contains a secret`
    )
  }
}

describe("no plaintext anywhere", () => {
  it.scoped("database files (with -wal), debug logs and errors", () =>
    Effect.gen(function* () {
      const dir = yield* TestDatabase.tempDir
      const filename = Path.join(dir, "aiu.db")
      const lines: Array<string> = []
      const capture = Logger.make((options) => {
        lines.push(
          JSON.stringify({ ...options, date: undefined, context: undefined, fiberId: undefined }, (_, v) =>
            v instanceof Map ? [...v.entries()] : v
          )
        )
      })
      const logging = Layer.merge(Logger.replace(Logger.defaultLogger, capture), Logger.minimumLogLevel(LogLevel.All))
      const ctx = yield* Layer.build(
        Layer.effect(Keyring.Keyring, Keyring.make).pipe(
          Layer.provideMerge(MasterKey.layerKey(Redacted.make(master))),
          Layer.provideMerge(Layer.effect(ApiKeyRepository.ApiKeyRepository, ApiKeyRepository.make)),
          Layer.provide(Database.layerSqlite({ filename }))
        )
      ).pipe(Effect.provide(logging))
      const keyring = Context.get(ctx, Keyring.Keyring)
      const errors: Array<unknown> = []

      yield* Effect.gen(function* () {
        yield* Effect.logDebug("start")
        yield* keyring.save("openai", Redacted.make(keys[0]!))
        yield* keyring.save("anthropic", Redacted.make(keys[1]!), "ci")
        yield* keyring.save("google", Redacted.make(keys[2]!))
        yield* keyring.rotate("google", Redacted.make(keys[2]!))
        const got = yield* keyring.get("openai")
        assert.strictEqual(String(got), "<redacted>")
        yield* Effect.logDebug("got a key", got)
        const bundle = yield* keyring.export()
        scan(bundle, "export bundle")
        errors.push(yield* Effect.flip(keyring.import(bundle.slice(0, 100))))
        errors.push(yield* Effect.flip(keyring.get("nobody")))
        const other = yield* Keyring.make.pipe(
          Effect.provide(MasterKey.layerKey(Redacted.make(new Uint8Array(32)))),
          Effect.provide(ctx)
        )
        errors.push(yield* Effect.flip(other.get("openai")))
        scan(JSON.stringify(yield* keyring.list()), "list")
      }).pipe(Effect.provide(logging))

      // The connection is still open, so the WAL holds the recent writes.
      const files = Fs.readdirSync(dir).filter((f) => f.startsWith("aiu.db"))
      assert.include(files, "aiu.db-wal")
      for (const f of files) scan(Fs.readFileSync(Path.join(dir, f)), f)
      assert.isAbove(lines.length, 0)
      for (const line of lines) scan(line, "log line")
      assert.strictEqual(errors.length, 3)
      for (const e of errors) scan(`${JSON.stringify(e)} ${String(e)} ${(e as Error).message}`, "error")
    })
  )
})
