import type * as Provider from "@aiu/core/Provider"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as OllamaProvider from "../../src/OllamaProvider.js"

/** A fake server plus an Ollama adapter pointed at it (no key, as a local Ollama). */
export const setup = (config?: Partial<Provider.AdapterConfig>) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    // Built in the caller's scope: the undici pool lives as long as the test.
    const transport = yield* Layer.build(NodeHttpTransport.layer())
    const provider = yield* OllamaProvider.make({ id: "ollama", baseUrl: server.url, ...config }).pipe(
      Effect.provide(transport)
    )
    return { server, provider }
  })

/** No retries, so error tests see exactly one request. */
export const once = { retry: { maxRetries: 0 } } as const

export const statusOf = (e: object): number | undefined =>
  "status" in e && typeof e.status === "number" ? e.status : undefined
