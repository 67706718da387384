/**
 * Opt-in live check against a real Azure OpenAI deployment: runs only with
 * AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT set.
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as AzureOpenAiProvider from "../src/AzureOpenAiProvider.js"

const key = process.env.AZURE_OPENAI_API_KEY
const endpoint = process.env.AZURE_OPENAI_ENDPOINT
const deployment = process.env.AZURE_OPENAI_DEPLOYMENT
const missing = !key || !endpoint || !deployment

it.layer(NodeHttpTransport.layer())("Azure OpenAI live", (it) => {
  it.skipIf(missing)(
    "answers a short chat (set AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT to run)",
    () =>
      Effect.gen(function* () {
        const provider = yield* AzureOpenAiProvider.make({
          id: "azure-openai",
          baseUrl: endpoint ?? "",
          apiKey: Redacted.make(key ?? ""),
          ...(process.env.OPENAI_API_VERSION ? { settings: { apiVersion: process.env.OPENAI_API_VERSION } } : {})
        })
        const r = yield* provider.chat({
          model: deployment ?? "",
          messages: [{ role: "user", content: "Say OK" }],
          maxOutputTokens: 16
        })
        assert.isAbove(r.usage.totalTokens, 0)
      })
  )
})
