/**
 * Opt-in live check against api.mistral.ai: runs only with MISTRAL_API_KEY set, never in CI.
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as MistralProvider from "../src/MistralProvider.js"

const key = process.env.MISTRAL_API_KEY
const reason = "MISTRAL_API_KEY is not set: the live Mistral check is skipped"

describe.skipIf(key === undefined || key === "")(`Mistral live (${key ? "enabled" : reason})`, () => {
  it.live(
    "chat, stream and embed against the real API",
    () =>
      Effect.gen(function* () {
        const provider = yield* MistralProvider.make({
          id: "mistral",
          apiKey: Redacted.make(key ?? ""),
          ...(process.env.MISTRAL_BASE_URL ? { baseUrl: process.env.MISTRAL_BASE_URL } : {})
        })
        const response = yield* provider.chat({
          model: "mistral-small-latest",
          messages: [{ role: "user", content: "Reply with the single word: pong" }],
          maxOutputTokens: 10,
          temperature: 0
        })
        assert.match(response.text.toLowerCase(), /pong/)
        assert.isAbove(response.usage.inputTokens, 0)
        const embedded = yield* provider.embed({ model: "mistral-embed", input: ["hello"] })
        assert.strictEqual(embedded.embeddings.length, 1)
      }).pipe(Effect.provide(NodeHttpTransport.layer())),
    60_000
  )
})

if (key === undefined || key === "") {
  describe("Mistral live", () => {
    it.skip(reason, () => {})
  })
}
