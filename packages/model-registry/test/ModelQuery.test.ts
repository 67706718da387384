import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as ModelQuery from "@aiu/model-registry/ModelQuery"
import { assert, describe, it } from "@effect/vitest"

const m = (provider: string, model: string, fields: Partial<ModelInfo> = {}): ModelInfo => ({
  id: `${provider}:${model}`,
  provider,
  model,
  kinds: ["chat"],
  available: true,
  ...fields
})

const models: ReadonlyArray<ModelInfo> = [
  m("anthropic", "claude-haiku", {
    contextWindow: 200000,
    inputPricePerMTok: 1,
    outputPricePerMTok: 5,
    tools: true,
    inputModalities: ["text", "image"]
  }),
  m("openai", "gpt-4o", {
    name: "GPT-4o",
    contextWindow: 128000,
    inputPricePerMTok: 2.5,
    outputPricePerMTok: 10,
    tools: true,
    structuredOutput: true,
    inputModalities: ["text", "image"]
  }),
  m("openai", "gpt-4o-mini", { contextWindow: 128000, inputPricePerMTok: 0.15, outputPricePerMTok: 0.6, tools: true }),
  m("openai", "o3", { contextWindow: 200000, inputPricePerMTok: 2, outputPricePerMTok: 8, reasoning: true }),
  m("openai", "text-embedding-3-small", { kinds: ["embedding"], contextWindow: 8191, inputPricePerMTok: 0.02 }),
  m("openai", "gpt-3.5-turbo", { available: false, inputPricePerMTok: 0.5 }),
  m("openai", "mystery")
]

const ids = (query: ModelQuery.ModelQuery) => ModelQuery.apply(models, query).map((x) => x.id)

describe("ModelQuery", () => {
  it("no filter: available models in provider, model order", () => {
    assert.deepStrictEqual(ids({}), [
      "anthropic:claude-haiku",
      "openai:gpt-4o",
      "openai:gpt-4o-mini",
      "openai:mystery",
      "openai:o3",
      "openai:text-embedding-3-small"
    ])
    assert.include(ids({ includeUnavailable: true }), "openai:gpt-3.5-turbo")
  })

  it("provider, kind and minimum context window (unknown excluded)", () => {
    assert.deepStrictEqual(ids({ provider: "anthropic" }), ["anthropic:claude-haiku"])
    assert.deepStrictEqual(ids({ provider: ["anthropic", "nope"], kind: "embedding" }), [])
    assert.deepStrictEqual(ids({ kind: "embedding" }), ["openai:text-embedding-3-small"])
    assert.deepStrictEqual(ids({ minContextWindow: 150000 }), ["anthropic:claude-haiku", "openai:o3"])
  })

  it("capabilities", () => {
    assert.deepStrictEqual(ids({ tools: true, structuredOutput: true }), ["openai:gpt-4o"])
    assert.deepStrictEqual(ids({ reasoning: true }), ["openai:o3"])
    assert.deepStrictEqual(ids({ imageInput: true }), ["anthropic:claude-haiku", "openai:gpt-4o"])
    assert.notInclude(ids({ tools: false }), "openai:gpt-4o")
  })

  it("maximum prices (unknown excluded)", () => {
    assert.deepStrictEqual(ids({ maxInputPrice: 1 }), [
      "anthropic:claude-haiku",
      "openai:gpt-4o-mini",
      "openai:text-embedding-3-small"
    ])
    assert.deepStrictEqual(ids({ maxInputPrice: 1, maxOutputPrice: 1 }), ["openai:gpt-4o-mini"])
  })

  it("name: substring or anchored glob, case-insensitive, over id and display name", () => {
    assert.deepStrictEqual(ids({ name: "4O" }), ["openai:gpt-4o", "openai:gpt-4o-mini"])
    assert.deepStrictEqual(ids({ name: "gpt-4o" + "*" }), ["openai:gpt-4o", "openai:gpt-4o-mini"])
    assert.deepStrictEqual(ids({ name: "gpt-4?" }), ["openai:gpt-4o"])
    assert.deepStrictEqual(ids({ name: "gpt-4o (x)" }), [])
  })

  it("orders by price or context window with unknown last and ties by id; limit", () => {
    assert.deepStrictEqual(ids({ sortBy: "inputPrice", limit: 3 }), [
      "openai:text-embedding-3-small",
      "openai:gpt-4o-mini",
      "anthropic:claude-haiku"
    ])
    assert.deepStrictEqual(ids({ sortBy: "contextWindow" }).slice(-2), ["openai:o3", "openai:mystery"])
    assert.deepStrictEqual(ids({ sortBy: "contextWindow" }).slice(0, 3), [
      "openai:text-embedding-3-small",
      "openai:gpt-4o",
      "openai:gpt-4o-mini"
    ])
  })

  it("decodes from JSON-like input", () => {
    const q = ModelQuery.ModelQuery.make({ kind: "chat", tools: true })
    assert.deepStrictEqual(ids(q), ["anthropic:claude-haiku", "openai:gpt-4o", "openai:gpt-4o-mini"])
  })
})
