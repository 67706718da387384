/**
 * Spending and token caps, checked before each call against the usage store's totals for the
 * current UTC day or month. A budget applies to every call, or only to a provider, a key alias or
 * a metadata tag (`team=search`). A call whose scope has already reached a cap fails with
 * `BudgetExceeded` before any key is read or request sent.
 *
 * @since 0.1.0
 */
import { BudgetExceeded, type StorageError } from "@aiu/core/AiuError"
import type * as UsageStore from "@aiu/storage/UsageStore"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Budget = Schema.Struct({
  /** Shown in errors and events. */
  name: Schema.String,
  period: Schema.Literal("day", "month"),
  maxUsd: Schema.optional(Schema.Number),
  /** Input plus output tokens. */
  maxTokens: Schema.optional(Schema.Number),
  provider: Schema.optional(Schema.String),
  keyAlias: Schema.optional(Schema.String),
  /** `[key, value]` of a metadata tag. */
  tag: Schema.optional(Schema.Tuple(Schema.String, Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Budget = typeof Budget.Type

/**
 * What a call is, as budgets see it.
 * @since 0.1.0
 * @category models
 */
export interface Subject {
  readonly modelId: string
  readonly provider: string
  readonly keyAlias: string
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * @since 0.1.0
 * @category guards
 */
export const appliesTo = (budget: Budget, subject: Subject): boolean =>
  (budget.provider === undefined || budget.provider === subject.provider) &&
  (budget.keyAlias === undefined || budget.keyAlias === subject.keyAlias) &&
  (budget.tag === undefined || subject.metadata[budget.tag[0]] === budget.tag[1])

/**
 * The start of the budget's current period (UTC).
 * @since 0.1.0
 * @category getters
 */
export const periodStart = (period: Budget["period"], nowMillis: number): Date => {
  const now = new Date(nowMillis)
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
}

/**
 * Checks one budget: `BudgetExceeded` when used >= limit.
 * @since 0.1.0
 * @category combinators
 */
export const check = (
  budget: Budget,
  store: UsageStore.Service,
  nowMillis: number
): Effect.Effect<void, BudgetExceeded | StorageError> =>
  Effect.gen(function* () {
    const totals = yield* store.totals({
      since: periodStart(budget.period, nowMillis),
      provider: budget.provider,
      keyAlias: budget.keyAlias,
      tag: budget.tag
    })
    const scope = [
      budget.provider && `provider ${budget.provider}`,
      budget.keyAlias && `key ${budget.keyAlias}`,
      budget.tag && `${budget.tag[0]}=${budget.tag[1]}`
    ]
      .filter(Boolean)
      .join(", ")
    const what = `budget '${budget.name}' (${budget.period === "day" ? "daily" : "monthly"}${scope ? `, ${scope}` : ""})`
    if (budget.maxUsd !== undefined && totals.costUsd >= budget.maxUsd) {
      return yield* new BudgetExceeded({
        message: `${what} reached: $${totals.costUsd.toFixed(4)} of $${budget.maxUsd}`,
        budget: budget.name,
        limit: budget.maxUsd,
        used: totals.costUsd,
        unit: "usd"
      })
    }
    const tokens = totals.inputTokens + totals.outputTokens
    if (budget.maxTokens !== undefined && tokens >= budget.maxTokens) {
      return yield* new BudgetExceeded({
        message: `${what} reached: ${tokens} of ${budget.maxTokens} tokens`,
        budget: budget.name,
        limit: budget.maxTokens,
        used: tokens,
        unit: "tokens"
      })
    }
  })

/**
 * From `AIU_BUDGETS`: a JSON array of budgets, e.g.
 * `[{"name":"daily","period":"day","maxUsd":5},{"name":"search","period":"month","maxTokens":1e6,"tag":["team","search"]}]`.
 * @since 0.1.0
 * @category constructors
 */
export const fromConfig: Config.Config<ReadonlyArray<Budget>> = Config.string("AIU_BUDGETS").pipe(
  Config.withDefault("[]"),
  Config.mapOrFail((text) =>
    Either.mapLeft(Schema.decodeUnknownEither(Schema.parseJson(Schema.Array(Budget)))(text), (error) =>
      ConfigError.InvalidData([], `AIU_BUDGETS: expected a JSON array of budgets (${error.message})`)
    )
  )
)
