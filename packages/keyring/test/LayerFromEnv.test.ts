import * as Keyring from "@aiu/keyring/Keyring"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("Keyring.layerFromEnv", () => {
  it.scoped("the embedded default: AIU_HOME/aiu.db and AIU_HOME/master.key, reopened by a later process", () =>
    Effect.gen(function* () {
      const home = yield* TestDatabase.tempDir
      const open = Effect.flatMap(Layer.build(Keyring.layerFromEnv), (ctx) =>
        Effect.succeed(Context.get(ctx, Keyring.Keyring))
      )
      yield* Effect.scoped(
        Effect.flatMap(open, (keyring) => keyring.save("openai", Redacted.make("sk-env-default-0001")))
      ).pipe(withEnv({ AIU_HOME: home }))
      assert.deepStrictEqual(
        Fs.readdirSync(home)
          .filter((f) => !f.startsWith("aiu.db-"))
          .sort(),
        ["aiu.db", "master.key"]
      )
      const again = yield* Effect.scoped(Effect.flatMap(open, (keyring) => keyring.get("openai"))).pipe(
        withEnv({ AIU_HOME: home })
      )
      assert.strictEqual(Redacted.value(again), "sk-env-default-0001")
      // Another master key cannot open the same database.
      const locked = yield* Effect.flip(
        Effect.scoped(Effect.flatMap(open, (keyring) => keyring.get("openai"))).pipe(
          withEnv({ AIU_HOME: home, AIU_MASTER_KEY: Buffer.alloc(32, 4).toString("base64") })
        )
      )
      assert.strictEqual(locked._tag, "KeyringLocked")
      // AIU_DATABASE_URL points elsewhere: a different, empty store.
      const other = Path.join(home, "other.db")
      const missing = yield* Effect.flip(
        Effect.scoped(Effect.flatMap(open, (keyring) => keyring.get("openai"))).pipe(
          withEnv({ AIU_HOME: home, AIU_DATABASE_URL: `file:${other}` })
        )
      )
      assert.strictEqual(missing._tag, "KeyNotFound")
    })
  )
})
