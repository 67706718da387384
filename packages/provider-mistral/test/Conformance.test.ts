import * as Conformance from "@aiu/testing/Conformance"
import * as FakeMistral from "@aiu/testing/fake/mistral"
import * as MistralProvider from "../src/MistralProvider.js"

Conformance.suite({
  name: "mistral",
  model: "mistral-small-latest",
  embeddingModel: "mistral-embed",
  make: ({ apiKey, url }) => MistralProvider.descriptor.make({ id: "mistral", baseUrl: `${url}/v1`, apiKey }),
  missingKeyHint: "MISTRAL_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    generateImage: false,
    requiresKey: true,
    // Mistral has no content-filter error: moderation is a separate endpoint.
    errors: Conformance.allErrorKinds.filter((k) => k !== "content-filter"),
    streamErrors: ["overloaded", "server", "rate-limit", "context-length"]
  },
  wire: FakeMistral.wire
})
