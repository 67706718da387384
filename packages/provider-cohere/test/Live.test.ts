/**
 * Opt-in live check against api.cohere.com: runs only with CO_API_KEY set, never in CI.
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as CohereProvider from "../src/CohereProvider.js"

const key = process.env.CO_API_KEY
const reason = "CO_API_KEY is not set: the live Cohere check is skipped"

describe.skipIf(key === undefined || key === "")("Cohere live", () => {
  it.live(
    "chat and embed against the real API",
    () =>
      Effect.gen(function* () {
        const provider = yield* CohereProvider.make({
          id: "cohere",
          apiKey: Redacted.make(key ?? ""),
          ...(process.env.COHERE_BASE_URL ? { baseUrl: process.env.COHERE_BASE_URL } : {})
        })
        const response = yield* provider.chat({
          model: "command-r7b-12-2024",
          messages: [{ role: "user", content: "Reply with the single word: pong" }],
          maxOutputTokens: 10,
          temperature: 0
        })
        assert.match(response.text.toLowerCase(), /pong/)
        const embedded = yield* provider.embed({ model: "embed-english-v3.0", input: ["hello"], inputType: "query" })
        assert.strictEqual(embedded.embeddings.length, 1)
      }).pipe(Effect.provide(NodeHttpTransport.layer())),
    60_000
  )
})

if (key === undefined || key === "") {
  describe("Cohere live", () => {
    it.skip(reason, () => {})
  })
}
