/**
 * A keyed client-side limiter in front of every provider call: requests per minute and tokens per
 * minute, per provider and key alias. A call reserves one request and its estimated tokens (input
 * plus max output); when the buckets are short it waits, up to `maxWait`, then fails with
 * `RateLimited` (`scope: "client"`) and gives its reservation back. After the call, `reportUsage`
 * corrects the token bucket with the real usage (a refund or an extra charge). And whatever the
 * provider's own rate-limit headers say (`observe`) is honoured too: while it has said a bucket
 * is empty, calls wait for its reset rather than spend a request on a 429.
 *
 * The buckets are `@effect/experimental`'s `RateLimiter` token buckets, so the store is pluggable:
 * `layerMemory` for one process, `RateLimit/Redis.ts` for a fleet sharing one limit through an
 * atomic Lua script.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import * as ExperimentalRateLimiter from "@effect/experimental/RateLimiter"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ServerLimits from "./ServerLimits.js"

/**
 * Limits for one provider (every key alias gets its own buckets).
 * @since 0.1.0
 * @category models
 */
export interface Limits {
  /** Requests per window. */
  readonly rpm?: number
  /** Tokens (estimated input + max output, corrected after) per window. */
  readonly tpm?: number
  /** The window the limits are counted over (default 1 minute). */
  readonly window?: Duration.DurationInput
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Limits by provider id; `"*"` applies to providers not listed. */
  readonly limits: Readonly<Record<string, Limits>>
  /** The longest a call waits for capacity before failing (default 30 s). */
  readonly maxWait?: Duration.DurationInput
  /** Prefix of the bucket keys (default `aiu:rl:`), to separate fleets sharing one Redis. */
  readonly prefix?: string
}

