import { Faults, FakeProviderServer } from "@aiu/testing"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { drive, eventually, failureOf } from "@aiu/testing/TestClockDriver"

const Ok = Schema.Struct({ ok: Schema.Boolean })

// The same behaviours over both backends: undici (Node) and the platform HttpClient (fetch).
const backends: ReadonlyArray<[string, Layer.Layer<HttpTransport.HttpTransport>]> = [
  ["undici", NodeHttpTransport.layer({ circuitBreaker: false })],
  ["fetch", HttpTransport.layerFetch({ circuitBreaker: false })]
]

for (const [name, layer] of backends) {
  describe(`HttpTransport over ${name}`, () => {
    it.effect("sends JSON with the headers, decodes the answer, reports the request id", () =>
      Effect.gen(function* () {
        const server = yield* FakeProviderServer.make()
        server.route("POST", "/v1/x", Faults.json(200, { ok: true }, { "x-request-id": "req_123" }))
        const transport = yield* HttpTransport.HttpTransport
        const res = yield* transport.request(
          {
            provider: "p",
            operation: "chat",
            url: `${server.url}/v1/x`,
            headers: { authorization: "Bearer sk-test-000000000000000000" },
            body: { hello: "wörld" },
            options: { headers: { "x-extra": "1" } }
          },
          Ok
        )
        assert.deepStrictEqual(res.body, { ok: true })
        assert.strictEqual(res.requestId, "req_123")
        const sent = server.requests[0]!
        assert.deepStrictEqual(sent.json, { hello: "wörld" })
        assert.strictEqual(sent.headers["content-type"], "application/json")
        assert.strictEqual(sent.headers["x-extra"], "1")
      }).pipe(Effect.provide(layer), Effect.scoped)
    )

    it.effect("a body of the wrong shape is a ResponseDecodeError", () =>
      Effect.gen(function* () {
        const server = yield* FakeProviderServer.make()
        server.route("POST", "/v1/x", Faults.json(200, { ok: "yes" }))
        const transport = yield* HttpTransport.HttpTransport
        const error = failureOf(
          yield* drive(transport.request({ provider: "p", operation: "chat", url: `${server.url}/v1/x`, body: {} }, Ok))
        )
        assert.strictEqual(error._tag, "ResponseDecodeError")
      }).pipe(Effect.provide(layer), Effect.scoped)
    )

    it.effect("retries a 503 and streams SSE events", () =>
      Effect.gen(function* () {
        const server = yield* FakeProviderServer.make()
        server.script("POST", "/v1/s", [
          ...Faults.statuses([503]),
          {
            status: 200,
            headers: { "content-type": "text/event-stream" },
            body: ["data: 1\n\n", ": ka\n\n", "data: 2\n\n"]
          }
        ])
        const transport = yield* HttpTransport.HttpTransport
        const exit = yield* drive(
          Effect.scoped(
            Effect.flatMap(transport.sse({ provider: "p", operation: "s", url: `${server.url}/v1/s`, body: {} }), (r) =>
              Stream.runCollect(r.events)
            )
          )
        )
        assert.strictEqual(exit._tag, "Success")
        if (exit._tag === "Success")
          assert.deepStrictEqual(
            Chunk.toReadonlyArray(exit.value).map((e) => e.data),
            ["1", "2"]
          )
        assert.strictEqual(server.requests.length, 2)
      }).pipe(Effect.provide(layer), Effect.scoped)
    )

    it.effect("interruption aborts the request", () =>
      Effect.gen(function* () {
        const server = yield* FakeProviderServer.make()
        server.route("POST", "/v1/hang", { status: 200, body: "{}", delayMs: 60_000 })
        const transport = yield* HttpTransport.HttpTransport
        const fiber = yield* Effect.fork(
          transport.request({ provider: "p", operation: "chat", url: `${server.url}/v1/hang`, body: {} }, Ok)
        )
        yield* eventually(() => server.requests.length === 1, "the request")
        yield* Fiber.interrupt(fiber)
        yield* Effect.promise(() => server.awaitAborted(1))
      }).pipe(Effect.provide(layer), Effect.scoped)
    )
  })
}
