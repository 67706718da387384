/**
 * Which models may be called. Patterns match `provider:model` ids, `*` matching any run of
 * characters (`openai:*`, `*:gpt-4o*`). A model is allowed when it matches no `deny` pattern and,
 * if an `allow` list is given, at least one `allow` pattern. Refusals fail with `PolicyDenied`,
 * before any key is read or request sent.
 *
 * @since 0.1.0
 */
import { PolicyDenied } from "@aiu/core/AiuError"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Policy = Schema.Struct({
  allow: Schema.optional(Schema.Array(Schema.String)),
  deny: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Policy = typeof Policy.Type

const cache = new Map<string, RegExp>()

const toRegExp = (pattern: string): RegExp => {
  let re = cache.get(pattern)
  if (re === undefined) {
    re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`)
    cache.set(pattern, re)
  }
  return re
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")

/**
 * @since 0.1.0
 * @category guards
 */
export const matches = (pattern: string, modelId: string): boolean => toRegExp(pattern).test(modelId)

/**
 * Why `modelId` is refused, or undefined when it is allowed.
 * @since 0.1.0
 * @category guards
 */
export const refusal = (policy: Policy, modelId: string): string | undefined => {
  const denied = policy.deny?.find((p) => matches(p, modelId))
  if (denied !== undefined) return `model '${modelId}' is denied by pattern '${denied}'`
  if (policy.allow !== undefined && !policy.allow.some((p) => matches(p, modelId))) {
    return `model '${modelId}' is not in the allowed list (${policy.allow.join(", ")})`
  }
  return undefined
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const check = (policy: Policy, modelId: string): Effect.Effect<void, PolicyDenied> => {
  const why = refusal(policy, modelId)
  return why === undefined ? Effect.void : Effect.fail(new PolicyDenied({ message: why, policy: "models" }))
}

const list = (name: string) =>
  Config.option(Config.string(name)).pipe(
    Config.map(
      Option.map((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x.length > 0)
      )
    )
  )

/**
 * From `AIU_ALLOW_MODELS` and `AIU_DENY_MODELS` (comma-separated patterns).
 * @since 0.1.0
 * @category constructors
 */
export const fromConfig: Config.Config<Policy> = Config.all({
  allow: list("AIU_ALLOW_MODELS"),
  deny: list("AIU_DENY_MODELS")
}).pipe(
  Config.map(({ allow, deny }) => ({
    ...(Option.isSome(allow) ? { allow: allow.value } : {}),
    ...(Option.isSome(deny) ? { deny: deny.value } : {})
  }))
)
