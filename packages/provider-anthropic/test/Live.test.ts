/**
 * Opt-in live check against the real Anthropic API: runs only with ANTHROPIC_API_KEY set.
 */
import * as Provider from "@aiu/core/Provider"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as AnthropicProvider from "../src/AnthropicProvider.js"

const key = process.env.ANTHROPIC_API_KEY
const model = process.env.ANTHROPIC_LIVE_MODEL ?? "claude-haiku-4-5"

describe("Anthropic live (ANTHROPIC_API_KEY)", () => {
  it.skipIf(key === undefined || key === "")(
    "chat, stream and listModels against api.anthropic.com (skipped: ANTHROPIC_API_KEY is not set)",
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
        assert.isDefined(response.requestId)
        const chunks = yield* Stream.runCollect(
          provider.chatStream({ model, messages: [{ role: "user", content: "Count to 3" }], maxOutputTokens: 32 })
        )
        assert.isTrue([...chunks].some((c) => c.type === "finish"))
        const models = yield* provider.listModels()
        assert.isAbove(models.length, 0)
      }).pipe(
        Effect.provide(AnthropicProvider.layer({ id: "anthropic", apiKey: Redacted.make(key ?? "") })),
        Effect.provide(NodeHttpTransport.layer())
      ),
    60_000
  )
})
