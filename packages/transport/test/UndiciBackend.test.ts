/**
 * The Node backend's own duties, against a bare `node:http` server on 127.0.0.1: backpressure
 * on a stream its consumer does not read, headers as one record, 1xx replies skipped, a body
 * decoded whole across pieces, and an abort that reaches the socket.
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { realPause } from "@aiu/testing/TestClockDriver"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const serve = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly server: Http.Server }>((resume) => {
      const server = Http.createServer(handler)
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }))
      )
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const transport = NodeHttpTransport.make({ circuitBreaker: false, retry: { maxRetries: 0 } })

describe("undici backend", () => {
  it.live("a consumer that stops reading holds the server back; then every event arrives, in order", () =>
    Effect.gen(function* () {
      const total = 4000 // events of ~8 KB: 32 MB, far past the queue's mark and the sockets' buffers
      const payload = "x".repeat(8 * 1024)
      let written = 0
      let finished = false
      const { url } = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        const pump = () => {
          while (written < total) {
            const ok = res.write(`data: ${written}:${payload}\n\n`)
            written++
            if (!ok) return void res.once("drain", pump)
          }
          finished = true
          res.end()
        }
        pump()
      })
      const t = yield* transport
      const response = yield* t.sse({ provider: "fake", operation: "chatStream", url: `${url}/s`, body: {} })
      const pull = yield* Stream.toPull(response.events)
      const first = yield* pull
      assert.isTrue(first.length > 0)
      // Not reading: the server's writes stall once the queue and the socket buffers are full.
      let last = -1
      for (let i = 0; i < 100 && written !== last; i++) {
        last = written
        yield* realPause(100)
      }
      assert.isFalse(finished, `the server wrote all ${total} events to a consumer that was not reading`)
      assert.isBelow(written, total)
      // Reading again, everything arrives in order.
      const seen: Array<number> = first.pipe((c) => [...c].map((e) => Number(e.data.split(":")[0])))
      for (;;) {
        const next = yield* Effect.option(pull)
        if (Option.isNone(next)) break
        for (const e of next.value) seen.push(Number(e.data.split(":")[0]))
      }
      assert.strictEqual(seen.length, total)
      assert.isTrue(seen.every((n, i) => n === i))
      assert.isTrue(finished)
    }).pipe(Effect.scoped)
  )

  it.live("headers: names lowercased, a repeated header's values joined; a 103 before the answer is skipped", () =>
    Effect.gen(function* () {
      const { url } = yield* serve((_req, res) => {
        res.writeEarlyHints({ link: "</style.css>; rel=preload" })
        res.setHeader("X-Request-Id", "req_1")
        res.setHeader("X-Multi", ["a", "b"])
        res.writeHead(200, { "Content-Type": "application/json" })
        res.end(JSON.stringify({ ok: true }))
      })
      const t = yield* transport
      const r = yield* t.request(
        { provider: "fake", operation: "chat", url: `${url}/c`, body: {} },
        Schema.Struct({ ok: Schema.Boolean })
      )
      assert.strictEqual(r.status, 200)
      assert.deepStrictEqual(r.body, { ok: true })
      assert.strictEqual(r.headers["x-multi"], "a, b")
      assert.strictEqual(r.headers["content-type"], "application/json")
      assert.strictEqual(r.requestId, "req_1")
    }).pipe(Effect.scoped)
  )

  it.live("a body sent in pieces, split inside a multi-byte character, is decoded whole", () =>
    Effect.gen(function* () {
      const text = `${"é".repeat(50_000)}✓`
      const bytes = Buffer.from(JSON.stringify({ text }))
      const { url } = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        let at = 0
        const next = () => {
          if (at >= bytes.length) return void res.end()
          res.write(bytes.subarray(at, at + 4095)) // odd-sized: pieces end mid-character
          at += 4095
          setImmediate(next)
        }
        next()
      })
      const t = yield* transport
      const r = yield* t.request(
        { provider: "fake", operation: "chat", url: `${url}/c`, body: {} },
        Schema.Struct({ text: Schema.String })
      )
      assert.strictEqual(r.body.text, text)
    }).pipe(Effect.scoped)
  )

  it.live("interrupting a call that waits for its answer closes the connection", () =>
    Effect.gen(function* () {
      let received = 0
      let closed = false
      const { url } = yield* serve((req, res) => {
        received++
        req.resume()
        res.on("close", () => {
          closed = true
        })
      })
      const t = yield* transport
      const fiber = yield* Effect.fork(
        t.request({ provider: "fake", operation: "chat", url: `${url}/hang`, body: {} }, Schema.Unknown)
      )
      for (let i = 0; i < 400 && received === 0; i++) yield* realPause(5)
      assert.strictEqual(received, 1)
      yield* Fiber.interrupt(fiber)
      for (let i = 0; i < 400 && !closed; i++) yield* realPause(5)
      assert.isTrue(closed, "the server's side of the request never closed")
    }).pipe(Effect.scoped)
  )
})
