/**
 * The provider adapters the CLI ships with.
 */
import type * as Provider from "@aiu/core/Provider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"

export const descriptors: ReadonlyArray<Provider.Descriptor<HttpTransport>> = []
