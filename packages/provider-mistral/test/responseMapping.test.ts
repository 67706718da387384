import { assert, describe, it } from "@effect/vitest"
import * as ResponseMapping from "../src/internal/responseMapping.js"

describe("responseMapping", () => {
  it("maps text, thinking, tool calls (object arguments tolerated), usage with cached and reasoning tokens", () => {
    const response = ResponseMapping.chatResponse(
      {
        id: "c1",
        model: "magistral-small-2509",
        choices: [
          {
            message: {
              content: [
                {
                  type: "thinking",
                  thinking: [
                    { type: "text", text: "a" },
                    { type: "text", text: "b" }
                  ]
                },
                { type: "reference", text: null },
                { type: "text", text: "answer" }
              ],
              tool_calls: [{ id: null, function: { name: "f", arguments: { x: 1 } } }]
            },
            finish_reason: "model_length"
          }
        ],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 7,
          total_tokens: 12,
          prompt_tokens_details: { cached_tokens: 2 },
          completion_tokens_details: { reasoning_tokens: 4 }
        }
      },
      { model: "fallback", requestId: "r", warnings: ["w"] }
    )
    assert.deepStrictEqual(response, {
      id: "c1",
      model: "magistral-small-2509",
      content: [
        { type: "reasoning", text: "ab" },
        { type: "text", text: "answer" },
        { type: "tool-call", id: "call_0", name: "f", arguments: '{"x":1}' }
      ],
      text: "answer",
      reasoning: "ab",
      toolCalls: [{ type: "tool-call", id: "call_0", name: "f", arguments: '{"x":1}' }],
      finishReason: "length",
      rawFinishReason: "model_length",
      usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12, cachedInputTokens: 2, reasoningTokens: 4 },
      requestId: "r",
      warnings: ["w"]
    })
  })

  it("tolerates null content, missing usage and missing model", () => {
    const response = ResponseMapping.chatResponse(
      { choices: [{ message: { content: null }, finish_reason: null }] },
      { model: "fallback", requestId: undefined, warnings: [] }
    )
    assert.strictEqual(response.model, "fallback")
    assert.strictEqual(response.text, "")
    assert.strictEqual(response.finishReason, "other")
    assert.deepStrictEqual(response.usage, { inputTokens: 0, outputTokens: 0, totalTokens: 0 })
  })
})
