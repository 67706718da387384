import { inferKinds, type ModelInfo } from "@aiu/core/ModelInfo"
import type { Usage } from "@aiu/core/Usage"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import data from "../../data/models.json" with { type: "json" }
import type { CatalogEntry, Options, Override, Price, Service } from "../Catalog.js"
import { CatalogEntry as CatalogEntrySchema } from "../Catalog.js"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const splitId = (id: string): readonly [string, string] | undefined => {
  const at = id.indexOf(":")
  return at <= 0 ? undefined : [id.slice(0, at), id.slice(at + 1)]
}

/** Copies the defined fields of `source` onto `target` (exactOptionalPropertyTypes-safe). */
const assignDefined = <T extends object>(
  target: Mutable<T>,
  source: { readonly [K in keyof T]?: T[K] | undefined }
): void => {
  for (const key of Object.keys(source) as Array<keyof T>) {
    const value = source[key]
    if (value !== undefined) target[key] = value as T[keyof T]
  }
}

// -----------------------------------------------------------------------------
// Conversions
// -----------------------------------------------------------------------------

export const toModelInfo = (entry: CatalogEntry): ModelInfo => {
  const info: Mutable<ModelInfo> = {
    id: entry.id,
    provider: entry.provider,
    model: entry.model,
    kinds: entry.kinds
  }
  if (entry.name !== undefined) info.name = entry.name
  if (entry.contextWindow !== undefined) info.contextWindow = entry.contextWindow
  if (entry.maxOutputTokens !== undefined) info.maxOutputTokens = entry.maxOutputTokens
  if (entry.inputPricePerMTok !== undefined) info.inputPricePerMTok = entry.inputPricePerMTok
  if (entry.outputPricePerMTok !== undefined) info.outputPricePerMTok = entry.outputPricePerMTok
  if (entry.cachedInputPricePerMTok !== undefined) info.cachedInputPricePerMTok = entry.cachedInputPricePerMTok
  if (entry.inputModalities !== undefined) info.inputModalities = entry.inputModalities
  if (entry.outputModalities !== undefined) info.outputModalities = entry.outputModalities
  if (entry.toolCall !== undefined) info.tools = entry.toolCall
  if (entry.structuredOutput !== undefined) info.structuredOutput = entry.structuredOutput
  if (entry.reasoning !== undefined) info.reasoning = entry.reasoning
  if (entry.deprecationDate !== undefined) info.deprecation = entry.deprecationDate
  return info
}

const overrideInfo = (override: Override): Partial<ModelInfo> => {
  const info: Mutable<Partial<ModelInfo>> = {}
  if (override.name !== undefined) info.name = override.name
  if (override.kinds !== undefined) info.kinds = override.kinds
  if (override.contextWindow !== undefined) info.contextWindow = override.contextWindow
  if (override.maxOutputTokens !== undefined) info.maxOutputTokens = override.maxOutputTokens
  if (override.inputPricePerMTok !== undefined) info.inputPricePerMTok = override.inputPricePerMTok
  if (override.outputPricePerMTok !== undefined) info.outputPricePerMTok = override.outputPricePerMTok
  if (override.cachedInputPricePerMTok !== undefined) info.cachedInputPricePerMTok = override.cachedInputPricePerMTok
  if (override.inputModalities !== undefined) info.inputModalities = override.inputModalities
  if (override.outputModalities !== undefined) info.outputModalities = override.outputModalities
  if (override.toolCall !== undefined) info.tools = override.toolCall
  if (override.structuredOutput !== undefined) info.structuredOutput = override.structuredOutput
  if (override.reasoning !== undefined) info.reasoning = override.reasoning
  if (override.deprecationDate !== undefined) info.deprecation = override.deprecationDate
  if (override.available !== undefined) info.available = override.available
  return info
}

