/**
 * The repository cases, run once per backend (SQLite always; PostgreSQL and MariaDB when their
 * URLs are set). No `.test.ts` suffix: the per-backend test files call `suite`.
 */
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as ModelRepository from "@aiu/storage/ModelRepository"
import * as ProviderRepository from "@aiu/storage/ProviderRepository"
import type * as TestDatabase from "@aiu/storage/TestDatabase"
import * as UsageStore from "@aiu/storage/UsageStore"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import { assert, describe, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

let counter = 0
/** Ids unique within one database, so cases sharing a layer never see each other's rows. */
const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`

/** Strings that break naive SQL and naive encodings. */
export const nasty = [
  "o'brien; DROP TABLE aiu_providers; --",
  'quote"d\\back`tick',
  "100% _wild_ [card]",
  "ünïcødé 🔑 键",
  "line\nbreak\ttab"
]

const model = (provider: string, name: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({
  id: `${provider}:${name}`,
  provider,
  model: name,
  kinds: ["chat"],
  ...extra
})

const record = (over: Partial<UsageStore.UsageRecord> = {}): UsageStore.UsageRecord => ({
  id: globalThis.crypto.randomUUID(),
  time: new Date("2026-11-20T10:00:00Z"),
  operation: "chat",
  provider: "openai",
  model: "gpt-4o-mini",
  status: "ok",
  inputTokens: 10,
  outputTokens: 5,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  latencyMs: 100,
  attempts: 1,
  metadata: {},
  ...over
})

export const suite = (backend: TestDatabase.Backend) => {
  // New layer values per backend: @effect/vitest memoises the layers of every block in one map,
  // so sharing `ProviderRepository.layer` would hand the second backend the first one's service.
  const layer = Layer.mergeAll(
    Layer.effect(ProviderRepository.ProviderRepository, ProviderRepository.make),
    Layer.effect(ApiKeyRepository.ApiKeyRepository, ApiKeyRepository.make),
    Layer.effect(ModelRepository.ModelRepository, ModelRepository.make),
    Layer.scoped(UsageStore.UsageStore, UsageStore.make())
  ).pipe(Layer.provideMerge(backend.layer))

  if (!backend.enabled) {
    // Not even built: `it.layer` would try to connect although the block is skipped.
    describe.skip(`repositories on ${backend.name}`, () => it.skip("needs its database URL", () => {}))
    return
  }
  describe(`repositories on ${backend.name}`, () => {
    it.layer(layer, { timeout: 60_000 })((it) => {
      it.effect("ProviderRepository: upsert, get, list, remove; createdAt survives an update", () =>
        Effect.gen(function* () {
          const repo = yield* ProviderRepository.ProviderRepository
          const id = uid("groq")
          const created = yield* repo.upsert({
            id,
            type: "openai-compatible",
            baseUrl: "https://api.groq.com/openai/v1",
            rpm: 30,
            tpm: 6000,
            settings: { headers: { "x-team": "a" }, n: 1 }
          })
          assert.strictEqual(created.id, id)
          assert.strictEqual(created.rpm, 30)
          assert.deepStrictEqual(created.settings, { headers: { "x-team": "a" }, n: 1 })
          yield* TestClock.adjust("1 minute")
          const updated = yield* repo.upsert({ id, type: "openai-compatible" })
          assert.strictEqual(updated.createdAt.getTime(), created.createdAt.getTime())
          assert.strictEqual(updated.updatedAt.getTime() - created.updatedAt.getTime(), 60_000)
          assert.isUndefined(updated.baseUrl)
          assert.isUndefined(updated.rpm)
          assert.deepStrictEqual(updated.settings, {})
          const got = yield* repo.get(id)
          assert.isTrue(Option.isSome(got))
          assert.isTrue((yield* repo.list).some((p) => p.id === id))
          assert.isTrue(yield* repo.remove(id))
          assert.isFalse(yield* repo.remove(id))
          assert.isTrue(Option.isNone(yield* repo.get(id)))
        })
      )

      it.effect(
        "ProviderRepository: metacharacters and 255-character ids read back exactly; longer ones rejected",
        () =>
          Effect.gen(function* () {
            const repo = yield* ProviderRepository.ProviderRepository
            const long = `${uid("p")}-${"x".repeat(300)}`.slice(0, 255)
            for (const id of [...nasty.map((n) => `${uid("n")}${n}`), long]) {
              yield* repo.upsert({ id, type: "openai", settings: { note: id } })
              const got = yield* repo.get(id)
              assert.strictEqual(Option.getOrThrow(got).id, id)
              assert.deepStrictEqual(Option.getOrThrow(got).settings, { note: id })
            }
            const tooLong = yield* Effect.flip(repo.upsert({ id: "y".repeat(256), type: "openai" }))
            assert.strictEqual(tooLong._tag, "ConfigError")
            assert.match(tooLong.message, /provider id is 256 characters long; at most 255/)
            const empty = yield* Effect.flip(repo.upsert({ id: "", type: "openai" }))
            assert.match(empty.message, /must not be empty/)
            // Case matters (MySQL is made to compare bytes, like the others).
            const lower = uid("case")
            yield* repo.upsert({ id: lower, type: "openai" })
            assert.isTrue(Option.isNone(yield* repo.get(lower.toUpperCase())))
          })
      )

      it.effect("ApiKeyRepository: insert, findActive, latestVersion, revoke, reseal", () =>
        Effect.gen(function* () {
          const repo = yield* ApiKeyRepository.ApiKeyRepository
          const provider = uid("openai")
          const base = {
            providerId: provider,
            alias: "default",
            status: "active" as const,
            keyringId: "kr",
            ciphertext: "Y3Q=",
            nonce: "bm9uY2U=",
            fingerprint: "fp",
            createdAt: new Date(1000)
          }
          assert.strictEqual(yield* repo.latestVersion(provider, "default"), 0)
          yield* repo.insert({ ...base, id: uid("k"), version: 1 })
          const v2 = uid("k")
          yield* repo.insert({ ...base, id: v2, version: 2 })
          assert.strictEqual(yield* repo.latestVersion(provider, "default"), 2)
          const active = Option.getOrThrow(yield* repo.findActive(provider, "default"))
          assert.strictEqual(active.id, v2)
          assert.isUndefined(active.revokedAt)
          assert.isTrue(yield* repo.revoke(v2, new Date(2000), { rotated: true }))
          assert.isFalse(yield* repo.revoke(v2, new Date(3000)))
          const listed = (yield* repo.list).filter((r) => r.providerId === provider)
          assert.deepStrictEqual(
            listed.map((r) => [r.version, r.status]),
            [
              [1, "active"],
              [2, "revoked"]
            ]
          )
          assert.strictEqual(listed[1]!.revokedAt?.getTime(), 2000)
          assert.strictEqual(listed[1]!.rotatedAt?.getTime(), 2000)
          yield* repo.reseal(listed[0]!.id, { keyringId: "kr2", ciphertext: "bmV3", nonce: "bjI=", fingerprint: "fp2" })
          const resealed = Option.getOrThrow(yield* repo.findActive(provider, "default"))
          assert.deepStrictEqual(
            [resealed.keyringId, resealed.ciphertext, resealed.fingerprint],
            ["kr2", "bmV3", "fp2"]
          )
          // The same version twice violates the unique constraint: a typed StorageError.
          const dup = yield* Effect.flip(repo.insert({ ...base, id: uid("k"), version: 2 }))
          assert.strictEqual(dup._tag, "StorageError")
          // Leave no active fake key behind: a keyring sharing this database exports active keys.
          assert.isTrue(yield* repo.revoke(resealed.id, new Date(4000)))
        })
      )

      it.effect("ApiKeyRepository: a failed transaction leaves nothing behind; initMeta keeps the first value", () =>
        Effect.gen(function* () {
          const repo = yield* ApiKeyRepository.ApiKeyRepository
          const provider = uid("anthropic")
          const row = {
            id: uid("k"),
            providerId: provider,
            alias: "ci",
            version: 1,
            status: "active" as const,
            keyringId: "kr",
            ciphertext: "Y3Q=",
            nonce: "bm9uY2U=",
            fingerprint: "fp",
            createdAt: new Date(0)
          }
          const failed = yield* Effect.flip(
            repo.transaction(Effect.zipRight(repo.insert(row), Effect.fail("boom" as const)))
          )
          assert.strictEqual(failed, "boom")
          assert.isTrue(Option.isNone(yield* repo.findActive(provider, "ci")))
          const name = uid("meta")
          assert.strictEqual(yield* repo.initMeta(name, "first"), "first")
          assert.strictEqual(yield* repo.initMeta(name, "second"), "first")
          yield* repo.setMeta(name, "third")
          assert.strictEqual(Option.getOrThrow(yield* repo.getMeta(name)), "third")
          const alias = yield* Effect.flip(repo.insert({ ...row, id: uid("k"), alias: "a".repeat(256) }))
          assert.strictEqual(alias._tag, "ConfigError")
        })
      )

      it.effect("ModelRepository: saveMany replaces a provider's rows in order; empty lists keep fetchedAt", () =>
        Effect.gen(function* () {
          const repo = yield* ModelRepository.ModelRepository
          const p = uid("mistral")
          assert.isTrue(Option.isNone(yield* repo.listByProvider(p)))
          const first = [
            model(p, "b-model", { contextWindow: 128000, inputPricePerMTok: 0.25, tools: true }),
            model(p, "a-model", { kinds: ["embedding"] })
          ]
          yield* repo.saveMany(p, first, new Date("2026-11-01T00:00:00Z"))
          const got = Option.getOrThrow(yield* repo.listByProvider(p))
          assert.deepStrictEqual(got.models, first)
          assert.strictEqual(got.fetchedAt.toISOString(), "2026-11-01T00:00:00.000Z")
          const second = [model(p, "c-model")]
          yield* repo.saveMany(p, second, new Date("2026-11-02T00:00:00Z"))
          assert.deepStrictEqual(Option.getOrThrow(yield* repo.listByProvider(p)).models, second)
          assert.deepStrictEqual(
            (yield* repo.all()).filter((m) => m.provider === p),
            second
          )
          yield* repo.saveMany(p, [], new Date("2026-11-03T00:00:00Z"))
          const empty = Option.getOrThrow(yield* repo.listByProvider(p))
          assert.strictEqual(empty.models.length, 0)
          assert.strictEqual(empty.fetchedAt.toISOString(), "2026-11-03T00:00:00.000Z")
        })
      )

      it.effect("ModelRepository: metacharacters and long model ids; too long rejected and nothing replaced", () =>
        Effect.gen(function* () {
          const repo = yield* ModelRepository.ModelRepository
          const p = uid("ollama")
          const models = [...nasty, `llama3.2:3b-${"q".repeat(200)}`].map((n) => model(p, n))
          yield* repo.saveMany(p, models, new Date(0))
          assert.deepStrictEqual(Option.getOrThrow(yield* repo.listByProvider(p)).models, models)
          const bad = yield* Effect.flip(repo.saveMany(p, [model(p, "z".repeat(600))], new Date(1)))
          assert.strictEqual(bad._tag, "ConfigError")
          assert.deepStrictEqual(Option.getOrThrow(yield* repo.listByProvider(p)).models, models)
        })
      )

      it.effect(
        "UsageStore: append, recent, totals with filters, aggregates with p50/p95; duplicate ids stored once",
        () =>
          Effect.gen(function* () {
            const store = yield* UsageStore.UsageStore
            const p = uid("prov")
            const q = uid("other")
            const day1 = new Date("2026-11-20T10:00:00Z")
            const day2 = new Date("2026-11-21T23:59:59Z")
            const latencies = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
            const records = latencies.map((latencyMs, i) =>
              record({
                provider: p,
                model: i < 6 ? "m1" : "m2",
                latencyMs,
                time: i < 5 ? day1 : day2,
                status: i % 4 === 0 ? "error" : "ok",
                ...(i % 4 === 0 ? { errorTag: "RateLimited" } : {}),
                inputTokens: 100,
                outputTokens: 10 * i,
                costUsd: 0.5,
                keyAlias: i < 3 ? "team-a" : "default",
                metadata: i % 2 === 0 ? { team: "search", "o'k": "v;--" } : {}
              })
            )
            for (const r of records) yield* store.append(r)
            yield* store.append(records[0]!)
            yield* store.append(record({ provider: q, time: day2, latencyMs: 5, ttftMs: 2.5, requestId: "req_1" }))
            yield* store.flush

            const byProvider = (yield* store.aggregate({ by: "provider" })).filter((r) => r.provider === p)
            assert.deepStrictEqual(byProvider, [
              {
                provider: p,
                requests: 10,
                errors: 3,
                inputTokens: 1000,
                outputTokens: 450,
                costUsd: 5,
                p50LatencyMs: 50,
                p95LatencyMs: 100
              }
            ])
            const byModel = (yield* store.aggregate({ by: "model" })).filter((r) => r.provider === p)
            assert.deepStrictEqual(
              byModel.map((r) => [r.model, r.requests, r.p50LatencyMs, r.p95LatencyMs]),
              [
                ["m1", 6, 30, 60],
                ["m2", 4, 80, 100]
              ]
            )
            const since = yield* store.aggregate({ by: "day", since: new Date("2026-11-21T00:00:00Z") })
            const day = since.find((r) => r.day === "2026-11-21")
            assert.isDefined(day)
            assert.isUndefined(since.find((r) => r.day === "2026-11-20"))

            const all = yield* store.totals({ since: new Date(0), provider: p })
            assert.deepStrictEqual(all, { requests: 10, inputTokens: 1000, outputTokens: 450, costUsd: 5 })
            const alias = yield* store.totals({ since: new Date(0), provider: p, keyAlias: "team-a" })
            assert.strictEqual(alias.requests, 3)
            const tagged = yield* store.totals({ since: new Date(0), provider: p, tag: ["team", "search"] })
            assert.strictEqual(tagged.requests, 5)
            const meta = yield* store.totals({ since: new Date(0), tag: ["o'k", "v;--"] })
            assert.isAtLeast(meta.requests, 5)
            const later = yield* store.totals({ since: new Date("2026-11-21T00:00:00Z"), provider: p })
            assert.strictEqual(later.requests, 5)

            const recent = yield* store.recent(1000)
            const mine = recent.filter((r) => r.provider === p)
            assert.strictEqual(mine.length, 10)
            const first = mine.find((r) => r.id === records[0]!.id)
            assert.deepStrictEqual(first, records[0])
            const other = recent.find((r) => r.provider === q)
            assert.strictEqual(other?.ttftMs, 2.5)
            assert.strictEqual(other?.requestId, "req_1")
            assert.isUndefined(other?.costUsd)
          })
      )

      it.effect("UsageStore: metacharacters in every text field read back exactly", () =>
        Effect.gen(function* () {
          const store = yield* UsageStore.UsageStore
          const p = uid("meta")
          const rs = nasty.map((n) =>
            record({ provider: `${p}${n}`, model: n, keyAlias: n, requestId: n, metadata: { [n]: n } })
          )
          for (const r of rs) yield* store.append(r)
          yield* store.flush
          const back = (yield* store.recent(10_000)).filter((r) => r.provider.startsWith(p))
          for (const r of rs) {
            assert.deepStrictEqual(
              back.find((b) => b.id === r.id),
              r
            )
          }
          const t = yield* store.totals({ since: new Date(0), provider: `${p}${nasty[0]}`, keyAlias: nasty[0] })
          assert.strictEqual(t.requests, 1)
        })
      )

      it.effect("migrations are recorded once", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM aiu_migrations`
          assert.strictEqual(Number(rows[0]!.n), 1)
        })
      )
    })
  })
}
