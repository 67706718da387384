import * as Conformance from "@aiu/testing/Conformance"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as OpenAiCompatibleProvider from "../src/OpenAiCompatibleProvider.js"

// A vLLM-style server: no key required, flat error bodies.
Conformance.suite({
  name: "openai-compatible (vllm)",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  embeddingModel: "BAAI/bge-small-en",
  make: ({ url, apiKey }) =>
    OpenAiCompatibleProvider.descriptor.make({
      id: "local-vllm",
      baseUrl: `${url}/v1`,
      apiKey,
      settings: { quirks: "vllm" }
    }),
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    imageInput: true,
    reasoning: true,
    generateImage: false,
    requiresKey: false,
    errors: [
      "auth",
      "permission",
      "rate-limit",
      "context-length",
      "overloaded",
      "model-not-found",
      "invalid-request",
      "server"
    ],
    streamErrors: ["server", "overloaded"]
  },
  wire: FakeOpenAi.makeWire({ error: FakeOpenAi.vllmErrorReply })
})

// Groq: the key is required and named; OpenAI-style error bodies.
Conformance.suite({
  name: "openai-compatible (groq)",
  model: "llama-3.3-70b-versatile",
  make: ({ url, apiKey }) =>
    OpenAiCompatibleProvider.descriptorFor("groq").make({ id: "groq", baseUrl: `${url}/openai/v1`, apiKey }),
  missingKeyHint: "GROQ_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: false,
    generateImage: false,
    requiresKey: true,
    errors: ["auth", "rate-limit", "context-length", "model-not-found", "invalid-request", "server", "overloaded"],
    streamErrors: ["server"]
  },
  wire: FakeOpenAi.makeWire({ chatPath: () => "/openai/v1/chat/completions", modelsPath: "/openai/v1/models" })
})
