import * as Provider from "@aiu/core/Provider"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }] }

describe("Provider.make", () => {
  it.effect("fills unsupported operations with a typed UnsupportedOperation", () =>
    Effect.gen(function* () {
      const p = Provider.make({ id: "x", type: "x", name: "X" })
      assert.isFalse(p.info.capabilities.embed)
      const error = yield* Effect.flip(p.embed({ model: "m", input: ["a"] }))
      assert.strictEqual(error._tag, "UnsupportedOperation")
      if (error._tag === "UnsupportedOperation") {
        assert.strictEqual(error.operation, "embed")
        assert.strictEqual(error.provider, "x")
      }
      const imageError = yield* Effect.flip(p.generateImage({ model: "m", prompt: "p" }))
      assert.strictEqual(imageError._tag, "UnsupportedOperation")
      const streamError = yield* Effect.flip(Stream.runCollect(p.chatStream(request)))
      assert.strictEqual(streamError._tag, "UnsupportedOperation")
    })
  )

  it.effect("derives chat from chatStream", () =>
    Effect.gen(function* () {
      const p = Provider.make({
        id: "x",
        type: "x",
        name: "X",
        chatStream: () =>
          Stream.make(
            { type: "text-delta", text: "a" } as const,
            { type: "text-delta", text: "b" } as const,
            {
              type: "finish",
              finishReason: "stop",
              usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }
            } as const
          )
      })
      const response = yield* p.chat(request)
      assert.strictEqual(response.text, "ab")
      assert.strictEqual(response.finishReason, "stop")
      assert.isTrue(p.info.capabilities.chat)
    })
  )

  it.effect("derives chatStream from chat", () =>
    Effect.gen(function* () {
      const p = Provider.make({
        id: "x",
        type: "x",
        name: "X",
        chat: () =>
          Effect.succeed({
            model: "m",
            content: [{ type: "text", text: "whole" }],
            text: "whole",
            toolCalls: [],
            finishReason: "stop",
            usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }
          })
      })
      const chunks = Chunk.toReadonlyArray(yield* Stream.runCollect(p.chatStream(request)))
      assert.deepStrictEqual(
        chunks.filter((c) => c.type === "text-delta"),
        [{ type: "text-delta", text: "whole" }]
      )
      assert.strictEqual(chunks[chunks.length - 1]?.type, "finish")
    })
  )

  it.effect("derives chatStream and chat from openChatStream, which opens in the caller's scope", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      const p = Provider.make({
        id: "x",
        type: "x",
        name: "X",
        openChatStream: () =>
          Effect.as(
            Effect.acquireRelease(
              Effect.sync(() => log.push("open")),
              () => Effect.sync(() => log.push("close"))
            ),
            Stream.make(
              { type: "text-delta", text: "a" } as const,
              {
                type: "finish",
                finishReason: "stop",
                usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }
              } as const
            )
          )
      })
      assert.isTrue(p.info.capabilities.chatStream)
      assert.isDefined(p.openChatStream)
      const chunks = Chunk.toReadonlyArray(yield* Stream.runCollect(p.chatStream(request)))
      assert.deepStrictEqual(chunks[0], { type: "text-delta", text: "a" })
      assert.deepStrictEqual(log, ["open", "close"])
      assert.strictEqual((yield* p.chat(request)).text, "a")
      // In a scope of the caller's: open until that scope closes.
      log.length = 0
      yield* Effect.scoped(
        Effect.gen(function* () {
          const stream = yield* Provider.openChatStream(p, request)
          assert.deepStrictEqual(log, ["open"])
          yield* Stream.runDrain(stream)
          assert.deepStrictEqual(log, ["open"])
        })
      )
      assert.deepStrictEqual(log, ["open", "close"])
    })
  )

  it.effect("Provider.openChatStream falls back to chatStream, which runs when the stream does", () =>
    Effect.gen(function* () {
      let runs = 0
      const p = Provider.make({
        id: "x",
        type: "x",
        name: "X",
        chatStream: () =>
          Stream.fromEffect(
            Effect.sync(() => {
              runs++
              return { type: "text-delta", text: "lazy" } as const
            })
          )
      })
      assert.isUndefined(p.openChatStream)
      const stream = yield* Effect.scoped(Provider.openChatStream(p, request))
      assert.strictEqual(runs, 0)
      const chunks = Chunk.toReadonlyArray(yield* Stream.runCollect(stream))
      assert.deepStrictEqual(chunks, [{ type: "text-delta", text: "lazy" }])
      assert.strictEqual(runs, 1)
    })
  )
})
