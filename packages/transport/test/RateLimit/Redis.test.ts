import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as RateLimit from "@aiu/transport/RateLimit"
import * as RateLimitRedis from "@aiu/transport/RateLimit/Redis"
import { assert, describe, it } from "@effect/vitest"
import * as ExperimentalRateLimiter from "@effect/experimental/RateLimiter"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

const url = process.env.AIU_TEST_REDIS_URL
const worker = fileURLToPath(new URL("./worker.ts", import.meta.url))
const root = fileURLToPath(new URL("../../../..", import.meta.url))

const runWorker = (env: Record<string, string>) =>
  new Promise<{ allowed: number; refused: number }>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", worker],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`worker failed: ${stderr || error.message}`))
        resolve(JSON.parse(stdout.trim()) as { allowed: number; refused: number })
      }
    )
  })

describe("RateLimit/Redis", () => {
  it("reads redis:// URLs", () => {
    const o = RateLimitRedis.redisOptionsFromUrl("rediss://user:p%40ss@cache.example:6380/2")
    assert.strictEqual(o.host, "cache.example")
    assert.strictEqual(o.port, 6380)
    assert.strictEqual(o.username, "user")
    assert.strictEqual(o.password, "p@ss")
    assert.strictEqual(o.db, 2)
    assert.isDefined(o.tls)
  })

  it.skipIf(!url)(
    "two processes against one Redis stay within the combined limit",
    async () => {
      const prefix = `aiu:test:${Date.now()}:${Math.random().toString(36).slice(2)}:`
      const env = { REDIS_URL: url!, PREFIX: prefix, ATTEMPTS: "20", START_AT: String(Date.now() + 2_500) }
      const [a, b] = await Promise.all([runWorker(env), runWorker(env)])
      // 10 per hour for the pair: exactly 10 of the 40 attempts pass, whoever gets them.
      assert.strictEqual(a.allowed + b.allowed, 10)
      assert.strictEqual(a.refused + b.refused, 30)
    },
    90_000
  )

  it.live.skipIf(!url)("in one process: reservations, refunds and usage corrections go through Redis", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimit.RateLimit
      const key = { provider: "openai", keyAlias: "k" }
      yield* limiter.acquire(key, 900)
      assert.strictEqual((yield* Effect.flip(limiter.acquire(key, 200))).scope, "client")
      yield* limiter.reportUsage(key, 900, 100)
      yield* limiter.acquire(key, 200)
    }).pipe(
      Effect.provide(
        RateLimitRedis.layer({
          url: url ?? "redis://127.0.0.1:1",
          prefix: `aiu:test:${Date.now()}:${Math.random().toString(36).slice(2)}:`,
          limits: { openai: { tpm: 1000 } },
          maxWait: 0
        })
      )
    )
  )

  it.effect("a failing store (Redis down) fails open and says so in the log, rather than failing every call", () => {
    const logs: Array<string> = []
    const failing = Layer.succeed(ExperimentalRateLimiter.RateLimiterStore, {
      fixedWindow: () =>
        Effect.fail(new ExperimentalRateLimiter.RateLimitStoreError({ message: "connection refused" })),
      tokenBucket: () => Effect.fail(new ExperimentalRateLimiter.RateLimitStoreError({ message: "connection refused" }))
    })
    return Effect.gen(function* () {
      const limiter = yield* RateLimit.RateLimit
      yield* limiter.acquire({ provider: "openai" })
      yield* limiter.acquire({ provider: "openai" })
      assert.strictEqual(logs.filter((l) => l.includes("rate limiter store failed")).length, 2)
    }).pipe(
      Effect.provide(RateLimit.layer({ limits: { openai: { rpm: 1 } }, maxWait: 0 }).pipe(Layer.provide(failing))),
      Effect.provide(
        Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => {
            logs.push(String(Array.isArray(message) ? message.join(" ") : message))
          })
        )
      )
    )
  })
})
