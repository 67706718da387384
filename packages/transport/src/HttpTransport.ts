/**
 * The one way provider adapters talk HTTP. `request` sends JSON and decodes the answer with a
 * Schema; `sse` and `ndjson` open a streaming response whose events arrive as a `Stream`. Every
 * failure is mapped to the core error union: the adapter's `mapError` speaks for its provider's
 * error bodies, the generic status mapping covers the rest.
 *
 * Every call goes through the resilience layer: the keyed rate limiter (when a `RateLimit`
 * service is provided), the per-provider circuit breaker, retries with backoff and `Retry-After`
 * (`RetryPolicy`), the retry budget (`RetryBudget`) and per-phase deadlines (`Timeouts`), all
 * configurable per transport, per provider (`Options.providers`) and per call (`CallOptions`).
 * On Node use `NodeHttpTransport.layer` (undici, the fast path); elsewhere `layerFetch`.
 *
 * @since 0.1.0
 */
import type { ProviderFailure } from "@aiu/core/AiuError"
import type { CallOptions, RetryOptions, Timeouts } from "@aiu/core/CallOptions"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as CircuitBreaker from "./CircuitBreaker.js"
import * as EventMapping from "./EventMapping.js"
import * as internal from "./internal/httpTransport.js"
import type * as RetryBudget from "./RetryBudget.js"
import type * as ServerLimits from "./ServerLimits.js"
import type { SseEvent } from "./Sse.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface HttpRequest {
  /** The registered provider id: names the provider in errors, and keys limits and breakers. */
  readonly provider: string
  /** What the call is for (`chat`, `chatStream`, `embed`, `listModels`, …): logs and spans. */
  readonly operation: string
  /** The model asked for, when the call is for one: the request's span carries it (`gen_ai.request.model`). */
  readonly model?: string | undefined
  readonly method?: "GET" | "POST" | "PUT" | "DELETE"
  /** Absolute URL. Never put a credential in it: URLs are logged. */
  readonly url: string
  /** Credential headers are fine here: they are redacted wherever headers are logged. */
  readonly headers?: Readonly<Record<string, string>>
  /** Serialised as JSON. */
  readonly body?: unknown
  readonly options?: CallOptions | undefined
  /** Maps an error response to the union; return undefined to fall back to the status mapping. */
  readonly mapError?: ErrorMapper
  /** Estimated tokens (input + max output) for the tokens-per-minute limiter. */
  readonly estimatedTokens?: number
  /**
   * Parses the provider's rate-limit response headers; the transport hands what they say to the
   * `RateLimit` service (when one is provided), which holds calls back while a bucket is empty.
   */
  readonly serverLimits?: ServerLimits.Parser
}

/**
 * What an adapter's error mapper sees. `body` is the raw text (clipped), `json` its parse.
 * @since 0.1.0
 * @category models
 */
