import * as AiuError from "@aiu/core/AiuError"
import { ModelInfo } from "@aiu/core/ModelInfo"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Service } from "../ModelRepository.js"
import { JsonText, MillisDate } from "./columns.js"
import { limits, mapSqlError, validateText } from "./errors.js"

const InfoJson = Schema.compose(JsonText, ModelInfo)
const encodeInfo = Schema.encode(InfoJson)
const decodeInfos = Schema.decodeUnknown(Schema.Array(Schema.Struct({ info: InfoJson })))
const decodeFetch = Schema.decodeUnknown(Schema.Array(Schema.Struct({ fetchedAt: MillisDate })))

/** Rows per INSERT: well under SQLite's 32k bound-parameter limit. */
const chunkSize = 200

/** @internal */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const saveMany = Effect.fn("ModelRepository.saveMany")(function* (
    providerId: string,
    models: ReadonlyArray<ModelInfo>,
    fetchedAt: Date
  ) {
    yield* validateText(providerId, limits.providerId)
    for (const m of models) yield* validateText(m.id, limits.modelId)
    // Duplicate ids in one listing keep the first occurrence.
    const seen = new Set<string>()
    const rows: Array<{ provider_id: string; model_id: string; position: number; info: string }> = []
    for (const m of models) {
      if (seen.has(m.id)) continue
      seen.add(m.id)
      rows.push({
        provider_id: providerId,
        model_id: m.id,
        position: rows.length,
        info: yield* encodeInfo(m).pipe(
          Effect.mapError(
            () => new AiuError.ConfigError({ message: `model ${m.id} is not a valid ModelInfo`, key: "model" })
          )
        )
      })
    }
    const at = fetchedAt.getTime()
    yield* sql
      .withTransaction(
        Effect.gen(function* () {
          yield* sql`DELETE FROM aiu_models WHERE provider_id = ${providerId}`
          for (let i = 0; i < rows.length; i += chunkSize) {
            yield* sql`INSERT INTO aiu_models ${sql.insert(rows.slice(i, i + chunkSize))}`
          }
          yield* sql`DELETE FROM aiu_model_fetches WHERE provider_id = ${providerId}`
          yield* sql`INSERT INTO aiu_model_fetches ${sql.insert({ provider_id: providerId, fetched_at: at })}`
        })
      )
      .pipe(mapSqlError("ModelRepository.saveMany"))
  })

  const listByProvider = Effect.fn("ModelRepository.listByProvider")((providerId: string) =>
    Effect.gen(function* () {
      const fetched = yield* sql`SELECT fetched_at FROM aiu_model_fetches WHERE provider_id = ${providerId}`.pipe(
        Effect.flatMap(decodeFetch)
      )
      const first = fetched[0]
      if (first === undefined) return Option.none()
      const rows = yield* sql`SELECT info FROM aiu_models WHERE provider_id = ${providerId} ORDER BY position`.pipe(
        Effect.flatMap(decodeInfos)
      )
      return Option.some({ models: rows.map((r) => r.info), fetchedAt: first.fetchedAt })
    }).pipe(mapSqlError("ModelRepository.listByProvider"))
  )

  const all = Effect.fn("ModelRepository.all")(() =>
    sql`SELECT info FROM aiu_models ORDER BY provider_id, position`.pipe(
      Effect.flatMap(decodeInfos),
      Effect.map((rows) => rows.map((r) => r.info)),
      mapSqlError("ModelRepository.all")
    )
  )

  const removeProvider = Effect.fn("ModelRepository.removeProvider")((providerId: string) =>
    sql
      .withTransaction(
        Effect.zipRight(
          sql`DELETE FROM aiu_models WHERE provider_id = ${providerId}`,
          sql`DELETE FROM aiu_model_fetches WHERE provider_id = ${providerId}`
        )
      )
      .pipe(Effect.asVoid, mapSqlError("ModelRepository.removeProvider"))
  )

  const service: Service = { saveMany, listByProvider, all, removeProvider }
  return service
})