const entryPrice = (entry: {
  readonly inputPricePerMTok?: number | undefined
  readonly outputPricePerMTok?: number | undefined
  readonly cachedInputPricePerMTok?: number | undefined
  readonly cacheWritePricePerMTok?: number | undefined
  readonly priceTiers?: CatalogEntry["priceTiers"] | undefined
}): Option.Option<Price> => {
  if (entry.inputPricePerMTok === undefined || entry.outputPricePerMTok === undefined) return Option.none()
  const price: Mutable<Price> = { inputPerMTok: entry.inputPricePerMTok, outputPerMTok: entry.outputPricePerMTok }
  if (entry.cachedInputPricePerMTok !== undefined) price.cachedInputPerMTok = entry.cachedInputPricePerMTok
  if (entry.cacheWritePricePerMTok !== undefined) price.cacheWritePerMTok = entry.cacheWritePricePerMTok
  if (entry.priceTiers !== undefined && entry.priceTiers.length > 0) {
    price.tiers = [...entry.priceTiers].sort((a, b) => a.aboveInputTokens - b.aboveInputTokens)
  }
  return Option.some(price)
}

export const priceOf = (info: ModelInfo): Option.Option<Price> =>
  Option.map(entryPrice(info), (price) => {
    // ModelInfo carries no cache-write price or long-context tiers: take them from the bundled
    // entry when its base prices are the ones the info carries (not overridden or live-priced).
    const entry = bundled().get(info.id)
    if (
      Option.isNone(entry) ||
      entry.value.inputPricePerMTok !== price.inputPerMTok ||
      entry.value.outputPricePerMTok !== price.outputPerMTok
    ) {
      return price
    }
    const full = Option.getOrElse(entryPrice(entry.value), () => price)
    const enriched: Mutable<Price> = { ...price }
    if (enriched.cacheWritePerMTok === undefined && full.cacheWritePerMTok !== undefined) {
      enriched.cacheWritePerMTok = full.cacheWritePerMTok
    }
    if (full.tiers !== undefined) enriched.tiers = full.tiers
    return enriched
  })

export const cost = (usage: Usage, price: Price): number => {
  let input = price.inputPerMTok
  let output = price.outputPerMTok
  let cached = price.cachedInputPerMTok
  let write = price.cacheWritePerMTok
  if (price.tiers !== undefined) {
    for (const tier of price.tiers) {
      if (usage.inputTokens <= tier.aboveInputTokens) break
      input = tier.inputPricePerMTok ?? input
      output = tier.outputPricePerMTok ?? output
      cached = tier.cachedInputPricePerMTok ?? cached
      write = tier.cacheWritePricePerMTok ?? write
    }
  }
  const cachedTokens = Math.max(0, usage.cachedInputTokens ?? 0)
  const writeTokens = Math.max(0, usage.cacheWriteInputTokens ?? 0)
  const uncached = Math.max(0, usage.inputTokens - cachedTokens - writeTokens)
  const total =
    uncached * input +
    cachedTokens * (cached ?? input) +
    writeTokens * (write ?? input) +
    Math.max(0, usage.outputTokens) * output
  return total / 1_000_000
}

// -----------------------------------------------------------------------------
// Catalog
// -----------------------------------------------------------------------------

interface ProviderIndex {
  readonly entries: Array<CatalogEntry>
  readonly exact: Map<string, CatalogEntry>
  readonly lower: Map<string, CatalogEntry>
}

const applyOverride = (base: CatalogEntry | undefined, override: Override, provider: string, model: string) => {
  const entry: Mutable<CatalogEntry> = base
    ? { ...base }
    : { id: `${provider}:${model}`, provider, model, kinds: override.kinds ?? inferKinds(model), source: "user" }
  const { available: _available, id: _id, ...fields } = override
  assignDefined(entry, fields)
  return entry
}

