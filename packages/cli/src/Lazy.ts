/**
 * Layers loaded on first use. The heavy parts of the CLI (the HTTP stack, database drivers,
 * libsodium) sit behind dynamic imports, so the bundler splits them into chunks that only the
 * commands needing them load: `aiu --help` parses the command tree and nothing more.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const layer = <ROut, E, RIn>(load: () => Promise<Layer.Layer<ROut, E, RIn>>): Layer.Layer<ROut, E, RIn> =>
  Layer.unwrapEffect(Effect.promise(load))

/** The provider registry over the Node transport. */
export const providers = layer(() => import("./MainLayer.js").then((m) => m.providers))
