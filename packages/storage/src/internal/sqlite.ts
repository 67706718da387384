/**
 * A SQLite `SqlClient` for many processes sharing one file: WAL (set by the base client), a busy
 * timeout so writers queue instead of failing, `synchronous = NORMAL` (durable across process
 * crashes in WAL mode), and `BEGIN IMMEDIATE` transactions so a writer takes the write lock up
 * front rather than failing with SQLITE_BUSY when it upgrades a read lock.
 *
 * It wraps `@effect/sql-sqlite-node`'s client: the base keeps its single connection and
 * semaphore; we rebuild the `SqlClient` around `reserve` with a different BEGIN.
 */
import type * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Str from "effect/String"

/** @internal */
export interface Options {
  readonly filename: string
  readonly busyTimeout?: Duration.DurationInput | undefined
}

/** @internal */
export const make = (
  options: Options
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const base = yield* SqliteClient.make({ filename: options.filename })
    const busyMs = Math.max(0, Math.floor(Duration.toMillis(options.busyTimeout ?? Duration.seconds(30))))
    yield* base.unsafe(`PRAGMA busy_timeout = ${busyMs}`)
    yield* base.unsafe("PRAGMA synchronous = NORMAL")
    // `reserve` holds the base client's one connection for a scope; scoping it at once gives the
    // same "wait for the connection, then use it" acquirer the base client has.
    const acquirer = Effect.scoped(base.reserve)
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: base.reserve,
      compiler: Statement.makeCompilerSqlite(Str.camelToSnake),
      transformRows: Statement.defaultTransforms(Str.snakeToCamel).array,
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [["db.system.name", "sqlite"]]
    })
  })
