import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import type { AggregateRow, GroupBy, Options, Service, Stats, Totals, TotalsQuery, UsageRecord } from "../UsageStore.js"
import { JsonText, MillisDate, Num, NullableNum, definedOnly } from "./columns.js"
import { mapSqlError } from "./errors.js"
import { dayOf } from "./usageAggregate.js"

/** @internal */
export const droppedTotal = Metric.counter("aiu_usage_dropped_total", {
  description: "Usage records that could not be stored",
  incremental: true
})

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s)
const int = (n: number) => (Number.isFinite(n) ? Math.round(n) : 0)
const real = (n: number) => (Number.isFinite(n) ? n : 0)
const optReal = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : null)

/**
 * The row as written. Strings are clipped to their column sizes and numbers made finite so a
 * record from a confused caller is stored rather than rejected.
 */
const toDbRow = (r: UsageRecord) => ({
  id: clip(r.id, 64),
  time_ms: r.time.getTime(),
  day: dayOf(r.time),
  operation: r.operation,
  provider: clip(r.provider, 255),
  model: clip(r.model, 500),
  key_alias: r.keyAlias === undefined ? null : clip(r.keyAlias, 255),
  status: r.status,
  error_tag: r.errorTag === undefined ? null : clip(r.errorTag, 64),
  input_tokens: int(r.inputTokens),
  output_tokens: int(r.outputTokens),
  cached_input_tokens: int(r.cachedInputTokens),
  reasoning_tokens: int(r.reasoningTokens),
  latency_ms: real(r.latencyMs),
  ttft_ms: optReal(r.ttftMs),
  cost_usd: optReal(r.costUsd),
  request_id: r.requestId === undefined ? null : clip(r.requestId, 255),
  attempts: int(r.attempts),
  metadata: JSON.stringify(r.metadata)
})

/** Tag rows index metadata for `totals({ tag })`; entries too long for the index are not indexed. */
const toTagRows = (r: UsageRecord) =>
  Object.entries(r.metadata)
    .filter(([k, v]) => k.length <= 255 && v.length <= 500)
    .map(([tag_key, tag_value]) => ({ usage_id: clip(r.id, 64), tag_key, tag_value }))

// Not imported from ../UsageStore.js: that module imports this one (a cycle at load time).
const Operation = Schema.Literal("chat", "stream", "embed", "image")

const DbRecord = Schema.Struct({
  id: Schema.String,
  timeMs: MillisDate,
  operation: Operation,
  provider: Schema.String,
  model: Schema.String,
  keyAlias: Schema.NullOr(Schema.String),
  status: Schema.Literal("ok", "error"),
  errorTag: Schema.NullOr(Schema.String),
  inputTokens: Num,
  outputTokens: Num,
  cachedInputTokens: Num,
  reasoningTokens: Num,
  latencyMs: Num,
  ttftMs: NullableNum,
  costUsd: NullableNum,
  requestId: Schema.NullOr(Schema.String),
  attempts: Num,
  metadata: Schema.compose(JsonText, Schema.Record({ key: Schema.String, value: Schema.String }))
})
const decodeRecords = Schema.decodeUnknown(Schema.Array(DbRecord))
const fromDb = ({ timeMs, ...rest }: typeof DbRecord.Type): UsageRecord =>
  definedOnly({ ...rest, time: timeMs }) as UsageRecord

const AggRow = Schema.Struct({
  provider: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  day: Schema.optional(Schema.String),
  requests: Num,
  errors: NullableNum,
  inputTokens: NullableNum,
  outputTokens: NullableNum,
  costUsd: NullableNum,
  p50LatencyMs: NullableNum,
  p95LatencyMs: NullableNum
})
const decodeAgg = Schema.decodeUnknown(Schema.Array(AggRow))
const TotalsRow = Schema.Struct({
  requests: Num,
  inputTokens: NullableNum,
  outputTokens: NullableNum,
  costUsd: NullableNum
})
const decodeTotals = Schema.decodeUnknown(Schema.Array(TotalsRow))

const groupColumns: Record<GroupBy, string> = {
  provider: "provider",
  model: "provider, model",
  day: "day"
}

