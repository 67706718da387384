/**
 * Opt-in live check against the real Gemini API: runs only with GEMINI_API_KEY set.
 */
import * as Provider from "@aiu/core/Provider"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as GoogleProvider from "../src/GoogleProvider.js"

const key = process.env.GEMINI_API_KEY
const model = process.env.GEMINI_LIVE_MODEL ?? "gemini-2.5-flash"

describe("Gemini live (GEMINI_API_KEY)", () => {
  it.skipIf(key === undefined || key === "")(
    "chat, stream, listModels and embed against generativelanguage.googleapis.com (skipped: GEMINI_API_KEY is not set)",
    () =>
      Effect.gen(function* () {
        const provider = yield* Provider.Provider
        const response = yield* provider.chat({
          model,
          messages: [{ role: "user", content: "Reply with the single word: pong" }],
          maxOutputTokens: 16
        })
        assert.match(response.text.toLowerCase(), /pong/)
        assert.isAbove(response.usage.inputTokens, 0)
        const chunks = yield* Stream.runCollect(
          provider.chatStream({ model, messages: [{ role: "user", content: "Count to 3" }], maxOutputTokens: 32 })
        )
        assert.isTrue([...chunks].some((c) => c.type === "finish"))
        const models = yield* provider.listModels()
        assert.isAbove(models.length, 0)
        const embedded = yield* provider.embed({
          model: "gemini-embedding-001",
          input: ["hello", "world"],
          dimensions: 8
        })
        assert.deepStrictEqual(
          embedded.embeddings.map((v) => v.length),
          [8, 8]
        )
      }).pipe(
        Effect.provide(GoogleProvider.layer({ id: "google", apiKey: Redacted.make(key ?? "") })),
        Effect.provide(NodeHttpTransport.layer())
      ),
    60_000
  )
})
