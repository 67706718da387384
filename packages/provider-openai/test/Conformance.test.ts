import * as Conformance from "@aiu/testing/Conformance"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as OpenAiProvider from "../src/OpenAiProvider.js"

Conformance.suite({
  name: "openai",
  model: "gpt-4o-mini",
  embeddingModel: "text-embedding-3-small",
  make: ({ url, apiKey }) => OpenAiProvider.descriptor.make({ id: "openai", baseUrl: `${url}/v1`, apiKey }),
  missingKeyHint: "OPENAI_API_KEY",
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
    streamErrors: ["overloaded", "server", "rate-limit", "context-length"]
  },
  wire: FakeOpenAi.wire
})

// The same over the fetch transport (edge runtimes).
Conformance.suite({
  name: "openai (fetch transport)",
  transport: HttpTransport.layerFetch(),
  model: "gpt-4o-mini",
  embeddingModel: "text-embedding-3-small",
  make: ({ url, apiKey }) => OpenAiProvider.descriptor.make({ id: "openai", baseUrl: `${url}/v1`, apiKey }),
  missingKeyHint: "OPENAI_API_KEY",
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
    streamErrors: ["overloaded", "server", "rate-limit", "context-length"]
  },
  wire: FakeOpenAi.wire
})

// The Responses API path (settings.api = "responses").
Conformance.suite({
  name: "openai (Responses API)",
  model: "gpt-4.1-mini",
  make: ({ url, apiKey }) =>
    OpenAiProvider.descriptor.make({ id: "openai", baseUrl: `${url}/v1`, apiKey, settings: { api: "responses" } }),
  missingKeyHint: "OPENAI_API_KEY",
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
    errors: Conformance.allErrorKinds,
    streamErrors: ["overloaded", "server", "quota", "rate-limit"]
  },
  wire: FakeOpenAi.responsesWire
})