/** Rows per tag insert (3 parameters each). */
const tagChunk = 500

/** @internal */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const capacity = Math.max(1, options.capacity ?? 10_000)
    const batchSize = Math.max(1, options.batchSize ?? 100)
    const shutdownTimeout = Duration.decode(options.shutdownTimeout ?? Duration.seconds(10))
    const maxBackoff = Duration.toMillis(options.maxBackoff ?? Duration.seconds(10))
    const lingerMs = Math.max(0, Duration.toMillis(options.linger ?? Duration.millis(50)))

    const queue = yield* Queue.dropping<UsageRecord>(capacity)
    const counters = { enqueued: 0, processed: 0, written: 0, dropped: 0, rejected: 0, failedAttempts: 0 }
    let burst = 0
    let closed = false
    let outage = false
    let batchDone = yield* Deferred.make<void>()
    // Completed by `flush` (and shutdown) to cut a linger short: whoever waits for the rows to
    // land does not wait for the linger too.
    let wake = yield* Deferred.make<void>()

    const countDropped = (reason: "queue_full" | "rejected" | "shutdown", n: number) =>
      Metric.incrementBy(Metric.tagged(droppedTotal, "reason", reason), n)

    const insertIgnore = (table: string, rows: ReadonlyArray<Record<string, unknown>>) =>
      sql.onDialectOrElse({
        pg: () => sql`INSERT INTO ${sql(table)} ${sql.insert(rows)} ON CONFLICT DO NOTHING`,
        mysql: () => sql`INSERT IGNORE INTO ${sql(table)} ${sql.insert(rows)}`,
        orElse: () => sql`INSERT OR IGNORE INTO ${sql(table)} ${sql.insert(rows)}`
      })

    const insertBatch = (batch: ReadonlyArray<UsageRecord>): Effect.Effect<void, SqlError> => {
      const tags = batch.flatMap(toTagRows)
      return sql.withTransaction(
        Effect.gen(function* () {
          yield* insertIgnore("aiu_usage", batch.map(toDbRow))
          for (let i = 0; i < tags.length; i += tagChunk) {
            yield* insertIgnore("aiu_usage_tags", tags.slice(i, i + tagChunk))
          }
        })
      )
    }

    // A write that touches no row: it needs the write lock (SQLite) and a writable database, so a
    // busy or read-only database counts as down and its rows are retried rather than rejected.
    const databaseUp = sql`UPDATE aiu_migrations SET name = name WHERE migration_id < 0`.pipe(
      Effect.as(true),
      Effect.catchAll(() => Effect.succeed(false))
    )

    const backoff = (failures: number) =>
      Effect.flatMap(Random.nextRange(0.5, 1.5), (jitter) =>
        Effect.sleep(Duration.millis(Math.min(maxBackoff, 100 * 2 ** Math.min(failures - 1, 20)) * jitter))
      )

    const onFailure = (error: SqlError) =>
      Effect.suspend(() => {
        counters.failedAttempts++
        if (outage) return Effect.void
        outage = true
        return Effect.logWarning("usage records could not be written; retrying with backoff").pipe(
          Effect.annotateLogs("error", error.message)
        )
      })

    const recovered = Effect.suspend(() => {
      if (!outage) return Effect.void
      outage = false
      return Effect.logInfo("usage records are being written again")
    })

    /** A row the database refuses while it answers other queries is dropped, counted and logged. */
    const writeOneByOne = (batch: ReadonlyArray<UsageRecord>) =>
      Effect.forEach(
        batch,
        (record) =>
          Effect.gen(function* () {
            let failures = 0
            while (true) {
              const exit = yield* Effect.exit(insertBatch([record]))
              if (Exit.isSuccess(exit)) {
                counters.written++
                return
              }
              failures++
              if (yield* databaseUp) {
                counters.rejected++
                yield* countDropped("rejected", 1)
                yield* Effect.logWarning("the database rejected a usage record; it was dropped").pipe(
                  Effect.annotateLogs({ usageId: record.id, provider: record.provider })
                )
                return
              }
              yield* onFailure(squashSql(exit))
              yield* backoff(failures)
            }
          }),
        { discard: true }
      )

    const writeBatch = (batch: ReadonlyArray<UsageRecord>) =>
      Effect.gen(function* () {
        let failures = 0
        while (true) {
          const exit = yield* Effect.exit(insertBatch(batch))
          if (Exit.isSuccess(exit)) {
            counters.written += batch.length
            yield* recovered
            return
          }
          failures++
          yield* onFailure(squashSql(exit))
          // From the second failure on, ask whether the database is up: if it is, the rows are at fault.
          if (failures >= 2 && (yield* databaseUp)) {
            yield* writeOneByOne(batch)
            yield* recovered
            return
          }
          yield* backoff(failures)
        }
      })

    const reportBurst = Effect.suspend(() => {
      if (burst === 0) return Effect.void
      const n = burst
      burst = 0
      return Effect.logWarning(`usage queue was full: ${n} newest records were dropped`)
    })

    /**
     * The next batch: at least one row; when fewer than a full batch are waiting, lingers a little
     * for more, so at a low request rate a transaction carries several rows instead of one (a
     * SQLite commit costs more than the rows in it).
     */
    const nextBatch = Effect.gen(function* () {
      const first = yield* Queue.takeBetween(queue, 1, batchSize)
      if (lingerMs === 0 || first.length >= batchSize || closed) return Chunk.toReadonlyArray(first)
      if (!(yield* Deferred.isDone(wake))) {
        yield* Effect.raceFirst(Effect.sleep(Duration.millis(lingerMs)), Deferred.await(wake))
      }
      if (yield* Deferred.isDone(wake)) wake = yield* Deferred.make<void>()
      const more = yield* Queue.takeUpTo(queue, batchSize - first.length)
      return Chunk.toReadonlyArray(Chunk.appendAll(first, more))
    })

    const writer = Effect.forever(
      Effect.gen(function* () {
        const batch = yield* nextBatch
        yield* writeBatch(batch)
        counters.processed += batch.length
        const done = batchDone
        batchDone = yield* Deferred.make<void>()
        yield* Deferred.succeed(done, undefined)
        yield* reportBurst
      })
    )
    yield* Effect.forkScoped(Effect.interruptible(writer))

    const flushUntil = (target: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (counters.processed >= target) return Effect.void
        const signal = batchDone
        return Effect.zipRight(Deferred.await(signal), flushUntil(target))
      })
    const flush = Effect.suspend(() =>
      counters.processed >= counters.enqueued
        ? Effect.void
        : Effect.zipRight(Deferred.succeed(wake, undefined), flushUntil(counters.enqueued))
    ).pipe(Effect.withSpan("UsageStore.flush"))

    // Runs before the writer fiber is interrupted (finalizers run in reverse order).
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        closed = true
        yield* flush.pipe(Effect.timeoutOption(shutdownTimeout))
        yield* reportBurst
        const lost = counters.enqueued - counters.processed
        if (lost > 0) {
          counters.dropped += lost
          yield* countDropped("shutdown", lost)
          yield* Effect.logError(`${lost} usage records could not be written before shutdown`)
        }
      })
    )

    const drop = (reason: "queue_full" | "shutdown") =>
      Effect.suspend(() => {
        counters.dropped++
        burst++
        const first = burst === 1
        return countDropped(reason, 1).pipe(
          Effect.zipRight(
            first
              ? Effect.logWarning(
                  reason === "queue_full"
                    ? `usage queue is full (${capacity} records); dropping the newest records until it drains`
                    : "usage store is closed; dropping records appended after shutdown"
                )
              : Effect.void
          )
        )
      })

    const append = (record: UsageRecord): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (closed) return drop("shutdown")
        counters.enqueued++
        return Effect.flatMap(Queue.offer(queue, record), (accepted) =>
          accepted
            ? Effect.void
            : Effect.suspend(() => {
                counters.enqueued--
                return drop("queue_full")
              })
        )
      })

    /** Reads first let pending writes land, so a caller sees its own appends. */
    const settle = flush.pipe(Effect.timeoutOption(Duration.seconds(2)), Effect.asVoid)

    const aggregate = Effect.fn("UsageStore.aggregate")(
      (opts: { readonly since?: Date | undefined; readonly by: GroupBy }) => {
        const keys = sql.literal(groupColumns[opts.by])
        const since = opts.since?.getTime() ?? 0
        return settle.pipe(
          Effect.zipRight(sql`
            SELECT ${keys}, COUNT(*) AS requests,
              SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors,
              SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd,
              MIN(CASE WHEN rn >= 0.5 * cnt THEN latency_ms END) AS p50_latency_ms,
              MIN(CASE WHEN rn >= 0.95 * cnt THEN latency_ms END) AS p95_latency_ms
            FROM (
              SELECT provider, model, day, status, input_tokens, output_tokens, cost_usd, latency_ms,
                ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY latency_ms) AS rn,
                COUNT(*) OVER (PARTITION BY ${keys}) AS cnt
              FROM aiu_usage WHERE time_ms >= ${since}
            ) t
            GROUP BY ${keys} ORDER BY ${keys}`),
          Effect.flatMap(decodeAgg),
          Effect.map((rows) =>
            rows.map(
              (r): AggregateRow => ({
                ...(r.provider !== undefined ? { provider: r.provider } : {}),
                ...(r.model !== undefined ? { model: r.model } : {}),
                ...(r.day !== undefined ? { day: r.day } : {}),
                requests: r.requests,
                errors: r.errors ?? 0,
                inputTokens: r.inputTokens ?? 0,
                outputTokens: r.outputTokens ?? 0,
                costUsd: r.costUsd ?? 0,
                p50LatencyMs: r.p50LatencyMs ?? 0,
                p95LatencyMs: r.p95LatencyMs ?? 0
              })
            )
          ),
          mapSqlError("UsageStore.aggregate")
        )
      }
    )

    const recent = Effect.fn("UsageStore.recent")((limit: number) => {
      const n = Math.max(0, Math.min(100_000, Math.floor(Number.isFinite(limit) ? limit : 0)))
      return settle.pipe(
        Effect.zipRight(sql`SELECT * FROM aiu_usage ORDER BY time_ms DESC, id DESC LIMIT ${sql.literal(String(n))}`),
        Effect.flatMap(decodeRecords),
        Effect.map((rows) => rows.map(fromDb)),
        mapSqlError("UsageStore.recent")
      )
    })

    const totals = Effect.fn("UsageStore.totals")((q: TotalsQuery) => {
      const conditions = [sql`time_ms >= ${q.since.getTime()}`]
      if (q.provider !== undefined) conditions.push(sql`provider = ${q.provider}`)
      if (q.keyAlias !== undefined) conditions.push(sql`key_alias = ${q.keyAlias}`)
      if (q.tag !== undefined) {
        conditions.push(
          sql`id IN (SELECT usage_id FROM aiu_usage_tags WHERE tag_key = ${q.tag[0]} AND tag_value = ${q.tag[1]})`
        )
      }
      return settle.pipe(
        Effect.zipRight(sql`
          SELECT COUNT(*) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
            SUM(cost_usd) AS cost_usd
          FROM aiu_usage WHERE ${sql.and(conditions)}`),
        Effect.flatMap(decodeTotals),
        Effect.map(
          (rows): Totals => ({
            requests: rows[0]?.requests ?? 0,
            inputTokens: rows[0]?.inputTokens ?? 0,
            outputTokens: rows[0]?.outputTokens ?? 0,
            costUsd: rows[0]?.costUsd ?? 0
          })
        ),
        mapSqlError("UsageStore.totals")
      )
    })

    const stats: Effect.Effect<Stats> = Effect.sync(() => ({
      queued: counters.enqueued - counters.processed,
      written: counters.written,
      dropped: counters.dropped,
      rejected: counters.rejected,
      failedAttempts: counters.failedAttempts
    }))

    const service: Service = { append, flush, aggregate, recent, totals, stats }
    return service
  })

const squashSql = (exit: Exit.Exit<unknown, SqlError>): SqlError =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail"
    ? exit.cause.error
    : new SqlError({ message: "the usage insert failed unexpectedly", cause: undefined })
