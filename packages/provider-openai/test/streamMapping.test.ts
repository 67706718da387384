import type { StreamChunk } from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import { makeChatStreamMapper } from "../src/internal/streamMapping.js"

const run = (payloads: ReadonlyArray<unknown>, done = true) => {
  const m = makeChatStreamMapper({ provider: "p", requestId: "r" })
  const out: Array<StreamChunk> = []
  for (const p of payloads) {
    const e = m.event({ event: undefined, id: undefined, data: JSON.stringify(p) }, out)
    if (e) return { out, error: e }
  }
  if (done) m.event({ event: undefined, id: undefined, data: "[DONE]" }, out)
  const error = m.end(out)
  return { out, error }
}

const chunk = (delta: unknown, finish: string | null = null, extra: object = {}) => ({
  id: "c",
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra
})

describe("streamMapping", () => {
  it("assembles tool calls by index even when the first index is 1 (Anthropic's compatible endpoint)", () => {
    const { out, error } = run([
      chunk({ content: "Let me check." }),
      chunk({ tool_calls: [{ index: 1, id: "t1", type: "function", function: { name: "f", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"x"' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ":1}" } }] }),
      chunk({}, "tool_calls")
    ])
    assert.isUndefined(error)
    const end = out.find((c) => c.type === "tool-call-end")
    assert.deepStrictEqual(end, { type: "tool-call-end", index: 0, id: "t1", name: "f", arguments: '{"x":1}' })
    assert.deepStrictEqual(out.at(-1), { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" })
  })

  it("whole calls reusing index 0 with new ids are separate calls; missing index uses position", () => {
    const { out } = run([
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{}" } }] }),
      chunk({ tool_calls: [{ index: 0, id: "b", function: { name: "g", arguments: '{"y":2}' } }] }),
      chunk({ tool_calls: [{ id: "c", function: { name: "h", arguments: { z: 3 } } }] }),
      chunk({}, "tool_calls")
    ])
    const ends = out.flatMap((c) => (c.type === "tool-call-end" ? [[c.id, c.name, c.arguments]] : []))
    assert.deepStrictEqual(ends, [
      ["a", "f", "{}"],
      ["b", "g", '{"y":2}'],
      ["c", "h", '{"z":3}']
    ])
  })

  it("reasoning deltas from reasoning_content or reasoning; usage on the finish chunk (Groq, Mistral)", () => {
    const { out } = run([
      chunk({ reasoning_content: "think " }),
      chunk({ reasoning: "more" }),
      chunk({ content: "answer" }, "stop", { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })
    ])
    assert.deepStrictEqual(
      out.filter((c) => c.type === "reasoning-delta").map((c) => (c.type === "reasoning-delta" ? c.text : "")),
      ["think ", "more"]
    )
    assert.deepStrictEqual(out.at(-1), {
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }
    })
  })

  it("metadata skips Azure's empty first chunk", () => {
    const { out } = run([{ id: "", model: "", object: "", created: 0, choices: [] }, chunk({ content: "x" }, "stop")])
    assert.deepStrictEqual(out[0], { type: "metadata", id: "c", model: "m" })
  })

  it("an error payload ends the stream with the mapped failure", () => {
    const { error } = run([
      chunk({ content: "x" }),
      { error: { message: "overloaded", type: "server_error", code: "server_is_overloaded" } }
    ])
    assert.strictEqual(error?._tag, "ProviderOverloaded")
  })

  it("an SSE event named error carries the error itself", () => {
    const m = makeChatStreamMapper({ provider: "p", requestId: "r" })
    const e = m.event(
      {
        event: "error",
        id: undefined,
        data: JSON.stringify({ message: "Rate limit", type: "rate_limit_error", code: "rate_limit_exceeded" })
      },
      []
    )
    assert.strictEqual(e?._tag, "RateLimited")
  })

  it("a stream that ends with neither finish reason nor [DONE] is StreamInterrupted; bad JSON is a decode error", () => {
    assert.strictEqual(run([chunk({ content: "x" })], false).error?._tag, "StreamInterrupted")
    const m = makeChatStreamMapper({ provider: "p", requestId: undefined })
    assert.strictEqual(m.event({ event: undefined, id: undefined, data: "{nope" }, [])?._tag, "ResponseDecodeError")
  })
})
