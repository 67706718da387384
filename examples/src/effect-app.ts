/**
 * Way 1: an Effect application. The program asks for `Aiu` and `UsageStore` in its type; the
 * layers are composed once, at the edge, and provided there.
 *
 *   pnpm --filter @aiu/examples effect-app            # against a local fake provider
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… pnpm --filter @aiu/examples effect-app
 */
import * as Aiu from "@aiu/client/Aiu"
import * as PullStream from "@aiu/client/PullStream"
import * as Message from "@aiu/core/Message"
import type { StreamChunk } from "@aiu/core/StreamChunk"
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

  // Several streams at once, each pulled (see `pulledText`).
  const pulled = yield* Effect.all(
    ["one", "two", "three"].map((word) =>
      pulledText(Aiu.chatStream({ model: "fast", messages: [Message.user(word)] }))
    ),
    { concurrency: "unbounded" }
  )
  yield* Console.log(`pulled: ${pulled.join(" | ")}`)

  const store = yield* UsageStore.UsageStore
  yield* store.flush
  const byModel = yield* store.aggregate({ by: "model" })
  for (const row of byModel) {
    yield* Console.log(
      `usage: ${row.provider}:${row.model} ${row.requests} req, ${row.inputTokens}+${row.outputTokens} tokens, $${row.costUsd.toFixed(6)}`
    )
  }
  return { answer: answer.text, streamed, pulled, byModel }
})

/**
 * A stream's text, pulled (`PullStream.forEachChunk`) rather than run into a sink: `Stream.run*`
 * passes every chunk through channel stages of its own (a reader, the sink, a writer), which with
 * hundreds of streams open at once is most of their memory above raw `fetch` (root
 * README, "Benchmarks": 500 streams, `Stream.runFold` 1.37x `fetch`'s memory, pulled 1.01x–1.06x).
 */
export const pulledText = <E, R>(stream: Stream.Stream<StreamChunk, E, R>): Effect.Effect<string, E, R> =>
  Effect.suspend(() => {
    let text = ""
    return Effect.map(
      PullStream.forEachChunk(stream, (chunk) => {
        for (const c of chunk) if (c.type === "text-delta") text += c.text
        return Effect.void
      }),
      () => text
    )
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
