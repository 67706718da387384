import type * as Provider from "@aiu/core/Provider"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as MistralProvider from "../../src/MistralProvider.js"

export const apiKey = Redacted.make("test-mistral-key")

/** A fake server plus a Mistral adapter pointed at it (`/v1` prefix, as the real base URL). */
export const setup = (config?: Partial<Provider.AdapterConfig>) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    // Built in the caller's scope: the undici pool lives as long as the test.
    const transport = yield* Layer.build(NodeHttpTransport.layer())
    const provider = yield* MistralProvider.make({
      id: "mistral",
      baseUrl: `${server.url}/v1`,
      apiKey,
      ...config
    }).pipe(Effect.provide(transport))
    return { server, provider }
  })

/** No retries, so error tests see exactly one request. */
export const once = { retry: { maxRetries: 0 } } as const

/** Fields most union members carry (UnsupportedOperation does not). */
export const requestIdOf = (e: object): string | undefined =>
  "requestId" in e && typeof e.requestId === "string" ? e.requestId : undefined
export const statusOf = (e: object): number | undefined =>
  "status" in e && typeof e.status === "number" ? e.status : undefined
