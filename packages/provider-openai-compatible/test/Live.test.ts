/**
 * Opt-in live checks against known compatible servers: each runs only when its key is set
 * (GROQ_API_KEY, DEEPSEEK_API_KEY, TOGETHER_API_KEY, OPENROUTER_API_KEY, XAI_API_KEY) and the
 * model to use is given in <PRESET>_MODEL (e.g. GROQ_MODEL=llama-3.1-8b-instant).
 */
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as OpenAiCompatibleConfig from "../src/OpenAiCompatibleConfig.js"
import * as OpenAiCompatibleProvider from "../src/OpenAiCompatibleProvider.js"

const presets = ["groq", "deepseek", "together", "openrouter", "xai"] as const

it.layer(NodeHttpTransport.layer())("OpenAI-compatible live", (it) => {
  for (const preset of presets) {
    const env = OpenAiCompatibleConfig.presets[preset].apiKeyEnv ?? ""
    const key = process.env[env]
    const model = process.env[`${preset.toUpperCase()}_MODEL`]
    it.skipIf(!key || !model)(`${preset}: a short chat (set ${env} and ${preset.toUpperCase()}_MODEL to run)`, () =>
      Effect.gen(function* () {
        const provider = yield* OpenAiCompatibleProvider.descriptorFor(preset).make({
          id: preset,
          apiKey: Redacted.make(key ?? "")
        })
        const r = yield* provider.chat({
          model: model ?? "",
          messages: [{ role: "user", content: "Say OK" }],
          maxOutputTokens: 16
        })
        assert.isAbove(r.usage.totalTokens, 0)
      })
    )
  }
})
