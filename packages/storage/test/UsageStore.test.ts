import * as Database from "@aiu/storage/Database"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import * as UsageStore from "@aiu/storage/UsageStore"
import { assert, describe, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/TestClock"
import * as Path from "node:path"

const record = (i: number, over: Partial<UsageStore.UsageRecord> = {}): UsageStore.UsageRecord => ({
  id: `rec-${i}-${globalThis.crypto.randomUUID()}`,
  time: new Date(Date.UTC(2026, 10, 20, 0, 0, i)),
  operation: "chat",
  provider: "openai",
  model: "gpt-4o-mini",
  status: "ok",
  inputTokens: 1,
  outputTokens: 1,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  latencyMs: i,
  attempts: 1,
  metadata: {},
  ...over
})

/** Collects log messages so the tests can count warnings. */
const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

const droppedValue = (reason: string) =>
  Effect.map(Metric.value(Metric.tagged(UsageStore.droppedTotal, "reason", reason)), (s) => s.count)

describe("UsageStore (SQL) under faults", () => {
  it.scoped("database busy: the queue bounds memory, drops the newest, logs once per burst, then catches up", () =>
    Effect.gen(function* () {
      const dir = yield* TestDatabase.tempDir
      const filename = Path.join(dir, "aiu.db")
      const logs = captureLogs()
      // Two clients on one file, as two processes would be; the store's gives up on a lock at once.
      const holder = yield* Layer.build(Database.layerSqlite({ filename }))
      const storeCtx = yield* Layer.build(
        UsageStore.layerWith({ capacity: 3, batchSize: 1 }).pipe(
          Layer.provide(Database.layerSqlite({ filename, busyTimeout: 0 }))
        )
      )
      const store = storeCtx.pipe(Context.get(UsageStore.UsageStore))
      const holderSql = holder.pipe(Context.get(SqlClient.SqlClient))
      const before = yield* droppedValue("queue_full")

      const release = yield* Deferred.make<void>()
      const locked = yield* Deferred.make<void>()
      const hold = yield* Effect.fork(
        holderSql.withTransaction(Effect.zipRight(Deferred.succeed(locked, undefined), Deferred.await(release)))
      )
      yield* Deferred.await(locked)

      const records = Array.from({ length: 10 }, (_, i) => record(i))
      yield* Effect.forEach(records, (r) => store.append(r), { discard: true }).pipe(Effect.provide(logs.layer))
      yield* Effect.yieldNow()
      const during = yield* store.stats
      assert.isAtLeast(during.dropped, 6, "at most one batch in flight plus three queued")
      assert.isAtLeast((yield* droppedValue("queue_full")) - before, 6)
      assert.strictEqual(logs.lines.filter((l) => l.includes("usage queue is full")).length, 1)

      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(hold)
      yield* TestClock.adjust("1 minute")
      yield* store.flush.pipe(Effect.provide(logs.layer))
      const after = yield* store.stats
      assert.strictEqual(after.written + after.dropped, 10)
      assert.isAbove(after.failedAttempts, 0)
      const stored = yield* store.recent(100)
      // The oldest records were kept: the queue drops the newest.
      assert.deepStrictEqual(
        stored.map((r) => r.id).sort(),
        records
          .slice(0, after.written)
          .map((r) => r.id)
          .sort()
      )
    })
  )

  it.scoped("a row the database refuses is dropped and counted; the rest of its batch is written", () =>
    Effect.gen(function* () {
      const ctx = yield* Layer.build(UsageStore.layer.pipe(Layer.provideMerge(TestDatabase.layerSqliteTemp)))
      const store = ctx.pipe(Context.get(UsageStore.UsageStore))
      const sql = ctx.pipe(Context.get(SqlClient.SqlClient))
      // Without the tag table, only records carrying metadata fail.
      yield* sql`DROP TABLE aiu_usage_tags`
      const before = yield* droppedValue("rejected")
      const plain = [record(1), record(2)]
      const tagged = record(3, { metadata: { team: "x" } })
      yield* store.append(plain[0]!)
      yield* store.append(tagged)
      yield* store.append(plain[1]!)
      const fiber = yield* Effect.fork(store.flush)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const stats = yield* store.stats
      assert.strictEqual(stats.rejected, 1)
      assert.strictEqual(stats.written, 2)
      assert.strictEqual((yield* droppedValue("rejected")) - before, 1)
      const ids = (yield* store.recent(10)).map((r) => r.id).sort()
      assert.deepStrictEqual(ids, plain.map((r) => r.id).sort())
    })
  )

  it.scoped("releasing the layer writes what is still queued", () =>
    Effect.gen(function* () {
      const filename = Path.join(yield* TestDatabase.tempDir, "aiu.db")
      const records = Array.from({ length: 250 }, (_, i) => record(i))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const ctx = yield* Layer.build(UsageStore.layer.pipe(Layer.provide(Database.layerSqlite({ filename }))))
          const store = ctx.pipe(Context.get(UsageStore.UsageStore))
          for (const r of records) yield* store.append(r)
        })
      )
      const count = yield* Effect.scoped(
        Effect.gen(function* () {
          const ctx = yield* Layer.build(Database.layerSqlite({ filename }))
          const sql = ctx.pipe(Context.get(SqlClient.SqlClient))
          return yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM aiu_usage`
        })
      )
      assert.strictEqual(count[0]!.n, 250)
    })
  )
})

describe("UsageStore.layerMemory", () => {
  it.effect("same aggregates as the SQL store", () =>
    Effect.gen(function* () {
      const store = yield* UsageStore.UsageStore
      for (let i = 1; i <= 20; i++) {
        yield* store.append(
          record(i, {
            latencyMs: i * 10,
            status: i % 5 === 0 ? "error" : "ok",
            costUsd: 0.1,
            metadata: { t: String(i % 2) }
          })
        )
      }
      const [row] = yield* store.aggregate({ by: "provider" })
      assert.deepStrictEqual(row, {
        provider: "openai",
        requests: 20,
        errors: 4,
        inputTokens: 20,
        outputTokens: 20,
        costUsd: 2.0000000000000004,
        p50LatencyMs: 100,
        p95LatencyMs: 190
      })
      const totals = yield* store.totals({ since: new Date(0), tag: ["t", "1"] })
      assert.strictEqual(totals.requests, 10)
      const recent = yield* store.recent(2)
      assert.deepStrictEqual(
        recent.map((r) => r.latencyMs),
        [200, 190]
      )
    }).pipe(Effect.provide(UsageStore.layerMemory))
  )

  it.effect("keeps the newest records up to its capacity; a repeated id is still ignored", () =>
    Effect.gen(function* () {
      const store = yield* UsageStore.UsageStore
      const records = Array.from({ length: 5 }, (_, i) => record(i + 1, { latencyMs: i + 1 }))
      for (const r of records) yield* store.append(r)
      yield* store.append({ ...records[4]!, latencyMs: 99 })
      const recent = yield* store.recent(10)
      assert.deepStrictEqual(
        recent.map((r) => r.latencyMs),
        [5, 4, 3]
      )
      assert.strictEqual((yield* store.totals({ since: new Date(0) })).requests, 3)
      assert.strictEqual((yield* store.stats).written, 5)
    }).pipe(Effect.provide(UsageStore.layerMemoryWith({ capacity: 3 })))
  )
})

describe("UsageStore.makeId", () => {
  it("is a version-7 UUID carrying the time, ordered by time, unique within a millisecond", () => {
    const at = Date.UTC(2026, 10, 26, 12, 0, 0)
    const id = UsageStore.makeId(at)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.strictEqual(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at)
    const later = [at + 1, at + 1000, at + 86_400_000].map(UsageStore.makeId)
    assert.deepStrictEqual([id, ...later].sort(), [id, ...later])
    const same = new Set(Array.from({ length: 1000 }, () => UsageStore.makeId(at)))
    assert.strictEqual(same.size, 1000)
  })

  it.effect("newId reads the Clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(5_000)
      const id = yield* UsageStore.newId
      assert.strictEqual(id.slice(0, 13), "00000000-1388")
    })
  )
})
