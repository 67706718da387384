import type * as AiuError from "@aiu/core/AiuError"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as ModelSource from "@aiu/model-registry/ModelSource"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import { assert, describe, it } from "@effect/vitest"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as FakeSource from "./utils/FakeSource.js"
import * as Logs from "./utils/Logs.js"
import * as MemoryRepository from "./utils/MemoryRepository.js"
import * as Registry from "./utils/Registry.js"

const openai = (server: FakeProviderServer.FakeServer, ids: ReadonlyArray<string>, delayMs = 0) =>
  server.route("GET", FakeSource.path("openai"), { ...FakeSource.listing(ids), delayMs })

describe("ModelRegistry", () => {
  it.scoped("single flight: 100 concurrent misses make exactly one provider call", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "gpt-4o-mini"], 50)
      const registry = yield* Registry.make(server, ["openai"])
      const found = yield* Effect.forEach(
        Arr.range(1, 100),
        (i) => registry.findOne(i % 2 ? "openai:gpt-4o" : "openai:gpt-4o-mini"),
        {
          concurrency: "unbounded"
        }
      )
      assert.strictEqual(found.length, 100)
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
      assert.strictEqual(found[0]?.contextWindow, 128000)
      const fetches = (yield* Metric.snapshot).filter(
        (pair) =>
          pair.metricKey.name === "aiu_model_registry_provider_fetches" &&
          pair.metricKey.tags.some((t) => t.key === "outcome" && t.value === "success")
      )
      assert.isAbove(fetches.length, 0)
      // warm: no more calls
      yield* Effect.forEach(Arr.range(1, 10), () => registry.find({ kind: "chat" }), { concurrency: "unbounded" })
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
    })
  )

  it.scoped("catalog merge: metadata for listed models, inferred kinds for unknown ones, unlisted unavailable", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "ft:gpt-4o:acme:custom", "acme-embed-large"])
      const registry = yield* Registry.make(server, ["openai"])
      const gpt = yield* registry.findOne("openai:gpt-4o")
      assert.deepStrictEqual(
        [
          gpt.available,
          gpt.inputPricePerMTok,
          gpt.outputPricePerMTok,
          gpt.cachedInputPricePerMTok,
          gpt.tools,
          gpt.ownedBy
        ],
        [true, 2.5, 10, 1.25, true, "fake"]
      )
      const custom = yield* registry.findOne("openai:ft:gpt-4o:acme:custom")
      assert.deepStrictEqual(custom.kinds, ["chat"])
      assert.isUndefined(custom.contextWindow)
      assert.isUndefined(custom.inputPricePerMTok)
      assert.deepStrictEqual((yield* registry.findOne("openai:acme-embed-large")).kinds, ["embedding"])
      const old = yield* registry.findOne("openai:gpt-3.5-turbo")
      assert.strictEqual(old.available, false)
      const listed = yield* registry.find({ provider: "openai" })
      assert.deepStrictEqual(
        listed.map((m) => m.model),
        ["acme-embed-large", "ft:gpt-4o:acme:custom", "gpt-4o"]
      )
      const everything = yield* registry.find({ provider: "openai", includeUnavailable: true })
      assert.isAbove(everything.length, 100)
    })
  )

  it.scoped("stale while revalidate: an expired entry is served at once and refreshed once in the background", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      const registry = yield* Registry.make(server, ["openai"])
      yield* registry.findOne("openai:gpt-4o")
      openai(server, ["gpt-4o", "gpt-4.1"], 30)

      yield* TestClock.adjust("29 minutes")
      yield* registry.findOne("openai:gpt-4o")
      yield* registry.awaitIdle
      assert.strictEqual(FakeSource.calls(server, "openai"), 1, "still fresh")

      yield* TestClock.adjust("2 minutes")
      const stale = yield* Effect.forEach(Arr.range(1, 20), () => registry.find({ provider: "openai" }), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(
        stale[0]?.map((m) => m.model),
        ["gpt-4o"],
        "served the old listing at once"
      )
      yield* registry.awaitIdle
      assert.strictEqual(FakeSource.calls(server, "openai"), 2, "one background refresh")
      const fresh = yield* registry.findOne("openai:gpt-4.1")
      assert.strictEqual(fresh.contextWindow, 1047576)
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)
    })
  )

  it.scoped("a failed background refresh keeps the last good data, logs a warning and backs off", () => {
    const logs = Logs.collect()
    return Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      const registry = yield* Registry.make(server, ["openai"])
      yield* registry.findOne("openai:gpt-4o")
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(503))

      yield* TestClock.adjust("31 minutes")
      assert.strictEqual((yield* registry.findOne("openai:gpt-4o")).model, "gpt-4o")
      yield* registry.awaitIdle
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)
      const warning = logs.lines.find(
        (l) => l.level === "WARN" && l.message.includes("background refresh of 'openai' failed")
      )
      assert.isDefined(warning)

      // within the back-off: served, no new call
      assert.strictEqual((yield* registry.findOne("openai:gpt-4o")).model, "gpt-4o")
      yield* registry.awaitIdle
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)

      // after it: one more attempt, which succeeds
      openai(server, ["gpt-4o", "o3"])
      yield* TestClock.adjust("2 minutes")
      yield* registry.findOne("openai:gpt-4o")
      yield* registry.awaitIdle
      assert.strictEqual(FakeSource.calls(server, "openai"), 3)
      assert.strictEqual((yield* registry.findOne("openai:o3")).available, true)
    }).pipe(Effect.provide(logs.layer))
  })

  it.scoped("no data at all: the provider's typed error says which provider failed and why", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(503, "overloaded, try later"))
      const registry = yield* Registry.make(server, ["openai"])
      const error = yield* Effect.flip(registry.findOne("openai:gpt-4o"))
      assert.strictEqual(error._tag, "ProviderOverloaded")
      const failure = error as AiuError.ProviderOverloaded
      assert.strictEqual(failure.provider, "openai")
      assert.include(failure.message, "could not list the models of provider 'openai'")
      assert.include(failure.message, "overloaded, try later")
      assert.strictEqual(failure.status, 503)
      // failures are not cached (zero TTL: expired as soon as the clock moves on)
      openai(server, ["gpt-4o"])
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* registry.findOne("openai:gpt-4o")).model, "gpt-4o")
    })
  )

  it.scoped("database fallback: stale stored models are served when the provider is down", () => {
    const logs = Logs.collect()
    return Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(500))
      const repo = MemoryRepository.makeMemoryRepository()
      repo.rows.set("openai", {
        models: [{ id: "openai:gpt-4o", provider: "openai", model: "gpt-4o", kinds: ["chat"] }],
        fetchedAt: new Date(0)
      })
      yield* TestClock.adjust("3 hours")
      const registry = yield* Registry.make(server, ["openai"], { repository: repo })
      const gpt = yield* registry.findOne("openai:gpt-4o")
      assert.strictEqual(gpt.contextWindow, 128000)
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
      assert.isTrue(
        logs.lines.some(
          (l) => l.level === "WARN" && l.message.includes("serving the models fetched at 1970-01-01T00:00:00.000Z")
        )
      )
    }).pipe(Effect.provide(logs.layer))
  })

  it.scoped("tiers: a provider fetch fills the database; a fresh stored listing needs no provider call", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "o3"])
      const repo = MemoryRepository.makeMemoryRepository()
      const first = yield* Registry.make(server, ["openai"], { repository: repo })
      yield* first.findOne("openai:o3")
      assert.strictEqual(repo.calls.saves, 1)
      assert.deepStrictEqual(
        repo.rows.get("openai")?.models.map((m) => m.model),
        ["gpt-4o", "o3"]
      )
      // another process (new memory tier) over the same database
      const second = yield* Registry.make(server, ["openai"], { repository: repo })
      assert.strictEqual((yield* second.findOne("openai:gpt-4o")).inputPricePerMTok, 2.5)
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
      // once the stored listing is older than the TTL, a new process goes to the provider
      yield* TestClock.adjust("31 minutes")
      const third = yield* Registry.make(server, ["openai"], { repository: repo })
      yield* third.findOne("openai:gpt-4o")
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)
    })
  )

  it.scoped("pagination: every page of the listing is merged", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const ids = ["gpt-4o", "gpt-4o-mini", "o3", "o4-mini", "gpt-4.1", "gpt-4.1-mini", "text-embedding-3-small"]
      server.route("GET", FakeSource.path("openai"), FakeSource.paginated(ids, 3))
      const registry = yield* Registry.make(server, ["openai"])
      const models = yield* registry.find({ provider: "openai" })
      assert.deepStrictEqual(
        models.map((m) => m.model),
        [...ids].sort()
      )
      assert.strictEqual(FakeSource.calls(server, "openai"), 3)
      assert.deepStrictEqual(
        server.requests.map((r) => r.url),
        ["/openai/v1/models", "/openai/v1/models?after=o3", "/openai/v1/models?after=gpt-4.1-mini"]
      )
    })
  )

  it.scoped("refresh: fetches now, updates every tier and reports added, removed, changed, unchanged", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "gpt-4o-mini", "o3"])
      const repo = MemoryRepository.makeMemoryRepository()
      const registry = yield* Registry.make(server, ["openai"], { repository: repo })
      const first = yield* registry.refresh("openai")
      assert.isTrue(first.firstFetch)
      assert.deepStrictEqual(first.added, ["openai:gpt-4o", "openai:gpt-4o-mini", "openai:o3"])

      openai(server, ["gpt-4o-mini", "o3", "o4-mini"])
      const second = yield* registry.refresh("openai")
      assert.deepStrictEqual(
        {
          added: second.added,
          removed: second.removed,
          changed: second.changed,
          unchanged: second.unchanged,
          first: second.firstFetch
        },
        { added: ["openai:o4-mini"], removed: ["openai:gpt-4o"], changed: [], unchanged: 2, first: false }
      )
      assert.strictEqual((yield* registry.findOne("openai:gpt-4o")).available, false)
      assert.strictEqual(repo.calls.saves, 2)
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)

      // a failed save: the refresh fails with StorageError, memory still has the new listing
      repo.failing = true
      openai(server, ["gpt-4o-mini", "o3", "o4-mini", "gpt-4.1"])
      const error = yield* Effect.flip(registry.refresh("openai"))
      assert.strictEqual(error._tag, "StorageError")
      assert.strictEqual((yield* registry.findOne("openai:gpt-4.1")).available, true)

      // a failed provider: typed error
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(401, "bad key"))
      const auth = yield* Effect.flip(registry.refresh("openai"))
      assert.strictEqual(auth._tag, "AuthenticationError")
      const unknown = yield* Effect.flip(registry.refresh("nope"))
      assert.strictEqual(unknown._tag, "ModelNotFound")
      assert.include(unknown.message, "unknown provider 'nope'")
    })
  )

  it.scoped("invalidate: the next lookup calls the provider even when the database is fresh", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      const repo = MemoryRepository.makeMemoryRepository()
      const registry = yield* Registry.make(server, ["openai"], { repository: repo })
      yield* registry.findOne("openai:gpt-4o")
      openai(server, ["gpt-4o", "o3"])
      yield* registry.invalidate("openai")
      assert.strictEqual((yield* registry.findOne("openai:o3")).model, "o3")
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)
      yield* registry.findOne("openai:o3")
      assert.strictEqual(FakeSource.calls(server, "openai"), 2)
    })
  )

  it.scoped("typed lookup failures: bad id, unknown provider, unknown model with suggestions", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "gpt-4o-mini"])
      const registry = yield* Registry.make(server, ["openai"])
      assert.strictEqual((yield* Effect.flip(registry.findOne("gpt-4o")))._tag, "InvalidModelId")
      const unknownProvider = yield* Effect.flip(registry.findOne("nope:gpt-4o"))
      assert.strictEqual(unknownProvider._tag, "ModelNotFound")
      assert.include(unknownProvider.message, "unknown provider 'nope' (configured: openai)")
      const unknownModel = yield* Effect.flip(registry.findOne("openai:gpt-4o-maxi"))
      assert.strictEqual(unknownModel._tag, "ModelNotFound")
      assert.include(unknownModel.message, "did you mean 'openai:gpt-4o'")
      assert.strictEqual(FakeSource.calls(server, "nope"), 0)
      // case-insensitive fallback
      assert.strictEqual((yield* registry.findOne("openai:GPT-4o")).model, "gpt-4o")
    })
  )

  it.scoped("all / find across providers skip a failing provider; find on that provider fails", () => {
    const logs = Logs.collect()
    return Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      server.route("GET", FakeSource.path("anthropic"), FakeSource.failing(500))
      const registry = yield* Registry.make(server, ["openai", "anthropic"])
      const all = yield* registry.all
      assert.deepStrictEqual(
        all.filter((m) => m.available).map((m) => m.id),
        ["openai:gpt-4o"]
      )
      assert.isTrue(logs.lines.some((l) => l.message.includes("skipping provider 'anthropic'")))
      const failed = yield* Effect.either(registry.find({ provider: "anthropic" }))
      assert.isTrue(Either.isLeft(failed))
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(500))
      yield* registry.invalidate("openai")
      assert.strictEqual((yield* Effect.flip(registry.all))._tag, "ProviderError")
    }).pipe(Effect.provide(logs.layer))
  })

  it.scoped("find: filters and predictable order over merged listings", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o", "gpt-4o-mini", "o3", "text-embedding-3-small", "gpt-4.1"])
      server.route("GET", FakeSource.path("anthropic"), FakeSource.listing(["claude-sonnet-4-5", "claude-haiku-4-5"]))
      const registry = yield* Registry.make(server, ["openai", "anthropic"])
      const ids = (q: Parameters<typeof registry.find>[0]) => Effect.map(registry.find(q), (ms) => ms.map((m) => m.id))
      assert.deepStrictEqual(yield* ids({ kind: "embedding" }), ["openai:text-embedding-3-small"])
      assert.deepStrictEqual(yield* ids({ minContextWindow: 1_000_000 }), ["openai:gpt-4.1"])
      assert.deepStrictEqual(yield* ids({ reasoning: true, provider: "anthropic" }), [
        "anthropic:claude-haiku-4-5",
        "anthropic:claude-sonnet-4-5"
      ])
      assert.deepStrictEqual(yield* ids({ maxInputPrice: 0.2, kind: "chat" }), ["openai:gpt-4o-mini"])
      assert.deepStrictEqual(yield* ids({ name: "gpt-4o*" }), ["openai:gpt-4o", "openai:gpt-4o-mini"])
      assert.deepStrictEqual((yield* ids({ imageInput: true, tools: true, sortBy: "inputPrice" })).slice(0, 2), [
        "openai:gpt-4o-mini",
        "anthropic:claude-haiku-4-5"
      ])
    })
  )

  it.scoped("capacity: the memory tier is LRU-bounded in provider listings", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      server.route("GET", FakeSource.path("anthropic"), FakeSource.listing(["claude-sonnet-4-5"]))
      const registry = yield* Registry.make(server, ["openai", "anthropic"], {}, { capacity: 1 })
      yield* registry.findOne("openai:gpt-4o")
      yield* registry.findOne("openai:gpt-4o")
      yield* registry.findOne("anthropic:claude-sonnet-4-5")
      yield* TestClock.adjust("1 millis")
      yield* registry.findOne("openai:gpt-4o")
      assert.strictEqual(FakeSource.calls(server, "openai"), 2, "evicted by the anthropic listing")
      assert.strictEqual(FakeSource.calls(server, "anthropic"), 1)
    })
  )

  it.scoped("maxStale: data older than timeToLive + maxStale is not served", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      openai(server, ["gpt-4o"])
      const repo = MemoryRepository.makeMemoryRepository()
      const registry = yield* Registry.make(
        server,
        ["openai"],
        { repository: repo },
        {
          timeToLive: "10 minutes",
          maxStale: "1 hour"
        }
      )
      yield* registry.findOne("openai:gpt-4o")
      server.route("GET", FakeSource.path("openai"), FakeSource.failing(503))
      yield* TestClock.adjust("30 minutes")
      assert.strictEqual((yield* registry.findOne("openai:gpt-4o")).model, "gpt-4o", "stale but within maxStale")
      yield* registry.awaitIdle
      yield* TestClock.adjust("1 hour")
      const error = yield* Effect.flip(registry.findOne("openai:gpt-4o"))
      assert.strictEqual(error._tag, "ProviderOverloaded")
    })
  )

  it.scoped("layerMemory: the public layer over a ModelSource", () =>
    Effect.gen(function* () {
      const registry = yield* ModelRegistry.ModelRegistry
      assert.strictEqual((yield* registry.findOne("local:llama3.2:3b")).model, "llama3.2:3b")
      assert.strictEqual(Option.isSome(registry.catalog.price("openai:gpt-4o")), true)
    }).pipe(
      Effect.provide(
        ModelRegistry.layerMemory().pipe(
          Layer.provide(
            ModelSource.layerRecord({
              local: [{ id: "local:llama3.2:3b", provider: "local", model: "llama3.2:3b", kinds: ["chat"] }]
            })
          )
        )
      )
    )
  )
})
