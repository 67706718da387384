import type * as Provider from "@aiu/core/Provider"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as MistralProvider from "../../src/MistralProvider.js"

export const fixturesDir = new URL("../../../testing/fixtures/mistral/", import.meta.url)

export const fixture = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(new URL(name, fixturesDir)))
export const fixtureText = (name: string): string => fs.readFileSync(new URL(name, fixturesDir), "utf8")

/** Re-splits bytes into pieces of `size` bytes (UTF-8 sequences and SSE lines cut anywhere). */
export const resplit = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}

/** A vercel `*.chunks.txt` (NDJSON of SSE payloads) framed as Mistral sends it: `data: …\n\n` + `[DONE]`. */
export const chunksToSse = (text: string): Uint8Array => {
  const lines = text.split("\n").filter((l) => l.length > 0)
  return new TextEncoder().encode(lines.map((l) => `data: ${l}\n\n`).join("") + "data: [DONE]\n\n")
}

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
