/**
 * Curated model metadata (context windows, prices, modalities, capabilities) bundled with the
 * library and merged into the providers' thin live listings. The bundled data is
 * `data/models.json` (models.dev + LiteLLM, MIT; see `data/README.md` and `data/NOTICE`), loaded
 * and indexed once per process. Users add or override entries with `Override`s.
 *
 * Prices are USD per million tokens; `cost` turns a `Usage` and a `Price` into USD.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "@aiu/core/ModelInfo"
import type { Usage } from "@aiu/core/Usage"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as internal from "./internal/catalog.js"

/**
 * A long-context price tier: replaces the base prices when the prompt is larger than
 * `aboveInputTokens`.
 * @since 0.1.0
 * @category schemas
 */
export const PriceTier = Schema.Struct({
  aboveInputTokens: Schema.Number,
  inputPricePerMTok: Schema.optional(Schema.Number),
  outputPricePerMTok: Schema.optional(Schema.Number),
  cachedInputPricePerMTok: Schema.optional(Schema.Number),
  cacheWritePricePerMTok: Schema.optional(Schema.Number)
})

/**
 * @since 0.1.0
 * @category models
 */
export type PriceTier = typeof PriceTier.Type

const entryFields = {
  name: Schema.optional(Schema.String),
  kinds: Schema.Array(Schema.String),
  contextWindow: Schema.optional(Schema.Number),
  maxInputTokens: Schema.optional(Schema.Number),
  maxOutputTokens: Schema.optional(Schema.Number),
  inputPricePerMTok: Schema.optional(Schema.Number),
  outputPricePerMTok: Schema.optional(Schema.Number),
  cachedInputPricePerMTok: Schema.optional(Schema.Number),
  cacheWritePricePerMTok: Schema.optional(Schema.Number),
  reasoningPricePerMTok: Schema.optional(Schema.Number),
  inputAudioPricePerMTok: Schema.optional(Schema.Number),
  outputAudioPricePerMTok: Schema.optional(Schema.Number),
  inputImagePricePerMTok: Schema.optional(Schema.Number),
  outputImagePricePerMTok: Schema.optional(Schema.Number),
  priceTiers: Schema.optional(Schema.Array(PriceTier)),
  pricePerImage: Schema.optional(Schema.Number),
  inputPricePerMChars: Schema.optional(Schema.Number),
  inputPricePerSecond: Schema.optional(Schema.Number),
  outputPricePerSecond: Schema.optional(Schema.Number),
  pricePerQuery: Schema.optional(Schema.Number),
  inputModalities: Schema.optional(Schema.Array(Schema.String)),
  outputModalities: Schema.optional(Schema.Array(Schema.String)),
  toolCall: Schema.optional(Schema.Boolean),
  structuredOutput: Schema.optional(Schema.Boolean),
  reasoning: Schema.optional(Schema.Boolean),
  openWeights: Schema.optional(Schema.Boolean),
  releaseDate: Schema.optional(Schema.String),
  knowledgeCutoff: Schema.optional(Schema.String),
  deprecated: Schema.optional(Schema.Boolean),
  deprecationDate: Schema.optional(Schema.String),
  embeddingDimensions: Schema.optional(Schema.Number),
  filledFromLitellm: Schema.optional(Schema.Array(Schema.String))
}

/**
 * One row of the catalog (the fields of `data/models.json`; see `data/README.md`).
 * @since 0.1.0
 * @category schemas
 */
