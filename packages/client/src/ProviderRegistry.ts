/**
 * Provider id → adapter. Each registered provider has an id (`openai`, or a custom id such as
 * `groq`), a type naming the adapter package that speaks its wire format, and settings (base URL,
 * limits, provider-specific options). Adapters are built once per id, on first use.
 *
 * A provider id equal to a built-in type needs no registration: it is served with that type's
 * defaults, and the base URL from the type's environment variable (`OPENAI_BASE_URL`, …) when set.
 *
 * @since 0.1.0
 */
import { ConfigError, ModelNotFound } from "@aiu/core/AiuError"
import type * as Provider from "@aiu/core/Provider"
import * as Keyring from "@aiu/keyring/Keyring"
import * as ModelSource from "@aiu/model-registry/ModelSource"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"

/**
 * One registered provider.
 * @since 0.1.0
 * @category models
 */
export interface ProviderSettings {
  readonly id: string
  readonly type: string
  readonly baseUrl?: string | undefined
  /** Requests per minute for the client-side limiter. */
  readonly rpm?: number | undefined
  /** Tokens per minute for the client-side limiter. */
  readonly tpm?: number | undefined
  readonly settings?: Readonly<Record<string, unknown>> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly settings: ProviderSettings
  readonly descriptor: Provider.Descriptor<HttpTransport>
  readonly provider: Provider.Service
  /** The adapter was built with a default key (from the environment), used when the keyring has none. */
  readonly hasDefaultKey?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The adapter for a provider id; `ModelNotFound` when the id is neither registered nor a built-in type. */
  readonly get: (id: string) => Effect.Effect<Entry, ModelNotFound | ConfigError>
  /** Registered providers, plus built-in types that are usable without registration. */
  readonly list: Effect.Effect<ReadonlyArray<ProviderSettings>>
  readonly descriptors: ReadonlyArray<Provider.Descriptor<HttpTransport>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ProviderRegistry extends Context.Tag("@aiu/client/ProviderRegistry")<ProviderRegistry, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The adapter packages available, by type. */
  readonly descriptors: ReadonlyArray<Provider.Descriptor<HttpTransport>>
  /** Registered providers (from the provider table or configuration). */
  readonly providers?: ReadonlyArray<ProviderSettings>
  /**
   * Well-known servers by provider id (`groq`, `deepseek`, … of type `openai-compatible`): an id
   * listed here works unregistered, with the preset's URL and key variable, and a registered
   * provider of that id and type gets the preset's defaults.
   */
  readonly presets?: Readonly<Record<string, Provider.Descriptor<HttpTransport>>>
  /** Environment lookup for `*_BASE_URL` defaults of unregistered built-ins (default: none). */
  readonly env?: (name: string) => string | undefined
  /** A default key per provider id, used when a call brings none (e.g. from the environment). */
  readonly defaultKey?: (
    id: string,
    descriptor: Provider.Descriptor<HttpTransport>
  ) => Redacted.Redacted<string> | undefined
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpTransport> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<HttpTransport>()
    const byType = new Map(options.descriptors.map((d) => [d.type, d] as const))
    const registered = new Map((options.providers ?? []).map((p) => [p.id, p] as const))
    const built = new Map<string, Entry>()

    const presets = options.presets ?? {}
    const presetOf = (id: string): Provider.Descriptor<HttpTransport> | undefined =>
      Object.hasOwn(presets, id) ? presets[id] : undefined
    const descriptorOf = (settings: ProviderSettings) => {
      const preset = presetOf(settings.id)
      return preset !== undefined && preset.type === settings.type ? preset : byType.get(settings.type)
    }

    const settingsOf = (id: string): ProviderSettings | undefined => {
      const row = registered.get(id)
      if (row) return row
      const descriptor = byType.get(id) ?? presetOf(id)
      if (!descriptor) return undefined
      const envUrl = descriptor.baseUrlEnv ? options.env?.(descriptor.baseUrlEnv) : undefined
      return { id, type: descriptor.type, baseUrl: envUrl || descriptor.defaultBaseUrl }
    }

