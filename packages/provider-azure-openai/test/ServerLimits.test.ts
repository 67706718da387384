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
import * as AzureOpenAiProvider from "../src/AzureOpenAiProvider.js"

describe("Azure OpenAI over loopback with a RateLimit service", () => {
  const setup = Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const transport = yield* NodeHttpTransport.make().pipe(
      Effect.provide(RateLimit.layerMemory({ limits: {}, maxWait: "30 seconds" }))
    )
    const provider = yield* AzureOpenAiProvider.make({
      id: "azure-openai",
      baseUrl: server.url,
      apiKey: Redacted.make("azure-key")
    }).pipe(Effect.provideService(HttpTransport.HttpTransport, transport))
    const chat = provider.chat({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })
    return { server, chat }
  })
  const path = "/openai/deployments/gpt-4o/chat/completions"
  const ok = FakeOpenAi.completion("Hello")
  const withHeaders = (headers: Record<string, string>) => ({ ...ok, headers: { ...ok.headers, ...headers } })

  it.effect("remaining -1 without a reset holds nothing back; an emptied bucket past maxWait fails at once", () =>
    Effect.gen(function* () {
      const { server, chat } = yield* setup
      server.script("POST", path, [
        withHeaders({ "x-ratelimit-remaining-requests": "-1", "x-ratelimit-remaining-tokens": "-1" }),
        withHeaders({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "45s" })
      ])
      yield* chat
      yield* chat
      assert.strictEqual(server.requests.length, 2)
      const error = failureOf(yield* Effect.exit(chat))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.strictEqual(error.scope, "client")
        assert.strictEqual(error.provider, "azure-openai")
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 45_000)
      }
      assert.strictEqual(server.requests.length, 2)
    }).pipe(Effect.scoped)
  )
})
