import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import * as StreamMapping from "../src/internal/streamMapping.js"

const make = () =>
  StreamMapping.make(
    { provider: "mistral", model: "m", requestId: "r1" },
    {
      interrupted: (what) => new AiuError.StreamInterrupted({ message: what, provider: "mistral" }),
      decode: (what) => new AiuError.ResponseDecodeError({ message: what, provider: "mistral" })
    }
  )

describe("streamMapping", () => {
  it("switches between thinking arrays and plain strings in one stream", () => {
    const mapper = make()
    const out: Array<StreamChunk> = []
    const events = [
      {
        id: "x",
        model: "magistral-small-2509",
        choices: [{ delta: { content: [{ type: "thinking", thinking: [{ type: "text", text: "hmm" }] }] } }]
      },
      {
        choices: [
          {
            delta: {
              content: [
                { type: "thinking", thinking: [{ type: "text", text: "" }], closed: true },
                { type: "text", text: "A" }
              ]
            }
          }
        ]
      },
      {
        choices: [{ delta: { content: "B" }, finish_reason: "length" }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }
      }
    ]
    for (const e of events) assert.isUndefined(mapper.event(JSON.stringify(e), out))
    assert.isUndefined(mapper.event("[DONE]", out))
    assert.isUndefined(mapper.end(out))
    assert.deepStrictEqual(out, [
      { type: "metadata", id: "x", model: "magistral-small-2509", requestId: "r1" },
      { type: "reasoning-delta", text: "hmm" },
      { type: "text-delta", text: "A" },
      { type: "text-delta", text: "B" },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } },
      {
        type: "finish",
        finishReason: "length",
        rawFinishReason: "length",
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }
      }
    ])
  })

  it("fails on a non-JSON event and on an end without a finish reason", () => {
    const bad = make()
    const failure = bad.event("{not json", [])
    assert.strictEqual(failure?._tag, "ResponseDecodeError")
    assert.strictEqual(bad.end([])?._tag, "ResponseDecodeError")
    const early = make()
    assert.isUndefined(early.event(JSON.stringify({ choices: [{ delta: { content: "x" } }] }), []))
    assert.strictEqual(early.end([])?._tag, "StreamInterrupted")
  })

  it("finishes without [DONE] when a finish reason was seen; ignores events after [DONE]", () => {
    const mapper = make()
    const out: Array<StreamChunk> = []
    mapper.event(JSON.stringify({ choices: [{ delta: { content: "x" }, finish_reason: "stop" }] }), out)
    assert.isUndefined(mapper.end(out))
    assert.deepStrictEqual(out[out.length - 1], { type: "finish", finishReason: "stop", rawFinishReason: "stop" })
    const done = make()
    const out2: Array<StreamChunk> = []
    done.event(JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] }), out2)
    done.event("[DONE]", out2)
    const n = out2.length
    done.event(JSON.stringify({ choices: [{ delta: { content: "late" } }] }), out2)
    assert.strictEqual(out2.length, n)
  })

  it("a malformed shape inside valid JSON is a decode failure, not a crash", () => {
    const mapper = make()
    const failure = mapper.event(JSON.stringify({ choices: [{ delta: { tool_calls: [null] } }] }), [])
    assert.strictEqual(failure?._tag, "ResponseDecodeError")
  })
})
