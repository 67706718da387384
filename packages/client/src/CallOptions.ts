/**
 * Per-call options of the `Aiu` client: which key alias, limits, retries, fallbacks and metadata.
 *
 * @since 0.1.0
 */
import type * as CoreCallOptions from "@aiu/core/CallOptions"
import type * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"

/**
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** The keyring alias (default `default`). */
  readonly keyAlias?: string | undefined
  /** Use this key instead of the keyring's. */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** The whole call, all transport retries included (per model of the fallback list). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Finer limits: connect, first byte, idle gap between stream chunks. */
  readonly timeouts?: CoreCallOptions.Timeouts | undefined
  /** Transport retries after the first attempt (default: the transport's, 2). */
  readonly retries?: number | undefined
  readonly retry?: CoreCallOptions.RetryOptions | undefined
  /**
   * Models (ids or aliases) tried in order when the previous one fails with a retryable error,
   * an overload or a rate limit. Streams fall back only before their first chunk.
   */
  readonly fallbacks?: ReadonlyArray<string> | undefined
  /** Tags (`user`, `team`, `feature`, …) carried into the usage log, events and budgets. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Extra HTTP headers for the provider. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Later fields win; metadata and headers are merged.
 * @since 0.1.0
 * @category combinators
 */
export const merge = (self: CallOptions | undefined, that: CallOptions | undefined): CallOptions => {
  if (self === undefined) return that ?? {}
  if (that === undefined) return self
  const out: { -readonly [K in keyof CallOptions]: CallOptions[K] } = { ...self, ...stripUndefined(that) }
  if (self.metadata !== undefined || that.metadata !== undefined) out.metadata = { ...self.metadata, ...that.metadata }
  if (self.headers !== undefined || that.headers !== undefined) out.headers = { ...self.headers, ...that.headers }
  return out
}

const stripUndefined = <A extends object>(a: A): Partial<A> => {
  const out: Partial<A> = {}
  for (const [k, v] of Object.entries(a)) if (v !== undefined) (out as Record<string, unknown>)[k] = v
  return out
}
