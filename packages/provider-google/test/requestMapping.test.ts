import type { ChatRequest } from "@aiu/core/Chat"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { toBatchEmbedRequests, toGenerateContentRequest } from "../src/internal/requestMapping.js"

const map = (request: Partial<ChatRequest>) =>
  toGenerateContentRequest(
    "google",
    { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }], ...request },
    {},
    {}
  )

describe("requestMapping", () => {
  it("a trailing signature (Gemini 3 empty final part) goes back as an empty text part with it", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "user", content: "q" },
          {
            role: "assistant",
            content: [
              { type: "text", text: "answer" },
              { type: "reasoning", text: "", signature: "sig-end" }
            ]
          },
          { role: "user", content: "more" }
        ]
      })
    )
    assert.deepStrictEqual(r.body.contents[1], {
      role: "model",
      parts: [{ text: "answer" }, { text: "", thoughtSignature: "sig-end" }]
    })
  })

  it("thought summaries are not sent back; their signature moves to the next part", () => {
    const r = Either.getOrThrow(
      map({
        messages: [
          { role: "user", content: "q" },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "thinking", signature: "s1" },
              { type: "text", text: "a" }
            ]
          }
        ]
      })
    )
    assert.deepStrictEqual(r.body.contents[1], { role: "model", parts: [{ text: "a", thoughtSignature: "s1" }] })
  })

  it("a tool result without a name or a matching call is an InvalidRequest", () => {
    const r = map({
      messages: [
        { role: "user", content: "q" },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "nope", content: "x" }] }
      ]
    })
    assert.isTrue(Either.isLeft(r))
    if (Either.isLeft(r)) assert.strictEqual(r.left.param, "messages[1].content[0].name")
  })

  it("settings.schemaMode json-schema sends schemas verbatim; safety settings pass through", () => {
    const schema = { type: "object", properties: { a: { type: ["string", "null"] } }, additionalProperties: false }
    const r = Either.getOrThrow(
      toGenerateContentRequest(
        "google",
        {
          model: "m",
          messages: [{ role: "user", content: "q" }],
          tools: [{ name: "f", parameters: schema }],
          responseFormat: { type: "json-schema", name: "o", schema }
        },
        {
          schemaMode: "json-schema",
          safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }]
        },
        {}
      )
    )
    assert.deepStrictEqual(r.body.tools, [{ functionDeclarations: [{ name: "f", parametersJsonSchema: schema }] }])
    assert.deepStrictEqual(r.body.generationConfig, {
      responseMimeType: "application/json",
      responseJsonSchema: schema
    })
    assert.deepStrictEqual(r.body.safetySettings, [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }])
  })

  it("embeddings: batches of at most batchSize, model repeated per request, full resource names kept", () => {
    const batches = toBatchEmbedRequests(
      { model: "tunedModels/my-embed", input: ["a", "b", "c"], inputType: "document" },
      { title: "T" },
      2
    )
    assert.strictEqual(batches.length, 2)
    assert.deepStrictEqual(batches[1], {
      requests: [
        {
          model: "tunedModels/my-embed",
          content: { parts: [{ text: "c" }] },
          taskType: "RETRIEVAL_DOCUMENT",
          title: "T"
        }
      ]
    })
  })
})
