import * as Usage from "@aiu/core/Usage"
import * as Catalog from "@aiu/model-registry/Catalog"
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import data from "../data/models.json" with { type: "json" }

describe("Catalog", () => {
  it("every bundled row decodes, and all 968 are indexed", () => {
    const raw: unknown = data
    assert.isTrue(Array.isArray(raw))
    Schema.decodeUnknownSync(Schema.Array(Catalog.CatalogEntry))(raw)
    assert.strictEqual(Catalog.bundledEntries().length, 968)
    assert.strictEqual(Catalog.bundled().entries.length, 968)
    assert.includeMembers([...Catalog.bundled().providers], ["openai", "anthropic", "google", "mistral", "cohere"])
  })

  it("looks entries up by id, exactly or ignoring case, splitting at the first colon", () => {
    const catalog = Catalog.bundled()
    const gpt = Option.getOrThrow(catalog.get("openai:gpt-4o"))
    assert.strictEqual(gpt.contextWindow, 128000)
    assert.strictEqual(gpt.inputPricePerMTok, 2.5)
    assert.strictEqual(Option.getOrThrow(catalog.get("openai:GPT-4o")).model, "gpt-4o")
    assert.isTrue(Option.isNone(catalog.get("openai:no-such-model")))
    assert.isTrue(Option.isNone(catalog.get("no-colon")))
    const free = catalog.entries.find((e) => e.model.includes(":"))
    if (free) assert.strictEqual(Option.getOrThrow(catalog.get(free.id)).model, free.model)
  })

  it("price: input, output and cached input per MTok; None when unknown", () => {
    const catalog = Catalog.bundled()
    const price = Option.getOrThrow(catalog.price("anthropic:claude-sonnet-4-5"))
    assert.deepStrictEqual(price, {
      inputPerMTok: 3,
      outputPerMTok: 15,
      cachedInputPerMTok: 0.3,
      cacheWritePerMTok: 3.75
    })
    assert.isTrue(Option.isNone(catalog.price("openai:dall-e-2")))
    assert.isTrue(Option.isNone(catalog.price("ollama:llama3.2")))
  })

  it("cost: uncached, cached, cache-write and output tokens at their prices", () => {
    const price: Catalog.Price = {
      inputPerMTok: 3,
      outputPerMTok: 15,
      cachedInputPerMTok: 0.3,
      cacheWritePerMTok: 3.75
    }
    // 1M input of which 200k cached and 100k written; 100k output
    const usage = Usage.make({
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cachedInputTokens: 200_000,
      cacheWriteInputTokens: 100_000
    })
    const expected = 0.7 * 3 + 0.2 * 0.3 + 0.1 * 3.75 + 0.1 * 15
    assert.closeTo(Catalog.cost(usage, price), expected, 1e-9)
    assert.closeTo(
      Catalog.cost(Usage.make({ inputTokens: 1000, outputTokens: 500 }), { inputPerMTok: 2.5, outputPerMTok: 10 }),
      0.0075,
      1e-12
    )
    // cached price unknown: billed as input
    assert.closeTo(
      Catalog.cost(Usage.make({ inputTokens: 100, outputTokens: 0, cachedInputTokens: 100 }), {
        inputPerMTok: 1,
        outputPerMTok: 1
      }),
      0.0001,
      1e-12
    )
    assert.strictEqual(Catalog.cost(Usage.empty, price), 0)
  })

  it("cost: a long-context tier applies above its threshold", () => {
    const price = Option.getOrThrow(Catalog.bundled().price("openai:gpt-5.4"))
    assert.strictEqual(price.tiers?.[0]?.aboveInputTokens, 272000)
    assert.closeTo(Catalog.cost(Usage.make({ inputTokens: 100_000, outputTokens: 0 }), price), 0.25, 1e-9)
    assert.closeTo(Catalog.cost(Usage.make({ inputTokens: 300_000, outputTokens: 0 }), price), 1.5, 1e-9)
  })

  it("merge: listed models get catalog metadata; unknown listed models have inferred kinds; unlisted are unavailable", () => {
    const catalog = Catalog.bundled()
    const merged = catalog.merge("openai", [
      { id: "openai:gpt-4o", provider: "openai", model: "gpt-4o", kinds: ["chat"], ownedBy: "system" },
      { id: "openai:my-embedder", provider: "openai", model: "my-embedder", kinds: [] }
    ])
    const gpt = merged.find((m) => m.model === "gpt-4o")
    assert.deepStrictEqual(
      {
        available: gpt?.available,
        contextWindow: gpt?.contextWindow,
        price: gpt?.inputPricePerMTok,
        tools: gpt?.tools,
        owned: gpt?.ownedBy
      },
      { available: true, contextWindow: 128000, price: 2.5, tools: true, owned: "system" }
    )
    const custom = merged.find((m) => m.model === "my-embedder")
    assert.deepStrictEqual(custom, {
      id: "openai:my-embedder",
      provider: "openai",
      model: "my-embedder",
      kinds: ["embedding"],
      available: true
    })
    assert.strictEqual(merged.length, 133 + 1)
    assert.isTrue(
      merged.filter((m) => m.model !== "gpt-4o" && m.model !== "my-embedder").every((m) => m.available === false)
    )
    const models = merged.map((m) => m.model)
    assert.deepStrictEqual(models, [...models].sort())
  })

  it("overrides change entries and add new ones; aliases map custom provider ids", () => {
    const catalog = Catalog.make({
      overrides: [
        { id: "openai:gpt-4o", inputPricePerMTok: 1, name: "Discounted 4o" },
        {
          id: "azure-openai:my-deployment",
          kinds: ["chat"],
          contextWindow: 64000,
          inputPricePerMTok: 1,
          outputPricePerMTok: 2
        }
      ],
      aliases: { "my-groq": "groq" }
    })
    assert.strictEqual(Option.getOrThrow(catalog.price("openai:gpt-4o")).inputPerMTok, 1)
    assert.strictEqual(Option.getOrThrow(catalog.get("azure-openai:my-deployment")).source, "user")
    const azure = catalog.merge("azure-openai", [])
    assert.strictEqual(azure.find((m) => m.model === "my-deployment")?.available, true)
    const openai = catalog.merge("openai", [
      { id: "openai:gpt-4o", provider: "openai", model: "gpt-4o", kinds: ["chat"], name: "live name" }
    ])
    assert.strictEqual(openai.find((m) => m.model === "gpt-4o")?.name, "Discounted 4o")
    const groqModel = Catalog.bundled().byProvider("groq")[0]
    assert.isDefined(groqModel)
    if (groqModel) {
      const merged = catalog.merge("my-groq", [
        { id: `my-groq:${groqModel.model}`, provider: "my-groq", model: groqModel.model, kinds: [] }
      ])
      const m = merged.find((x) => x.model === groqModel.model)
      assert.strictEqual(m?.id, `my-groq:${groqModel.model}`)
      assert.strictEqual(m?.provider, "my-groq")
      assert.deepStrictEqual(m?.kinds, groqModel.kinds)
    }
  })

  it("toModelInfo and priceOf agree with the entry", () => {
    const entry = Option.getOrThrow(Catalog.bundled().get("openai:gpt-4o-mini"))
    const info = Catalog.toModelInfo(entry)
    assert.strictEqual(info.cachedInputPricePerMTok, 0.075)
    assert.deepStrictEqual(Option.getOrThrow(Catalog.priceOf(info)), {
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
      cachedInputPerMTok: 0.075
    })
    // cache-write price and tiers come from the bundled entry when the base prices match
    const sonnet = Catalog.toModelInfo(Option.getOrThrow(Catalog.bundled().get("anthropic:claude-sonnet-4-5")))
    assert.strictEqual(Option.getOrThrow(Catalog.priceOf(sonnet)).cacheWritePerMTok, 3.75)
    const gpt54 = Catalog.toModelInfo(Option.getOrThrow(Catalog.bundled().get("openai:gpt-5.4")))
    assert.strictEqual(Option.getOrThrow(Catalog.priceOf(gpt54)).tiers?.length, 1)
    const discounted = { ...gpt54, inputPricePerMTok: 1 }
    assert.isUndefined(Option.getOrThrow(Catalog.priceOf(discounted)).tiers)
    assert.isTrue(Option.isNone(Catalog.priceOf({ id: "x:y", provider: "x", model: "y", kinds: [] })))
  })
})
