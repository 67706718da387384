/**
 * The layers the CLI composes, once, from the environment (`AIU_*`, provider variables). Each
 * command provides only what it uses, so `aiu --help` opens no database and no socket.
 */
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Layer from "effect/Layer"
import { descriptors } from "./Descriptors.js"

export const transport = NodeHttpTransport.layer()

export const providers: Layer.Layer<ProviderRegistry.ProviderRegistry> = ProviderRegistry.layer({
  descriptors,
  env: (name) => process.env[name]
}).pipe(Layer.provide(transport))