/**
 * Who is being limited.
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly provider: string
  readonly keyAlias?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Waits for capacity for one request of `estimatedTokens`, or fails with `RateLimited`. */
  readonly acquire: (key: Key, estimatedTokens?: number) => Effect.Effect<void, AiuError.RateLimited>
  /** Corrects the token bucket once the real usage is known. */
  readonly reportUsage: (key: Key, estimatedTokens: number, actualTokens: number) => Effect.Effect<void>
  /**
   * Takes in what the provider's rate-limit headers said about this key's buckets (the transport
   * calls it on every response whose request has a `serverLimits` parser). While the provider has
   * said a bucket is empty, `acquire` waits for its reset (or fails at once when that is beyond
   * `maxWait`) instead of spending a request to hear a 429.
   */
  readonly observe: (key: Key, limits: ServerLimits.ServerLimits) => Effect.Effect<void>
  /** Whether any limit applies to the provider (lets the transport skip the limiter). */
  readonly limits: (provider: string) => boolean
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimit extends Context.Tag("@aiu/transport/RateLimit")<RateLimit, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, ExperimentalRateLimiter.RateLimiterStore> =>
  Effect.gen(function* () {
    const limiter = yield* ExperimentalRateLimiter.make
    const maxWaitMs = Duration.toMillis(Duration.decode(options.maxWait ?? "30 seconds"))
    const prefix = options.prefix ?? "aiu:rl:"
    const limitsOf = (provider: string) => options.limits[provider] ?? options.limits["*"]

    type Bucket = { readonly key: string; readonly limit: number; readonly window: Duration.DurationInput }
    const buckets = (key: Key): { rpm?: Bucket; tpm?: Bucket } => {
      const l = limitsOf(key.provider)
      if (l === undefined) return {}
      const id = `${prefix}${key.provider}:${key.keyAlias ?? "default"}`
      const window = l.window ?? "1 minute"
      return {
        ...(l.rpm !== undefined ? { rpm: { key: `${id}:rpm`, limit: l.rpm, window } } : {}),
        ...(l.tpm !== undefined ? { tpm: { key: `${id}:tpm`, limit: l.tpm, window } } : {})
      }
    }

    // A store failure (Redis down) must not take every call down with it: the limiter fails
    // open, and says so in the log.
    const storeFailed = (key: Key) => (e: ExperimentalRateLimiter.RateLimiterError) =>
      Effect.as(
        Effect.logWarning(`rate limiter store failed; ${key.provider} call not limited`).pipe(
          Effect.annotateLogs({ provider: key.provider, reason: e.reason })
        ),
        Duration.zero
      )

    /** Reserves `tokens` (negative: gives back); returns how long the reservation must wait. */
    const take = (key: Key, b: Bucket, tokens: number) =>
      limiter
        .consume({
          key: b.key,
          limit: b.limit,
          window: b.window,
          algorithm: "token-bucket",
          onExceeded: "delay",
          tokens: Math.min(tokens, b.limit)
        })
        .pipe(
          Effect.map((r) => r.delay),
          Effect.catchAll(storeFailed(key))
        )

    // What providers' headers said, per key: kept in this process (a fleet sharing Redis buckets
    // still learns each provider's own view from every response it gets). `observed` counts the
    // entries per provider so `limits` stays a map lookup.
    interface Held {
      /** Epoch ms until which the provider said its request (or a token) bucket is empty. */
      readonly emptyUntil: number
      /** The tokens it said remain, and until when that figure holds. */
      readonly tokens: number | undefined
      readonly tokensUntil: number
    }
    const held = new Map<string, Held>()
    const observed = new Map<string, number>()
    const heldId = (key: Key) => `${key.provider}\u0000${key.keyAlias ?? "default"}`
    const forget = (key: Key, id: string) => {
      if (!held.delete(id)) return
      const n = (observed.get(key.provider) ?? 1) - 1
      if (n <= 0) observed.delete(key.provider)
      else observed.set(key.provider, n)
    }

    const observe = (key: Key, limits: ServerLimits.ServerLimits): Effect.Effect<void> =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const id = heldId(key)
        const empty = ServerLimits.exhaustedResetMs(limits)
        const tokens = ServerLimits.tokensRemaining(limits)
        if (empty === undefined && tokens === undefined) return forget(key, id)
        if (!held.has(id)) observed.set(key.provider, (observed.get(key.provider) ?? 0) + 1)
        held.set(id, {
          emptyUntil: empty === undefined ? 0 : now + empty,
          tokens: tokens?.remaining,
          tokensUntil: tokens === undefined ? 0 : now + tokens.resetMs
        })
      })

    /** How long the provider's own word says this call must wait (0: go). */
    const serverWait = (key: Key, tokens: number, now: number): number => {
      const id = heldId(key)
      const h = held.get(id)
      if (h === undefined) return 0
      if (now >= h.emptyUntil && now >= h.tokensUntil) {
        forget(key, id)
        return 0
      }
      let wait = Math.max(0, h.emptyUntil - now)
      if (h.tokens !== undefined && tokens > h.tokens && now < h.tokensUntil) wait = Math.max(wait, h.tokensUntil - now)
      return wait
    }

    const heldBack = (key: Key, tokens: number): Effect.Effect<void, AiuError.RateLimited> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wait = serverWait(key, tokens, now)
        if (wait === 0) return Effect.void
        if (wait > maxWaitMs) {
          return Effect.fail(
            new AiuError.RateLimited({
              message: `${key.provider}: the provider reported its rate limit exhausted for key ${key.keyAlias ?? "default"}; it resets in ${Duration.format(Duration.millis(wait))}, above the ${Duration.format(Duration.millis(maxWaitMs))} wait limit`,
              provider: key.provider,
              retryAfter: Duration.millis(wait),
              scope: "client"
            })
          )
        }
        return Effect.sleep(Duration.millis(wait))
      })

    const acquire = (key: Key, estimatedTokens?: number): Effect.Effect<void, AiuError.RateLimited> => {
      const { rpm, tpm } = buckets(key)
      const tokens = Math.max(0, Math.ceil(estimatedTokens ?? 0))
      const server = observed.has(key.provider) ? heldBack(key, tokens) : undefined
      if (rpm === undefined && tpm === undefined) return server ?? Effect.void
      const client = Effect.gen(function* () {
        const waitRpm = rpm !== undefined ? yield* take(key, rpm, 1) : Duration.zero
        const waitTpm = tpm !== undefined && tokens > 0 ? yield* take(key, tpm, tokens) : Duration.zero
        const wait = Duration.max(waitRpm, waitTpm)
        if (Duration.isZero(wait)) return
        if (Duration.toMillis(wait) > maxWaitMs) {
          if (rpm !== undefined) yield* take(key, rpm, -1)
          if (tpm !== undefined && tokens > 0) yield* take(key, tpm, -Math.min(tokens, tpm.limit))
          return yield* Effect.fail(
            new AiuError.RateLimited({
              message: `${key.provider}: client rate limit reached for key ${key.keyAlias ?? "default"}; capacity in ${Duration.format(wait)}, above the ${Duration.format(Duration.millis(maxWaitMs))} wait limit`,
              provider: key.provider,
              retryAfter: wait,
              scope: "client"
            })
          )
        }
        yield* Effect.sleep(wait)
      })
      return server === undefined ? client : Effect.zipRight(server, client)
    }

    const reportUsage = (key: Key, estimatedTokens: number, actualTokens: number): Effect.Effect<void> => {
      const { tpm } = buckets(key)
      const diff = Math.round(actualTokens - Math.max(0, estimatedTokens))
      if (tpm === undefined || diff === 0 || !Number.isFinite(diff)) return Effect.void
      return Effect.asVoid(take(key, tpm, diff))
    }

    return {
      acquire,
      reportUsage,
      observe,
      limits: (provider: string) => limitsOf(provider) !== undefined || observed.has(provider)
    }
  })

/**
 * Over any `RateLimiterStore`.
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit, never, ExperimentalRateLimiter.RateLimiterStore> =>
  Layer.effect(RateLimit, make(options))

/**
 * Buckets in this process's memory.
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: Options): Layer.Layer<RateLimit> =>
  layer(options).pipe(Layer.provide(ExperimentalRateLimiter.layerStoreMemory))

/**
 * No limits at all.
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<RateLimit> = Layer.succeed(RateLimit, {
  acquire: () => Effect.void,
  reportUsage: () => Effect.void,
  observe: () => Effect.void,
  limits: () => false
})

/**
 * The in-memory bucket store (for `make` in tests and single processes).
 * @since 0.1.0
 * @category layers
 */
export const ExperimentalStoreMemory: Layer.Layer<ExperimentalRateLimiter.RateLimiterStore> =
  ExperimentalRateLimiter.layerStoreMemory
