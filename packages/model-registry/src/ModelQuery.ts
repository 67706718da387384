/**
 * The filter of `ModelRegistry.find`: provider, kind, minimum context window, capabilities,
 * maximum prices and a name pattern, plus a predictable order. A field that is left out does not
 * filter. A filter on a value the model does not state (an unknown price or context window)
 * excludes the model: it cannot be shown to match.
 *
 * @since 0.1.0
 */
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const SortBy = Schema.Literal("id", "inputPrice", "outputPrice", "contextWindow")

/**
 * @since 0.1.0
 * @category models
 */
export type SortBy = typeof SortBy.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ModelQuery = Schema.Struct({
  /** Registered provider id, or several. */
  provider: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  /** A kind the model must have (`chat`, `embedding`, …). */
  kind: Schema.optional(Schema.String),
  minContextWindow: Schema.optional(Schema.Number),
  /** `true`: must support it; `false`: must not be known to support it. */
  tools: Schema.optional(Schema.Boolean),
  structuredOutput: Schema.optional(Schema.Boolean),
  reasoning: Schema.optional(Schema.Boolean),
  /** Accepts images as input (`inputModalities` has `image`). */
  imageInput: Schema.optional(Schema.Boolean),
  /** USD per million input tokens, inclusive. */
  maxInputPrice: Schema.optional(Schema.Number),
  /** USD per million output tokens, inclusive. */
  maxOutputPrice: Schema.optional(Schema.Number),
  /**
   * Case-insensitive pattern matched against the model and display name (against the whole
   * `provider:model` id when it has a colon): a substring, or a glob when it contains `*` or `?`
   * (anchored, e.g. `gpt-4o*`).
   */
  name: Schema.optional(Schema.String),
  /** Include catalog models the provider no longer lists (`available: false`). Default false. */
  includeUnavailable: Schema.optional(Schema.Boolean),
  /** Default `id` (provider, then model). Other orders are ascending with unknown values last, ties by id. */
  sortBy: Schema.optional(SortBy),
  limit: Schema.optional(Schema.Number)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ModelQuery = typeof ModelQuery.Type

const escapeRegExp = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&")

/** Lowercased model, id and display name, computed once per model object. */
const lowered = new WeakMap<ModelInfo, readonly [model: string, id: string, name: string | undefined]>()
const lowerOf = (m: ModelInfo) => {
  let l = lowered.get(m)
  if (l === undefined) {
    l = [m.model.toLowerCase(), m.id.toLowerCase(), m.name?.toLowerCase()]
    lowered.set(m, l)
  }
  return l
}

const namePredicate = (pattern: string): ((model: ModelInfo) => boolean) => {
  const lower = pattern.toLowerCase()
  // A pattern with a colon is matched against the whole id, otherwise against model and name.
  const withProvider = lower.includes(":")
  if (/[*?]/.test(lower)) {
    const prefix = /^[^*?]*\*$/.test(lower) ? lower.slice(0, -1) : undefined
    const re = new RegExp(`^${escapeRegExp(lower).replace(/\*/g, ".*").replace(/\?/g, ".")}$`)
    const test = prefix !== undefined ? (s: string) => s.startsWith(prefix) : (s: string) => re.test(s)
    return (m) => {
      const [model, id, name] = lowerOf(m)
      return withProvider ? test(id) : test(model) || (name !== undefined && test(name))
    }
  }
  return (m) => {
    const [model, id, name] = lowerOf(m)
    return withProvider ? id.includes(lower) : model.includes(lower) || name?.includes(lower) === true
  }
}

const flag = (want: boolean | undefined, has: boolean | undefined) =>
  want === undefined ? true : want ? has === true : has !== true

/**
 * Compiles a query into a predicate once; apply it to many models.
 * @since 0.1.0
 * @category constructors
 */
export const predicate = (query: ModelQuery): ((model: ModelInfo) => boolean) => {
  const providers =
    query.provider === undefined
      ? undefined
      : new Set(typeof query.provider === "string" ? [query.provider] : query.provider)
  const name = query.name === undefined || query.name === "" ? undefined : namePredicate(query.name)
  const includeUnavailable = query.includeUnavailable === true
  return (m) => {
    if (providers !== undefined && !providers.has(m.provider)) return false
    if (!includeUnavailable && m.available === false) return false
    if (query.kind !== undefined && !m.kinds.includes(query.kind)) return false
    if (
      query.minContextWindow !== undefined &&
      !(m.contextWindow !== undefined && m.contextWindow >= query.minContextWindow)
    )
      return false
    if (
      query.maxInputPrice !== undefined &&
      !(m.inputPricePerMTok !== undefined && m.inputPricePerMTok <= query.maxInputPrice)
    )
      return false
    if (
      query.maxOutputPrice !== undefined &&
      !(m.outputPricePerMTok !== undefined && m.outputPricePerMTok <= query.maxOutputPrice)
    )
      return false
    if (!flag(query.tools, m.tools)) return false
    if (!flag(query.structuredOutput, m.structuredOutput)) return false
    if (!flag(query.reasoning, m.reasoning)) return false
    if (query.imageInput !== undefined && !flag(query.imageInput, m.inputModalities?.includes("image"))) return false
    if (name !== undefined && !name(m)) return false
    return true
  }
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The default order: provider, then model (code-unit order, independent of locale).
 * @since 0.1.0
 * @category ordering
 */
export const compareById = (a: ModelInfo, b: ModelInfo): number =>
  compareStrings(a.provider, b.provider) || compareStrings(a.model, b.model)

const numeric =
  (get: (m: ModelInfo) => number | undefined) =>
  (a: ModelInfo, b: ModelInfo): number => {
    const x = get(a)
    const y = get(b)
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1
      return compareById(a, b)
    }
    return x - y || compareById(a, b)
  }

/**
 * @since 0.1.0
 * @category ordering
 */
export const comparator = (sortBy: SortBy | undefined): ((a: ModelInfo, b: ModelInfo) => number) => {
  switch (sortBy) {
    case "inputPrice":
      return numeric((m) => m.inputPricePerMTok)
    case "outputPrice":
      return numeric((m) => m.outputPricePerMTok)
    case "contextWindow":
      return numeric((m) => m.contextWindow)
    default:
      return compareById
  }
}

/**
 * Filters and orders `models`. When `models` is already in id order (as the registry keeps it)
 * and the query sorts by id, no sort is done.
 * @since 0.1.0
 * @category combinators
 */
export const apply = (
  models: ReadonlyArray<ModelInfo>,
  query: ModelQuery,
  options?: { readonly sortedById?: boolean }
): ReadonlyArray<ModelInfo> => {
  const test = predicate(query)
  const out: Array<ModelInfo> = []
  for (const m of models) if (test(m)) out.push(m)
  const sortBy = query.sortBy ?? "id"
  if (!(sortBy === "id" && options?.sortedById === true)) out.sort(comparator(sortBy))
  return query.limit !== undefined && query.limit >= 0 ? out.slice(0, query.limit) : out
}
