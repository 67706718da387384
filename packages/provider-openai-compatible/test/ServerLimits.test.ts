import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as RateLimit from "@aiu/transport/RateLimit"
import { failureOf } from "@aiu/testing/TestClockDriver"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiCompatibleProvider from "../src/OpenAiCompatibleProvider.js"

describe("OpenAI-compatible over loopback with a RateLimit service", () => {
  it.effect("Groq: an emptied request bucket (reset 2m59.56s, past maxWait) fails the next call at once", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const transport = yield* NodeHttpTransport.make().pipe(
        Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait: "30 seconds" }))
      )
      const provider = yield* OpenAiCompatibleProvider.descriptorFor("groq")
        .make({ id: "groq", baseUrl: `${server.url}/openai/v1`, apiKey: Redacted.make("k") })
        .pipe(Effect.provideService(HttpTransport.HttpTransport, transport))
      const ok = FakeOpenAi.completion("Hello")
      server.script("POST", "/openai/v1/chat/completions", [
        {
          ...ok,
          headers: {
            ...ok.headers,
            "x-ratelimit-limit-requests": "1000",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-limit-tokens": "6000",
            "x-ratelimit-remaining-tokens": "5000",
            "x-ratelimit-reset-tokens": "10s"
          }
        }
      ])
      const chat = provider.chat({ model: "llama-3.3-70b-versatile", messages: [{ role: "user", content: "Hi" }] })
      yield* chat
      const error = failureOf(yield* Effect.exit(chat))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "groq")
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 179_560)
      }
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.scoped)
  )
})
