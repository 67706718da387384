/**
 * Opt-in live check against a real Ollama: runs only with OLLAMA_HOST set (and OLLAMA_TEST_MODEL,
 * default llama3.2), never in CI.
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OllamaProvider from "../src/OllamaProvider.js"

const host = process.env.OLLAMA_HOST
const reason = "OLLAMA_HOST is not set: the live Ollama check is skipped"

describe.skipIf(host === undefined || host === "")("Ollama live", () => {
  it.live(
    "tags and a short chat against the real server",
    () =>
      Effect.gen(function* () {
        const provider = yield* OllamaProvider.make({
          id: "ollama",
          baseUrl: host,
          ...(process.env.OLLAMA_API_KEY ? { apiKey: Redacted.make(process.env.OLLAMA_API_KEY) } : {})
        })
        const models = yield* provider.listModels()
        assert.isArray(models)
        const response = yield* provider.chat({
          model: process.env.OLLAMA_TEST_MODEL ?? "llama3.2",
          messages: [{ role: "user", content: "Reply with the single word: pong" }],
          maxOutputTokens: 10,
          temperature: 0
        })
        assert.isAbove(response.text.length, 0)
      }).pipe(Effect.provide(NodeHttpTransport.layer())),
    120_000
  )
})

if (host === undefined || host === "") {
  describe("Ollama live", () => {
    it.skip(reason, () => {})
  })
}
