/**
 * One process of the fleet test: takes `ATTEMPTS` requests from a shared Redis limit (10 per
 * hour, no waiting) as fast as it can, starting at `START_AT` (epoch ms) so processes overlap,
 * and prints how many were let through.
 */
import * as Effect from "effect/Effect"
import * as RateLimit from "../../src/RateLimit.js"
import * as RateLimitRedis from "../../src/RateLimit/Redis.js"

const url = process.env.REDIS_URL ?? ""
const attempts = Number(process.env.ATTEMPTS ?? "20")
const startAt = Number(process.env.START_AT ?? "0")

const program = Effect.gen(function* () {
  const limiter = yield* RateLimit.RateLimit
  yield* Effect.promise(() => new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now()))))
  let allowed = 0
  let refused = 0
  for (let i = 0; i < attempts; i++) {
    const exit = yield* Effect.exit(limiter.acquire({ provider: "fleet", keyAlias: "shared" }, 100))
    if (exit._tag === "Success") allowed++
    else refused++
  }
  process.stdout.write(`${JSON.stringify({ allowed, refused })}\n`)
})

Effect.runPromise(
  program.pipe(
    Effect.provide(
      RateLimitRedis.layer({
        url,
        prefix: process.env.PREFIX ?? "aiu:test:",
        limits: { fleet: { rpm: 10, tpm: 100_000, window: "1 hour" } },
        maxWait: 0
      })
    )
  )
).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`)
  process.exitCode = 1
})
