import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Chunk from "effect/Chunk"

describe("smoke", () => {
  it.live("request + sse", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("GET", "/x", { status: 200, body: JSON.stringify({ a: 1 }) })
      server.route("GET", "/s", {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: ["data: 1\n\n", ": ka\n\n", "data: 2\n\n"],
        chunkDelayMs: 5
      })
      const t = yield* NodeHttpTransport.make()
      const r = yield* t.request(
        { provider: "p", operation: "op", url: `${server.url}/x` },
        Schema.Struct({ a: Schema.Number })
      )
      assert.deepStrictEqual(r.body, { a: 1 })
      const s = yield* t.sse({ provider: "p", operation: "op", url: `${server.url}/s` })
      const evs = yield* Stream.runCollect(s.events)
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(evs).map((e) => e.data),
        ["1", "2"]
      )
    }).pipe(Effect.scoped)
  )
})
