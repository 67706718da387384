import * as Conformance from "@aiu/testing/Conformance"
import * as FakeCohere from "@aiu/testing/fake/cohere"
import * as CohereProvider from "../src/CohereProvider.js"

Conformance.suite({
  name: "cohere",
  model: "command-a-03-2025",
  embeddingModel: "embed-v4.0",
  make: ({ apiKey, url }) => CohereProvider.descriptor.make({ id: "cohere", baseUrl: url, apiKey }),
  missingKeyHint: "CO_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    generateImage: false,
    requiresKey: true,
    // Cohere has no content-filter error, and no in-band stream error events.
    errors: Conformance.allErrorKinds.filter((k) => k !== "content-filter")
  },
  wire: FakeCohere.wire
})
