import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as Database from "@aiu/storage/Database"
import * as ModelRepository from "@aiu/storage/ModelRepository"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as FakeSource from "../utils/FakeSource.js"

describe("ModelRegistry over the SQLite ModelRepository", () => {
  it.scoped(
    "a fetch is stored; a new registry over the same database needs no provider call; stale rows are the fallback",
    () =>
      Effect.gen(function* () {
        const server = yield* FakeProviderServer.make()
        server.route("GET", FakeSource.path("openai"), FakeSource.listing(["gpt-4o", "o3", "acme-custom"]))
        const database = yield* Layer.build(
          ModelRepository.layer.pipe(Layer.provideMerge(Database.layerSqlite({ filename: ":memory:" })))
        )
        const source = FakeSource.layer(server, ["openai"])
        const registryLayer = ModelRegistry.layer().pipe(
          Layer.provide(source),
          Layer.provide(Layer.succeedContext(database))
        )
        const use = <A, E>(f: (r: ModelRegistry.Service) => Effect.Effect<A, E>) =>
          Effect.flatMap(ModelRegistry.ModelRegistry, f).pipe(Effect.provide(registryLayer))

        const refreshed = yield* use((r) => r.refresh("openai"))
        assert.deepStrictEqual(refreshed.added, ["openai:acme-custom", "openai:gpt-4o", "openai:o3"])

        const stored = yield* Effect.flatMap(ModelRepository.ModelRepository, (repo) =>
          repo.listByProvider("openai")
        ).pipe(Effect.provide(database))
        assert.deepStrictEqual(
          Option.map(stored, (s) => s.models.map((m) => m.model)),
          Option.some(["gpt-4o", "o3", "acme-custom"])
        )

        const again = yield* use((r) => r.findOne("openai:o3"))
        assert.strictEqual(again.reasoning, true)
        assert.strictEqual(FakeSource.calls(server, "openai"), 1)

        server.route("GET", FakeSource.path("openai"), FakeSource.failing(502, "bad gateway"))
        yield* TestClock.adjust("2 hours")
        const stale = yield* use((r) => r.find({ provider: "openai" }))
        assert.deepStrictEqual(
          stale.map((m) => m.model),
          ["acme-custom", "gpt-4o", "o3"]
        )
        assert.strictEqual(FakeSource.calls(server, "openai"), 2)
      })
  )
})
