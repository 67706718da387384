/**
 * Embeddings, images, models, settings and provider options, against recordings and the fake server.
 */
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as Recordings from "@aiu/testing/Recordings"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiProvider from "../src/OpenAiProvider.js"
import { failure, setup } from "./utils.js"

it.layer(NodeHttpTransport.layer())("OpenAI operations", (it) => {
  it.scoped("embed: 256-dim vector with dimensions (langchaingo httprr), request as recorded", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr(
        "openai/embeddings/langchaingo.TestClient_CreateEmbeddingWithDimensions.httprr"
      )
      const { server, provider } = yield* setup()
      server.route("POST", "/v1/embeddings", Recordings.toReply(exchange!.response, { seed: 9 }))
      const response = yield* provider.embed({
        model: "text-embedding-3-small",
        input: ["Hello world"],
        dimensions: 256
      })
      assert.strictEqual(response.embeddings.length, 1)
      assert.strictEqual(response.embeddings[0]!.length, 256)
      assert.strictEqual(response.embeddings[0]![0], -0.0039325873)
      assert.strictEqual(response.model, "text-embedding-3-small")
      assert.deepStrictEqual(response.usage, { inputTokens: 2 })
      assert.isString(response.requestId)
      const sent = server.requests[0]!.json as Record<string, unknown>
      assert.deepInclude(sent, Recordings.json(exchange!.request.body) as Record<string, unknown>)
      assert.strictEqual(sent.encoding_format, "float")
    })
  )

  it.scoped("embed: two inputs in index order (vercel json)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/embeddings",
        Recordings.bodyReply(Recordings.read("openai/embeddings/vercel.openai-embedding.json"), "application/json")
      )
      const response = yield* provider.embed({
        model: "text-embedding-3-small",
        input: ["sunny day at the beach", "rainy day in the city"]
      })
      assert.deepStrictEqual(response.embeddings, [
        [0.0057293195, -0.012727811, 0.020042092, -0.013437585, 0.022833068],
        [-0.037104916, -0.05178114, -0.008340587, 0.001164541, -0.0035253682]
      ])
      assert.deepStrictEqual(response.usage, { inputTokens: 12 })
    })
  )

  it.scoped("embed: batches to the maximum batch size, keeps input order, sums usage", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ settings: { embeddingBatchSize: 2 } })
      server.route("POST", "/v1/embeddings", (req) => {
        const input = (req.json as { input: Array<string> }).input
        // answer out of order: the adapter must sort by index
        return FakeOpenAi.json(200, {
          object: "list",
          data: input.map((t, index) => ({ object: "embedding", index, embedding: [Number(t.slice(1))] })).reverse(),
          model: "text-embedding-3-small",
          usage: { prompt_tokens: input.length, total_tokens: input.length }
        })
      })
      const response = yield* provider.embed({ model: "text-embedding-3-small", input: ["t0", "t1", "t2", "t3", "t4"] })
      assert.deepStrictEqual(response.embeddings, [[0], [1], [2], [3], [4]])
      assert.deepStrictEqual(response.usage, { inputTokens: 5 })
      assert.strictEqual(server.requests.length, 3)
      assert.sameDeepMembers(
        server.requests.map((r) => (r.json as { input: Array<string> }).input),
        [["t0", "t1"], ["t2", "t3"], ["t4"]]
      )
    })
  )

  it.scoped("embed: base64 vectors are decoded", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const floats = new Float32Array([0.5, -1, 2.25])
      const b64 = Buffer.from(floats.buffer).toString("base64")
      server.route(
        "POST",
        "/v1/embeddings",
        FakeOpenAi.json(200, { data: [{ index: 0, embedding: b64 }], model: "m", usage: { prompt_tokens: 1 } })
      )
      const response = yield* provider.embed({ model: "m", input: ["x"] })
      assert.deepStrictEqual(response.embeddings, [[0.5, -1, 2.25]])
    })
  )

  it.scoped("generateImage: b64 image and revised prompt (vercel json); dall-e asks for b64_json", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/images/generations",
        Recordings.bodyReply(Recordings.read("openai/images/vercel.openai-image.json"), "application/json")
      )
      const response = yield* provider.generateImage({
        model: "dall-e-3",
        prompt: "A baby sea otter",
        n: 2,
        size: "1024x1024"
      })
      // the recording holds two images
      assert.strictEqual(response.images.length, 2)
      assert.isTrue(response.images[0]!.b64!.startsWith("iVBORw0KGgo"))
      assert.strictEqual(response.images[0]!.mediaType, "image/png")
      assert.include(response.images[0]!.revisedPrompt, "baby sea otter")
      assert.deepStrictEqual(server.requests[0]!.json, {
        model: "dall-e-3",
        prompt: "A baby sea otter",
        n: 2,
        size: "1024x1024",
        response_format: "b64_json"
      })
    })
  )

  it.scoped("generateImage: gpt-image models get no response_format; the 400 maps to InvalidRequest", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/images/generations",
        Recordings.bodyReply(
          Recordings.read("openai/images/vercel.gpt-image-response-format-error.json"),
          "application/json",
          { status: 400 }
        )
      )
      const error = yield* failure(provider.generateImage({ model: "gpt-image-1", prompt: "otter" }))
      assert.strictEqual(error._tag, "InvalidRequest")
      if (error._tag === "InvalidRequest") assert.strictEqual(error.param, "response_format")
      assert.notProperty(server.requests[0]!.json as object, "response_format")
    })
  )

  it.scoped("listModels: the 28 recorded models (lobe-chat), kinds inferred, created as ISO", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const data = Recordings.json(Recordings.read("openai/models/lobe-chat.openai-models.json"))
      // lobe-chat kept only `data`; the real body wraps it
      server.route("GET", "/v1/models", FakeOpenAi.json(200, { object: "list", data }))
      const models = yield* provider.listModels()
      assert.strictEqual(models.length, 28)
      const whisper = models.find((m) => m.model === "whisper-1")!
      assert.deepStrictEqual(whisper, {
        id: "openai:whisper-1",
        provider: "openai",
        model: "whisper-1",
        kinds: ["audio-transcription"],
        createdAt: new Date(1677532384 * 1000).toISOString(),
        ownedBy: "openai-internal"
      })
      for (const m of models) {
        if (m.model.includes("embedding")) assert.deepStrictEqual(m.kinds, ["embedding"])
        if (m.model.startsWith("gpt-4")) assert.deepStrictEqual(m.kinds, ["chat"])
        if (m.model.startsWith("dall-e")) assert.deepStrictEqual(m.kinds, ["image"])
      }
    })
  )

  it.scoped("settings: organization and project headers; the key only in Authorization", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ settings: { organization: "org-1", project: "proj_1" } })
      server.route("POST", "/v1/chat/completions", FakeOpenAi.completion("ok"))
      yield* provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      const h = server.requests[0]!.headers
      assert.strictEqual(h["openai-organization"], "org-1")
      assert.strictEqual(h["openai-project"], "proj_1")
      assert.strictEqual(h.authorization, "Bearer test-api-key")
    })
  )

  it.effect("settings: a bad field is a ConfigError naming it", () =>
    Effect.gen(function* () {
      const e1 = yield* Effect.flip(OpenAiProvider.make({ id: "openai", settings: { organization: 42 } }))
      assert.strictEqual(e1._tag, "ConfigError")
      assert.strictEqual(e1.key, "settings.organization")
      const e2 = yield* Effect.flip(OpenAiProvider.make({ id: "openai", settings: { orgnization: "x" } }))
      assert.include(e2.message, "orgnization")
    })
  )

  it.scoped("providerOptions.openai: typed fields and extraBody reach the wire; a bad one is InvalidRequest", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route("POST", "/v1/chat/completions", FakeOpenAi.completion("ok"))
      yield* provider.chat({
        model: "gpt-5-mini",
        messages: [{ role: "user", content: "hi" }],
        reasoning: { effort: "low" },
        seed: 7,
        stop: ["END"],
        providerOptions: {
          openai: { serviceTier: "flex", promptCacheKey: "k1", extraBody: { safety_identifier: "u1" } }
        }
      })
      const sent = server.requests[0]!.json as Record<string, unknown>
      assert.strictEqual(sent.service_tier, "flex")
      assert.strictEqual(sent.prompt_cache_key, "k1")
      assert.strictEqual(sent.safety_identifier, "u1")
      assert.strictEqual(sent.reasoning_effort, "low")
      assert.strictEqual(sent.seed, 7)
      assert.deepStrictEqual(sent.stop, ["END"])
      const error = yield* failure(
        provider.chat({
          model: "m",
          messages: [{ role: "user", content: "hi" }],
          providerOptions: { openai: { serviceTier: "turbo" } }
        })
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      if (error._tag === "InvalidRequest") assert.strictEqual(error.param, "providerOptions.openai.serviceTier")
      assert.strictEqual(server.requests.length, 1)
    })
  )

  it.effect("descriptor: type, defaults and env vars", () =>
    Effect.sync(() => {
      const d = OpenAiProvider.descriptor
      assert.strictEqual(d.type, "openai")
      assert.strictEqual(d.defaultBaseUrl, "https://api.openai.com/v1")
      assert.strictEqual(d.apiKeyEnv, "OPENAI_API_KEY")
      assert.strictEqual(d.baseUrlEnv, "OPENAI_BASE_URL")
      assert.isTrue(d.requiresKey)
    })
  )

  it.scoped("a per-call key wins over the configured one; no key anywhere fails before sending", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ apiKey: undefined })
      server.route("POST", "/v1/chat/completions", FakeOpenAi.completion("ok"))
      const e = yield* failure(provider.chat({ model: "m", messages: [{ role: "user", content: "hi" }] }))
      assert.strictEqual(e._tag, "AuthenticationError")
      assert.include(e.message, "OPENAI_API_KEY")
      yield* provider.chat(
        { model: "m", messages: [{ role: "user", content: "hi" }] },
        { apiKey: Redacted.make("sk-call") }
      )
      assert.strictEqual(server.requests.length, 1)
      assert.strictEqual(server.requests[0]!.headers.authorization, "Bearer sk-call")
    })
  )
})