export const CatalogEntry = Schema.Struct({
  /** `provider:model`, split at the first colon. */
  id: Schema.String,
  provider: Schema.String,
  model: Schema.String,
  ...entryFields,
  /** `models.dev`, `litellm`, or `user` for an entry added by an `Override`. */
  source: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type CatalogEntry = typeof CatalogEntry.Type

/**
 * A user addition or override, from configuration. `id` is `provider:model`; every other field is
 * optional and, when given, replaces the bundled value (and the live listing's). An override for a
 * model the catalog lacks adds it; such an addition counts as available unless `available: false`.
 * @since 0.1.0
 * @category schemas
 */
const { kinds: _kinds, ...optionalEntryFields } = entryFields

export const Override = Schema.Struct({
  id: Schema.String,
  kinds: Schema.optional(Schema.Array(Schema.String)),
  ...optionalEntryFields,
  available: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Override = typeof Override.Type

/**
 * What a model costs, USD per million tokens. `input` applies to uncached input tokens.
 * @since 0.1.0
 * @category models
 */
export interface Price {
  readonly inputPerMTok: number
  readonly outputPerMTok: number
  /** Cache-read input tokens; defaults to `inputPerMTok` when unknown. */
  readonly cachedInputPerMTok?: number
  /** Cache-write input tokens; defaults to `inputPerMTok` when unknown. */
  readonly cacheWritePerMTok?: number
  /** Long-context tiers, ascending by threshold. */
  readonly tiers?: ReadonlyArray<PriceTier>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Every entry (bundled plus user additions, overrides applied), by provider then model. */
  readonly entries: ReadonlyArray<CatalogEntry>
  /** Providers that have catalog entries. */
  readonly providers: ReadonlyArray<string>
  /** Looks an entry up by `provider:model`; exact first, then ignoring case. */
  readonly get: (modelId: string) => Option.Option<CatalogEntry>
  /** The entries of one provider, by model. */
  readonly byProvider: (providerId: string) => ReadonlyArray<CatalogEntry>
  /** Input, output and cached-input prices; None when input or output price is unknown. */
  readonly price: (modelId: string) => Option.Option<Price>
  /**
   * Joins a live listing with the catalog: listed models get catalog metadata (kinds from the
   * catalog when it has them, otherwise the listing's or inferred), catalog models the provider
   * no longer lists come back with `available: false`, overrides win over both. Sorted by model.
   */
  readonly merge: (providerId: string, listed: ReadonlyArray<ModelInfo>) => ReadonlyArray<ModelInfo>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Catalog extends Context.Tag("@aiu/model-registry/Catalog")<Catalog, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Replaces the bundled entries (tests, benchmarks, a newer data file). */
  readonly entries?: ReadonlyArray<CatalogEntry>
  readonly overrides?: ReadonlyArray<Override>
  /**
   * Catalog provider for a registered provider id, e.g. `{ "my-groq": "groq" }` for a custom id
   * of an openai-compatible provider.
   */
  readonly aliases?: Readonly<Record<string, string>>
}

/**
 * Builds and indexes a catalog (once; lookups are map reads).
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Service = internal.make

/**
 * The bundled catalog, decoded and indexed on first use and shared afterwards.
 * @since 0.1.0
 * @category constructors
 */
export const bundled: () => Service = internal.bundled

/**
 * The bundled rows, decoded on first use.
 * @since 0.1.0
 * @category constructors
 */
export const bundledEntries: () => ReadonlyArray<CatalogEntry> = internal.bundledEntries

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Catalog> => Layer.sync(Catalog, () => make(options))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerBundled: Layer.Layer<Catalog> = Layer.sync(Catalog, bundled)

/**
 * The catalog view of one entry as a `ModelInfo` (`toolCall` → `tools`, `deprecationDate` →
 * `deprecation`); `available` is left out.
 * @since 0.1.0
 * @category constructors
 */
export const toModelInfo: (entry: CatalogEntry) => ModelInfo = internal.toModelInfo

/**
 * The price carried by a (merged) `ModelInfo`; None when input or output price is unknown. The
 * cache-write price and long-context tiers, which `ModelInfo` does not carry, come from the
 * bundled entry of the same id when its input and output prices match the info's.
 * @since 0.1.0
 * @category constructors
 */
export const priceOf: (info: ModelInfo) => Option.Option<Price> = internal.priceOf

/**
 * USD for one call: uncached input (`inputTokens` minus cached and cache-write tokens, which core
 * counts inside `inputTokens`) at the input price, cached input at the cached price, cache writes
 * at the cache-write price, output (reasoning included) at the output price. A long-context tier
 * applies when `inputTokens` exceeds its threshold. Pure; never negative.
 * @since 0.1.0
 * @category pricing
 */
export const cost: (usage: Usage, price: Price) => number = internal.cost
