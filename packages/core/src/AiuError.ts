/**
 * The one error union of aiu. Every failure that crosses a service boundary is one of these
 * classes: tagged, schema-encodable, carrying a human message with no secret in it, the provider
 * id and, where known, the HTTP status, the provider's request id, `retryAfter` and attempts.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@aiu/core/AiuError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/** Fields every provider-facing error carries. */
const common = {
  message: Schema.String,
  provider: Schema.optional(Schema.String),
  status: Schema.optional(Schema.Number),
  requestId: Schema.optional(Schema.String),
  attempts: Schema.optional(Schema.Number)
}

// =============================================================================
// Provider errors: mapped from a provider's status and error body
// =============================================================================

/**
 * The key was missing, malformed or rejected (HTTP 401).
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationError extends Schema.TaggedError<AuthenticationError>("@aiu/core/AuthenticationError")(
  "AuthenticationError",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The key is valid but may not do this (HTTP 403).
 * @since 0.1.0
 * @category errors
 */
export class PermissionDenied extends Schema.TaggedError<PermissionDenied>("@aiu/core/PermissionDenied")(
  "PermissionDenied",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * Too many requests, from the provider (HTTP 429) or from our own limiter (`scope: "client"`).
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@aiu/core/RateLimited")("RateLimited", {
  ...common,
  retryAfter: Schema.optional(Schema.DurationFromMillis),
  scope: Schema.optional(Schema.Literal("provider", "client"))
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return true
  }
}

/**
 * Billing quota or spend limit exhausted: a 429 that waiting will not fix.
 * @since 0.1.0
 * @category errors
 */
