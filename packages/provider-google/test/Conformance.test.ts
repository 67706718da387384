import * as Conformance from "@aiu/testing/Conformance"
import * as FakeGoogle from "@aiu/testing/fake/google"
import * as GoogleProvider from "../src/GoogleProvider.js"

Conformance.suite({
  name: "google",
  model: "gemini-2.5-flash",
  embeddingModel: "gemini-embedding-001",
  // The suite compares the schema on the wire with the one asked for: send it verbatim
  // (`responseJsonSchema`). The default `openapi` mode is covered in GoogleProvider.test.ts.
  make: ({ url, apiKey }) =>
    GoogleProvider.descriptor.make({
      id: "google",
      baseUrl: `${url}/v1beta`,
      apiKey,
      settings: { schemaMode: "json-schema" }
    }),
  missingKeyHint: "GEMINI_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: true,
    generateImage: false,
    requiresKey: true,
    requestIds: false,
    errors: Conformance.allErrorKinds,
    streamErrors: ["overloaded", "server", "rate-limit"],
    reasoning: true,
    imageInput: true
  },
  wire: FakeGoogle.wire
})
