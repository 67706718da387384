/**
 * One migration set per dialect. Times are epoch milliseconds in BIGINT columns so every dialect
 * sorts and compares them the same way; JSON lives in text columns. MySQL tables use
 * `utf8mb4_bin` so ids compare exactly (case and accents matter), like SQLite and PostgreSQL.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"

type Migration = Effect.Effect<void, SqlError, SqlClient.SqlClient>

const statements = (list: ReadonlyArray<string>): Migration =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.forEach(list, (s) => sql.unsafe(s), { discard: true }))

const sqlite: Record<string, Migration> = {
  "0001_init": statements([
    `CREATE TABLE aiu_providers (
      id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL, base_url TEXT, rpm INTEGER, tpm INTEGER,
      settings TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
    `CREATE TABLE aiu_api_keys (
      id TEXT PRIMARY KEY NOT NULL, provider_id TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
      status TEXT NOT NULL, keyring_id TEXT NOT NULL, ciphertext TEXT NOT NULL, nonce TEXT NOT NULL,
      fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL, rotated_at INTEGER, revoked_at INTEGER,
      UNIQUE (provider_id, alias, version))`,
    "CREATE INDEX aiu_api_keys_lookup ON aiu_api_keys (provider_id, alias, status)",
    `CREATE TABLE aiu_keyring_meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
    `CREATE TABLE aiu_models (
      provider_id TEXT NOT NULL, model_id TEXT NOT NULL, position INTEGER NOT NULL, info TEXT NOT NULL,
      PRIMARY KEY (provider_id, model_id))`,
    `CREATE TABLE aiu_model_fetches (provider_id TEXT PRIMARY KEY NOT NULL, fetched_at INTEGER NOT NULL)`,
    `CREATE TABLE aiu_usage (
      id TEXT PRIMARY KEY NOT NULL, time_ms INTEGER NOT NULL, day TEXT NOT NULL, operation TEXT NOT NULL,
      provider TEXT NOT NULL, model TEXT NOT NULL, key_alias TEXT, status TEXT NOT NULL, error_tag TEXT,
      input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL,
      reasoning_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL, ttft_ms REAL, cost_usd REAL, request_id TEXT,
      attempts INTEGER NOT NULL, metadata TEXT NOT NULL)`,
    "CREATE INDEX aiu_usage_time ON aiu_usage (time_ms)",
    "CREATE INDEX aiu_usage_provider_time ON aiu_usage (provider, time_ms)",
    "CREATE INDEX aiu_usage_alias_time ON aiu_usage (key_alias, time_ms)",
    `CREATE TABLE aiu_usage_tags (
      usage_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (usage_id, tag_key))`,
    "CREATE INDEX aiu_usage_tags_kv ON aiu_usage_tags (tag_key, tag_value)"
  ])
}

const pg: Record<string, Migration> = {
  "0001_init": statements([
    `CREATE TABLE aiu_providers (
      id TEXT PRIMARY KEY, type TEXT NOT NULL, base_url TEXT, rpm BIGINT, tpm BIGINT,
      settings TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE TABLE aiu_api_keys (
      id TEXT PRIMARY KEY, provider_id TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
      status TEXT NOT NULL, keyring_id TEXT NOT NULL, ciphertext TEXT NOT NULL, nonce TEXT NOT NULL,
      fingerprint TEXT NOT NULL, created_at BIGINT NOT NULL, rotated_at BIGINT, revoked_at BIGINT,
      UNIQUE (provider_id, alias, version))`,
    "CREATE INDEX aiu_api_keys_lookup ON aiu_api_keys (provider_id, alias, status)",
    `CREATE TABLE aiu_keyring_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE TABLE aiu_models (
      provider_id TEXT NOT NULL, model_id TEXT NOT NULL, position INTEGER NOT NULL, info TEXT NOT NULL,
      PRIMARY KEY (provider_id, model_id))`,
    `CREATE TABLE aiu_model_fetches (provider_id TEXT PRIMARY KEY, fetched_at BIGINT NOT NULL)`,
    `CREATE TABLE aiu_usage (
      id TEXT PRIMARY KEY, time_ms BIGINT NOT NULL, day TEXT NOT NULL, operation TEXT NOT NULL,
      provider TEXT NOT NULL, model TEXT NOT NULL, key_alias TEXT, status TEXT NOT NULL, error_tag TEXT,
      input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cached_input_tokens BIGINT NOT NULL,
      reasoning_tokens BIGINT NOT NULL, latency_ms DOUBLE PRECISION NOT NULL, ttft_ms DOUBLE PRECISION,
      cost_usd DOUBLE PRECISION, request_id TEXT, attempts INTEGER NOT NULL, metadata TEXT NOT NULL)`,
    "CREATE INDEX aiu_usage_time ON aiu_usage (time_ms)",
    "CREATE INDEX aiu_usage_provider_time ON aiu_usage (provider, time_ms)",
    "CREATE INDEX aiu_usage_alias_time ON aiu_usage (key_alias, time_ms)",
    `CREATE TABLE aiu_usage_tags (
      usage_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (usage_id, tag_key))`,
    "CREATE INDEX aiu_usage_tags_kv ON aiu_usage_tags (tag_key, tag_value)"
  ])
}

const mysqlTable = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

const mysql: Record<string, Migration> = {
  "0001_init": statements([
    `CREATE TABLE aiu_providers (
      id VARCHAR(255) NOT NULL PRIMARY KEY, type VARCHAR(64) NOT NULL, base_url TEXT, rpm BIGINT, tpm BIGINT,
      settings LONGTEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL) ${mysqlTable}`,
    `CREATE TABLE aiu_api_keys (
      id VARCHAR(64) NOT NULL PRIMARY KEY, provider_id VARCHAR(255) NOT NULL, alias VARCHAR(255) NOT NULL,
      version INTEGER NOT NULL, status VARCHAR(16) NOT NULL, keyring_id VARCHAR(64) NOT NULL, ciphertext TEXT NOT NULL,
      nonce VARCHAR(64) NOT NULL, fingerprint VARCHAR(128) NOT NULL, created_at BIGINT NOT NULL, rotated_at BIGINT,
      revoked_at BIGINT, UNIQUE KEY aiu_api_keys_version (provider_id, alias, version),
      KEY aiu_api_keys_lookup (provider_id, alias, status)) ${mysqlTable}`,
    `CREATE TABLE aiu_keyring_meta (name VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL,
      updated_at BIGINT NOT NULL) ${mysqlTable}`,
    `CREATE TABLE aiu_models (
      provider_id VARCHAR(255) NOT NULL, model_id VARCHAR(500) NOT NULL, position INTEGER NOT NULL, info LONGTEXT NOT NULL,
      PRIMARY KEY (provider_id, model_id)) ${mysqlTable}`,
    `CREATE TABLE aiu_model_fetches (provider_id VARCHAR(255) NOT NULL PRIMARY KEY, fetched_at BIGINT NOT NULL) ${mysqlTable}`,
    `CREATE TABLE aiu_usage (
      id VARCHAR(64) NOT NULL PRIMARY KEY, time_ms BIGINT NOT NULL, day CHAR(10) NOT NULL, operation VARCHAR(16) NOT NULL,
      provider VARCHAR(255) NOT NULL, model VARCHAR(500) NOT NULL, key_alias VARCHAR(255), status VARCHAR(8) NOT NULL,
      error_tag VARCHAR(64), input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
      cached_input_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, latency_ms DOUBLE NOT NULL,
      ttft_ms DOUBLE, cost_usd DOUBLE, request_id VARCHAR(255), attempts INTEGER NOT NULL, metadata LONGTEXT NOT NULL,
      KEY aiu_usage_time (time_ms), KEY aiu_usage_provider_time (provider, time_ms),
      KEY aiu_usage_alias_time (key_alias, time_ms)) ${mysqlTable}`,
    `CREATE TABLE aiu_usage_tags (
      usage_id VARCHAR(64) NOT NULL, tag_key VARCHAR(255) NOT NULL, tag_value VARCHAR(500) NOT NULL,
      PRIMARY KEY (usage_id, tag_key), KEY aiu_usage_tags_kv (tag_key, tag_value)) ${mysqlTable}`
  ])
}

/** The migration record for the connected dialect. @internal */
export const forDialect = (sql: SqlClient.SqlClient): Record<string, Migration> =>
  sql.onDialectOrElse({ pg: () => pg, mysql: () => mysql, orElse: () => sqlite })