export class QuotaExceeded extends Schema.TaggedError<QuotaExceeded>("@aiu/core/QuotaExceeded")(
  "QuotaExceeded",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider rejected the request as malformed (HTTP 400, 413, 422), or we did before sending.
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@aiu/core/InvalidRequest")("InvalidRequest", {
  ...common,
  param: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * A model id that is not of the form `provider:model`.
 * @since 0.1.0
 * @category errors
 */
export class InvalidModelId extends Schema.TaggedError<InvalidModelId>("@aiu/core/InvalidModelId")("InvalidModelId", {
  message: Schema.String,
  input: Schema.String
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider does not know the model (or the registry does not).
 * @since 0.1.0
 * @category errors
 */
export class ModelNotFound extends Schema.TaggedError<ModelNotFound>("@aiu/core/ModelNotFound")("ModelNotFound", {
  ...common,
  model: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The prompt (plus the requested output) does not fit the model's context window.
 * @since 0.1.0
 * @category errors
 */
export class ContextLengthExceeded extends Schema.TaggedError<ContextLengthExceeded>("@aiu/core/ContextLengthExceeded")(
  "ContextLengthExceeded",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider's safety system blocked the prompt or the answer.
 * @since 0.1.0
 * @category errors
 */
export class ContentFiltered extends Schema.TaggedError<ContentFiltered>("@aiu/core/ContentFiltered")(
  "ContentFiltered",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider is overloaded (Anthropic 529, 503 overloaded); `shortCircuited` when our circuit
 * breaker refused the call without sending it.
 * @since 0.1.0
 * @category errors
 */
export class ProviderOverloaded extends Schema.TaggedError<ProviderOverloaded>("@aiu/core/ProviderOverloaded")(
  "ProviderOverloaded",
  {
    ...common,
    retryAfter: Schema.optional(Schema.DurationFromMillis),
    shortCircuited: Schema.optional(Schema.Boolean)
  }
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return this.shortCircuited !== true
  }
}

/**
 * The provider failed (5xx) or answered in a way no other error describes. `transient: false`
 * marks failures a retry will not fix (e.g. 501).
 * @since 0.1.0
 * @category errors
 */
export class ProviderError extends Schema.TaggedError<ProviderError>("@aiu/core/ProviderError")("ProviderError", {
  ...common,
  transient: Schema.optional(Schema.Boolean),
  shortCircuited: Schema.optional(Schema.Boolean)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return this.transient !== false && this.shortCircuited !== true
  }
}

// =============================================================================
// Transport errors
// =============================================================================

/**
 * Which limit was breached.
 * @since 0.1.0
 * @category models
 */
export const TimeoutPhase = Schema.Literal("connect", "first-byte", "idle", "idle-event", "total")

/**
 * @since 0.1.0
 * @category models
 */
export type TimeoutPhase = typeof TimeoutPhase.Type

/**
 * A deadline passed: connecting, waiting for the first byte, silence between stream chunks
 * (`idle`: no bytes; `idle-event`: bytes but no real event), or the whole request.
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@aiu/core/Timeout")("Timeout", {
  ...common,
  phase: TimeoutPhase,
  timeout: Schema.optional(Schema.DurationFromMillis)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    // A stream that went silent has already delivered output: never replay it.
    return this.phase === "connect" || this.phase === "first-byte"
  }
}

/**
 * The connection failed before a response arrived (refused, reset, DNS).
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends Schema.TaggedError<NetworkError>("@aiu/core/NetworkError")("NetworkError", common) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return true
  }
}

/**
 * A stream broke after its body had started; what was delivered stays delivered.
 * @since 0.1.0
 * @category errors
 */
export class StreamInterrupted extends Schema.TaggedError<StreamInterrupted>("@aiu/core/StreamInterrupted")(
  "StreamInterrupted",
  {
    ...common,
    errorType: Schema.optional(Schema.String)
  }
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * A response body or stream event that did not decode (bad JSON, wrong shape, oversized event).
 * @since 0.1.0
 * @category errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>("@aiu/core/ResponseDecodeError")(
  "ResponseDecodeError",
  common
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider (or adapter) does not support this operation.
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedOperation extends Schema.TaggedError<UnsupportedOperation>("@aiu/core/UnsupportedOperation")(
  "UnsupportedOperation",
  {
    message: Schema.String,
    provider: Schema.optional(Schema.String),
    operation: Schema.String
  }
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

// =============================================================================
// Keyring errors
// =============================================================================

/**
 * No active key for the provider and alias, in the keyring nor the environment.
 * @since 0.1.0
 * @category errors
 */
export class KeyNotFound extends Schema.TaggedError<KeyNotFound>("@aiu/core/KeyNotFound")("KeyNotFound", {
  message: Schema.String,
  provider: Schema.String,
  alias: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * The master key is missing, wrong, or its key file is unsafe.
 * @since 0.1.0
 * @category errors
 */
export class KeyringLocked extends Schema.TaggedError<KeyringLocked>("@aiu/core/KeyringLocked")("KeyringLocked", {
  message: Schema.String
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * A ciphertext or bundle failed authentication: tampered, truncated or bound to another row.
 * @since 0.1.0
 * @category errors
 */
export class DecryptionFailed extends Schema.TaggedError<DecryptionFailed>("@aiu/core/DecryptionFailed")(
  "DecryptionFailed",
  {
    message: Schema.String,
    provider: Schema.optional(Schema.String),
    alias: Schema.optional(Schema.String)
  }
) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

// =============================================================================
// Storage and configuration errors
// =============================================================================

/**
 * The database failed or refused an operation.
 * @since 0.1.0
 * @category errors
 */
export class StorageError extends Schema.TaggedError<StorageError>("@aiu/core/StorageError")("StorageError", {
  message: Schema.String,
  operation: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * Configuration is missing or invalid (an environment variable, a URL, a provider setting).
 * @since 0.1.0
 * @category errors
 */
export class ConfigError extends Schema.TaggedError<ConfigError>("@aiu/core/ConfigError")("ConfigError", {
  message: Schema.String,
  key: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

// =============================================================================
// Client errors
// =============================================================================

/**
 * A spending or token cap would be crossed by this call.
 * @since 0.1.0
 * @category errors
 */
export class BudgetExceeded extends Schema.TaggedError<BudgetExceeded>("@aiu/core/BudgetExceeded")("BudgetExceeded", {
  message: Schema.String,
  budget: Schema.String,
  limit: Schema.Number,
  used: Schema.Number,
  unit: Schema.Literal("usd", "tokens")
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

/**
 * A policy (allowed / denied models, guardrail middleware) refused the call.
 * @since 0.1.0
 * @category errors
 */
export class PolicyDenied extends Schema.TaggedError<PolicyDenied>("@aiu/core/PolicyDenied")("PolicyDenied", {
  message: Schema.String,
  policy: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId
  get retryable(): boolean {
    return false
  }
}

// =============================================================================
// Union
// =============================================================================

/**
 * @since 0.1.0
 * @category schemas
 */
export const AiuError = Schema.Union(
  AuthenticationError,
  PermissionDenied,
  RateLimited,
  QuotaExceeded,
  InvalidRequest,
  InvalidModelId,
  ModelNotFound,
  ContextLengthExceeded,
  ContentFiltered,
  ProviderOverloaded,
  ProviderError,
  Timeout,
  NetworkError,
  StreamInterrupted,
  ResponseDecodeError,
  UnsupportedOperation,
  KeyNotFound,
  KeyringLocked,
  DecryptionFailed,
  StorageError,
  ConfigError,
  BudgetExceeded,
  PolicyDenied
)

/**
 * @since 0.1.0
 * @category models
 */
export type AiuError = typeof AiuError.Type

/**
 * The errors a provider call can fail with.
 * @since 0.1.0
 * @category models
 */
export type ProviderFailure =
  | AuthenticationError
  | PermissionDenied
  | RateLimited
  | QuotaExceeded
  | InvalidRequest
  | ModelNotFound
  | ContextLengthExceeded
  | ContentFiltered
  | ProviderOverloaded
  | ProviderError
  | Timeout
  | NetworkError
  | StreamInterrupted
  | ResponseDecodeError
  | UnsupportedOperation

/**
 * @since 0.1.0
 * @category guards
 */
export const isAiuError = (u: unknown): u is AiuError => Predicate.hasProperty(u, TypeId)

/**
 * Whether trying again may succeed (decided where the error was built).
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (error: AiuError): boolean => error.retryable

/**
 * The server-requested wait, when the error carries one.
 * @since 0.1.0
 * @category getters
 */
export const retryAfter = (error: AiuError): Duration.Duration | undefined =>
  "retryAfter" in error ? error.retryAfter : undefined

/**
 * A one-line description: `<Tag>: <message>`, the form the CLI prints.
 * @since 0.1.0
 * @category getters
 */
export const format = (error: AiuError): string => `${error._tag}: ${error.message}`
