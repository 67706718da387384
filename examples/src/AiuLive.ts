/**
 * The production composition the examples share: SQLite usage log, keyring, model registry with
 * the bundled price catalog, undici transport reporting circuit, rate-limit and retry events, the OpenAI adapter, the
 * event bus, redacting logs, and the `Aiu` client on top.
 *
 * Each piece is one layer; swap any of them (PostgreSQL for SQLite, `Keyring.layerSql` for the
 * in-memory keyring, `TestLayers` in tests).
 */
import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as TransportEvents from "@aiu/client/TransportEvents"
import * as Keyring from "@aiu/keyring/Keyring"
import * as Catalog from "@aiu/model-registry/Catalog"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as OpenAiProvider from "@aiu/provider-openai/OpenAiProvider"
import * as Database from "@aiu/storage/Database"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export interface Options {
  /** OpenAI-compatible endpoint including `/v1`. */
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
  /** SQLite file for the usage log (`:memory:` for none on disk). */
  readonly database: string
  readonly aiu?: Aiu.Options
}

export const layer = (options: Options) => {
  const events = AiuEvents.layerDefault
  const transport = NodeHttpTransport.layer().pipe(Layer.provide(TransportEvents.layer()), Layer.provide(events))
  const providers = ProviderRegistry.layer({
    descriptors: [OpenAiProvider.descriptor],
    providers: [{ id: "openai", type: "openai", baseUrl: options.baseUrl }]
  }).pipe(Layer.provide(transport))
  const keyring = Layer.tap(Keyring.layerMemory, (context) =>
    Context.get(context, Keyring.Keyring).save("openai", options.apiKey)
  )
  const models = ModelRegistry.layerMemory().pipe(
    Layer.provide(ProviderRegistry.layerModelSource),
    Layer.provide(Catalog.layerBundled),
    Layer.provide(Layer.merge(providers, keyring))
  )
  const usage = UsageStore.layer.pipe(Layer.provide(Database.layerSqlite({ filename: options.database })))
  return Aiu.layer(options.aiu).pipe(Layer.provideMerge(Layer.mergeAll(providers, keyring, models, usage, events)))
}

/** The client options every example uses: an alias and a fallback. */
export const aiuOptions: Aiu.Options = {
  aliases: { fast: "openai:gpt-4o-mini", smart: "openai:gpt-4o" },
  defaults: { fallbacks: ["fast"], metadata: { app: "examples" } }
}

export const demoKey = Redacted.make("sk-demo-not-a-real-key-000000000000")
