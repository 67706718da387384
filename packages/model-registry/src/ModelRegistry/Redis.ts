/**
 * The registry with a Redis tier between memory and the database, so a fleet of processes shares
 * provider listings (`@effect/experimental` Persistence over ioredis). Node only.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type * as ModelRepository from "@aiu/storage/ModelRepository"
import * as PersistenceRedis from "@effect/experimental/Persistence/Redis"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { RedisOptions } from "ioredis"
import * as ModelRegistry from "../ModelRegistry.js"
import type * as ModelSource from "../ModelSource.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends ModelRegistry.Options {
  /** Redis key prefix (store id). Default `aiu:models`: keys are `aiu:models:<provider>`. */
  readonly storeId?: string
}

/**
 * `redis://[user:password@]host[:port][/db]` or `rediss://…` → ioredis options.
 * @since 0.1.0
 * @category constructors
 */
export const parseUrl = (url: string): Either.Either<RedisOptions, AiuError.ConfigError> => {
  const bad = (why: string) =>
    Either.left(new AiuError.ConfigError({ message: `AIU_REDIS_URL is not a Redis URL: ${why}`, key: "AIU_REDIS_URL" }))
  if (!URL.canParse(url)) return bad("it does not parse as a URL")
  const u = new URL(url)
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") return bad(`scheme '${u.protocol}' is not redis: or rediss:`)
  const options: { -readonly [K in keyof RedisOptions]: RedisOptions[K] } = {
    host: u.hostname === "" ? "127.0.0.1" : u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port === "" ? 6379 : Number(u.port),
    lazyConnect: false,
    maxRetriesPerRequest: 2
  }
  if (u.username !== "") options.username = decodeURIComponent(u.username)
  if (u.password !== "") options.password = decodeURIComponent(u.password)
  const db = u.pathname.replace(/^\//, "")
  if (db !== "") {
    const n = Number(db)
    if (!Number.isInteger(n) || n < 0) return bad(`database '${db}' is not a number`)
    options.db = n
  }
  if (u.protocol === "rediss:") options.tls = {}
  return Either.right(options)
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  redis: RedisOptions,
  options?: Options
): Layer.Layer<ModelRegistry.ModelRegistry, never, ModelSource.ModelSource | ModelRepository.ModelRepository> =>
  ModelRegistry.layerPersistence(options).pipe(Layer.provide(PersistenceRedis.layer(redis)))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerUrl = (
  url: string,
  options?: Options
): Layer.Layer<
  ModelRegistry.ModelRegistry,
  AiuError.ConfigError,
  ModelSource.ModelSource | ModelRepository.ModelRepository
> =>
  Either.match(parseUrl(url), {
    onLeft: (error) => Layer.fail(error),
    onRight: (redis) => layer(redis, options)
  })

/**
 * Redis when `AIU_REDIS_URL` is set, otherwise the plain registry (memory → database → provider).
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: Options
): Layer.Layer<
  ModelRegistry.ModelRegistry,
  AiuError.ConfigError,
  ModelSource.ModelSource | ModelRepository.ModelRepository
> =>
  Layer.unwrapEffect(
    Config.option(Config.string("AIU_REDIS_URL")).pipe(
      Effect.mapError(
        (error) => new AiuError.ConfigError({ message: `AIU_REDIS_URL: ${String(error)}`, key: "AIU_REDIS_URL" })
      ),
      Effect.map((url) =>
        Option.isSome(url) && url.value.trim() !== ""
          ? layerUrl(url.value.trim(), options)
          : ModelRegistry.layer(options)
      )
    )
  )
