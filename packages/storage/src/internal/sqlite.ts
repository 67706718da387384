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
import * as Scope from "effect/Scope"
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
    const busyMs = Math.max(0, Math.floor(Duration.toMillis(options.busyTimeout ?? Duration.seconds(10))))
    yield* base.unsafe(`PRAGMA busy_timeout = ${busyMs}`)
    yield* base.unsafe("PRAGMA synchronous = NORMAL")
    // Take the base client's one connection and guard it with our own semaphore, as the base
    // client does: after this point only this client uses the connection.
    const connection = yield* Effect.scoped(base.reserve)
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer = semaphore.withPermits(1)(Effect.succeed(connection))
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          restore(semaphore.take(1)),
          Effect.tap(Effect.scope, (scope) => Scope.addFinalizer(scope, semaphore.release(1)))
        ),
        connection
      )
    )
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(Str.camelToSnake),
      transformRows: Statement.defaultTransforms(Str.snakeToCamel).array,
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [["db.system.name", "sqlite"]]
    })
  })
