/**
 * Typed events from everything behind the client: request lifecycle, retries, rate-limit waits,
 * circuit changes, keys, model refreshes, budgets. Published on a bounded `PubSub` that drops
 * (and counts) what a slow subscriber cannot take, so publishing never waits.
 *
 * Read them as a `Stream` (`events.stream`), or from plain Node code with
 * `events.on("RequestFinished", handler)`, which returns an unsubscribe function.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/events.js"

/**
 * What the events say about one request attempt.
 * @since 0.1.0
 * @category models
 */
export interface RequestInfo {
  /** The usage record id of this attempt. */
  readonly id: string
  readonly operation: "chat" | "stream" | "embed" | "image"
  /** `provider:model` of this attempt. */
  readonly modelId: string
  readonly provider: string
  readonly model: string
  readonly keyAlias?: string | undefined
  /** 1 for the primary model, 2 for the first fallback, … */
  readonly attempt: number
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * @since 0.1.0
 * @category models
 */
export type AiuEvent = Data.TaggedEnum<{
  RequestStarted: { readonly request: RequestInfo; readonly time: Date }
  RequestFinished: {
    readonly request: RequestInfo
    readonly latencyMs: number
    readonly ttftMs?: number | undefined
    readonly inputTokens: number
    readonly outputTokens: number
    readonly costUsd?: number | undefined
    readonly requestId?: string | undefined
  }
  RequestFailed: {
    readonly request: RequestInfo
    readonly latencyMs: number
    readonly errorTag: string
    readonly message: string
    /** The next model of the fallback list will be tried. */
    readonly willFallback: boolean
  }
  /** The consumer stopped reading a stream before it ended. */
  StreamCancelled: { readonly request: RequestInfo; readonly latencyMs: number; readonly chunks: number }
  RetryScheduled: {
    readonly provider: string
    readonly operation: string
    readonly attempt: number
    readonly delayMs: number
    readonly reason: string
  }
  RateLimitWait: { readonly provider: string; readonly key?: string | undefined; readonly waitMs: number }
  CircuitOpened: { readonly provider: string }
  CircuitHalfOpen: { readonly provider: string }
  CircuitClosed: { readonly provider: string }
  KeySaved: { readonly provider: string; readonly alias: string }
  KeyRotated: { readonly provider: string; readonly alias: string }
  KeyRevoked: { readonly provider: string; readonly alias: string }
  ModelsRefreshed: { readonly provider: string; readonly count: number }
  BudgetExceeded: {
    readonly budget: string
    readonly limit: number
    readonly used: number
    readonly unit: "usd" | "tokens"
    readonly modelId: string
  }
  PolicyDenied: { readonly policy: string; readonly modelId: string }
}>

/**
 * Constructors and matchers: `AiuEvent.RequestStarted({ ... })`, `AiuEvent.$is("RequestFailed")`.
 * @since 0.1.0
 * @category constructors
 */
export const AiuEvent = Data.taggedEnum<AiuEvent>()

/**
 * @since 0.1.0
 * @category models
 */
export type EventTag = AiuEvent["_tag"]

/**
 * @since 0.1.0
 * @category models
 */
export type EventOf<T extends EventTag> = Extract<AiuEvent, { readonly _tag: T }>

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Never waits: a full buffer drops the event and counts it. */
  readonly publish: (event: AiuEvent) => Effect.Effect<void>
  /** Every event published after the stream starts. */
  readonly stream: Stream.Stream<AiuEvent>
  /** A subscription that is live as soon as this effect completes (no event missed after it). */
  readonly subscribe: Effect.Effect<Stream.Stream<AiuEvent>, never, Scope.Scope>
  /** Events dropped so far because a subscriber was full. */
  readonly dropped: Effect.Effect<number>
  /**
   * Plain-Node subscription: the handler runs for each event of that tag (`"*"` for all), in
   * order; exceptions it throws are logged and ignored. Returns the unsubscribe function.
   */
  readonly on: <T extends EventTag | "*">(
    event: T,
    handler: (event: T extends EventTag ? EventOf<T> : AiuEvent) => void
  ) => () => void
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AiuEvents extends Context.Tag("@aiu/client/AiuEvents")<AiuEvents, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Events buffered per subscriber before dropping (default 1,024). */
  readonly capacity?: number | undefined
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, never, Scope.Scope> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<AiuEvents> => Layer.scoped(AiuEvents, make(options))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerDefault: Layer.Layer<AiuEvents> = layer()
