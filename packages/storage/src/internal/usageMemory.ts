import * as Effect from "effect/Effect"
import type { Service, UsageRecord } from "../UsageStore.js"
import { aggregate, totals } from "./usageAggregate.js"

/**
 * Keeps the newest `capacity` records (a `Map` iterates in insertion order, so the first key is
 * the oldest): a long-running process on the memory store does not grow without bound.
 * @internal
 */
export const make = (capacity: number = 100_000): Service => {
  const maxRecords = Math.max(1, Math.floor(capacity))
  const records = new Map<string, UsageRecord>()
  let written = 0
  return {
    // Same id twice keeps the first, as the SQL store's ignoring insert does.
    append: (record) =>
      Effect.sync(() => {
        if (records.has(record.id)) return
        records.set(record.id, record)
        written++
        if (records.size > maxRecords) records.delete(records.keys().next().value!)
      }),
    flush: Effect.void,
    aggregate: (options) => Effect.sync(() => aggregate([...records.values()], options)),
    recent: (limit) =>
      Effect.sync(() =>
        [...records.values()]
          .sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .slice(0, Math.max(0, Math.floor(limit)))
      ),
    totals: (query) => Effect.sync(() => totals([...records.values()], query)),
    stats: Effect.sync(() => ({ queued: 0, written, dropped: 0, rejected: 0, failedAttempts: 0 }))
  }
}
