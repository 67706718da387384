/**
 * The layers the CLI composes, once, from the environment (CLI.md): storage from AIU_DATABASE_URL
 * (default SQLite at AIU_HOME/aiu.db), the keyring's master key from AIU_MASTER_KEY /
 * AIU_PASSPHRASE / AIU_HOME/master.key, rate-limit buckets in Redis when AIU_REDIS_URL is set,
 * registered providers from the provider table (built-in types usable without registration, with
 * their *_BASE_URL and *_API_KEY variables as fallbacks). Loaded lazily: see Lazy.ts.
 */
import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import { ConfigError, type KeyringLocked, type StorageError } from "@aiu/core/AiuError"
import * as Keyring from "@aiu/keyring/Keyring"
import * as MasterKey from "@aiu/keyring/MasterKey"
import * as ModelRegistryRedis from "@aiu/model-registry/ModelRegistry/Redis"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as Database from "@aiu/storage/Database"
import * as ModelRepository from "@aiu/storage/ModelRepository"
import * as ProviderRepository from "@aiu/storage/ProviderRepository"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import * as RateLimitRedis from "@aiu/transport/RateLimit/Redis"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { descriptors, presets } from "./Descriptors.js"

type SetupError = StorageError | ConfigError | KeyringLocked

const env = (name: string): string | undefined => {
  const v = process.env[name]
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined
}

/** The database, migrated, and the repositories over it. */
export const storage = Layer.mergeAll(
  ProviderRepository.layer,
  ApiKeyRepository.layer,
  ModelRepository.layer,
  UsageStore.layer
).pipe(Layer.provideMerge(Database.layerFromEnv))

/** The keyring over the stored keys. */
export const keyring = Keyring.layer.pipe(Layer.provide(MasterKey.layerConfig))

/**
 * The transport (rate limits from the provider table) and the provider registry.
 */
export const providers: Layer.Layer<
  ProviderRegistry.ProviderRegistry,
  SetupError,
  ProviderRepository.ProviderRepository
> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const rows = yield* (yield* ProviderRepository.ProviderRepository).list
    const limits: Record<string, RateLimit.Limits> = {}
    for (const row of rows) {
      if (row.rpm !== undefined || row.tpm !== undefined) {
        limits[row.id] = {
          ...(row.rpm !== undefined ? { rpm: row.rpm } : {}),
          ...(row.tpm !== undefined ? { tpm: row.tpm } : {})
        }
      }
    }
    const rateLimit = env("AIU_REDIS_URL")
      ? RateLimitRedis.layerConfig({ limits }).pipe(
          Layer.mapError((e) => new ConfigError({ message: `AIU_REDIS_URL: ${String(e)}`, key: "AIU_REDIS_URL" }))
        )
      : RateLimit.layerMemory({ limits })
    const transport = NodeHttpTransport.layer().pipe(Layer.provide(rateLimit))
    return ProviderRegistry.layer({
      descriptors,
      presets,
      providers: rows.map((row) => ({
        id: row.id,
        type: row.type,
        baseUrl: row.baseUrl,
        rpm: row.rpm,
        tpm: row.tpm,
        settings: row.settings
      })),
      env,
      // The environment's key, used when the keyring holds none for the provider.
      defaultKey: (_id, descriptor) => {
        const value = descriptor.apiKeyEnv ? env(descriptor.apiKeyEnv) : undefined
        return value !== undefined ? Redacted.make(value) : undefined
      }
    }).pipe(Layer.provide(transport))
  }).pipe(Effect.mapError((e): SetupError => e))
)

/** Provider registry, keyring and model registry over the storage. */
export const services = Layer.mergeAll(
  // With AIU_REDIS_URL, a Redis tier sits between memory and the database for the whole fleet.
  ModelRegistryRedis.layerConfig().pipe(Layer.provide(ProviderRegistry.layerModelSource)),
  AiuEvents.layerDefault
).pipe(Layer.provideMerge(Layer.merge(providers, keyring)), Layer.provideMerge(storage))

/** Everything, with the `Aiu` client on top. */
export const client = Aiu.layerConfig().pipe(Layer.provideMerge(services))
