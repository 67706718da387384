/**
 * `pnpm bench`: UsageStore append throughput — records per second from the first `append` until
 * `flush` returns, i.e. until every record is committed (batches of up to 100 rows). SQLite in a
 * temp folder always; PostgreSQL when AIU_TEST_DATABASE_URL is set (in a throwaway schema).
 */
import * as Database from "@aiu/storage/Database"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import * as UsageStore from "@aiu/storage/UsageStore"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as AiuError from "@aiu/core/AiuError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Path from "node:path"

interface Row {
  suite: string
  name: string
  value: number
  unit: string
  target?: string
}

const N = 50_000

const record = (i: number): UsageStore.UsageRecord => ({
  id: `bench-${i}-${globalThis.crypto.randomUUID()}`,
  time: new Date(Date.UTC(2026, 10, 20) + i),
  operation: "chat",
  provider: i % 2 === 0 ? "openai" : "anthropic",
  model: "gpt-4o-mini",
  keyAlias: "default",
  status: "ok",
  inputTokens: 1200,
  outputTokens: 300,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  latencyMs: 800 + (i % 400),
  ttftMs: 200,
  costUsd: 0.0004,
  requestId: `req_${i}`,
  attempts: 1,
  metadata: { team: "bench" }
})

const measure = (db: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError>) =>
  Effect.scoped(
    Effect.gen(function* () {
      // A queue large enough to hold the whole burst: this measures write throughput, not drops.
      const ctx = yield* Layer.build(UsageStore.layerWith({ capacity: N }).pipe(Layer.provide(db)))
      const store = Context.get(ctx, UsageStore.UsageStore)
      const records = Array.from({ length: N }, (_, i) => record(i))
      const cpu = process.cpuUsage()
      const start = process.hrtime.bigint()
      for (const r of records) yield* store.append(r)
      const appended = process.hrtime.bigint()
      yield* store.flush
      const done = process.hrtime.bigint()
      const used = process.cpuUsage(cpu)
      const stats = yield* store.stats
      if (stats.written !== N) return yield* Effect.dieMessage(`wrote ${stats.written} of ${N}`)
      return {
        perSecond: N / (Number(done - start) / 1e9),
        // CPU time of this process: on a shared, loaded machine wall time mostly measures the queue
        // for a core, so this shows what the work itself costs.
        perCpuSecond: N / ((used.user + used.system) / 1e6),
        appendNs: Number(appended - start) / N
      }
    })
  )

export default async function run(): Promise<Array<Row>> {
  const rows: Array<Row> = []
  const sqlite = await Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(TestDatabase.tempDir, (dir) =>
        measure(Database.layerSqlite({ filename: Path.join(dir, "aiu.db") }))
      )
    )
  )
  rows.push({
    suite: "usage",
    name: `append+flush ${N} records, SQLite (WAL, batches of 100)`,
    value: Math.round(sqlite.perSecond),
    unit: "records/s",
    target: ">= 20000"
  })
  rows.push({
    suite: "usage",
    name: `append+flush ${N} records, SQLite, per CPU-second of this process`,
    value: Math.round(sqlite.perCpuSecond),
    unit: "records/s"
  })
  rows.push({
    suite: "usage",
    name: "append (enqueue only), caller's cost per record",
    value: Number((sqlite.appendNs / 1000).toFixed(2)),
    unit: "µs"
  })
  if (TestDatabase.pgUrl !== undefined) {
    const pg = await Effect.runPromise(measure(TestDatabase.layerPgIsolated(TestDatabase.pgUrl)))
    rows.push({
      suite: "usage",
      name: `append+flush ${N} records, PostgreSQL (batches of 100)`,
      value: Math.round(pg.perSecond),
      unit: "records/s"
    })
  }
  return rows
}