export const make = (options?: Options): Service => {
  const aliases = options?.aliases ?? {}
  const index = new Map<string, ProviderIndex>()
  const overrides = new Map<string, Override>()
  const userAdded = new Set<string>()

  const providerIndex = (provider: string) => {
    let p = index.get(provider)
    if (p === undefined) {
      p = { entries: [], exact: new Map(), lower: new Map() }
      index.set(provider, p)
    }
    return p
  }
  const put = (entry: CatalogEntry) => {
    const p = providerIndex(entry.provider)
    const previous = p.exact.get(entry.model)
    if (previous !== undefined) p.entries[p.entries.indexOf(previous)] = entry
    else p.entries.push(entry)
    p.exact.set(entry.model, entry)
    const lower = entry.model.toLowerCase()
    if (!p.lower.has(lower) || previous !== undefined) p.lower.set(lower, entry)
  }

  for (const entry of options?.entries ?? bundledEntries()) put(entry)

  for (const override of options?.overrides ?? []) {
    const parts = splitId(override.id)
    if (parts === undefined) continue
    const [provider, model] = parts
    const base = index.get(provider)?.exact.get(model)
    if (base === undefined) userAdded.add(`${provider}:${model}`)
    put(applyOverride(base, override, provider, model))
    overrides.set(`${provider}:${model}`, override)
  }

  for (const p of index.values()) p.entries.sort((a, b) => compare(a.model, b.model))
  const providers = [...index.keys()].sort(compare)
  const entries = providers.flatMap((p) => index.get(p)?.entries ?? [])

  const lookup = (provider: string, model: string): CatalogEntry | undefined => {
    const p = index.get(aliases[provider] ?? provider)
    if (p === undefined) return undefined
    return p.exact.get(model) ?? p.lower.get(model.toLowerCase())
  }
  const get = (modelId: string): Option.Option<CatalogEntry> => {
    const parts = splitId(modelId)
    return Option.fromNullable(parts === undefined ? undefined : lookup(parts[0], parts[1]))
  }
  const byProvider = (provider: string): ReadonlyArray<CatalogEntry> =>
    index.get(aliases[provider] ?? provider)?.entries ?? []

  const merge = (provider: string, listed: ReadonlyArray<ModelInfo>): ReadonlyArray<ModelInfo> => {
    const catalogProvider = aliases[provider] ?? provider
    const out = new Map<string, ModelInfo>()
    const matched = new Set<CatalogEntry>()
    for (const live of listed) {
      if (out.has(live.model)) continue
      const entry = lookup(provider, live.model)
      const info: Mutable<ModelInfo> = entry ? toModelInfo(entry) : { ...live }
      if (entry) {
        matched.add(entry)
        const { kinds: liveKinds, ...liveFields } = live
        assignDefined(info, liveFields)
        if (info.kinds.length === 0) info.kinds = liveKinds
      }
      info.id = `${provider}:${live.model}`
      info.provider = provider
      info.model = live.model
      if (info.kinds.length === 0) info.kinds = inferKinds(live.model)
      const override = overrides.get(`${catalogProvider}:${live.model}`)
      if (override) assignDefined(info, overrideInfo(override))
      info.available = true
      out.set(live.model, info)
    }
    for (const entry of byProvider(provider)) {
      if (matched.has(entry) || out.has(entry.model)) continue
      const info: Mutable<ModelInfo> = toModelInfo(entry)
      info.id = `${provider}:${entry.model}`
      info.provider = provider
      const override = overrides.get(`${catalogProvider}:${entry.model}`)
      info.available = override?.available ?? userAdded.has(`${catalogProvider}:${entry.model}`)
      out.set(entry.model, info)
    }
    return [...out.values()].sort((a, b) => compare(a.model, b.model))
  }

  return {
    entries,
    providers,
    get,
    byProvider,
    price: (modelId) => Option.flatMap(get(modelId), entryPrice),
    merge
  }
}

// -----------------------------------------------------------------------------
// Bundled data
// -----------------------------------------------------------------------------

let bundledRows: ReadonlyArray<CatalogEntry> | undefined
let bundledCatalog: Service | undefined

/**
 * Decoded once per process, row by row: a malformed row is skipped rather than failing the
 * catalog (the test suite checks that every bundled row decodes).
 */
export const bundledEntries = (): ReadonlyArray<CatalogEntry> => {
  if (bundledRows === undefined) {
    // Built here, not at module load: `Catalog.ts` (which defines the schema) imports this module.
    const decodeRow = Schema.decodeUnknownOption(CatalogEntrySchema)
    const rows: Array<CatalogEntry> = []
    const raw: unknown = data
    if (Array.isArray(raw)) {
      for (const row of raw) {
        const decoded = decodeRow(row)
        if (Option.isSome(decoded)) rows.push(decoded.value)
      }
    }
    bundledRows = rows
  }
  return bundledRows
}

export const bundled = (): Service => {
  if (bundledCatalog === undefined) bundledCatalog = make()
  return bundledCatalog
}
