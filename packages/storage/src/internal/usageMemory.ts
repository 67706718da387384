import * as Effect from "effect/Effect"
import type { Service, UsageRecord } from "../UsageStore.js"
import { aggregate, totals } from "./usageAggregate.js"

/** @internal */
export const make = (): Service => {
  const records = new Map<string, UsageRecord>()
  return {
    // Same id twice keeps the first, as the SQL store's ignoring insert does.
    append: (record) =>
      Effect.sync(() => {
        if (!records.has(record.id)) records.set(record.id, record)
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
    stats: Effect.sync(() => ({ queued: 0, written: records.size, dropped: 0, rejected: 0, failedAttempts: 0 }))
  }
}
