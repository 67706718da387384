import * as AiuError from "@aiu/core/AiuError"
import * as ModelId from "@aiu/core/ModelId"
import { ModelInfo } from "@aiu/core/ModelInfo"
import type * as ModelRepository from "@aiu/storage/ModelRepository"
import type * as Persistence from "@effect/experimental/Persistence"
import * as Cache from "effect/Cache"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as FiberSet from "effect/FiberSet"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Catalog from "../Catalog.js"
import type { Options, RefreshError, RefreshResult, Service } from "../ModelRegistry.js"
import * as ModelQuery from "../ModelQuery.js"
import type * as ModelSource from "../ModelSource.js"

// -----------------------------------------------------------------------------
// Tiers
// -----------------------------------------------------------------------------

/** A raw provider listing and when it was fetched (epoch millis, from `Clock`). */
interface Listing {
  readonly models: ReadonlyArray<ModelInfo>
  readonly fetchedAt: number
}

const ListingSchema = Schema.Struct({ fetchedAt: Schema.Number, models: Schema.Array(ModelInfo) })
const encodeListing = Schema.encode(ListingSchema)
const decodeListing = Schema.decodeUnknown(ListingSchema)

/** The shared tier between memory and the database (Redis in a fleet). Never fails: errors are logged. */
export interface SharedTier {
  readonly get: (provider: string) => Effect.Effect<Option.Option<Listing>>
  readonly set: (provider: string, listing: Listing, ttl: Duration.Duration) => Effect.Effect<void>
  readonly remove: (provider: string) => Effect.Effect<void>
}

const warn = (message: string, provider: string, cause?: unknown) =>
  Effect.logWarning(message, ...(cause === undefined ? [] : [cause])).pipe(
    Effect.annotateLogs({ module: "ModelRegistry", provider })
  )

/** A shared tier over any `BackingPersistence` store (Redis, LMDB, memory). */
export const sharedFromStore = (store: Persistence.BackingPersistenceStore): SharedTier => ({
  get: (provider) =>
    store.get(provider).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.succeedNone,
          onSome: (raw) => Effect.asSome(decodeListing(raw))
        })
      ),
      Effect.catchAll((error) =>
        warn(`shared model cache: could not read the models of '${provider}'`, provider, error).pipe(
          Effect.as(Option.none<Listing>())
        )
      )
    ),
  set: (provider, listing, ttl) =>
    encodeListing(listing).pipe(
      Effect.flatMap((encoded) => store.set(provider, encoded, Option.some(ttl))),
      Effect.catchAll((error) =>
        warn(`shared model cache: could not write the models of '${provider}'`, provider, error)
      )
    ),
  remove: (provider) =>
    store
      .remove(provider)
      .pipe(
        Effect.catchAll((error) =>
          warn(`shared model cache: could not remove the models of '${provider}'`, provider, error)
        )
      )
})

export interface Tiers {
  readonly repository: Option.Option<ModelRepository.Service>
  readonly shared: Option.Option<SharedTier>
}

// -----------------------------------------------------------------------------
// Metrics (off the hot path: only provider calls, fallbacks and refresh failures are counted)
// -----------------------------------------------------------------------------

const providerFetches = Metric.counter("aiu_model_registry_provider_fetches", {
  description: "model listings fetched from a provider API, by provider and outcome",
  incremental: true
})
const staleServed = Metric.counter("aiu_model_registry_stale_fallbacks", {
  description: "lookups served from stale stored data because the provider failed",
  incremental: true
})
const refreshFailures = Metric.counter("aiu_model_registry_background_refresh_failures", {
  description: "background (stale-while-revalidate) refreshes that failed; the last good data was kept",
  incremental: true
})

// -----------------------------------------------------------------------------
// Entries
// -----------------------------------------------------------------------------

