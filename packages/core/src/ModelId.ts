/**
 * Model ids of the form `provider:model`. The provider part names a registered provider id
 * (`openai`, or a custom id such as `groq`); the model part is whatever that provider calls the
 * model and may itself contain colons (`ollama:llama3.2:3b`), so the id splits at the first colon.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { InvalidModelId } from "./AiuError.js"

const providerPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/

/**
 * @since 0.1.0
 * @category schemas
 */
export const ModelId = Schema.String.pipe(
  Schema.filter((s) => validate(s) === undefined, {
    identifier: "ModelId",
    message: (issue) => validate(String(issue.actual)) ?? "invalid model id"
  }),
  Schema.brand("@aiu/core/ModelId")
)

/**
 * @since 0.1.0
 * @category models
 */
export type ModelId = typeof ModelId.Type

/**
 * @since 0.1.0
 * @category models
 */
export interface Parts {
  readonly provider: string
  readonly model: string
}

const example = "a model id looks like 'provider:model', e.g. 'openai:gpt-4o-mini' or 'anthropic:claude-sonnet-4-5'"

/** Returns why `input` is not a model id, or undefined when it is one. */
const validate = (input: string): string | undefined => {
  const at = input.indexOf(":")
  if (input.trim() === "") return `empty model id: ${example}`
  if (at < 0) return `'${clip(input)}' has no provider part: ${example}`
  const provider = input.slice(0, at)
  const model = input.slice(at + 1)
  if (!providerPattern.test(provider)) {
    return `'${clip(provider)}' is not a valid provider id (lowercase letters, digits, '.', '_' or '-'): ${example}`
  }
  if (model.trim() === "" || model !== model.trim()) return `'${clip(input)}' has no model part: ${example}`
  return undefined
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s)

/**
 * Parses `provider:model`; a bad id fails with `InvalidModelId` saying what a good one looks like.
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: string): Effect.Effect<ModelId, InvalidModelId> =>
  Either.match(parseEither(input), { onLeft: Effect.fail, onRight: Effect.succeed })

/**
 * @since 0.1.0
 * @category constructors
 */
export const parseEither = (input: string): Either.Either<ModelId, InvalidModelId> => {
  const problem = validate(input)
  return problem === undefined
    ? Either.right(input as ModelId)
    : Either.left(new InvalidModelId({ message: problem, input: clip(input) }))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (provider: string, model: string): Either.Either<ModelId, InvalidModelId> =>
  parseEither(`${provider}:${model}`)

/**
 * Splits a (valid) model id at its first colon.
 * @since 0.1.0
 * @category getters
 */
export const parts = (id: ModelId): Parts => {
  const at = id.indexOf(":")
  return { provider: id.slice(0, at), model: id.slice(at + 1) }
}

/**
 * @since 0.1.0
 * @category guards
 */
export const isModelId = (u: unknown): u is ModelId => typeof u === "string" && validate(u) === undefined
