/**
 * Aggregation in JavaScript, for the in-memory store; the SQL store computes the same figures in
 * the database (same nearest-rank percentiles).
 */
import type { AggregateRow, GroupBy, Totals, TotalsQuery, UsageRecord } from "../UsageStore.js"

/** `YYYY-MM-DD` in UTC. @internal */
export const dayOf = (time: Date): string => time.toISOString().slice(0, 10)

/** Nearest-rank percentile of ascending values: the first value whose rank reaches p·n. @internal */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return 0
  const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9))
  return sorted[Math.min(rank, sorted.length) - 1]!
}

const keyOf = (r: UsageRecord, by: GroupBy) =>
  by === "provider"
    ? { provider: r.provider }
    : by === "model"
      ? { provider: r.provider, model: r.model }
      : { day: dayOf(r.time) }

/** @internal */
export const aggregate = (
  records: ReadonlyArray<UsageRecord>,
  options: { readonly since?: Date | undefined; readonly by: GroupBy }
): ReadonlyArray<AggregateRow> => {
  const groups = new Map<string, { key: ReturnType<typeof keyOf>; rows: Array<UsageRecord> }>()
  for (const r of records) {
    if (options.since !== undefined && r.time.getTime() < options.since.getTime()) continue
    const key = keyOf(r, options.by)
    const id = JSON.stringify(key)
    const group = groups.get(id) ?? { key, rows: [] }
    group.rows.push(r)
    groups.set(id, group)
  }
  const out = [...groups.values()].map(({ key, rows }) => {
    const latencies = rows.map((r) => r.latencyMs).sort((a, b) => a - b)
    return {
      ...key,
      requests: rows.length,
      errors: rows.filter((r) => r.status === "error").length,
      inputTokens: sum(rows.map((r) => r.inputTokens)),
      outputTokens: sum(rows.map((r) => r.outputTokens)),
      costUsd: sum(rows.map((r) => r.costUsd ?? 0)),
      p50LatencyMs: percentile(latencies, 0.5),
      p95LatencyMs: percentile(latencies, 0.95)
    }
  })
  return out.sort((a, b) => compareKeys(a, b))
}

/** Same order as the SQL store's `ORDER BY` on the key columns. @internal */
export const compareKeys = (a: AggregateRow, b: AggregateRow): number =>
  cmp(a.provider, b.provider) || cmp(a.model, b.model) || cmp(a.day, b.day)

const cmp = (a: string | undefined, b: string | undefined) =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1

const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** @internal */
export const totals = (records: ReadonlyArray<UsageRecord>, q: TotalsQuery): Totals => {
  const rows = records.filter(
    (r) =>
      r.time.getTime() >= q.since.getTime() &&
      (q.provider === undefined || r.provider === q.provider) &&
      (q.keyAlias === undefined || r.keyAlias === q.keyAlias) &&
      (q.tag === undefined || r.metadata[q.tag[0]] === q.tag[1])
  )
  return {
    requests: rows.length,
    inputTokens: sum(rows.map((r) => r.inputTokens)),
    outputTokens: sum(rows.map((r) => r.outputTokens)),
    costUsd: sum(rows.map((r) => r.costUsd ?? 0))
  }
}