/** What the memory tier holds per provider: the listing merged with the catalog, indexed once. */
interface Entry {
  readonly provider: string
  readonly listing: Listing
  /** Sorted by model. */
  readonly models: ReadonlyArray<ModelInfo>
  readonly byModel: ReadonlyMap<string, ModelInfo>
  readonly byLowerModel: ReadonlyMap<string, ModelInfo>
}

const toEntry = (catalog: Catalog.Service, provider: string, listing: Listing): Entry => {
  const models = catalog.merge(provider, listing.models)
  const byModel = new Map<string, ModelInfo>()
  const byLowerModel = new Map<string, ModelInfo>()
  for (const m of models) {
    byModel.set(m.model, m)
    const lower = m.model.toLowerCase()
    if (!byLowerModel.has(lower)) byLowerModel.set(lower, m)
  }
  return { provider, listing, models, byModel, byLowerModel }
}

/** Re-issues a provider failure naming the provider and saying what was being done. */
const inContext = (provider: string, error: AiuError.ProviderFailure): AiuError.ProviderFailure => {
  const prefix = `could not list the models of provider '${provider}'`
  if (error.message.startsWith(prefix)) return error
  const rebuilt = Schema.encodeEither(AiuError.AiuError)(error).pipe(
    Either.flatMap((encoded) =>
      Schema.decodeUnknownEither(AiuError.AiuError)({
        ...encoded,
        message: `${prefix}: ${error.message}`,
        provider: "provider" in encoded && encoded.provider !== undefined ? encoded.provider : provider
      })
    )
  )
  return Either.isRight(rebuilt) && rebuilt.right._tag === error._tag
    ? (rebuilt.right as AiuError.ProviderFailure)
    : error
}

const sameInfo = (a: ModelInfo, b: ModelInfo) => JSON.stringify(a) === JSON.stringify(b)

const diff = (
  before: ReadonlyArray<ModelInfo>,
  after: ReadonlyArray<ModelInfo>
): Pick<RefreshResult, "added" | "removed" | "changed" | "unchanged"> => {
  const previous = new Map(before.filter((m) => m.available !== false).map((m) => [m.id, m]))
  const current = new Map(after.filter((m) => m.available !== false).map((m) => [m.id, m]))
  const added: Array<string> = []
  const removed: Array<string> = []
  const changed: Array<string> = []
  let unchanged = 0
  for (const [id, m] of current) {
    const old = previous.get(id)
    if (old === undefined) added.push(id)
    else if (sameInfo(old, m)) unchanged++
    else changed.push(id)
  }
  for (const id of previous.keys()) if (!current.has(id)) removed.push(id)
  return { added, removed, changed, unchanged }
}

// -----------------------------------------------------------------------------
// Registry
// -----------------------------------------------------------------------------

interface FetchResult {
  readonly listing: Listing
  readonly storeError: Option.Option<AiuError.StorageError | AiuError.ConfigError>
}

export interface Internal extends Service {
  /** Waits until no background refresh or provider fetch is running (tests). */
  readonly awaitIdle: Effect.Effect<void>
}

