import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as TransportEvents from "@aiu/client/TransportEvents"
import * as Keyring from "@aiu/keyring/Keyring"
import * as Catalog from "@aiu/model-registry/Catalog"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as OpenAiProvider from "@aiu/provider-openai/OpenAiProvider"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The production composition (what the CLI builds), over in-memory stores and the OpenAI adapter
 * pointed at a loopback fake server.
 */
export const liveLayer = (options: {
  readonly baseUrl: string
  readonly keys?: Readonly<Record<string, string>>
  readonly aiu?: Aiu.Options
  /** More OpenAI-type providers: id → base URL (without `/v1`). */
  readonly extra?: Readonly<Record<string, string>>
}) => {
  const events = AiuEvents.layerDefault
  const transport = NodeHttpTransport.layer({ retry: { baseDelay: "1 millis", maxDelay: "5 millis" } }).pipe(
    Layer.provide(TransportEvents.layer()),
    Layer.provide(events)
  )
  const registry = ProviderRegistry.layer({
    descriptors: [OpenAiProvider.descriptor],
    providers: [
      { id: "openai", type: "openai", baseUrl: `${options.baseUrl}/v1` },
      ...Object.entries(options.extra ?? {}).map(([id, url]) => ({ id, type: "openai", baseUrl: `${url}/v1` }))
    ]
  }).pipe(Layer.provide(transport))
  const keyring = Layer.tap(Keyring.layerMemory, (context) =>
    Effect.forEach(
      ["openai", ...Object.keys(options.extra ?? {})].flatMap((provider) =>
        Object.entries(options.keys ?? {}).map(([alias, key]) => [provider, alias, key] as const)
      ),
      ([provider, alias, key]) => Context.get(context, Keyring.Keyring).save(provider, Redacted.make(key), alias)
    )
  )
  const models = ModelRegistry.layerMemory().pipe(
    Layer.provide(ProviderRegistry.layerModelSource),
    Layer.provide(Catalog.layerBundled),
    Layer.provide(Layer.merge(registry, keyring))
  )
  const services = Layer.mergeAll(registry, keyring, models, UsageStore.layerMemory, events)
  return Aiu.layer(options.aiu).pipe(Layer.provideMerge(services))
}
