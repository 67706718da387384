import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as TestDatabase from "@aiu/storage/TestDatabase"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { suite } from "./KeyringSuite.js"

for (const backend of TestDatabase.backends()) {
  suite({
    name: backend.name,
    enabled: backend.enabled,
    // New layer values per block: @effect/vitest memoises the layers of every block in one map.
    storage: Layer.effect(ApiKeyRepository.ApiKeyRepository, ApiKeyRepository.make).pipe(
      Layer.provideMerge(backend.layer)
    ),
    tamper: (id, columns) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`UPDATE aiu_api_keys SET ${sql.update(columns)} WHERE id = ${id}`.pipe(Effect.asVoid)
      )
  })
}

suite({
  name: "memory",
  enabled: true,
  storage: Layer.sync(ApiKeyRepository.ApiKeyRepository, ApiKeyRepository.makeMemory)
})
