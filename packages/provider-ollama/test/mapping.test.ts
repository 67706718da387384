import * as AiuError from "@aiu/core/AiuError"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import type { ErrorInfo } from "@aiu/transport/HttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Errors from "../src/internal/errors.js"
import { fromOllama } from "../src/internal/finishReason.js"
import * as RequestMapping from "../src/internal/requestMapping.js"
import * as StreamMapping from "../src/internal/streamMapping.js"

describe("finishReason", () => {
  it("maps done_reason, with tool calls deciding tool-calls", () => {
    assert.strictEqual(fromOllama("stop", false), "stop")
    assert.strictEqual(fromOllama("stop", true), "tool-calls")
    assert.strictEqual(fromOllama("length", false), "length")
    assert.strictEqual(fromOllama("length", true), "length")
    assert.strictEqual(fromOllama("load", false), "other")
    assert.strictEqual(fromOllama("unload", false), "other")
    assert.strictEqual(fromOllama(undefined, false), "other")
  })
})

describe("requestMapping", () => {
  it("sends thinking back on assistant turns, a named tool alone, and warns on what Ollama lacks", () => {
    const { body, warnings } = RequestMapping.chatBody(
      {
        model: "qwen3",
        messages: [
          { role: "user", content: "x" },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "hmm" },
              { type: "text", text: "y" },
              { type: "tool-call", id: "c", name: "f", arguments: "not json" }
            ]
          }
        ],
        tools: [
          { name: "f", parameters: { type: "object" } },
          { name: "g", parameters: { type: "object" } }
        ],
        toolChoice: { type: "tool", name: "g" },
        user: "u",
        parallelToolCalls: true
      },
      { settings: { numCtx: 4096 }, providerOptions: {}, stream: true }
    )
    assert.deepStrictEqual(body.messages[1], {
      role: "assistant",
      content: "y",
      thinking: "hmm",
      tool_calls: [{ function: { name: "f", arguments: {} } }]
    })
    assert.deepStrictEqual(body.tools, [{ type: "function", function: { name: "g", parameters: { type: "object" } } }])
    assert.deepStrictEqual(body.options, { num_ctx: 4096 })
    assert.deepStrictEqual(
      warnings,
      [
        "a tool call with non-object JSON arguments was sent back with empty arguments",
        "user is not supported by Ollama and was ignored",
        "parallelToolCalls is not supported by Ollama and was ignored",
        "Ollama cannot force a tool call: only the named tool was offered"
      ].sort((a, b) => warnings.indexOf(a) - warnings.indexOf(b))
    )
    assert.strictEqual(warnings.length, 4)
  })
})

describe("streamMapping", () => {
  const make = () =>
    StreamMapping.make(
      { provider: "ollama", model: "m", requestId: undefined },
      {
        interrupted: (what) => new AiuError.StreamInterrupted({ message: what, provider: "ollama" }),
        decode: (what) => new AiuError.ResponseDecodeError({ message: what, provider: "ollama" })
      }
    )

  it("numbers calls across lines and uses the ids newer servers send", () => {
    const mapper = make()
    const out: Array<StreamChunk> = []
    mapper.line(
      {
        model: "m",
        message: { content: "", tool_calls: [{ id: "call_x", function: { index: 0, name: "a", arguments: {} } }] },
        done: false
      },
      out
    )
    mapper.line(
      {
        model: "m",
        message: { content: "", tool_calls: [{ function: { name: "b", arguments: { k: [1] } } }] },
        done: false
      },
      out
    )
    mapper.line(
      { model: "m", message: { content: "" }, done: true, done_reason: "stop", prompt_eval_count: 1, eval_count: 2 },
      out
    )
    assert.isUndefined(mapper.end(out))
    assert.deepStrictEqual(
      out.filter((c) => c.type === "tool-call-end"),
      [
        { type: "tool-call-end", index: 0, id: "call_x", name: "a", arguments: "{}" },
        { type: "tool-call-end", index: 1, id: "call_1", name: "b", arguments: '{"k":[1]}' }
      ]
    )
  })

  it("fails on a non-object line, a malformed message, and an end without done", () => {
    assert.strictEqual(make().line([1, 2], [])?._tag, "ResponseDecodeError")
    assert.strictEqual(make().line({ message: { tool_calls: [null] } }, [])?._tag, "ResponseDecodeError")
    const early = make()
    assert.isUndefined(early.line({ message: { content: "x" }, done: false }, []))
    assert.strictEqual(early.end([])?._tag, "StreamInterrupted")
  })
})

describe("errors", () => {
  const info = (status: number, json: unknown): ErrorInfo => ({
    provider: "ollama",
    operation: "chat",
    status,
    headers: {},
    body: JSON.stringify(json),
    json,
    requestId: undefined,
    retryAfterMs: undefined
  })
  it("maps {error} bodies by status and message", () => {
    assert.strictEqual(Errors.fromResponse(info(401, { error: "unauthorized" }))._tag, "AuthenticationError")
    assert.strictEqual(Errors.fromResponse(info(403, { error: "forbidden" }))._tag, "PermissionDenied")
    assert.strictEqual(
      Errors.fromResponse(info(404, { error: 'model "x" not found, try pulling it first' }))._tag,
      "ModelNotFound"
    )
    assert.strictEqual(
      Errors.fromResponse(info(400, { error: "input length exceeds the context length" }))._tag,
      "ContextLengthExceeded"
    )
    assert.strictEqual(
      Errors.fromResponse(info(429, { error: "you have reached your weekly usage limit" }))._tag,
      "QuotaExceeded"
    )
    assert.strictEqual(Errors.fromResponse(info(502, { error: "cloud model unreachable" }))._tag, "ProviderError")
    const e = Errors.fromResponse(info(400, { error: "x does not support tools" }))
    assert.strictEqual(e.message, "ollama: x does not support tools")
    assert.strictEqual(
      Errors.fromStreamLine("server busy", { provider: "ollama", requestId: undefined })._tag,
      "ProviderOverloaded"
    )
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
