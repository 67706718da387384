import * as Message from "@aiu/core/Message"
import * as TestLayers from "@aiu/testing/TestLayers"
import * as TestProvider from "@aiu/testing/TestProvider"
import { afterEach, assert, describe, it, vi } from "@effect/vitest"
import { createAiu, demo } from "../src/node-app.js"

describe("example 2: plain Node", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("chat promise, for-await stream and AbortSignal against the fake server", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined)
    const result = await demo()
    assert.include(result.chat, "You said: hello from plain Node")
    assert.include(result.streamed, "You said: stream please")
    assert.isTrue(result.aborted)
  })

  it("rejects with the typed error, and a for-await break cancels the stream", async () => {
    const fake = TestProvider.make({ id: "openai", replies: [TestProvider.text("one two three four five six")] })
    const aiu = await createAiu(TestLayers.layer({ providers: [fake] }))
    try {
      const error = await aiu.chat({ model: "bad id", messages: [Message.user("x")] }).then(
        () => undefined,
        (e: unknown) => e
      )
      assert.instanceOf(error, Error)
      assert.strictEqual((error as unknown as { _tag: string })._tag, "InvalidModelId")

      const cancelled: Array<number> = []
      const off = aiu.on("StreamCancelled", (e) => cancelled.push(e.chunks))
      let seen = 0
      for await (const chunk of aiu.stream({ model: "openai:test-model", messages: [Message.user("hi")] })) {
        if (chunk.type === "text-delta") seen++
        if (seen === 2) break
      }
      for (let i = 0; i < 50 && cancelled.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
      assert.strictEqual(cancelled.length, 1)
      off()

      const controller = new AbortController()
      controller.abort()
      const aborted = await aiu.chat({ model: "openai:test-model", messages: [] }, { signal: controller.signal }).then(
        () => false,
        (e: unknown) => e instanceof Error && e.name === "AbortError"
      )
      assert.isTrue(aborted)
    } finally {
      await aiu.dispose()
    }
  })
})
