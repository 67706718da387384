/**
 * Everything the `Aiu` client needs, in memory, for testing application code without a network:
 * fake providers (`TestProvider`), an in-memory keyring holding the keys you give, an in-memory
 * usage store, a model registry over a fixed model list (with prices, so costs are computed),
 * the event bus, and the client itself.
 *
 * ```ts
 * const fake = TestProvider.make({ id: "openai" })
 * it.effect("…", () => myProgram.pipe(Effect.provide(TestLayers.layer({ providers: [fake] }))))
 * ```
 *
 * @since 0.1.0
 */
import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import type * as AiuError from "@aiu/core/AiuError"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Keyring from "@aiu/keyring/Keyring"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as ModelSource from "@aiu/model-registry/ModelSource"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestProvider from "./TestProvider.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Fake providers (default: one `TestProvider` with id `test`). */
  readonly providers?:
    | ReadonlyArray<TestProvider.TestProvider | { readonly provider: import("@aiu/core/Provider").Service }>
    | undefined
  /** Models the registry knows (with prices); default: `<id>:test-model` per provider, $1 / $2 per MTok. */
  readonly models?: ReadonlyArray<ModelInfo> | undefined
  /** Keys to put in the keyring: `{ openai: "sk-test" }` or `{ openai: { default: "…", team: "…" } }`. */
  readonly keys?: Readonly<Record<string, string | Readonly<Record<string, string>>>> | undefined
  /** Whether calls must find a key in the keyring (default false). */
  readonly requireKeys?: boolean | undefined
  /** The client's options (aliases, budgets, policy, middleware, defaults). */
  readonly aiu?: Aiu.Options | undefined
  /** Event buffer size. */
  readonly eventCapacity?: number | undefined
}

/**
 * Saving the given keys can fail like `Keyring.save` (it does not in memory).
 * @since 0.1.0
 * @category models
 */
export type SetupError = AiuError.KeyringLocked | AiuError.StorageError | AiuError.ConfigError

/**
 * A model entry with prices, for `Options.models`.
 * @since 0.1.0
 * @category constructors
 */
export const model = (
  provider: string,
  name: string,
  prices?: { readonly input?: number; readonly output?: number; readonly cachedInput?: number }
): ModelInfo => ({
  id: `${provider}:${name}`,
  provider,
  model: name,
  kinds: ["chat"],
  inputPricePerMTok: prices?.input ?? 1,
  outputPricePerMTok: prices?.output ?? 2,
  ...(prices?.cachedInput !== undefined ? { cachedInputPricePerMTok: prices.cachedInput } : {})
})

/**
 * The supporting services without the client: registry, keyring, model registry, usage store,
 * events.
 * @since 0.1.0
 * @category layers
 */
export const layerServices = (
  options?: Options
): Layer.Layer<
  | ProviderRegistry.ProviderRegistry
  | Keyring.Keyring
  | ModelRegistry.ModelRegistry
  | UsageStore.UsageStore
  | AiuEvents.AiuEvents,
  SetupError
> => {
  const providers = options?.providers ?? [TestProvider.make()]
  const models = options?.models ?? providers.map((p) => model(p.provider.info.id, "test-model"))
  const listings: Record<string, Array<ModelInfo>> = {}
  for (const p of providers) listings[p.provider.info.id] = []
  for (const m of models) {
    const list = listings[m.provider] ?? []
    list.push(m)
    listings[m.provider] = list
  }
  const registry = ProviderRegistry.layerStatic(
    providers.map((p) => ({ provider: p.provider, requiresKey: options?.requireKeys ?? false }))
  )
  const keyring = Layer.tap(Keyring.layerMemory, (context) =>
    Effect.gen(function* () {
      const keys = options?.keys ?? {}
      const ring = Context.get(context, Keyring.Keyring)
      for (const [provider, value] of Object.entries(keys)) {
        const byAlias = typeof value === "string" ? { default: value } : value
        for (const [alias, key] of Object.entries(byAlias)) yield* ring.save(provider, Redacted.make(key), alias)
      }
    })
  )
  const modelRegistry = ModelRegistry.layerMemory().pipe(Layer.provide(ModelSource.layerRecord(listings)))
  return Layer.mergeAll(
    registry,
    keyring,
    modelRegistry,
    UsageStore.layerMemory,
    AiuEvents.layer({ capacity: options?.eventCapacity })
  )
}

/**
 * The client over `layerServices`, with every supporting service also in the output so tests can
 * read the usage store, subscribe to events or change keys.
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<
  | Aiu.Aiu
  | ProviderRegistry.ProviderRegistry
  | Keyring.Keyring
  | ModelRegistry.ModelRegistry
  | UsageStore.UsageStore
  | AiuEvents.AiuEvents,
  SetupError
> => Aiu.layer(options?.aiu).pipe(Layer.provideMerge(layerServices(options)))

/**
 * A clock fixed at `time` (it never advances): stable timestamps in usage records and budgets.
 * @since 0.1.0
 * @category layers
 */
export const layerFixedClock = (time: Date): Layer.Layer<never> => {
  const millis = time.getTime()
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    currentTimeMillis: Effect.succeed(millis),
    currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n),
    unsafeCurrentTimeMillis: () => millis,
    unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
    sleep: () => Effect.void
  }
  return Layer.setClock(clock)
}
