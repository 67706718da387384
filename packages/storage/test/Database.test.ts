import * as Database from "@aiu/storage/Database"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import { assert, describe, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("Database.parseUrl", () => {
  it("postgres URLs: pool settings are taken out of the URL", () => {
    const t = Either.getOrThrow(
      Database.parseUrl(
        "postgres://u:secret@db:5432/aiu?pool_max=20&pool_min=2&connect_timeout=7&idle_timeout=30&sslmode=require"
      )
    )
    assert.strictEqual(t._tag, "pg")
    if (t._tag !== "pg") return
    assert.strictEqual(t.maxConnections, 20)
    assert.strictEqual(t.minConnections, 2)
    assert.isTrue(Duration.equals(t.connectTimeout!, Duration.seconds(7)))
    assert.isTrue(Duration.equals(t.idleTimeout!, Duration.seconds(30)))
    assert.strictEqual(Redacted.value(t.url), "postgres://u:secret@db:5432/aiu?sslmode=require")
    assert.notInclude(String(t.url), "secret")
  })

  it("mysql URLs: parts and pool", () => {
    const t = Either.getOrThrow(Database.parseUrl("mysql://root:p%40ss@127.0.0.1:3307/aiu?pool_max=5"))
    assert.strictEqual(t._tag, "mysql")
    if (t._tag !== "mysql") return
    assert.deepStrictEqual(
      [t.host, t.port, t.database, t.username, t.maxConnections],
      ["127.0.0.1", 3307, "aiu", "root", 5]
    )
    assert.strictEqual(Redacted.value(t.password!), "p@ss")
  })

  it("SQLite: file:PATH, sqlite:PATH and plain paths, with busy_timeout", () => {
    assert.deepStrictEqual(Either.getOrThrow(Database.parseUrl("file:/tmp/a.db")), {
      _tag: "sqlite",
      filename: "/tmp/a.db"
    })
    assert.deepStrictEqual(Either.getOrThrow(Database.parseUrl("file:///tmp/a.db")), {
      _tag: "sqlite",
      filename: "/tmp/a.db"
    })
    assert.deepStrictEqual(Either.getOrThrow(Database.parseUrl("./rel/b.db")), {
      _tag: "sqlite",
      filename: "./rel/b.db"
    })
    const t = Either.getOrThrow(Database.parseUrl("sqlite:/x/c.db?busy_timeout=250"))
    assert.strictEqual(t._tag === "sqlite" && Duration.toMillis(t.busyTimeout!), 250)
  })

  it("bad URLs are ConfigErrors that never echo a password", () => {
    for (const bad of ["redis://x", "postgres://u:hunter2@h/db?pool_max=-1", "mysql://u:hunter2@/db", " "]) {
      const e = Either.getLeft(Database.parseUrl(bad))
      assert.isTrue(e._tag === "Some", bad)
      if (e._tag !== "Some") continue
      assert.strictEqual(e.value._tag, "ConfigError")
      assert.notInclude(e.value.message, "hunter2")
    }
  })
})

describe("Database layers", () => {
  it.scoped("SQLite: WAL, busy timeout, and the folder is created", () =>
    Effect.gen(function* () {
      const filename = Path.join(yield* TestDatabase.tempDir, "nested", "deeper", "aiu.db")
      const ctx = yield* Layer.build(Database.layerSqlite({ filename, busyTimeout: "1234 millis" }))
      const sql = Context.get(ctx, SqlClient.SqlClient)
      const [mode] = yield* sql<{ journalMode: string }>`PRAGMA journal_mode`
      const [busy] = yield* sql<{ timeout: number }>`PRAGMA busy_timeout`
      assert.strictEqual(mode!.journalMode, "wal")
      assert.strictEqual(busy!.timeout, 1234)
      assert.isTrue(Fs.existsSync(filename))
    })
  )

  it.scoped("SQLite: migrations are idempotent and safe when several clients start at once", () =>
    Effect.gen(function* () {
      const filename = Path.join(yield* TestDatabase.tempDir, "aiu.db")
      const contexts = yield* Effect.all(
        Array.from({ length: 4 }, () => Layer.build(Database.layerSqlite({ filename }))),
        { concurrency: "unbounded" }
      )
      yield* Layer.build(Database.layerSqlite({ filename }))
      const sql = Context.get(contexts[0]!, SqlClient.SqlClient)
      const rows = yield* sql<{ migrationId: number }>`SELECT migration_id FROM aiu_migrations`
      assert.deepStrictEqual(
        rows.map((r) => r.migrationId),
        [1]
      )
    })
  )

  it.scoped("layerConfig: AIU_DATABASE_URL=file:… and AIU_HOME default", () =>
    Effect.gen(function* () {
      const dir = yield* TestDatabase.tempDir
      const viaUrl = Path.join(dir, "url.db")
      yield* Layer.build(Database.layerConfig).pipe(withEnv({ AIU_DATABASE_URL: `file:${viaUrl}` }))
      assert.isTrue(Fs.existsSync(viaUrl))
      const home = Path.join(dir, "home")
      const target = yield* Database.target.pipe(withEnv({ AIU_HOME: home }))
      assert.deepStrictEqual(target, { _tag: "sqlite", filename: Path.join(home, "aiu.db") })
      assert.strictEqual(Fs.statSync(home).mode & 0o777, 0o700)
      const bad = yield* Effect.flip(Layer.build(Database.layerConfig).pipe(withEnv({ AIU_DATABASE_URL: "redis://x" })))
      assert.strictEqual(bad._tag, "ConfigError")
    })
  )

  it.effect("an unreachable PostgreSQL is a StorageError without the password", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.scoped(
          Layer.build(
            Database.layerPg({ url: Redacted.make("postgres://u:hunter2@127.0.0.1:1/x"), connectTimeout: "2 seconds" })
          )
        )
      )
      assert.strictEqual(error._tag, "StorageError")
      assert.notInclude(error.message, "hunter2")
    }).pipe(Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))))
  )
})
