/**
 * Opt-in live check against the real OpenAI API: runs only with OPENAI_API_KEY set.
 */
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiProvider from "../src/OpenAiProvider.js"

const key = process.env.OPENAI_API_KEY
const reason = "set OPENAI_API_KEY to run the live OpenAI check"

it.layer(NodeHttpTransport.layer())("OpenAI live", (it) => {
  it.skipIf(key === undefined || key === "")(`streams a short answer (${reason})`, () =>
    Effect.gen(function* () {
      const provider = yield* OpenAiProvider.make({
        id: "openai",
        apiKey: Redacted.make(key ?? ""),
        ...(process.env.OPENAI_BASE_URL ? { baseUrl: process.env.OPENAI_BASE_URL } : {})
      })
      const response = yield* StreamChunk.collect(
        provider.chatStream({
          model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
          messages: [{ role: "user", content: "Say OK" }],
          maxOutputTokens: 16
        }),
        "gpt-4o-mini"
      )
      assert.isAbove(response.text.length, 0)
      assert.isAbove(response.usage.totalTokens, 0)
    })
  )
})
