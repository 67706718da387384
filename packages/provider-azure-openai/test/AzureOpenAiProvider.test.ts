import * as StreamChunk from "@aiu/core/StreamChunk"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as Recordings from "@aiu/testing/Recordings"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as AzureOpenAiConfig from "../src/AzureOpenAiConfig.js"
import * as AzureOpenAiProvider from "../src/AzureOpenAiProvider.js"

const setup = (settings?: Record<string, unknown>, path = "") =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const provider = yield* AzureOpenAiProvider.make({
      id: "azure-openai",
      baseUrl: `${server.url}${path}`,
      apiKey: Redacted.make("azure-key"),
      ...(settings !== undefined ? { settings } : {})
    })
    return { server, provider }
  })

it.layer(NodeHttpTransport.layer())("Azure OpenAI", (it) => {
  for (const seed of [undefined, 0, 11]) {
    it.scoped(
      `replays the model-router stream (filter-only first chunk, content filter results)${seed === undefined ? "" : ` seed ${seed}`}`,
      () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup({ deployments: { "gpt-5-nano": "model-router" } })
          const body = Recordings.loadChunks("azure/vercel.azure-model-router.1.chunks.txt", "data-done")
          server.route(
            "POST",
            "/openai/deployments/model-router/chat/completions",
            Recordings.bodyReply(body, "text/event-stream", {
              ...(seed !== undefined ? { seed } : {}),
              headers: { "apim-request-id": "apim-1" }
            })
          )
          const response = yield* StreamChunk.collect(
            provider.chatStream({ model: "gpt-5-nano", messages: [{ role: "user", content: "Capital of Denmark?" }] }),
            "gpt-5-nano"
          )
          assert.strictEqual(response.text, "Capital of Denmark.")
          assert.strictEqual(response.finishReason, "stop")
          assert.strictEqual(response.id, "chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt")
          assert.strictEqual(response.model, "gpt-5-nano-2025-08-07")
          assert.strictEqual(response.requestId, "apim-1")
          assert.deepStrictEqual(response.usage, {
            inputTokens: 15,
            outputTokens: 78,
            totalTokens: 93,
            cachedInputTokens: 0,
            reasoningTokens: 64
          })
          const sent = server.requests[0]!
          assert.strictEqual(
            sent.url,
            `/openai/deployments/model-router/chat/completions?api-version=${AzureOpenAiConfig.DEFAULT_API_VERSION}`
          )
          assert.strictEqual(sent.headers["api-key"], "azure-key")
          assert.isUndefined(sent.headers.authorization)
        })
    )
  }

  it.scoped("api-version from settings; embeddings and images under the deployment; models at the resource", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup(
        { apiVersion: "2025-04-01-preview", deployments: { "text-embedding-3-small": "emb" } },
        "/openai"
      )
      server.route(
        "POST",
        "/openai/deployments/emb/embeddings",
        FakeOpenAi.embeddingsReply({ model: "text-embedding-3-small", vectors: [[1, 2]], inputTokens: 1 })
      )
      server.route(
        "POST",
        "/openai/deployments/dalle/images/generations",
        FakeOpenAi.json(200, { created: 1, data: [{ url: "https://img/1.png" }] })
      )
      server.route("GET", "/openai/models", FakeOpenAi.models(["gpt-4o", "text-embedding-3-small"]))
      yield* provider.embed({ model: "text-embedding-3-small", input: ["x"] })
      const image = yield* provider.generateImage({ model: "dalle", prompt: "otter" })
      const models = yield* provider.listModels()
      assert.strictEqual(image.images[0]!.url, "https://img/1.png")
      assert.deepStrictEqual(
        models.map((m) => m.id),
        ["azure-openai:gpt-4o", "azure-openai:text-embedding-3-small"]
      )
      assert.deepStrictEqual(
        server.requests.map((r) => r.url),
        [
          "/openai/deployments/emb/embeddings?api-version=2025-04-01-preview",
          "/openai/deployments/dalle/images/generations?api-version=2025-04-01-preview",
          "/openai/models?api-version=2025-04-01-preview"
        ]
      )
    })
  )

  it.scoped("v1 path: model in the body is the deployment, no api-version unless set", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ deployments: { "gpt-4o": "prod-4o" } }, "/openai/v1")
      server.route("POST", "/openai/v1/chat/completions", FakeOpenAi.completion("hi"))
      yield* provider.chat({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })
      assert.strictEqual(server.requests[0]!.url, "/openai/v1/chat/completions")
      assert.strictEqual((server.requests[0]!.json as { model: string }).model, "prod-4o")
    })
  )

  it.scoped("Responses API on Azure (settings.chatApi)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ chatApi: "responses", apiVersion: "2025-04-01-preview" })
      server.route(
        "POST",
        "/openai/responses",
        Recordings.bodyReply(
          Recordings.read("openai/responses/vercel.openai-pdf-input-file.1.json"),
          "application/json"
        )
      )
      const r = yield* provider.chat({ model: "gpt-4.1-nano", messages: [{ role: "user", content: "x" }] })
      assert.strictEqual(r.text, "Dummy PDF file")
      assert.strictEqual(server.requests[0]!.url, "/openai/responses?api-version=2025-04-01-preview")
    })
  )

  it.scoped("content filter: prompt filtered (400 innererror) and output filtered (finish_reason)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.script("POST", "/openai/deployments/gpt-4o/chat/completions", [
        FakeOpenAi.json(400, {
          error: {
            message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
            type: null,
            param: "prompt",
            code: "content_filter",
            status: 400,
            innererror: {
              code: "ResponsibleAIPolicyViolation",
              content_filter_result: { hate: { filtered: true, severity: "high" } }
            }
          }
        }),
        FakeOpenAi.completion("partial", { finishReason: "content_filter" })
      ])
      const error = yield* Effect.flip(provider.chat({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }))
      assert.strictEqual(error._tag, "ContentFiltered")
      const r = yield* provider.chat({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] })
      assert.strictEqual(r.finishReason, "content-filter")
    })
  )

  it.effect("configuration errors name the field or the env var", () =>
    Effect.gen(function* () {
      const none = yield* Effect.flip(AzureOpenAiProvider.make({ id: "azure-openai" }))
      assert.strictEqual(none._tag, "ConfigError")
      assert.include(none.message, "AZURE_OPENAI_ENDPOINT")
      const bad = yield* Effect.flip(
        AzureOpenAiProvider.make({ id: "azure-openai", settings: { resource: "no spaces allowed" } })
      )
      assert.strictEqual(bad.key, "settings.resource")
      const query = yield* Effect.flip(
        AzureOpenAiProvider.make({ id: "azure-openai", baseUrl: "https://r.openai.azure.com/openai?api-version=1" })
      )
      assert.strictEqual(query.key, "baseUrl")
    }).pipe(Effect.provide(NodeHttpTransport.layer()))
  )

  it.scoped("a resource-only config needs no baseUrl; without a key it fails before any network call", () =>
    Effect.gen(function* () {
      const provider = yield* AzureOpenAiProvider.make({ id: "azure-openai", settings: { resource: "myres" } })
      const error = yield* Effect.flip(provider.chat({ model: "d", messages: [{ role: "user", content: "x" }] }))
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.include(error.message, "AZURE_OPENAI_API_KEY")
      assert.strictEqual(AzureOpenAiProvider.descriptor.defaultBaseUrl, undefined)
      assert.strictEqual(AzureOpenAiProvider.descriptor.baseUrlEnv, "AZURE_OPENAI_ENDPOINT")
    })
  )
})
