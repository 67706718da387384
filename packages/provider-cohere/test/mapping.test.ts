import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import { assert, describe, it } from "@effect/vitest"
import * as Errors from "../src/internal/errors.js"
import { fromCohere } from "../src/internal/finishReason.js"
import * as RequestMapping from "../src/internal/requestMapping.js"
import * as ResponseMapping from "../src/internal/responseMapping.js"
import * as StreamMapping from "../src/internal/streamMapping.js"
import * as WireUsage from "../src/internal/usage.js"

describe("finishReason", () => {
  it("maps every Cohere finish reason", () => {
    assert.deepStrictEqual(
      ["COMPLETE", "STOP_SEQUENCE", "MAX_TOKENS", "TOOL_CALL", "ERROR", "TIMEOUT", "NEW", null].map(fromCohere),
      ["stop", "stop", "length", "tool-calls", "error", "error", "other", "other"]
    )
  })
})

describe("usage", () => {
  it("prefers tokens, falls back to billed_units, keeps cached_tokens", () => {
    assert.deepStrictEqual(
      WireUsage.fromCohere({
        billed_units: { input_tokens: 12, output_tokens: 7 },
        tokens: { input_tokens: 507, output_tokens: 10 },
        cached_tokens: 448
      }),
      { inputTokens: 507, outputTokens: 10, totalTokens: 517, cachedInputTokens: 448 }
    )
    assert.deepStrictEqual(WireUsage.fromCohere({ billed_units: { input_tokens: 12, output_tokens: 7 } }), {
      inputTokens: 12,
      outputTokens: 7,
      totalTokens: 19
    })
    assert.isUndefined(WireUsage.fromCohere(null))
  })
})

describe("requestMapping", () => {
  it("text-only assistant turns keep content; reasoning there is dropped with a warning; files are dropped", () => {
    const { body, warnings } = RequestMapping.chatBody(
      {
        model: "m",
        messages: [
          { role: "user", content: [{ type: "file", mediaType: "application/pdf", data: "JVBERi0=" }] },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "thinking" },
              { type: "text", text: "answer" }
            ]
          }
        ],
        user: "u",
        parallelToolCalls: false
      },
      { providerOptions: { documents: ["doc one"] }, stream: false }
    )
    assert.deepStrictEqual(body.messages, [
      { role: "user", content: [] },
      { role: "assistant", content: "answer" }
    ])
    assert.deepStrictEqual(body.documents, ["doc one"])
    assert.deepStrictEqual(warnings, [
      "a application/pdf file part was dropped: Cohere chat takes text and images",
      "reasoning parts of earlier assistant turns are not sent back to Cohere",
      "Cohere cannot turn parallel tool calls off; parallelToolCalls was ignored",
      "user is not supported by Cohere and was ignored"
    ])
  })
})

describe("responseMapping", () => {
  it('normalises no-argument calls ("" and "null") to {}', () => {
    assert.strictEqual(ResponseMapping.argumentsText("null"), "{}")
    assert.strictEqual(ResponseMapping.argumentsText(""), "{}")
    assert.strictEqual(ResponseMapping.argumentsText('{"a":1}'), '{"a":1}')
    assert.strictEqual(ResponseMapping.argumentsText({ a: 1 }), '{"a":1}')
  })
})

describe("streamMapping", () => {
  const make = () =>
    StreamMapping.make(
      { provider: "cohere", model: "m", requestId: "r" },
      {
        interrupted: (what) => new AiuError.StreamInterrupted({ message: what, provider: "cohere" }),
        decode: (what) => new AiuError.ResponseDecodeError({ message: what, provider: "cohere" })
      }
    )

  it("closes calls left open at message-end, ignores citations and debug events", () => {
    const mapper = make()
    const out: Array<StreamChunk> = []
    const events = [
      { type: "message-start", id: "x" },
      { type: "citation-start", index: 0, delta: { message: { citations: {} } } },
      { type: "debug" },
      {
        type: "tool-call-start",
        index: 0,
        delta: { message: { tool_calls: { id: "t_1", type: "function", function: { name: "noop", arguments: "" } } } }
      },
      { type: "message-end", delta: { finish_reason: "TOOL_CALL" } }
    ]
    for (const e of events) assert.isUndefined(mapper.event(JSON.stringify(e), out))
    assert.isUndefined(mapper.end(out))
    assert.deepStrictEqual(out, [
      { type: "metadata", id: "x", model: "m", requestId: "r" },
      { type: "tool-call-start", index: 0, id: "t_1", name: "noop" },
      { type: "tool-call-end", index: 0, id: "t_1", name: "noop", arguments: "{}" },
      { type: "finish", finishReason: "tool-calls", rawFinishReason: "TOOL_CALL" }
    ])
  })

  it("fails on a delta for an unknown call, bad JSON, an error event, and an end before message-end", () => {
    assert.strictEqual(
      make().event(JSON.stringify({ type: "tool-call-delta", index: 3, delta: {} }), [])?._tag,
      "ResponseDecodeError"
    )
    assert.strictEqual(make().event("{", [])?._tag, "ResponseDecodeError")
    assert.strictEqual(
      make().event(JSON.stringify({ type: "error", message: "model overloaded" }), [])?._tag,
      "ProviderOverloaded"
    )
    const early = make()
    early.event(JSON.stringify({ type: "message-start", id: "x" }), [])
    assert.strictEqual(early.end([])?._tag, "StreamInterrupted")
  })
})

describe("errors", () => {
  it("reads the flat body and falls back to the body id for the request id", () => {
    const error = Errors.fromResponse({
      provider: "cohere",
      operation: "embed",
      status: 404,
      headers: {},
      body: "",
      json: { id: "abc", message: "model 'x' not found" },
      requestId: undefined,
      retryAfterMs: undefined
    })
    assert.strictEqual(error._tag, "ModelNotFound")
    assert.strictEqual("requestId" in error ? error.requestId : undefined, "abc")
    assert.strictEqual(error.message, "cohere: model 'x' not found")
  })
})

describe("estimateTokens", () => {
  it("counts text, tool calls, results and tool schemas (chars / 4) plus the output cap; not images", () => {
    const estimate = RequestMapping.estimateTokens({
      model: "m",
      maxOutputTokens: 100,
      tools: [{ name: "abcd", parameters: {} }],
      messages: [
        { role: "system", content: "12345678" },
        {
          role: "user",
          content: [
            { type: "text", text: "1234" },
            { type: "image", data: "A".repeat(10_000) }
          ]
        },
        { role: "assistant", content: [{ type: "tool-call", id: "c", name: "ab", arguments: "cd" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "c", content: "1234" }] }
      ]
    })
    // 8 + 4 + (2 + 2) + 4 + (4 + 2) = 26 chars → 7 tokens, + 100
    assert.strictEqual(estimate, 107)
    assert.strictEqual(RequestMapping.estimateEmbedTokens(["12345", "123"]), 2)
  })
})
