import * as Metrics from "@aiu/observability/Metrics"
import * as Tracing from "@aiu/observability/Tracing"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Net from "node:net"

const freePort = Effect.promise(
  () =>
    new Promise<number>((resolve) => {
      const s = Net.createServer()
      s.listen(0, "127.0.0.1", () => {
        const address = s.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        s.close(() => resolve(port))
      })
    })
)

describe("Prometheus endpoint", () => {
  it.live("serves the client metrics in the text format", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      yield* Effect.gen(function* () {
        yield* Metrics.recordCall({
          provider: "prom",
          model: "m",
          operation: "chat",
          outcome: "ok",
          latencyMs: 42,
          inputTokens: 3,
          outputTokens: 4
        })
        const text = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()))
        assert.match(text, /aiu_requests_total\{[^}]*provider="prom"[^}]*\} 1/)
        assert.include(text, "aiu_request_duration_ms_bucket")
      }).pipe(Effect.provide(Tracing.layerPrometheus({ port })))
    })
  )
})
