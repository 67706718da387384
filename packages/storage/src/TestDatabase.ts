/**
 * Isolated databases for tests: a SQLite file in a fresh temp folder, a fresh PostgreSQL schema,
 * or a fresh MySQL database, each removed when the layer is released. Suites run the same cases
 * on every backend listed by `backends` (PostgreSQL when `AIU_TEST_DATABASE_URL` is set, MySQL /
 * MariaDB when `AIU_TEST_MYSQL_URL` is).
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import * as Reactivity from "@effect/experimental/Reactivity"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as MysqlClient from "@effect/sql-mysql2/MysqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Database from "./Database.js"
import { toStorageError } from "./internal/errors.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Backend {
  readonly name: "sqlite" | "pg" | "mysql"
  /** False when the backend's URL is not set: suites skip it. */
  readonly enabled: boolean
  /** A fresh, migrated, empty database per build. */
  readonly layer: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError>
}

const suffix = () => `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`

/**
 * A temp folder removed on release.
 * @since 0.1.0
 * @category constructors
 */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "aiu-test-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

/**
 * SQLite at `<fresh temp dir>/aiu.db`.
 * @since 0.1.0
 * @category layers
 */
export const layerSqliteTemp: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) => Database.layerSqlite({ filename: Path.join(dir, "aiu.db") }))
)

// A new layer value per call: layers are memoised by identity (and @effect/vitest shares one
// memo map between `it.layer` blocks), so each backend entry must be its own value.
const makeSqliteTemp = (): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  Layer.unwrapScoped(Effect.map(tempDir, (dir) => Database.layerSqlite({ filename: Path.join(dir, "aiu.db") })))

const pgAdmin = (url: string) =>
  PgClient.make({ url: Redacted.make(url) }).pipe(
    Effect.provide(Reactivity.layer),
    Effect.mapError(toStorageError("TestDatabase.pg"))
  )

/**
 * A fresh schema in the PostgreSQL database at `url` (selected through `search_path`).
 * @since 0.1.0
 * @category layers
 */
export const layerPgIsolated = (url: string): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const schema = `aiu_t_${suffix()}`
      yield* Effect.acquireRelease(
        Effect.scoped(
          Effect.flatMap(pgAdmin(url), (sql) => sql.unsafe(`CREATE SCHEMA ${schema}`)).pipe(
            Effect.mapError(toStorageError("TestDatabase.pg"))
          )
        ),
        () =>
          Effect.ignore(
            Effect.scoped(Effect.flatMap(pgAdmin(url), (sql) => sql.unsafe(`DROP SCHEMA ${schema} CASCADE`)))
          )
      )
      const u = new URL(url)
      u.searchParams.set("options", `-c search_path=${schema}`)
      return Database.layerPg({ url: Redacted.make(u.toString()) })
    })
  )

const mysqlAdmin = (url: string) =>
  MysqlClient.make({ url: Redacted.make(url) }).pipe(
    Effect.provide(Reactivity.layer),
    Effect.mapError(toStorageError("TestDatabase.mysql"))
  )

/**
 * A fresh database on the MySQL / MariaDB server at `url` when its user may create one; else the
 * URL's own database.
 * @since 0.1.0
 * @category layers
 */
export const layerMysqlIsolated = (url: string): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const db = `aiu_t_${suffix()}`
      const created = yield* Effect.acquireRelease(
        Effect.scoped(Effect.flatMap(mysqlAdmin(url), (sql) => sql.unsafe(`CREATE DATABASE ${db}`))).pipe(
          Effect.as(true),
          // A user limited to one database (CI's `aiu` on `aiu_test`) cannot create another: the
          // suites then share the URL's database, which their unique ids make safe.
          Effect.catchAll(() => Effect.succeed(false))
        ),
        (created) =>
          created
            ? Effect.ignore(Effect.scoped(Effect.flatMap(mysqlAdmin(url), (sql) => sql.unsafe(`DROP DATABASE ${db}`))))
            : Effect.void
      )
      if (!created) return Database.layerMysql({ url: Redacted.make(url) })
      const u = new URL(url)
      u.pathname = `/${db}`
      return Database.layerMysql({ url: Redacted.make(u.toString()) })
    })
  )

/**
 * @since 0.1.0
 * @category constants
 */
export const pgUrl: string | undefined = process.env.AIU_TEST_DATABASE_URL || undefined

/**
 * @since 0.1.0
 * @category constants
 */
export const mysqlUrl: string | undefined = process.env.AIU_TEST_MYSQL_URL || undefined

/**
 * SQLite always; PostgreSQL and MySQL when their test URLs are set.
 * @since 0.1.0
 * @category constructors
 */
export const backends = (): ReadonlyArray<Backend> => [
  { name: "sqlite", enabled: true, layer: makeSqliteTemp() },
  { name: "pg", enabled: pgUrl !== undefined, layer: layerPgIsolated(pgUrl ?? "postgres://unset") },
  { name: "mysql", enabled: mysqlUrl !== undefined, layer: layerMysqlIsolated(mysqlUrl ?? "mysql://unset") }
]
