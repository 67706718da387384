/**
 * Chat streams mapped inside the transport's read loop: where they end, and what a failure in
 * the middle of a read delivers first.
 */
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { setup } from "./utils.js"

const request = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] }

/** The text deltas a stream delivered, and how it ended. */
const textAndEnd = <E>(stream: Stream.Stream<StreamChunk, E>) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    const result = yield* stream.pipe(
      Stream.runForEach((c) =>
        Effect.sync(() => {
          if (c.type === "text-delta") seen.push(c.text)
        })
      ),
      Effect.either
    )
    return { seen, result }
  })

it.layer(NodeHttpTransport.layer())("OpenAI chat stream ends", (it) => {
  it.scoped("at data: [DONE], though the server keeps the connection open, and closes it", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route("POST", "/v1/chat/completions", {
        ...FakeOpenAi.stream(["Hel", "lo"]),
        stall: true
      })
      const chunks = Chunk.toReadonlyArray(
        yield* Stream.runCollect(provider.chatStream(request, { timeouts: { idle: "30 seconds" } }))
      )
      assert.deepStrictEqual(
        chunks.flatMap((c) => (c.type === "text-delta" ? [c.text] : [])),
        ["Hel", "lo"]
      )
      const finish = chunks.at(-1)
      assert.strictEqual(finish?.type, "finish")
      assert.strictEqual(finish?.type === "finish" ? finish.finishReason : undefined, "stop")
      // The response was closed without waiting for the server to end it.
      yield* Effect.promise(() => server.awaitAborted(1, 5_000))
    })
  )

  it.scoped("after the events before an in-band error, which then fails it", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const events = FakeOpenAi.streamEvents(["one", "two"])
      // Everything in one body piece: the error arrives in the same read as the deltas before it.
      const body = [
        events[0]! +
          events[1]! +
          `data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error" } })}\n\n` +
          events[2]!
      ]
      server.route("POST", "/v1/chat/completions", {
        status: 200,
        headers: { "content-type": "text/event-stream", "x-request-id": "req_mid" },
        body
      })
      const { seen, result } = yield* textAndEnd(provider.chatStream(request))
      assert.deepStrictEqual(seen, ["one"])
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.provider, "openai")
        assert.include(result.left.message, "overloaded")
        assert.strictEqual("requestId" in result.left ? result.left.requestId : undefined, "req_mid")
      }
    })
  )

  it.scoped("with a decode error after the events of the same read that came before it", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const events = FakeOpenAi.streamEvents(["one", "two"])
      server.route("POST", "/v1/chat/completions", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: [events[0]! + events[1]! + "data: {not json\n\n" + events[2]!]
      })
      const { seen, result } = yield* textAndEnd(provider.chatStream(request))
      assert.deepStrictEqual(seen, ["one"])
      assert.isTrue(Either.isLeft(result) && result.left._tag === "ResponseDecodeError")
    })
  )

  it.scoped("opens in the caller's scope: a refusal fails the opening, not the stream", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route("POST", "/v1/chat/completions", FakeOpenAi.error(401, "bad key", { type: "invalid_request_error" }))
      assert.isDefined(provider.openChatStream)
      const opened = yield* Effect.either(provider.openChatStream!(request))
      assert.isTrue(Either.isLeft(opened) && opened.left._tag === "AuthenticationError")
    })
  )
})
