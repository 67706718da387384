import type { ChatRequest } from "@aiu/core/Chat"
import { assert, describe, it } from "@effect/vitest"
import * as RequestMapping from "../src/internal/requestMapping.js"

const map = (request: ChatRequest, stream = false) =>
  RequestMapping.chatBody(request, { settings: {}, providerOptions: {}, stream })

const tool = {
  name: "weather",
  description: "Weather by city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }
}

describe("requestMapping", () => {
  it("maps system, multi-turn, images, tool calls and tool results", () => {
    const { body, warnings } = map({
      model: "mistral-small-latest",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", url: "https://example.com/cat.png" },
            { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }
          ]
        },
        { role: "assistant", content: "A cat." },
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "two calls" },
            { type: "tool-call", id: "abcDEF123", name: "weather", arguments: '{"location":"Paris"}' },
            { type: "tool-call", id: "ghiJKL456", name: "weather", arguments: '{"location":"Rome"}' }
          ]
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "abcDEF123", content: '{"temp":21}' },
            { type: "tool-result", toolCallId: "ghiJKL456", name: "weather", content: '{"temp":25}' }
          ]
        }
      ]
    })
    assert.deepStrictEqual(body.messages, [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: "https://example.com/cat.png" },
          { type: "image_url", image_url: "data:image/png;base64,iVBORw0KGgo=" }
        ]
      },
      { role: "assistant", content: "A cat." },
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: "abcDEF123", type: "function", function: { name: "weather", arguments: '{"location":"Paris"}' } },
          { id: "ghiJKL456", type: "function", function: { name: "weather", arguments: '{"location":"Rome"}' } }
        ]
      },
      { role: "tool", content: '{"temp":21}', tool_call_id: "abcDEF123", name: "weather" },
      { role: "tool", content: '{"temp":25}', tool_call_id: "ghiJKL456", name: "weather" }
    ])
    assert.deepStrictEqual(warnings, ["reasoning parts of earlier assistant turns are not sent back to Mistral"])
  })

  it("maps sampling parameters with Mistral's names (max_tokens, random_seed)", () => {
    const { body, warnings } = map(
      {
        model: "mistral-small-latest",
        messages: [{ role: "user", content: "hi" }],
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 64,
        stop: ["\n\n"],
        seed: 42,
        presencePenalty: 0.1,
        frequencyPenalty: 0.3,
        topK: 5,
        user: "u-1"
      },
      true
    )
    assert.deepStrictEqual(body, {
      model: "mistral-small-latest",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      stop: ["\n\n"],
      random_seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      stream: true
    })
    assert.deepStrictEqual(warnings, [
      "topK is not supported by Mistral and was ignored",
      "user is not supported by Mistral and was ignored"
    ])
  })

  it("maps tools and every tool choice (required → any)", () => {
    const base: ChatRequest = { model: "m", messages: [{ role: "user", content: "x" }], tools: [tool] }
    assert.deepStrictEqual(map(base).body.tools, [{ type: "function", function: tool }])
    assert.strictEqual(map(base).body.tool_choice, undefined)
    assert.strictEqual(map({ ...base, toolChoice: "auto" }).body.tool_choice, "auto")
    assert.strictEqual(map({ ...base, toolChoice: "none" }).body.tool_choice, "none")
    assert.strictEqual(map({ ...base, toolChoice: "required" }).body.tool_choice, "any")
    assert.deepStrictEqual(map({ ...base, toolChoice: { type: "tool", name: "weather" } }).body.tool_choice, {
      type: "function",
      function: { name: "weather" }
    })
    assert.strictEqual(map({ ...base, parallelToolCalls: false }).body.parallel_tool_calls, false)
    assert.deepStrictEqual(
      map({ model: "m", messages: [{ role: "user", content: "x" }], toolChoice: "required" }).warnings,
      ["toolChoice was ignored: the request has no tools"]
    )
  })

  it("maps structured output to response_format", () => {
    const base: ChatRequest = { model: "m", messages: [{ role: "user", content: "x" }] }
    assert.deepStrictEqual(map({ ...base, responseFormat: { type: "json" } }).body.response_format, {
      type: "json_object"
    })
    assert.strictEqual(map({ ...base, responseFormat: { type: "text" } }).body.response_format, undefined)
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
    assert.deepStrictEqual(
      map({ ...base, responseFormat: { type: "json-schema", name: "City", schema, description: "a city" } }).body
        .response_format,
      { type: "json_schema", json_schema: { name: "City", schema, strict: true, description: "a city" } }
    )
  })

  it("turns on reasoning for magistral, warns elsewhere, and applies provider options", () => {
    const magistral = map({
      model: "magistral-small-latest",
      messages: [{ role: "user", content: "x" }],
      reasoning: { effort: "high" }
    })
    assert.strictEqual(magistral.body.prompt_mode, "reasoning")
    assert.deepStrictEqual(magistral.warnings, [])
    const other = map({
      model: "mistral-small-latest",
      messages: [{ role: "user", content: "x" }],
      reasoning: { effort: "high" }
    })
    assert.strictEqual(other.body.prompt_mode, undefined)
    assert.strictEqual(other.warnings.length, 1)
    const withOptions = RequestMapping.chatBody(
      { model: "m", messages: [{ role: "user", content: "x" }] },
      { settings: { safePrompt: true }, providerOptions: { reasoning_effort: "high", n: 2 }, stream: false }
    )
    assert.strictEqual(withOptions.body.safe_prompt, true)
    assert.strictEqual(withOptions.body.reasoning_effort, "high")
    assert.strictEqual(withOptions.body.n, 2)
  })

  it("sends PDF URLs as document_url and drops other files with a warning", () => {
    const { body, warnings } = map({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf", filename: "a.pdf" },
            { type: "file", mediaType: "audio/wav", data: "AAAA" }
          ]
        }
      ]
    })
    assert.deepStrictEqual(body.messages[0], {
      role: "user",
      content: [{ type: "document_url", document_url: "https://example.com/a.pdf", document_name: "a.pdf" }]
    })
    assert.deepStrictEqual(warnings, ["a audio/wav file part was dropped: Mistral chat takes images and PDF URLs only"])
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