    const get = (id: string): Effect.Effect<Entry, ModelNotFound | ConfigError> =>
      Effect.suspend((): Effect.Effect<Entry, ModelNotFound | ConfigError> => {
        const cached = built.get(id)
        if (cached) return Effect.succeed(cached)
        const settings = settingsOf(id)
        if (!settings) {
          return Effect.fail(
            new ModelNotFound({
              message: `unknown provider '${id}': register it with 'aiu provider add ${id} --type <type>' (built-in types: ${[...byType.keys()].join(", ")})`,
              provider: id
            })
          )
        }
        const descriptor = descriptorOf(settings)
        if (!descriptor) {
          return Effect.fail(
            new ConfigError({
              message: `provider '${id}' has unknown type '${settings.type}' (known: ${[...byType.keys()].join(", ")})`,
              key: "type"
            })
          )
        }
        const baseUrl = settings.baseUrl ?? descriptor.defaultBaseUrl
        const apiKey = options.defaultKey?.(id, descriptor)
        return descriptor
          .make({
            id,
            ...(baseUrl !== undefined ? { baseUrl } : {}),
            ...(apiKey !== undefined ? { apiKey } : {}),
            ...(settings.settings !== undefined ? { settings: settings.settings } : {})
          })
          .pipe(
            Effect.provide(context),
            Effect.map((provider) => {
              const entry: Entry = { settings, descriptor, provider, hasDefaultKey: apiKey !== undefined }
              built.set(id, entry)
              return entry
            })
          )
      })

    const list = Effect.sync(() => {
      const out = new Map<string, ProviderSettings>()
      for (const d of options.descriptors) {
        const s = settingsOf(d.type)
        if (s && d.defaultBaseUrl !== undefined) out.set(d.type, s)
      }
      for (const p of registered.values()) out.set(p.id, p)
      return [...out.values()]
    })

    return { get, list, descriptors: options.descriptors }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ProviderRegistry, never, HttpTransport> =>
  Layer.effect(ProviderRegistry, make(options))

/**
 * A registry over ready-made adapters (no transport, no descriptors to build from): for tests and
 * for applications that construct their providers themselves. `requiresKey` (default false) says
 * whether a call must find a key in the keyring.
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (
  providers: ReadonlyArray<{ readonly provider: Provider.Service; readonly requiresKey?: boolean | undefined }>
): Service => {
  const entries = new Map<string, Entry>()
  const descriptors: Array<Provider.Descriptor<HttpTransport>> = []
  for (const { provider, requiresKey } of providers) {
    const descriptor: Provider.Descriptor<HttpTransport> = {
      type: provider.info.type,
      name: provider.info.name,
      defaultBaseUrl: undefined,
      apiKeyEnv: undefined,
      baseUrlEnv: undefined,
      requiresKey: requiresKey ?? false,
      make: () => Effect.succeed(provider)
    }
    descriptors.push(descriptor)
    entries.set(provider.info.id, {
      settings: { id: provider.info.id, type: provider.info.type },
      descriptor,
      provider
    })
  }
  return {
    get: (id) => {
      const entry = entries.get(id)
      return entry !== undefined
        ? Effect.succeed(entry)
        : Effect.fail(
            new ModelNotFound({
              message: `unknown provider '${id}' (registered: ${[...entries.keys()].join(", ")})`,
              provider: id
            })
          )
    },
    list: Effect.sync(() => [...entries.values()].map((e) => e.settings)),
    descriptors
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (
  providers: ReadonlyArray<{ readonly provider: Provider.Service; readonly requiresKey?: boolean | undefined }>
): Layer.Layer<ProviderRegistry> => Layer.sync(ProviderRegistry, () => makeStatic(providers))

/**
 * The model registry's live source over this registry: `listModels` of each provider's adapter,
 * with the provider's `default` key from the `Keyring` (else the adapter's configured key).
 * @since 0.1.0
 * @category layers
 */
export const layerModelSource: Layer.Layer<ModelSource.ModelSource, never, ProviderRegistry | Keyring.Keyring> =
  Layer.effect(
    ModelSource.ModelSource,
    Effect.gen(function* () {
      const registry = yield* ProviderRegistry
      const keyring = yield* Keyring.Keyring
      const keyOf = (providerId: string) =>
        keyring.get(providerId).pipe(
          Effect.map((key): Redacted.Redacted<string> | undefined => key),
          Effect.orElseSucceed(() => undefined)
        )
      return ModelSource.make({
        providers: Effect.map(registry.list, (list) => list.map((p) => p.id)),
        listModels: (providerId) =>
          registry.get(providerId).pipe(
            Effect.catchAll((e) => Effect.fail(new ModelNotFound({ message: e.message, provider: providerId }))),
            Effect.flatMap((entry) =>
              Effect.flatMap(keyOf(providerId), (apiKey) =>
                entry.provider.listModels(apiKey !== undefined ? { apiKey } : undefined)
              )
            )
          )
      })
    })
  )
