/**
 * The Node.js transport: `HttpTransport` over `undici.request` directly (about 4x cheaper per call
 * than Node's built-in `fetch`, and cheaper than `@effect/platform`'s HttpClient over undici, see
 * perf-baseline.md and the transport benchmark). Kept out of `HttpTransport.ts` so adapters and
 * core bundle for edge runtimes with no `node:` import.
 *
 * Like `HttpTransport.make`, picks up `RateLimit` and `CircuitBreaker` services from context.
 *
 * @since 0.1.0
 */
import type { Dispatcher } from "undici"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as HttpTransport from "./HttpTransport.js"
import { makeWithBackend } from "./internal/httpTransport.js"
import * as Undici from "./internal/undici.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends HttpTransport.Options {
  /** Send through this undici dispatcher (a proxy agent, a mock agent); default the global one. */
  readonly dispatcher?: Dispatcher
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<HttpTransport.Service> =>
  makeWithBackend(Undici.make(options?.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {}), options)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HttpTransport.HttpTransport> =>
  Layer.effect(HttpTransport.HttpTransport, make(options))