export const make = (
  options: Options | undefined,
  source: ModelSource.Service,
  tiers: Tiers,
  contextCatalog: Option.Option<Catalog.Service>
): Effect.Effect<Internal, never, Scope.Scope> =>
  Effect.gen(function* () {
    const catalog =
      options?.catalog ??
      (options?.overrides !== undefined || options?.aliases !== undefined
        ? Catalog.make({
            ...(options.overrides !== undefined ? { overrides: options.overrides } : {}),
            ...(options.aliases !== undefined ? { aliases: options.aliases } : {})
          })
        : Option.getOrElse(contextCatalog, Catalog.bundled))
    const ttl = Duration.decode(options?.timeToLive ?? "30 minutes")
    const ttlMillis = Duration.toMillis(ttl)
    const maxStaleMillis = Duration.toMillis(Duration.decode(options?.maxStale ?? Duration.infinity))
    const backoffMillis = Duration.toMillis(Duration.decode(options?.retryFailedRefreshAfter ?? "1 minute"))

    const capacity = Math.max(1, options?.capacity ?? 256)
    // Captured once, as `Cache` does, so reads need no service lookup (and TestClock still drives it).
    const clock = yield* Effect.clock
    const fibers = yield* FiberSet.make<unknown, unknown>()
    /**
     * The hot read index: the entries the memory tier (the `Cache` below) last produced, so a
     * fresh hit is a map read. Anything else (miss, stale, evicted) goes through the `Cache`.
     * Bounded like the cache; insertion order approximates recency.
     */
    const hot = new Map<string, Entry>()
    const remember = (entry: Entry) => {
      hot.delete(entry.provider)
      hot.set(entry.provider, entry)
      if (hot.size > capacity) {
        const oldest = hot.keys().next()
        if (oldest.done !== true) hot.delete(oldest.value)
      }
    }
    const freshHot = (provider: string): Entry | undefined => {
      const entry = hot.get(provider)
      return entry !== undefined && clock.unsafeCurrentTimeMillis() - entry.listing.fetchedAt < ttlMillis
        ? entry
        : undefined
    }
    const inflight = new Map<string, Deferred.Deferred<FetchResult, AiuError.ProviderFailure>>()
    const revalidating = new Set<string>()
    const failedAt = new Map<string, number>()
    const invalidated = new Set<string>()

    const fresh = (now: number, listing: Listing) => now - listing.fetchedAt < ttlMillis

    // --- tiers -------------------------------------------------------------

    const readShared = (provider: string) =>
      Option.match(tiers.shared, { onNone: () => Effect.succeedNone, onSome: (s) => s.get(provider) })

    const writeShared = (provider: string, listing: Listing, now: number) => {
      const remaining = ttlMillis - (now - listing.fetchedAt)
      return Option.isSome(tiers.shared) && remaining > 0
        ? tiers.shared.value.set(provider, listing, Duration.millis(remaining))
        : Effect.void
    }

    const readStored = (provider: string): Effect.Effect<Option.Option<Listing>> =>
      Option.match(tiers.repository, {
        onNone: () => Effect.succeedNone,
        onSome: (repo) =>
          repo.listByProvider(provider).pipe(
            Effect.map(Option.map((p): Listing => ({ models: p.models, fetchedAt: p.fetchedAt.getTime() }))),
            Effect.catchAll((error) =>
              warn(`could not read the stored models of '${provider}'`, provider, error).pipe(
                Effect.as(Option.none<Listing>())
              )
            )
          )
      })

    // --- the provider tier, single flight ----------------------------------

    const fetchAndStore = (provider: string) =>
      Effect.gen(function* () {
        const models = yield* source.listModels(provider)
        const now = yield* Clock.currentTimeMillis
        const listing: Listing = { models, fetchedAt: now }
        const stored = yield* Option.match(tiers.repository, {
          onNone: () => Effect.succeed(Either.right<void>(undefined)),
          onSome: (repo) => Effect.either(repo.saveMany(provider, models, new Date(now)))
        })
        if (Either.isLeft(stored)) {
          yield* warn(`could not save the models of '${provider}'`, provider, stored.left)
        }
        yield* writeShared(provider, listing, now)
        return { listing, storeError: Either.getLeft(stored) } satisfies FetchResult
      }).pipe(
        Effect.mapError((error) => inContext(provider, error)),
        Effect.onExit((exit) =>
          Metric.increment(
            Metric.taggedWithLabels(providerFetches, [
              MetricLabel.make("provider", provider),
              MetricLabel.make("outcome", Exit.isSuccess(exit) ? "success" : "failure")
            ])
          )
        ),
        Effect.withSpan("ModelRegistry.fetch", { attributes: { "aiu.provider": provider } })
      )

    /** One provider call per provider at a time; every concurrent caller shares its result. */
    const fetch = (provider: string): Effect.Effect<FetchResult, AiuError.ProviderFailure> =>
      Effect.suspend(() => {
        const running = inflight.get(provider)
        if (running !== undefined) return Deferred.await(running)
        const deferred = Deferred.unsafeMake<FetchResult, AiuError.ProviderFailure>(FiberId.none)
        inflight.set(provider, deferred)
        const run = fetchAndStore(provider).pipe(
          Effect.onExit((exit) =>
            Effect.zipRight(
              Effect.sync(() => inflight.delete(provider)),
              Deferred.done(deferred, exit)
            )
          )
        )
        return FiberSet.run(fibers, run).pipe(Effect.zipRight(Deferred.await(deferred)))
      })

    // --- lookup through the tiers ------------------------------------------

    const newer = (a: Option.Option<Listing>, b: Option.Option<Listing>) =>
      Option.isNone(a) ? b : Option.isNone(b) ? a : a.value.fetchedAt >= b.value.fetchedAt ? a : b

    const checkConfigured = (provider: string) =>
      Effect.flatMap(source.providers, (providers) =>
        providers.includes(provider)
          ? Effect.void
          : Effect.fail(
              new AiuError.ModelNotFound({
                message: `unknown provider '${provider}' (configured: ${providers.length === 0 ? "none" : [...providers].sort().join(", ")})`,
                provider
              })
            )
      )

    /**
     * Memory miss: shared tier, then database (fresh data fills the tiers above), then the
     * provider. When the provider fails, the newest stale data is served with a warning; with no
     * data at all the provider's error is returned, naming the provider.
     */
    const load = (provider: string, mode: "lookup" | "revalidate") =>
      Effect.gen(function* () {
        if (mode === "lookup") yield* checkConfigured(provider)
        const force = invalidated.has(provider)
        const now = yield* Clock.currentTimeMillis
        const shared = yield* readShared(provider)
        if (!force && Option.isSome(shared) && fresh(now, shared.value)) return toEntry(catalog, provider, shared.value)
        const stored = yield* readStored(provider)
        if (!force && Option.isSome(stored) && fresh(now, stored.value)) {
          yield* writeShared(provider, stored.value, now)
          return toEntry(catalog, provider, stored.value)
        }
        const fetched = yield* Effect.either(fetch(provider))
        if (Either.isRight(fetched)) {
          invalidated.delete(provider)
          failedAt.delete(provider)
          return toEntry(catalog, provider, fetched.right.listing)
        }
        const fallback = Option.filter(newer(shared, stored), (l) => now - l.fetchedAt < ttlMillis + maxStaleMillis)
        if (mode === "lookup" && Option.isSome(fallback)) {
          failedAt.set(provider, now)
          yield* Metric.increment(Metric.tagged(staleServed, "provider", provider))
          yield* warn(
            `${fetched.left.message}; serving the models fetched at ${new Date(fallback.value.fetchedAt).toISOString()}`,
            provider
          )
          return toEntry(catalog, provider, fallback.value)
        }
        return yield* Effect.fail(fetched.left)
      }).pipe(Effect.withSpan("ModelRegistry.load", { attributes: { "aiu.provider": provider } }))

    const cache = yield* Cache.makeWith({
      capacity,
      lookup: (provider: string) => load(provider, "lookup"),
      // Freshness is judged per access from `fetchedAt` (stale-while-revalidate), so a loaded
      // listing stays until LRU eviction or `maxStale`; failures are never cached.
      timeToLive: Exit.match({ onFailure: () => Duration.zero, onSuccess: () => Duration.infinity })
    })

    // --- stale while revalidate --------------------------------------------

    const revalidate = (provider: string) =>
      load(provider, "revalidate").pipe(
        Effect.matchCauseEffect({
          onSuccess: (entry) =>
            Effect.zipRight(
              Effect.sync(() => {
                failedAt.delete(provider)
                remember(entry)
              }),
              cache.set(provider, entry)
            ),
          onFailure: (cause) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              failedAt.set(provider, now)
              return Effect.zipRight(
                Metric.increment(Metric.tagged(refreshFailures, "provider", provider)),
                warn(`background refresh of '${provider}' failed; keeping the last good models`, provider, cause)
              )
            })
        }),
        Effect.ensuring(Effect.sync(() => revalidating.delete(provider)))
      )

    const maybeRevalidate = (provider: string, now: number): Effect.Effect<void> => {
      if (revalidating.has(provider)) return Effect.void
      const failed = failedAt.get(provider)
      if (failed !== undefined && now - failed < backoffMillis) return Effect.void
      revalidating.add(provider)
      return Effect.asVoid(FiberSet.run(fibers, revalidate(provider)))
    }

    const throughCache = (provider: string): Effect.Effect<Entry, AiuError.ProviderFailure> =>
      Effect.flatMap(cache.get(provider), (entry) => {
        const now = clock.unsafeCurrentTimeMillis()
        const age = now - entry.listing.fetchedAt
        if (age < ttlMillis) {
          remember(entry)
          return Effect.succeed(entry)
        }
        if (age >= ttlMillis + maxStaleMillis) {
          return Effect.zipRight(cache.invalidate(provider), cache.get(provider))
        }
        return Effect.as(maybeRevalidate(provider, now), entry)
      })

    const entryOf = (provider: string): Effect.Effect<Entry, AiuError.ProviderFailure> =>
      Effect.suspend(() => {
        const entry = freshHot(provider)
        return entry !== undefined ? Effect.succeed(entry) : throughCache(provider)
      })

    // --- service -----------------------------------------------------------

    /** The last concatenation of hot entries, reused while none of them changed. */
    let joined: { readonly entries: ReadonlyArray<Entry>; readonly models: ReadonlyArray<ModelInfo> } | undefined
    const joinHot = (providers: ReadonlyArray<string>): ReadonlyArray<ModelInfo> | undefined => {
      const sorted = providers.length > 1 ? [...new Set(providers)].sort() : providers
      const entries: Array<Entry> = []
      for (const p of sorted) {
        const entry = freshHot(p)
        if (entry === undefined) return undefined
        entries.push(entry)
      }
      const last = joined
      if (
        last !== undefined &&
        last.entries.length === entries.length &&
        last.entries.every((e, i) => e === entries[i])
      ) {
        return last.models
      }
      const models = entries.flatMap((e) => e.models)
      joined = { entries, models }
      return models
    }

    const collect = (providers: ReadonlyArray<string>, strict: boolean) =>
      Effect.suspend(() => {
        const models = joinHot(providers)
        return models !== undefined ? Effect.succeed(models) : collectSlow(providers, strict)
      })

    const collectSlow = (providers: ReadonlyArray<string>, strict: boolean) =>
      Effect.gen(function* () {
        const sorted = [...new Set(providers)].sort()
        if (strict) {
          const entries = yield* Effect.forEach(sorted, entryOf, { concurrency: "unbounded" })
          return entries.flatMap((e) => e.models)
        }
        const results = yield* Effect.forEach(sorted, (p) => Effect.either(entryOf(p)), {
          concurrency: "unbounded"
        })
        const models: Array<ModelInfo> = []
        let firstError: AiuError.ProviderFailure | undefined
        for (const [i, result] of results.entries()) {
          if (Either.isRight(result)) {
            for (const m of result.right.models) models.push(m)
          } else {
            firstError ??= result.left
            yield* warn(`skipping provider '${sorted[i]}': ${result.left.message}`, sorted[i] ?? "")
          }
        }
        if (firstError !== undefined && models.length === 0 && results.every(Either.isLeft)) {
          return yield* Effect.fail(firstError)
        }
        return models
      })

    const all: Service["all"] = Effect.flatMap(source.providers, (providers) => collect(providers, false))

    const find: Service["find"] = (query) => {
      const explicit =
        query.provider === undefined
          ? undefined
          : typeof query.provider === "string"
            ? [query.provider]
            : query.provider
      const models = explicit === undefined ? all : collect(explicit, true)
      return Effect.map(models, (ms) => ModelQuery.apply(ms, query, { sortedById: true }))
    }

    const notFound = (entry: Entry, modelId: string, provider: string, model: string) => {
      const needle = model.toLowerCase()
      const similar = entry.models
        .filter((m) => m.model.toLowerCase().includes(needle) || needle.includes(m.model.toLowerCase()))
        .sort(
          (a, b) =>
            Number(a.available === false) - Number(b.available === false) ||
            Math.abs(a.model.length - model.length) - Math.abs(b.model.length - model.length)
        )
        .slice(0, 3)
        .map((m) => `'${m.id}'`)
      return new AiuError.ModelNotFound({
        message:
          `model '${modelId}' is not listed by provider '${provider}' (${entry.models.length} models known)` +
          (similar.length > 0
            ? `; did you mean ${similar.join(", ")}?`
            : `; try 'aiu models refresh --provider ${provider}'`),
        provider,
        model
      })
    }

    const lookupModel = (entry: Entry, modelId: string, provider: string, model: string) => {
      const found = entry.byModel.get(model) ?? entry.byLowerModel.get(model.toLowerCase())
      return found !== undefined ? Effect.succeed(found) : Effect.fail(notFound(entry, modelId, provider, model))
    }

    const findOne: Service["findOne"] = (modelId) =>
      Effect.suspend((): ReturnType<Service["findOne"]> => {
        const parsed = ModelId.parseEither(modelId)
        if (Either.isLeft(parsed)) return Effect.fail(parsed.left)
        const { provider, model } = ModelId.parts(parsed.right)
        const entry = freshHot(provider)
        if (entry !== undefined) return lookupModel(entry, modelId, provider, model)
        return Effect.flatMap(throughCache(provider), (e) => lookupModel(e, modelId, provider, model))
      })

    const previousModels = (provider: string) =>
      Effect.gen(function* () {
        const cached = yield* cache.getOptionComplete(provider)
        if (Option.isSome(cached)) return Option.some(cached.value.models)
        const listing = newer(yield* readShared(provider), yield* readStored(provider))
        return Option.map(listing, (l) => catalog.merge(provider, l.models))
      })

    const refresh: Service["refresh"] = (provider) =>
      Effect.gen(function* () {
        yield* checkConfigured(provider)
        const before = yield* previousModels(provider)
        const fetched = yield* fetch(provider)
        const entry = toEntry(catalog, provider, fetched.listing)
        invalidated.delete(provider)
        failedAt.delete(provider)
        remember(entry)
        yield* cache.set(provider, entry)
        if (Option.isSome(fetched.storeError)) return yield* Effect.fail<RefreshError>(fetched.storeError.value)
        return {
          provider,
          models: entry.models,
          fetchedAt: new Date(fetched.listing.fetchedAt),
          firstFetch: Option.isNone(before),
          ...diff(
            Option.getOrElse(before, () => []),
            entry.models
          )
        } satisfies RefreshResult
      }).pipe(Effect.withSpan("ModelRegistry.refresh", { attributes: { "aiu.provider": provider } }))

    const invalidate: Service["invalidate"] = (provider) =>
      Effect.gen(function* () {
        invalidated.add(provider)
        failedAt.delete(provider)
        hot.delete(provider)
        yield* cache.invalidate(provider)
        if (Option.isSome(tiers.shared)) yield* tiers.shared.value.remove(provider)
      }).pipe(Effect.withSpan("ModelRegistry.invalidate", { attributes: { "aiu.provider": provider } }))

    return {
      all,
      find,
      findOne,
      refresh,
      invalidate,
      catalog,
      awaitIdle: FiberSet.awaitEmpty(fibers)
    } satisfies Internal
  })