export interface ErrorInfo {
  readonly provider: string
  readonly operation: string
  readonly status: number
  /** Lowercased header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly json: unknown
  readonly requestId: string | undefined
  /** The server-requested wait, from `retry-after-ms` / `retry-after`. */
  readonly retryAfterMs: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorMapper = (info: ErrorInfo) => ProviderFailure | undefined

/**
 * @since 0.1.0
 * @category models
 */
export interface Response<A> {
  readonly status: number
  /** Lowercased header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly requestId: string | undefined
  readonly body: A
}

/**
 * An open streaming response. `events` may be consumed once; closing the scope (or interrupting
 * the consumer) aborts the HTTP request.
 * @since 0.1.0
 * @category models
 */
export interface StreamResponse<A> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly requestId: string | undefined
  readonly events: Stream.Stream<A, ProviderFailure>
  /**
   * The events through a provider's mapper, run inside the transport's read loop: the same
   * stream as `EventMapping.mapEvents(events, mapper)` with one `Stream` stage fewer. Optional
   * only so hand-written test doubles need not implement it: use `HttpTransport.mapEvents`.
   */
  readonly mapEvents?: <B, E>(mapper: EventMapping.Mapper<A, B, E>) => Stream.Stream<B, E | ProviderFailure>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly request: <A, I>(
    request: HttpRequest,
    schema: Schema.Schema<A, I, never>
  ) => Effect.Effect<Response<A>, ProviderFailure>
  /** Opens an SSE response. */
  readonly sse: (request: HttpRequest) => Effect.Effect<StreamResponse<SseEvent>, ProviderFailure, Scope.Scope>
  /** Opens an NDJSON response; each event is one parsed JSON value. */
  readonly ndjson: (request: HttpRequest) => Effect.Effect<StreamResponse<unknown>, ProviderFailure, Scope.Scope>
  /**
   * Reports the real token usage of a finished call (input + output), so the tokens-per-minute
   * limiter corrects the estimate it charged (`request.estimatedTokens`). A no-op without a
   * limiter. Optional only so hand-written test doubles need not implement it: use
   * `HttpTransport.reportUsage(service, request, tokens)`.
   */
  readonly reportUsage?: (request: HttpRequest, actualTokens: number) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class HttpTransport extends Context.Tag("@aiu/transport/HttpTransport")<HttpTransport, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Largest SSE event / NDJSON line accepted (default 128 MiB). */
  readonly maxEventBytes?: number
  /** Retry settings for every provider (defaults: 2 retries, 0.5 s base, 8 s cap, 60 s ceiling). */
  readonly retry?: RetryOptions
  /** Timeouts for every provider (defaults in `Timeouts.defaults`). */
  readonly timeouts?: Timeouts
  /** Per-provider overrides, by provider id; per-call `CallOptions` override these. */
  readonly providers?: Readonly<Record<string, { readonly retry?: RetryOptions; readonly timeouts?: Timeouts }>>
  /** The retry budget per provider (AWS standard mode: 500 tokens); `false` for none. */
  readonly retryBudget?: RetryBudget.Options | false
  /**
   * The transport's own circuit breaker per provider; `false` switches it off. Ignored when a
   * `CircuitBreaker` service is in context (then that one is used).
   */
  readonly circuitBreaker?: CircuitBreaker.Options | false
}

/**
 * Over an `@effect/platform` HttpClient. Picks up a `RateLimit`, a `CircuitBreaker` and a
 * `RetryObserver` service from context when present.
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, never, HttpClient.HttpClient> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HttpTransport, never, HttpClient.HttpClient> =>
  Layer.effect(HttpTransport, make(options))

/**
 * Over the platform's `fetch` (browsers, edge runtimes, Deno, Bun).
 * @since 0.1.0
 * @category layers
 */
export const layerFetch = (options?: Options): Layer.Layer<HttpTransport> =>
  layer(options).pipe(Layer.provide(internal.fetchClientLayer))

/**
 * Reports real token usage to the rate limiter behind a transport (see `Service.reportUsage`).
 * @since 0.1.0
 * @category combinators
 */
export const reportUsage = (service: Service, request: HttpRequest, actualTokens: number): Effect.Effect<void> =>
  service.reportUsage === undefined ? Effect.void : service.reportUsage(request, actualTokens)

/**
 * A streaming response's events through a provider's mapper (see `StreamResponse.mapEvents`),
 * each output shown to `onOut` as it is made (`EventMapping.watched`): how an adapter's
 * `openChatStream` hands the client every chunk without a stream stage.
 * @since 0.1.0
 * @category combinators
 */
export const mapEvents = <A, B, E>(
  response: StreamResponse<A>,
  mapper: EventMapping.Mapper<A, B, E>,
  onOut?: (out: B) => void
): Stream.Stream<B, E | ProviderFailure> => {
  const m = EventMapping.watched(mapper, onOut)
  return response.mapEvents === undefined ? EventMapping.mapEvents(response.events, m) : response.mapEvents(m)
}

/**
 * The request id a provider put in its response headers, if any.
 * @since 0.1.0
 * @category getters
 */
export const requestIdOf: (headers: Readonly<Record<string, string>>) => string | undefined = internal.requestIdOf

/**
 * @since 0.1.0
 * @category re-exports
 */
export { HttpClient }
