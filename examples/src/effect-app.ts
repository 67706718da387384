/**
 * Way 1: an Effect application. The program asks for `Aiu` and `UsageStore` in its type; the
 * layers are composed once, at the edge, and provided there.
 *
 *   pnpm --filter @aiu/examples effect-app            # against a local fake provider
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… pnpm --filter @aiu/examples effect-app
 */
import * as Aiu from "@aiu/client/Aiu"
import * as Message from "@aiu/core/Message"
import * as Logging from "@aiu/observability/Logging"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as OpenAiFake from "@aiu/testing/fake/openai"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as AiuLive from "./AiuLive.js"

export const program = Effect.gen(function* () {
  const answer = yield* Aiu.chat(
    { model: "smart", messages: [Message.system("Be brief."), Message.user("What is aiu?")] },
    { metadata: { feature: "faq" }, timeout: "30 seconds" }
  )
  yield* Console.log(`chat: ${answer.text}`)

  let streamed = ""
  yield* Aiu.chatStream({ model: "fast", messages: [Message.user("Count to three")] }).pipe(
    Stream.runForEach((chunk) =>
      chunk.type === "text-delta" ? Effect.sync(() => (streamed += chunk.text)) : Effect.void
    )
  )
  yield* Console.log(`stream: ${streamed}`)

  const store = yield* UsageStore.UsageStore
  yield* store.flush
  const byModel = yield* store.aggregate({ by: "model" })
  for (const row of byModel) {
    yield* Console.log(
      `usage: ${row.provider}:${row.model} ${row.requests} req, ${row.inputTokens}+${row.outputTokens} tokens, $${row.costUsd.toFixed(6)}`
    )
  }
  return { answer: answer.text, streamed, byModel }
})

/** Where to send requests: the real API when configured, else a fake server on 127.0.0.1. */
const endpoint = Effect.gen(function* () {
  const baseUrl = process.env.OPENAI_BASE_URL
  const key = process.env.OPENAI_API_KEY
  if (baseUrl !== undefined && key !== undefined) return { baseUrl, apiKey: Redacted.make(key) }
  const server = yield* FakeProviderServer.make()
  server.route("POST", "/v1/chat/completions", OpenAiFake.echoChat)
  server.route("GET", "/v1/models", OpenAiFake.models(["gpt-4o", "gpt-4o-mini"]))
  return { baseUrl: `${server.url}/v1`, apiKey: AiuLive.demoKey }
})

export const main = Effect.gen(function* () {
  const { baseUrl, apiKey } = yield* endpoint
  return yield* program.pipe(
    Effect.provide(AiuLive.layer({ baseUrl, apiKey, database: ":memory:", aiu: AiuLive.aiuOptions })),
    Effect.provide(Logging.layerConfig)
  )
}).pipe(Effect.scoped)

if (process.argv[1]?.endsWith("effect-app.ts")) NodeRuntime.runMain(main)
