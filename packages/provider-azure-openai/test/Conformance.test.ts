import * as Conformance from "@aiu/testing/Conformance"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as AzureOpenAiProvider from "../src/AzureOpenAiProvider.js"

// Deployment-style URLs (`/openai/deployments/{d}/…?api-version=…`) with the `api-key` header.
Conformance.suite({
  name: "azure-openai (deployments)",
  model: "gpt-4o-mini",
  embeddingModel: "text-embedding-3-small",
  make: ({ url, apiKey }) => AzureOpenAiProvider.descriptor.make({ id: "azure-openai", baseUrl: url, apiKey }),
  missingKeyHint: "AZURE_OPENAI_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    imageInput: true,
    generateImage: true,
    requiresKey: true,
    errors: Conformance.allErrorKinds,
    streamErrors: ["server", "overloaded"]
  },
  wire: FakeOpenAi.makeWire({
    chatPath: (model) => `/openai/deployments/${model}/chat/completions`,
    embedPath: (model) => `/openai/deployments/${model}/embeddings`,
    modelsPath: "/openai/models",
    authHeader: (key) => ["api-key", key]
  })
})

// The v1 path (`/openai/v1/…`), OpenAI-shaped, with an Entra ID bearer token.
Conformance.suite({
  name: "azure-openai (v1, bearer)",
  model: "my-gpt4o-deployment",
  make: ({ url, apiKey }) =>
    AzureOpenAiProvider.descriptor.make({
      id: "azure-openai",
      baseUrl: `${url}/openai/v1`,
      apiKey,
      settings: { auth: "bearer" }
    }),
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    generateImage: true,
    requiresKey: true,
    errors: ["auth", "rate-limit", "content-filter", "context-length"]
  },
  wire: FakeOpenAi.makeWire({
    chatPath: () => "/openai/v1/chat/completions",
    modelsPath: "/openai/v1/models",
    embedPath: () => "/openai/v1/embeddings"
  })
})

// The Responses API on Azure (`/openai/responses?api-version=…`).
Conformance.suite({
  name: "azure-openai (Responses API)",
  model: "gpt-4.1-mini",
  make: ({ url, apiKey }) =>
    AzureOpenAiProvider.descriptor.make({
      id: "azure-openai",
      baseUrl: url,
      apiKey,
      settings: { chatApi: "responses", apiVersion: "2025-04-01-preview" }
    }),
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    reasoning: true,
    imageInput: true,
    listModels: true,
    embed: true,
    generateImage: true,
    requiresKey: true,
    errors: ["auth", "rate-limit", "content-filter", "context-length", "server"],
    streamErrors: ["server"]
  },
  wire: FakeOpenAi.makeResponsesWire({
    path: "/openai/responses",
    modelsPath: "/openai/models",
    authHeader: (key) => ["api-key", key]
  })
})
