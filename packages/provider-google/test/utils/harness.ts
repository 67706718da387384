import type * as Provider from "@aiu/core/Provider"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import type { Reply } from "@aiu/testing/FakeProviderServer"
import * as Recordings from "@aiu/testing/Recordings"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as GoogleProvider from "../../src/GoogleProvider.js"

export const apiKey = Redacted.make("test-gemini-key")

/** A fake server plus a Gemini adapter pointed at it (`/v1beta` prefix, as the real base URL). */
export const setup = (config?: Partial<Provider.AdapterConfig>) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const transport = yield* Layer.build(NodeHttpTransport.layer())
    const provider = yield* GoogleProvider.make({
      id: "google",
      baseUrl: `${server.url}/v1beta`,
      apiKey,
      ...config
    }).pipe(Effect.provide(transport))
    return { server, provider }
  })

/** No retries, so error tests see exactly one request. */
export const once = { retry: { maxRetries: 0 } } as const

export const fixture = (name: string): Uint8Array => Recordings.read(`google/${name}`)
export const fixtureText = (name: string): string => Recordings.text(fixture(name))

/** Fixed-size re-splits (1 byte cuts every UTF-8 sequence and CRLF). */
export const fixedSplit = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}

/** Whole, 1-, 7-, 64-byte pieces and two seeded random splits. */
export const splits = (bytes: Uint8Array) => [
  { name: "whole", pieces: [bytes] },
  { name: "1-byte", pieces: fixedSplit(bytes, 1) },
  { name: "7-byte", pieces: fixedSplit(bytes, 7) },
  { name: "64-byte", pieces: fixedSplit(bytes, 64) },
  { name: "seed 17", pieces: Recordings.resplit(bytes, 17) },
  { name: "seed 4242", pieces: Recordings.resplit(bytes, 4242) }
]

export const sseReply = (pieces: ReadonlyArray<Uint8Array>, headers?: Record<string, string>): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", ...headers },
  body: pieces
})

export const jsonReply = (bytes: Uint8Array, status = 200): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=UTF-8" },
  body: bytes
})

export const requestIdOf = (e: object): string | undefined =>
  "requestId" in e && typeof e.requestId === "string" ? e.requestId : undefined
