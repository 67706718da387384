import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as RedisRegistry from "@aiu/model-registry/ModelRegistry/Redis"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as Persistence from "@effect/experimental/Persistence"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { Redis } from "ioredis"
import * as FakeSource from "../utils/FakeSource.js"
import * as MemoryRepository from "../utils/MemoryRepository.js"

const redisUrl = process.env.AIU_TEST_REDIS_URL

/** Two "processes": each its own memory tier and its own (empty) database, sharing only the store. */
const lookupTwice = <E>(
  makeLayer: (repo: MemoryRepository.MemoryRepository) => Layer.Layer<ModelRegistry.ModelRegistry, E>
) =>
  Effect.gen(function* () {
    const repoA = MemoryRepository.makeMemoryRepository()
    const repoB = MemoryRepository.makeMemoryRepository()
    const first = yield* Effect.flatMap(ModelRegistry.ModelRegistry, (r) => r.findOne("openai:gpt-4o")).pipe(
      Effect.provide(makeLayer(repoA))
    )
    const second = yield* Effect.flatMap(ModelRegistry.ModelRegistry, (r) => r.findOne("openai:gpt-4o")).pipe(
      Effect.provide(makeLayer(repoB))
    )
    return { first, second, repoA, repoB }
  })

describe("ModelRegistry shared tier", () => {
  it.scoped("a second process is served from the shared store: no provider call, no database read", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("GET", FakeSource.path("openai"), FakeSource.listing(["gpt-4o"]))
      const backing = yield* Layer.build(Persistence.layerMemory)
      const layerFor = (repo: MemoryRepository.MemoryRepository) =>
        ModelRegistry.layerPersistence().pipe(
          Layer.provide(Layer.mergeAll(FakeSource.layer(server, ["openai"]), MemoryRepository.layer(repo))),
          Layer.provide(Layer.succeedContext(backing))
        )
      const { first, second, repoA, repoB } = yield* lookupTwice(layerFor)
      assert.deepStrictEqual(second, first)
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
      assert.strictEqual(repoA.calls.saves, 1)
      assert.strictEqual(repoB.calls.reads, 0)
    })
  )

  it("parseUrl: redis and rediss URLs to ioredis options; bad URLs are a ConfigError", () => {
    const ok = RedisRegistry.parseUrl("rediss://user:p%40ss@cache.example:6380/2")
    assert.isTrue(Either.isRight(ok))
    if (Either.isRight(ok)) {
      assert.deepInclude(ok.right, { host: "cache.example", port: 6380, username: "user", password: "p@ss", db: 2 })
      assert.isDefined(ok.right.tls)
    }
    const plain = RedisRegistry.parseUrl("redis://127.0.0.1")
    assert.isTrue(Either.isRight(plain) && plain.right.port === 6379)
    const bad = RedisRegistry.parseUrl("http://x")
    assert.isTrue(Either.isLeft(bad) && bad.left._tag === "ConfigError")
    assert.isTrue(Either.isLeft(RedisRegistry.parseUrl("not a url")))
  })

  it.scoped("layerConfig without AIU_REDIS_URL: the plain registry", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("GET", FakeSource.path("openai"), FakeSource.listing(["gpt-4o"]))
      const repo = MemoryRepository.makeMemoryRepository()
      const found = yield* Effect.flatMap(ModelRegistry.ModelRegistry, (r) => r.findOne("openai:gpt-4o")).pipe(
        Effect.provide(
          RedisRegistry.layerConfig().pipe(
            Layer.provide(Layer.mergeAll(FakeSource.layer(server, ["openai"]), MemoryRepository.layer(repo))),
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
          )
        )
      )
      assert.strictEqual(found.contextWindow, 128000)
      assert.strictEqual(repo.calls.saves, 1)
    })
  )

  it.scoped.skipIf(redisUrl === undefined)("real Redis: processes share listings through AIU_REDIS_URL", () =>
    Effect.gen(function* () {
      const url = redisUrl ?? ""
      const storeId = `aiu-test-${Date.now()}-${Math.floor(Math.random() * 1e6)}`
      const server = yield* FakeProviderServer.make()
      server.route("GET", FakeSource.path("openai"), FakeSource.listing(["gpt-4o", "o3"]))
      const layerFor = (repo: MemoryRepository.MemoryRepository) =>
        RedisRegistry.layerConfig({ storeId }).pipe(
          Layer.provide(Layer.mergeAll(FakeSource.layer(server, ["openai"]), MemoryRepository.layer(repo))),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["AIU_REDIS_URL", url]]))))
        )
      const { first, second, repoB } = yield* lookupTwice(layerFor)
      assert.deepStrictEqual(second, first)
      assert.strictEqual(FakeSource.calls(server, "openai"), 1)
      assert.strictEqual(repoB.calls.reads, 0)

      const redis = yield* Effect.acquireRelease(
        Effect.sync(() => new Redis(url)),
        (r) => Effect.promise(() => r.quit())
      )
      const key = `${storeId}:openai`
      const raw = yield* Effect.promise(() => redis.get(key))
      assert.isNotNull(raw)
      assert.deepStrictEqual(
        (JSON.parse(raw ?? "{}") as { models: Array<{ model: string }> }).models.map((m) => m.model),
        ["gpt-4o", "o3"]
      )
      const ttl = yield* Effect.promise(() => redis.pttl(key))
      assert.isTrue(ttl > 0 && ttl <= 30 * 60 * 1000)

      // invalidate removes the shared entry, so the fleet refetches
      yield* Effect.flatMap(ModelRegistry.ModelRegistry, (r) => r.invalidate("openai")).pipe(
        Effect.provide(layerFor(MemoryRepository.makeMemoryRepository()))
      )
      assert.isNull(yield* Effect.promise(() => redis.get(key)))
    })
  )
})
