/**
 * The one `SqlClient` of aiu, chosen from configuration, with migrations already applied.
 *
 * - `layerSqlite` — the embedded default: a file under `AIU_HOME` in WAL mode with a busy timeout
 *   and `BEGIN IMMEDIATE` writers, so many processes can share it.
 * - `layerPg` — PostgreSQL via `@effect/sql-pg`.
 * - `layerMysql` — MySQL / MariaDB via `@effect/sql-mysql2`.
 * - `layerConfig` (alias `layerFromEnv`) — reads `AIU_DATABASE_URL` (`postgres://…`, `mysql://…`,
 *   `file:PATH` or a plain path), else SQLite at `$AIU_HOME/aiu.db`.
 *
 * Every client maps snake_case result columns to camelCase and camelCase query identifiers to
 * snake_case.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Str from "effect/String"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { toStorageError } from "./internal/errors.js"
import * as Sqlite from "./internal/sqlite.js"
import * as Url from "./internal/url.js"
import * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface SqliteOptions {
  readonly filename: string
  /**
   * How long a statement waits for another process's lock (default 10 s). better-sqlite3 waits
   * synchronously, so this also bounds how long a contended write can hold up the event loop.
   */
  readonly busyTimeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PoolOptions {
  readonly maxConnections?: number | undefined
  readonly minConnections?: number | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PgOptions extends PoolOptions {
  readonly url: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MysqlOptions extends PoolOptions {
  /** `mysql://user:pass@host:port/db`; or give the parts below instead. */
  readonly url?: Redacted.Redacted<string> | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly database?: string | undefined
  readonly username?: string | undefined
  readonly password?: Redacted.Redacted<string> | undefined
}

const withMigrations = (
  client: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError>
): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  Layer.effectDiscard(Migrations.run).pipe(Layer.provideMerge(client))

/**
 * SQLite file (created if missing, with its folder). `:memory:` works for tests.
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (options: SqliteOptions): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  withMigrations(
    Layer.scoped(
      SqlClient.SqlClient,
      Effect.gen(function* () {
        if (options.filename !== ":memory:") {
          yield* Effect.try({
            try: () => Fs.mkdirSync(Path.dirname(Path.resolve(options.filename)), { recursive: true, mode: 0o700 }),
            catch: (cause) => toStorageError("Database.layerSqlite")({ message: "cannot create the folder", cause })
          })
        }
        return yield* Sqlite.make(options).pipe(Effect.mapError(toStorageError("Database.layerSqlite")))
      })
    ).pipe(Layer.provide(Reactivity.layer))
  )

/**
 * PostgreSQL. Pool size and timeouts from the options (or the URL, via `layerConfig`).
 * @since 0.1.0
 * @category layers
 */
export const layerPg = (options: PgOptions): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> =>
  withMigrations(
    // Loaded on demand: a SQLite user never pays for the pg driver at start-up.
    Layer.unwrapEffect(
      Effect.map(
        Effect.promise(() => import("@effect/sql-pg/PgClient")),
        (PgClient) =>
          PgClient.layer({
            url: options.url,
            maxConnections: options.maxConnections,
            minConnections: options.minConnections,
            connectTimeout: options.connectTimeout,
            idleTimeout: options.idleTimeout,
            applicationName: "aiu",
            transformQueryNames: Str.camelToSnake,
            transformResultNames: Str.snakeToCamel
          }) as Layer.Layer<SqlClient.SqlClient, unknown>
      )
    ).pipe(Layer.mapError((e) => toStorageError("Database.layerPg")(asFailure(e))))
  )

/**
 * MySQL / MariaDB.
 * @since 0.1.0
 * @category layers
 */
export const layerMysql = (options: MysqlOptions): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> => {
  const fromUrl = options.url === undefined ? undefined : Either.getOrUndefined(Url.parse(Redacted.value(options.url)))
  const parts = fromUrl?._tag === "mysql" ? fromUrl : undefined
  const connectTimeout = options.connectTimeout ?? parts?.connectTimeout
  return withMigrations(
    Layer.unwrapEffect(
      Effect.map(
        Effect.promise(() => import("@effect/sql-mysql2/MysqlClient")),
        (MysqlClient) =>
          MysqlClient.layer({
            host: options.host ?? parts?.host,
            port: options.port ?? parts?.port,
            database: options.database ?? parts?.database,
            username: options.username ?? parts?.username,
            password: options.password ?? parts?.password,
            maxConnections: options.maxConnections ?? parts?.maxConnections,
            poolConfig: connectTimeout !== undefined ? { connectTimeout: Duration.toMillis(connectTimeout) } : {},
            transformQueryNames: Str.camelToSnake,
            transformResultNames: Str.snakeToCamel
          }) as Layer.Layer<SqlClient.SqlClient, unknown>
      )
    ).pipe(Layer.mapError((e) => toStorageError("Database.layerMysql")(asFailure(e))))
  )
}

/** The drivers fail with SqlError or ConfigError, both with a message. */
const asFailure = (e: unknown): { readonly message: string; readonly cause?: unknown } =>
  typeof e === "object" && e !== null && "message" in e
    ? { message: String((e as { message: unknown }).message), cause: (e as { cause?: unknown }).cause }
    : { message: "failed to connect" }

const configError = (key: string) => (error: { readonly message: string }) =>
  new AiuError.ConfigError({ message: `${key}: ${error.message}`, key })

/**
 * The aiu home folder: `AIU_HOME`, else `~/.aiu`; created (mode 0700) if missing.
 * @since 0.1.0
 * @category config
 */
export const aiuHome: Effect.Effect<string, AiuError.ConfigError> = Effect.gen(function* () {
  const configured = yield* Config.option(Config.string("AIU_HOME")).pipe(Effect.mapError(configError("AIU_HOME")))
  const raw = Option.getOrElse(
    Option.filter(configured, (s) => s.trim() !== ""),
    () => Path.join(Os.homedir(), ".aiu")
  )
  const home = Path.resolve(raw.startsWith("~/") ? Path.join(Os.homedir(), raw.slice(2)) : raw)
  yield* Effect.try({
    try: () => Fs.mkdirSync(home, { recursive: true, mode: 0o700 }),
    catch: (cause) =>
      new AiuError.ConfigError({
        message: `AIU_HOME: cannot create ${home}: ${cause instanceof Error ? cause.message : "unknown error"}`,
        key: "AIU_HOME"
      })
  })
  return home
})

/**
 * The backend `AIU_DATABASE_URL` selects (SQLite at `$AIU_HOME/aiu.db` when unset).
 * @since 0.1.0
 * @category config
 */
export const target: Effect.Effect<Url.Target, AiuError.ConfigError> = Effect.gen(function* () {
  const url = yield* Config.option(Config.redacted("AIU_DATABASE_URL")).pipe(
    Effect.mapError(configError("AIU_DATABASE_URL"))
  )
  if (Option.isSome(url) && Redacted.value(url.value).trim() !== "") {
    return yield* Url.parse(Redacted.value(url.value))
  }
  const home = yield* aiuHome
  return { _tag: "sqlite", filename: Path.join(home, "aiu.db") } as const
})

/**
 * A layer for an explicit target (as `target` returns it).
 * @since 0.1.0
 * @category layers
 */
export const layerTarget = (t: Url.Target): Layer.Layer<SqlClient.SqlClient, AiuError.StorageError> => {
  switch (t._tag) {
    case "sqlite":
      return layerSqlite(t)
    case "pg":
      return layerPg(t)
    case "mysql":
      return layerMysql(t)
  }
}

/**
 * Reads `AIU_DATABASE_URL` / `AIU_HOME` and builds the matching layer.
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError | AiuError.ConfigError> =
  Layer.unwrapEffect(Effect.map(target, layerTarget))

/**
 * Same as `layerConfig`.
 * @since 0.1.0
 * @category layers
 */
export const layerFromEnv: Layer.Layer<SqlClient.SqlClient, AiuError.StorageError | AiuError.ConfigError> = layerConfig

/**
 * @since 0.1.0
 * @category models
 */
export type Target = Url.Target

/**
 * Parses a database URL the way `layerConfig` does.
 * @since 0.1.0
 * @category config
 */
export const parseUrl: (url: string) => Either.Either<Target, AiuError.ConfigError> = Url.parse
