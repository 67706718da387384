/**
 * Maps `@effect/sql` failures to the core `StorageError`, and validates identifiers before they
 * reach SQL. One helper so every repository words its errors the same way.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"

/** The driver's own message (pg: `duplicate key value …`), cut short and masked, for the error text. */
const causeText = (cause: unknown): string => {
  const message = Predicate.hasProperty(cause, "message") ? String(cause.message) : ""
  const clipped = message.length > 200 ? `${message.slice(0, 197)}...` : message
  return Redaction.redactString(clipped)
}

/** @internal */
export const toStorageError =
  (operation: string) => (error: SqlError | { readonly message: string; readonly cause?: unknown }) => {
    const detail = causeText(error.cause)
    return new AiuError.StorageError({
      message: detail === "" ? `${operation}: ${error.message}` : `${operation}: ${error.message}: ${detail}`,
      operation
    })
  }

/** @internal */
export const mapSqlError =
  (operation: string) =>
  <A, E extends { readonly message: string; readonly cause?: unknown }, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, AiuError.StorageError, R> =>
    Effect.mapError(effect, toStorageError(operation))

/** @internal */
export interface TextLimit {
  readonly field: string
  readonly max: number
}

/**
 * Identifiers are stored exactly as given (any characters, SQL metacharacters included) but must
 * be non-empty and fit their column, so MySQL never truncates and PostgreSQL never rejects them.
 * @internal
 */
export const validateText = (value: string, limit: TextLimit): Effect.Effect<string, AiuError.ConfigError> => {
  if (value.length === 0) {
    return Effect.fail(new AiuError.ConfigError({ message: `${limit.field} must not be empty`, key: limit.field }))
  }
  if (value.length > limit.max) {
    return Effect.fail(
      new AiuError.ConfigError({
        message: `${limit.field} is ${value.length} characters long; at most ${limit.max} are allowed`,
        key: limit.field
      })
    )
  }
  return Effect.succeed(value)
}

/** Column limits shared by the migrations and the validators. @internal */
export const limits = {
  providerId: { field: "provider id", max: 255 },
  providerType: { field: "provider type", max: 64 },
  alias: { field: "key alias", max: 255 },
  modelId: { field: "model id", max: 500 },
  baseUrl: { field: "base URL", max: 2048 }
} as const
