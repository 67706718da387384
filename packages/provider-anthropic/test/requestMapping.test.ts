import type { ChatRequest } from "@aiu/core/Chat"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { toMessagesRequest } from "../src/internal/requestMapping.js"

const map = (request: Partial<ChatRequest>) =>
  toMessagesRequest("anthropic", { model: "m", messages: [{ role: "user", content: "hi" }], ...request }, {}, {})

describe("requestMapping", () => {
  it("consecutive same-role messages merge; empty text is dropped; system messages are hoisted", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "system", content: "A" },
          { role: "user", content: "one" },
          { role: "user", content: "" },
          { role: "user", content: "two" },
          { role: "system", content: "B" }
        ]
      })
    )
    assert.deepStrictEqual(r.body.system, [
      { type: "text", text: "A" },
      { type: "text", text: "B" }
    ])
    assert.deepStrictEqual(r.body.messages, [
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" }
        ]
      }
    ])
    assert.strictEqual(r.warnings.length, 1)
  })

  it("invalid input is an InvalidRequest naming where", () => {
    const bad = map({
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool-call", id: "t", name: "f", arguments: "{oops" }] }
      ]
    })
    assert.isTrue(Either.isLeft(bad))
    if (Either.isLeft(bad)) assert.strictEqual(bad.left.param, "messages[1].content[0]")
    const noImage = map({ messages: [{ role: "user", content: [{ type: "image" }] }] })
    assert.isTrue(Either.isLeft(noImage))
    const audio = map({
      messages: [{ role: "user", content: [{ type: "file", mediaType: "audio/wav", data: "AAAA" }] }]
    })
    assert.isTrue(Either.isLeft(audio))
    assert.isTrue(Either.isLeft(map({ messages: [{ role: "system", content: "only system" }] })))
  })

  it("an empty tool-call arguments text becomes {}; reasoning without a signature is dropped with a warning", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "user", content: "x" },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "hmm" },
              { type: "tool-call", id: "t", name: "f", arguments: "" }
            ]
          }
        ]
      })
    )
    assert.deepStrictEqual(r.body.messages[1]?.content, [{ type: "tool_use", id: "t", name: "f", input: {} }])
    assert.strictEqual(r.warnings.length, 1)
  })

  it("text/plain files become text documents; penalties are warnings", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "user", content: [{ type: "file", mediaType: "text/plain", data: "aMOpbGxv" /* "héllo" */ }] }
        ],
        frequencyPenalty: 1,
        presencePenalty: 1
      })
    )
    assert.deepStrictEqual(r.body.messages[0]?.content, [
      { type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" } }
    ])
    assert.strictEqual(r.warnings.length, 2)
  })

  it("thinking with a forced tool choice falls back to auto with a warning", () => {
    const r = Either.getOrThrow(
      map({
        tools: [{ name: "f", parameters: { type: "object" } }],
        toolChoice: "required",
        reasoning: { effort: "high" }
      })
    )
    assert.deepStrictEqual(r.body.tool_choice, { type: "auto" })
    assert.deepStrictEqual(r.body.thinking, { type: "enabled", budget_tokens: 16384 })
    assert.strictEqual(r.body.max_tokens, 4096 + 16384)
  })

  it("structured output with user tools: both offered, the model must call one", () => {
    const r = Either.getOrThrow(
      map({
        tools: [{ name: "f", parameters: { type: "object" } }],
        responseFormat: { type: "json-schema", name: "out", schema: { type: "object" } }
      })
    )
    assert.deepStrictEqual(
      r.body.tools?.map((t) => t.name),
      ["f", "json"]
    )
    assert.deepStrictEqual(r.body.tool_choice, { type: "any" })
    assert.isTrue(r.jsonTool)
  })

  it("a reasoning part carrying both a signature and redacted data sends thinking, then redacted_thinking", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "user", content: "x" },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "t", signature: "s", redacted: "r" },
              { type: "text", text: "a" }
            ]
          },
          { role: "user", content: "y" }
        ]
      })
    )
    assert.deepStrictEqual(r.body.messages[1]?.content, [
      { type: "thinking", thinking: "t", signature: "s" },
      { type: "redacted_thinking", data: "r" },
      { type: "text", text: "a" }
    ])
  })

  it("providerOptions cache: breakpoints after the system prompt, the tools and the last message block", () => {
    const r = Either.getOrThrow(
      toMessagesRequest(
        "anthropic",
        {
          model: "m",
          messages: [
            { role: "system", content: "long instructions" },
            {
              role: "user",
              content: [
                { type: "text", text: "a" },
                { type: "text", text: "b" }
              ]
            }
          ],
          tools: [
            { name: "f", parameters: { type: "object" } },
            { name: "g", parameters: { type: "object" } }
          ]
        },
        {},
        { cache: { system: true, tools: true, messages: true, ttl: "1h" } }
      )
    )
    const mark = { type: "ephemeral", ttl: "1h" } as const
    assert.deepStrictEqual(r.body.system, [{ type: "text", text: "long instructions", cache_control: mark }])
    assert.deepStrictEqual(
      r.body.tools?.map((t) => t.cache_control),
      [undefined, mark]
    )
    assert.deepStrictEqual(r.body.messages[0]?.content, [
      { type: "text", text: "a" },
      { type: "text", text: "b", cache_control: mark }
    ])
  })
})
