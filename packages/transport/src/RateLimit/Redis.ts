/**
 * Rate-limit buckets in Redis, so a fleet of processes shares one limit. The buckets are
 * `@effect/experimental`'s Redis store: each reservation is one atomic Lua script (read, refill,
 * take) on the server, so concurrent processes never race. `layerConfig` picks Redis when
 * `AIU_REDIS_URL` is set and process memory otherwise.
 *
 * @since 0.1.0
 */
import * as ExperimentalRateLimiter from "@effect/experimental/RateLimiter"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { RedisOptions } from "ioredis"
import * as RateLimit from "../RateLimit.js"

/**
 * ioredis options from a `redis://` / `rediss://` URL (user, password, database index, TLS).
 * @since 0.1.0
 * @category constructors
 */
export const redisOptionsFromUrl = (url: string): RedisOptions => {
  const u = new URL(url)
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined
  return {
    host: u.hostname,
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username !== "" ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== "" ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // Fail a reservation fast when Redis is unreachable (the limiter then fails open) instead of
    // queueing commands while ioredis reconnects.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true
  }
}

/**
 * The limiter over Redis at `url` (`redis://[user:password@]host:port[/db]`).
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: RateLimit.Options & { readonly url: string | Redacted.Redacted<string> }
): Layer.Layer<RateLimit.RateLimit> =>
  RateLimit.layer(options).pipe(
    Layer.provide(
      RateLimiterRedis.layerStore({
        ...redisOptionsFromUrl(Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url),
        prefix: ""
      })
    )
  )

/**
 * Redis when `AIU_REDIS_URL` is set, process memory otherwise.
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options: RateLimit.Options): Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(Config.option(Config.redacted("AIU_REDIS_URL")), (url) =>
      Option.isSome(url) ? layer({ ...options, url: url.value }) : RateLimit.layerMemory(options)
    )
  )

/**
 * @since 0.1.0
 * @category re-exports
 */
export { ExperimentalRateLimiter }
