import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ProviderInput, ProviderRow, Service } from "../ProviderRepository.js"
import { JsonText, MillisDate, NullableNum, definedOnly } from "./columns.js"
import { limits, mapSqlError, validateText } from "./errors.js"

const Row = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  baseUrl: Schema.NullOr(Schema.String),
  rpm: NullableNum,
  tpm: NullableNum,
  settings: Schema.compose(JsonText, Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  createdAt: MillisDate,
  updatedAt: MillisDate
})

const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

const toRow = (r: typeof Row.Type): ProviderRow => definedOnly({ ...r, settings: r.settings }) as unknown as ProviderRow

const columns = "id, type, base_url, rpm, tpm, settings, created_at, updated_at"

/** @internal */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const select = (id: Option.Option<string>) =>
    Option.match(id, {
      onNone: () => sql`SELECT ${sql.literal(columns)} FROM aiu_providers ORDER BY id`,
      onSome: (id) => sql`SELECT ${sql.literal(columns)} FROM aiu_providers WHERE id = ${id}`
    }).pipe(
      Effect.flatMap(decodeRows),
      Effect.map((rows) => rows.map(toRow))
    )

  const get = Effect.fn("ProviderRepository.get")((id: string) =>
    select(Option.some(id)).pipe(
      Effect.map((rows) => Option.fromNullable(rows[0])),
      mapSqlError("ProviderRepository.get")
    )
  )

  const upsert = Effect.fn("ProviderRepository.upsert")(function* (input: ProviderInput) {
    yield* validateText(input.id, limits.providerId)
    yield* validateText(input.type, limits.providerType)
    if (input.baseUrl !== undefined) yield* validateText(input.baseUrl, limits.baseUrl)
    const now = yield* Clock.currentTimeMillis
    const values = {
      id: input.id,
      type: input.type,
      base_url: input.baseUrl ?? null,
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      settings: JSON.stringify(input.settings ?? {}),
      updated_at: now
    }
    return yield* sql
      .withTransaction(
        Effect.gen(function* () {
          const updated = yield* sql`UPDATE aiu_providers SET ${sql.update(values, ["id"])} WHERE id = ${input.id}`.raw
          if (affected(updated) === 0) {
            yield* sql`INSERT INTO aiu_providers ${sql.insert({ ...values, created_at: now })}`
          }
          const rows = yield* select(Option.some(input.id))
          return rows[0]!
        })
      )
      .pipe(mapSqlError("ProviderRepository.upsert"))
  })

  const remove = Effect.fn("ProviderRepository.remove")((id: string) =>
    sql`DELETE FROM aiu_providers WHERE id = ${id}`.raw.pipe(
      Effect.map((r) => affected(r) > 0),
      mapSqlError("ProviderRepository.remove")
    )
  )

  const service: Service = {
    upsert,
    get,
    list: select(Option.none()).pipe(
      mapSqlError("ProviderRepository.list"),
      Effect.withSpan("ProviderRepository.list")
    ),
    remove
  }
  return service
})

/**
 * Rows changed by a write, from each driver's raw result: better-sqlite3 `changes`, pg `rowCount`,
 * mysql2 `affectedRows`.
 * @internal
 */
export const affected = (raw: unknown): number => {
  if (raw !== null && typeof raw === "object") {
    const r = raw as { changes?: unknown; rowCount?: unknown; affectedRows?: unknown }
    for (const v of [r.changes, r.rowCount, r.affectedRows]) if (typeof v === "number") return v
  }
  return 0
}
