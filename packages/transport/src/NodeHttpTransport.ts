/**
 * The Node.js transport: `HttpTransport` over undici (2.5–4x cheaper per call than Node's
 * built-in `fetch`, see perf-baseline.md). Kept out of `HttpTransport.ts` so adapters and core
 * bundle for edge runtimes with no `node:` import.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Layer from "effect/Layer"
import * as HttpTransport from "./HttpTransport.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: HttpTransport.Options): Layer.Layer<HttpTransport.HttpTransport> =>
  HttpTransport.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))
