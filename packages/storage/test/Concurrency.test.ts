import * as Database from "@aiu/storage/Database"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import { assert, describe, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

import { bundleWorker } from "./utils/bundleWorker.js"

const script = Path.join(import.meta.dirname, "fixtures", "appendUsage.ts")
const WORKERS = 20
const PER_WORKER = 200

/** Bundles the worker, then runs twenty copies at once; resolves with their exit codes and stderr. */
const runWorkers = (databaseUrl: string) =>
  Effect.gen(function* () {
    const worker = yield* Effect.promise(async () =>
      bundleWorker(script, await Fs.promises.mkdtemp(Path.join(Os.tmpdir(), "aiu-w-")))
    )
    return yield* Effect.promise(() =>
      Promise.all(
        Array.from(
          { length: WORKERS },
          (_, w) =>
            new Promise<{ code: number | null; stderr: string }>((resolve) => {
              const child = ChildProcess.spawn(process.execPath, [worker.file, String(w), String(PER_WORKER)], {
                env: { ...process.env, ...worker.env, AIU_DATABASE_URL: databaseUrl },
                stdio: ["ignore", "ignore", "pipe"]
              })
              let stderr = ""
              child.stderr.on("data", (d) => {
                stderr += String(d)
              })
              child.on("close", (code) => resolve({ code, stderr }))
            })
        )
      )
    )
  })

const countRows = (sql: SqlClient.SqlClient) =>
  sql<{ n: number | string; d: number | string }>`
    SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM aiu_usage WHERE provider LIKE 'worker-%'`.pipe(
    Effect.map((rows) => ({ rows: Number(rows[0]!.n), distinct: Number(rows[0]!.d) }))
  )

describe("20 processes appending usage at once", () => {
  it.live(
    "SQLite: one file, WAL, nothing lost",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const filename = Path.join(yield* TestDatabase.tempDir, "aiu.db")
          // The workers also race to create and migrate the file.
          const results = yield* runWorkers(filename)
          assert.deepStrictEqual(
            results.filter((r) => r.code !== 0),
            []
          )
          const ctx = yield* Layer.build(Database.layerSqlite({ filename }))
          const counts = yield* countRows(Context.get(ctx, SqlClient.SqlClient))
          assert.deepStrictEqual(counts, { rows: WORKERS * PER_WORKER, distinct: WORKERS * PER_WORKER })
        })
      ),
    180_000
  )

  it.live.skipIf(TestDatabase.pgUrl === undefined)(
    "PostgreSQL: nothing lost",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          // A fresh schema, then the workers connect to it by URL.
          const schema = `aiu_c_${Date.now().toString(36)}`
          const admin = yield* Layer.build(Database.layerPg({ url: Redacted.make(TestDatabase.pgUrl!) }))
          const adminSql = Context.get(admin, SqlClient.SqlClient)
          yield* adminSql.unsafe(`CREATE SCHEMA ${schema}`)
          yield* Effect.addFinalizer(() => Effect.ignore(adminSql.unsafe(`DROP SCHEMA ${schema} CASCADE`)))
          const url = new URL(TestDatabase.pgUrl!)
          url.searchParams.set("options", `-c search_path=${schema}`)
          url.searchParams.set("pool_max", "2")
          const results = yield* runWorkers(url.toString())
          assert.deepStrictEqual(
            results.filter((r) => r.code !== 0),
            []
          )
          const counted = yield* Layer.build(Database.layerPg({ url: Redacted.make(url.toString()) }))
          const counts = yield* countRows(Context.get(counted, SqlClient.SqlClient))
          assert.deepStrictEqual(counts, { rows: WORKERS * PER_WORKER, distinct: WORKERS * PER_WORKER })
        })
      ),
    180_000
  )
})
