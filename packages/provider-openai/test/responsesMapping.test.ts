import type { StreamChunk } from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import { fromResponsesObject, makeResponsesStreamMapper, toResponsesBody } from "../src/internal/responses.js"

const feed = (events: ReadonlyArray<Record<string, unknown>>) => {
  const m = makeResponsesStreamMapper({ provider: "openai", requestId: undefined })
  const out: Array<StreamChunk> = []
  for (const e of events) {
    const err = m.event({ event: String(e.type), id: undefined, data: JSON.stringify(e) }, out)
    if (err) return { out, error: err }
  }
  return { out, error: m.end(out) }
}

describe("Responses API mapping", () => {
  it("reasoning summaries, then text; incomplete for max_output_tokens is length", () => {
    const { out, error } = feed([
      { type: "response.created", response: { id: "resp_1", model: "o4-mini" } },
      { type: "response.reasoning_summary_text.delta", delta: "Thinking " },
      { type: "response.reasoning_summary_text.delta", delta: "hard." },
      { type: "response.output_text.delta", delta: "Answer" },
      {
        type: "response.incomplete",
        response: {
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
          usage: {
            input_tokens: 5,
            output_tokens: 50,
            total_tokens: 55,
            output_tokens_details: { reasoning_tokens: 40 }
          }
        }
      }
    ])
    assert.isUndefined(error)
    assert.deepStrictEqual(out[0], { type: "metadata", id: "resp_1", model: "o4-mini" })
    assert.deepStrictEqual(
      out.filter((c) => c.type === "reasoning-delta").map((c) => (c.type === "reasoning-delta" ? c.text : "")),
      ["Thinking ", "hard."]
    )
    assert.deepStrictEqual(out.at(-1), {
      type: "finish",
      finishReason: "length",
      rawFinishReason: "max_output_tokens",
      usage: { inputTokens: 5, outputTokens: 50, totalTokens: 55, reasoningTokens: 40 }
    })
  })

  it("an error event, or a stream without a terminal event, fails", () => {
    assert.strictEqual(
      feed([{ type: "error", code: "server_is_overloaded", message: "Overloaded", param: null }]).error?._tag,
      "ProviderOverloaded"
    )
    assert.strictEqual(feed([{ type: "response.output_text.delta", delta: "x" }]).error?._tag, "StreamInterrupted")
    assert.strictEqual(
      feed([
        { type: "response.failed", response: { status: "failed", error: { code: "server_error", message: "boom" } } }
      ]).error?._tag,
      "ProviderError"
    )
  })

  it("whole objects: function calls, reasoning with encrypted content, refusals", () => {
    const r = fromResponsesObject(
      {
        id: "resp_2",
        model: "gpt-5",
        status: "completed",
        output: [
          { type: "reasoning", summary: [{ type: "summary_text", text: "plan" }], encrypted_content: "enc" },
          { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: '{"a":1}' },
          { type: "message", content: [{ type: "refusal", refusal: "no" }] }
        ],
        usage: { input_tokens: 1, output_tokens: 2 }
      },
      { model: "gpt-5", requestId: "req", warnings: [] }
    )
    assert.deepStrictEqual(r.content, [
      { type: "reasoning", text: "plan", redacted: "enc" },
      { type: "tool-call", id: "call_1", name: "f", arguments: '{"a":1}' },
      { type: "text", text: "no" }
    ])
    assert.strictEqual(r.finishReason, "tool-calls")
    assert.strictEqual(r.requestId, "req")
  })

  it("request: instructions as system input, tools flat, reasoning and options, warnings for what has no field", () => {
    const { body, warnings } = toResponsesBody(
      {
        model: "o4-mini",
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: "q" }
        ],
        tools: [{ name: "f", parameters: { type: "object" } }],
        toolChoice: { type: "tool", name: "f" },
        reasoning: { effort: "high", includeThoughts: true },
        stop: ["x"],
        seed: 3
      },
      { stream: false, options: { store: false, previousResponseId: "resp_0", verbosity: "low" } }
    )
    assert.deepStrictEqual(body, {
      model: "o4-mini",
      input: [
        { role: "system", content: "sys" },
        { role: "user", content: "q" }
      ],
      tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: false }],
      tool_choice: { type: "function", name: "f" },
      text: { verbosity: "low" },
      reasoning: { effort: "high", summary: "auto" },
      store: false,
      previous_response_id: "resp_0"
    })
    assert.strictEqual(warnings.length, 2)
  })
})
