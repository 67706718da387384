import { assert, describe, it } from "@effect/vitest"
import { openAiDialect, toChatBody } from "../src/internal/requestMapping.js"

describe("requestMapping", () => {
  it("maps every role, image and file parts, tool calls and results", () => {
    const { body, warnings } = toChatBody(
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "sys" },
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image", url: "https://x/y.png", detail: "low" },
              { type: "image", data: "AAAA", mediaType: "image/jpeg" },
              { type: "file", mediaType: "application/pdf", data: "JVBE", filename: "a.pdf" }
            ]
          },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "hmm" },
              { type: "tool-call", id: "c1", name: "f", arguments: '{"a":1}' }
            ]
          },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: "42" }] },
          { role: "assistant", content: "done" }
        ]
      },
      { stream: false, dialect: openAiDialect }
    )
    assert.deepStrictEqual(warnings, [])
    assert.deepStrictEqual(body.messages, [
      { role: "system", content: "sys" },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
          { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBE" } }
        ]
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }]
      },
      { role: "tool", tool_call_id: "c1", content: "42" },
      { role: "assistant", content: "done" }
    ])
  })

  it("tools, tool choice, response formats, sampling and limits", () => {
    const { body } = toChatBody(
      {
        model: "m",
        messages: [],
        tools: [{ name: "f", parameters: { type: "object" }, strict: true }],
        toolChoice: { type: "tool", name: "f" },
        parallelToolCalls: false,
        responseFormat: { type: "json-schema", name: "s", schema: { type: "object" } },
        temperature: 0,
        topP: 0.5,
        maxOutputTokens: 10,
        seed: 1,
        frequencyPenalty: 0.1,
        presencePenalty: 0.2,
        user: "u"
      },
      { stream: true, dialect: openAiDialect }
    )
    assert.deepStrictEqual(body, {
      model: "m",
      messages: [],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" }, strict: true } },
      temperature: 0,
      top_p: 0.5,
      max_completion_tokens: 10,
      seed: 1,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      user: "u",
      stream: true,
      stream_options: { include_usage: true }
    })
    assert.deepStrictEqual(
      toChatBody(
        { model: "m", messages: [], responseFormat: { type: "json" } },
        { stream: false, dialect: openAiDialect }
      ).body.response_format,
      { type: "json_object" }
    )
  })

  it("returns what it cannot express as warnings (dialect without json_schema, seed, topK)", () => {
    const { body, warnings } = toChatBody(
      {
        model: "m",
        messages: [],
        topK: 3,
        seed: 1,
        maxOutputTokens: 5,
        reasoning: { budgetTokens: 100 },
        responseFormat: { type: "json-schema", name: "s", schema: {} }
      },
      {
        stream: true,
        dialect: { ...openAiDialect, jsonSchema: false, seed: false, maxTokensField: "max_tokens", streamUsage: false }
      }
    )
    assert.deepStrictEqual(body.response_format, { type: "json_object" })
    assert.strictEqual(body.max_tokens, 5)
    assert.notProperty(body, "seed")
    assert.notProperty(body, "stream_options")
    assert.strictEqual(warnings.length, 4)
  })
})
