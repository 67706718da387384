import * as AiuError from "@aiu/core/AiuError"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ApiKeyRow, Service } from "../ApiKeyRepository.js"
import { MillisDate, Num, NullableMillisDate, definedOnly } from "./columns.js"
import { limits, mapSqlError, validateText } from "./errors.js"
import { affected } from "./providerRepository.js"

// Not imported from ../ApiKeyRepository.js: that module imports this one (a cycle at load time).
const KeyStatus = Schema.Literal("active", "revoked")

const Row = Schema.Struct({
  id: Schema.String,
  providerId: Schema.String,
  alias: Schema.String,
  version: Num,
  status: KeyStatus,
  keyringId: Schema.String,
  ciphertext: Schema.String,
  nonce: Schema.String,
  fingerprint: Schema.String,
  createdAt: MillisDate,
  rotatedAt: NullableMillisDate,
  revokedAt: NullableMillisDate
})
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))
const toRow = (r: typeof Row.Type): ApiKeyRow => definedOnly(r) as ApiKeyRow

const columns =
  "id, provider_id, alias, version, status, keyring_id, ciphertext, nonce, fingerprint, created_at, rotated_at, revoked_at"

const validate = (row: ApiKeyRow) =>
  Effect.zipRight(validateText(row.providerId, limits.providerId), validateText(row.alias, limits.alias))

/** @internal */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    query.pipe(
      Effect.flatMap(decodeRows),
      Effect.map((rs) => rs.map(toRow))
    )

  const insert = Effect.fn("ApiKeyRepository.insert")(function* (row: ApiKeyRow) {
    yield* validate(row)
    yield* sql`INSERT INTO aiu_api_keys ${sql.insert({
      id: row.id,
      provider_id: row.providerId,
      alias: row.alias,
      version: row.version,
      status: row.status,
      keyring_id: row.keyringId,
      ciphertext: row.ciphertext,
      nonce: row.nonce,
      fingerprint: row.fingerprint,
      created_at: row.createdAt.getTime(),
      rotated_at: row.rotatedAt?.getTime() ?? null,
      revoked_at: row.revokedAt?.getTime() ?? null
    })}`.pipe(mapSqlError("ApiKeyRepository.insert"))
  })

  const findActive = Effect.fn("ApiKeyRepository.findActive")((providerId: string, alias: string) =>
    rows(
      sql`SELECT ${sql.literal(columns)} FROM aiu_api_keys
          WHERE provider_id = ${providerId} AND alias = ${alias} AND status = 'active'
          ORDER BY version DESC`
    ).pipe(
      Effect.map((rs) => Option.fromNullable(rs[0])),
      mapSqlError("ApiKeyRepository.findActive")
    )
  )

  const list = rows(sql`SELECT ${sql.literal(columns)} FROM aiu_api_keys ORDER BY provider_id, alias, version`).pipe(
    mapSqlError("ApiKeyRepository.list"),
    Effect.withSpan("ApiKeyRepository.list")
  )

  const latestVersion = Effect.fn("ApiKeyRepository.latestVersion")((providerId: string, alias: string) =>
    sql`SELECT MAX(version) AS v FROM aiu_api_keys WHERE provider_id = ${providerId} AND alias = ${alias}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ v: Schema.NullOr(Num) })))),
      Effect.map((rs) => rs[0]?.v ?? 0),
      mapSqlError("ApiKeyRepository.latestVersion")
    )
  )

  const revoke = Effect.fn("ApiKeyRepository.revoke")(
    (id: string, at: Date, options?: { readonly rotated?: boolean }) =>
      (options?.rotated === true
        ? sql`UPDATE aiu_api_keys SET status = 'revoked', revoked_at = ${at.getTime()}, rotated_at = ${at.getTime()}
              WHERE id = ${id} AND status = 'active'`.raw
        : sql`UPDATE aiu_api_keys SET status = 'revoked', revoked_at = ${at.getTime()}
              WHERE id = ${id} AND status = 'active'`.raw
      ).pipe(
        Effect.map((r) => affected(r) > 0),
        mapSqlError("ApiKeyRepository.revoke")
      )
  )

  const reseal = Effect.fn("ApiKeyRepository.reseal")(
    (
      id: string,
      sealed: {
        readonly keyringId: string
        readonly ciphertext: string
        readonly nonce: string
        readonly fingerprint: string
      }
    ) =>
      sql`UPDATE aiu_api_keys SET keyring_id = ${sealed.keyringId}, ciphertext = ${sealed.ciphertext},
          nonce = ${sealed.nonce}, fingerprint = ${sealed.fingerprint} WHERE id = ${id}`.pipe(
        Effect.asVoid,
        mapSqlError("ApiKeyRepository.reseal")
      )
  )

  const getMeta = Effect.fn("ApiKeyRepository.getMeta")((name: string) =>
    sql`SELECT value FROM aiu_keyring_meta WHERE name = ${name}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ value: Schema.String })))),
      Effect.map((rs) => Option.fromNullable(rs[0]?.value)),
      mapSqlError("ApiKeyRepository.getMeta")
    )
  )

  const setMeta = Effect.fn("ApiKeyRepository.setMeta")(function* (name: string, value: string) {
    const now = yield* Clock.currentTimeMillis
    yield* sql
      .withTransaction(
        sql`UPDATE aiu_keyring_meta SET value = ${value}, updated_at = ${now} WHERE name = ${name}`.raw.pipe(
          Effect.flatMap((r) =>
            affected(r) > 0
              ? Effect.void
              : sql`INSERT INTO aiu_keyring_meta ${sql.insert({ name, value, updated_at: now })}`.pipe(Effect.asVoid)
          )
        )
      )
      .pipe(mapSqlError("ApiKeyRepository.setMeta"))
  })

  const initMeta = Effect.fn("ApiKeyRepository.initMeta")(function* (name: string, value: string) {
    const now = yield* Clock.currentTimeMillis
    // Racing processes: the loser's insert hits the primary key; both then read the winner's value.
    yield* sql
      .onDialectOrElse({
        pg: () =>
          sql`INSERT INTO aiu_keyring_meta ${sql.insert({ name, value, updated_at: now })} ON CONFLICT DO NOTHING`,
        mysql: () => sql`INSERT IGNORE INTO aiu_keyring_meta ${sql.insert({ name, value, updated_at: now })}`,
        orElse: () => sql`INSERT OR IGNORE INTO aiu_keyring_meta ${sql.insert({ name, value, updated_at: now })}`
      })
      .pipe(mapSqlError("ApiKeyRepository.initMeta"))
    const stored = yield* getMeta(name)
    return Option.getOrElse(stored, () => value)
  })

  const service: Service = {
    insert,
    findActive,
    list,
    latestVersion,
    revoke,
    reseal,
    getMeta,
    setMeta,
    initMeta,
    transaction: (effect) =>
      sql.withTransaction(effect).pipe(
        Effect.catchIf(
          (e): e is SqlError => e instanceof SqlError,
          (e) =>
            Effect.fail(new AiuError.StorageError({ message: `transaction: ${e.message}`, operation: "transaction" }))
        )
      )
  }
  return service
})

