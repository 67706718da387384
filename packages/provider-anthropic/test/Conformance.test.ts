import * as Conformance from "@aiu/testing/Conformance"
import * as FakeAnthropic from "@aiu/testing/fake/anthropic"
import * as AnthropicProvider from "../src/AnthropicProvider.js"

Conformance.suite({
  name: "anthropic",
  model: "claude-sonnet-4-5",
  make: ({ url, apiKey }) => AnthropicProvider.descriptor.make({ id: "anthropic", baseUrl: `${url}/v1`, apiKey }),
  missingKeyHint: "ANTHROPIC_API_KEY",
  supports: {
    stream: true,
    tools: true,
    parallelToolCalls: true,
    structuredOutput: true,
    listModels: true,
    embed: false,
    generateImage: false,
    requiresKey: true,
    // No HTTP error means "content filtered" on Anthropic: a refusal is `stop_reason: "refusal"`.
    errors: Conformance.allErrorKinds.filter((k) => k !== "content-filter"),
    streamErrors: ["overloaded", "server", "rate-limit"],
    reasoning: true,
    imageInput: true
  },
  wire: FakeAnthropic.wire
})
