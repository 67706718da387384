/**
 * Column decoders that accept what each driver returns: pg and mysql2 hand back BIGINT, COUNT and
 * SUM as strings, SQLite as numbers; absent values come back as NULL.
 */
import * as Schema from "effect/Schema"

/** A number, or a numeric string (pg int8/numeric, mysql DECIMAL). @internal */
export const Num = Schema.Union(Schema.Number, Schema.NumberFromString)

/** Nullable number; NULL stays null. @internal */
export const NullableNum = Schema.NullOr(Num)

/** Epoch milliseconds stored as BIGINT. @internal */
export const MillisDate = Schema.transform(Num, Schema.DateFromSelf, {
  strict: true,
  decode: (ms) => new Date(ms),
  encode: (d) => d.getTime()
})

/** @internal */
export const NullableMillisDate = Schema.NullOr(MillisDate)

/** JSON stored in a text column. @internal */
export const JsonText = Schema.parseJson()

/** `null` from the database becomes an absent optional field (exactOptionalPropertyTypes). @internal */
export const definedOnly = <T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], null> } => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined) out[k] = v
  return out as { [K in keyof T]: Exclude<T[K], null> }
}
