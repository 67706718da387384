/**
 * Versioned schema migrations, one set per dialect, run by `@effect/sql`'s Migrator at start-up.
 * Idempotent, and safe when several processes start at once: each dialect serialises the run with
 * a lock the database holds (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock, MySQL
 * `GET_LOCK`), so a second process waits and then finds nothing left to do.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { toStorageError } from "./internal/errors.js"
import { forDialect } from "./internal/migrations.js"

/**
 * Table in which the Migrator records applied migrations.
 * @since 0.1.0
 * @category constants
 */
export const table = "aiu_migrations"

/** Arbitrary constant naming our advisory lock in PostgreSQL ("aiu" in ASCII). */
const pgLockId = 0x616975

/**
 * Applies every pending migration for the connected dialect and returns those it applied.
 * @since 0.1.0
 * @category migrations
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  AiuError.StorageError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const migrate = Migrator.make({})({ loader: Migrator.fromRecord(forDialect(sql)), table })
  const locked = sql.onDialectOrElse({
    // The Migrator's own "does the table exist" probe fails inside a transaction on pg, so the
    // table is created first under an advisory lock; its run then takes `LOCK TABLE … EXCLUSIVE`.
    pg: () =>
      sql
        .withTransaction(
          sql`SELECT pg_advisory_xact_lock(${pgLockId})`.pipe(
            Effect.zipRight(
              sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
                  migration_id integer primary key,
                  created_at timestamp with time zone not null default now(),
                  name text not null)`)
            )
          )
        )
        .pipe(Effect.zipRight(migrate)),
    // DDL commits implicitly in MySQL, so a transaction cannot serialise it; a named lock held by
    // the pinned connection does.
    mysql: () =>
      sql.withTransaction(
        Effect.acquireUseRelease(
          sql`SELECT GET_LOCK('aiu_migrations', 60) AS got`,
          () => migrate,
          () => Effect.ignore(sql`DO RELEASE_LOCK('aiu_migrations')`)
        )
      ),
    // Our SQLite client begins transactions IMMEDIATE: the writer lock is taken up front and a
    // second process waits for it (busy_timeout).
    orElse: () => sql.withTransaction(migrate)
  })
  return yield* locked.pipe(
    Effect.mapError(toStorageError("Migrations.run")),
    Effect.catchAllDefect((defect) =>
      Effect.fail(
        toStorageError("Migrations.run")({
          message: "a migration failed",
          cause: defect
        })
      )
    ),
    // A run rolls back as a whole, so it can be retried: under heavy contention (many processes
    // starting on one SQLite file) a statement may still time out waiting for a lock.
    Effect.retry({ times: 4, schedule: Schedule.jittered(Schedule.exponential("200 millis")) })
  )
}).pipe(Effect.withSpan("Migrations.run"))