/** @internal */
export const makeMemory = (): Service => {
  let keys = new Map<string, ApiKeyRow>()
  let meta = new Map<string, string>()
  const rowsFor = (providerId: string, alias: string) =>
    [...keys.values()].filter((r) => r.providerId === providerId && r.alias === alias)
  const duplicate = (row: ApiKeyRow) =>
    keys.has(row.id) || rowsFor(row.providerId, row.alias).some((r) => r.version === row.version)
  return {
    insert: (row) =>
      validate(row).pipe(
        Effect.zipRight(
          Effect.suspend(() =>
            duplicate(row)
              ? Effect.fail(
                  new AiuError.StorageError({ message: "duplicate key version", operation: "ApiKeyRepository.insert" })
                )
              : Effect.sync(() => void keys.set(row.id, row))
          )
        )
      ),
    findActive: (providerId, alias) =>
      Effect.sync(() =>
        Option.fromNullable(
          rowsFor(providerId, alias)
            .filter((r) => r.status === "active")
            .sort((a, b) => b.version - a.version)[0]
        )
      ),
    list: Effect.sync(() =>
      [...keys.values()].sort(
        (a, b) => cmp(a.providerId, b.providerId) || cmp(a.alias, b.alias) || a.version - b.version
      )
    ),
    latestVersion: (providerId, alias) =>
      Effect.sync(() => rowsFor(providerId, alias).reduce((m, r) => Math.max(m, r.version), 0)),
    revoke: (id, at, options) =>
      Effect.sync(() => {
        const row = keys.get(id)
        if (row === undefined || row.status !== "active") return false
        keys.set(id, {
          ...row,
          status: "revoked",
          revokedAt: at,
          ...(options?.rotated === true ? { rotatedAt: at } : {})
        })
        return true
      }),
    reseal: (id, sealed) =>
      Effect.sync(() => {
        const row = keys.get(id)
        if (row !== undefined) keys.set(id, { ...row, ...sealed })
      }),
    getMeta: (name) => Effect.sync(() => Option.fromNullable(meta.get(name))),
    setMeta: (name, value) => Effect.sync(() => void meta.set(name, value)),
    initMeta: (name, value) =>
      Effect.sync(() => {
        if (!meta.has(name)) meta.set(name, value)
        return meta.get(name)!
      }),
    // Snapshot and restore: enough for a single-process store whose writes are synchronous.
    transaction: (effect) =>
      Effect.suspend(() => {
        const savedKeys = new Map(keys)
        const savedMeta = new Map(meta)
        return Effect.onExit(effect, (exit) =>
          exit._tag === "Failure"
            ? Effect.sync(() => {
                keys = savedKeys
                meta = savedMeta
              })
            : Effect.void
        )
      })
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
