import type { StreamChunk } from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import { makeMapper } from "../src/internal/streamMapping.js"

const ev = (payload: unknown) => ({
  event: undefined,
  data: typeof payload === "string" ? payload : JSON.stringify(payload),
  id: undefined
})

describe("streamMapping", () => {
  it("tool-call indexes run across events; ids are unique per response", () => {
    const m = makeMapper({ provider: "google", requestId: "r" })
    const out: Array<StreamChunk> = []
    const call = (name: string) => ({ functionCall: { name, args: { n: name } } })
    assert.isUndefined(
      m.feed(ev({ responseId: "R", candidates: [{ content: { parts: [call("a"), call("b")] } }] }), out)
    )
    assert.isUndefined(
      m.feed(ev({ responseId: "R", candidates: [{ content: { parts: [call("c")] }, finishReason: "STOP" }] }), out)
    )
    assert.isUndefined(m.end(out))
    const ends = out.flatMap((c) => (c.type === "tool-call-end" ? [[c.index, c.id, c.name]] : []))
    assert.deepStrictEqual(ends, [
      [0, "aiu_call_R_0", "a"],
      [1, "aiu_call_R_1", "b"],
      [2, "aiu_call_R_2", "c"]
    ])
    const finish = out[out.length - 1]
    assert.strictEqual(finish?.type === "finish" ? finish.finishReason : undefined, "tool-calls")
    assert.deepStrictEqual(out[0], { type: "metadata", id: "R", requestId: "r" })
  })

  it("Gemini-provided call ids are kept", () => {
    const m = makeMapper({ provider: "google", requestId: undefined })
    const out: Array<StreamChunk> = []
    m.feed(
      ev({
        candidates: [
          { content: { parts: [{ functionCall: { name: "f", args: {}, id: "abc" } }] }, finishReason: "STOP" }
        ]
      }),
      out
    )
    assert.strictEqual(
      out.find((c) => c.type === "tool-call-end")?.type === "tool-call-end"
        ? (out.find((c) => c.type === "tool-call-end") as { id: string }).id
        : "",
      "abc"
    )
  })

  it("errors: bad JSON, an in-band error object, a blocked prompt, a missing finish", () => {
    const m = () => makeMapper({ provider: "google", requestId: undefined })
    assert.strictEqual(m().feed(ev("{oops"), [])?._tag, "ResponseDecodeError")
    assert.strictEqual(
      m().feed(ev({ error: { code: 503, status: "UNAVAILABLE", message: "busy" } }), [])?._tag,
      "ProviderOverloaded"
    )
    assert.strictEqual(m().feed(ev({ promptFeedback: { blockReason: "SAFETY" } }), [])?._tag, "ContentFiltered")
    assert.strictEqual(m().end([])?._tag, "StreamInterrupted")
  })
})
