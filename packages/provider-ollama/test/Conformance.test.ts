import * as Conformance from "@aiu/testing/Conformance"
import * as FakeOllama from "@aiu/testing/fake/ollama"
import * as OllamaProvider from "../src/OllamaProvider.js"

Conformance.suite({
  name: "ollama",
  model: "llama3.2",
  embeddingModel: "nomic-embed-text",
  make: ({ apiKey, url }) => OllamaProvider.descriptor.make({ id: "ollama", baseUrl: url, apiKey }),
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    generateImage: false,
    requiresKey: false,
    // Ollama has no content filter.
    errors: Conformance.allErrorKinds.filter((k) => k !== "content-filter"),
    streamErrors: ["overloaded", "server", "context-length"]
  },
  wire: FakeOllama.wire
})
