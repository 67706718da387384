/**
 * The provider adapters the CLI ships with, and the well-known OpenAI-compatible servers usable by
 * their id (`groq:…`, `deepseek:…`) without registration. Loaded only by command handlers.
 */
import type * as Provider from "@aiu/core/Provider"
import * as Anthropic from "@aiu/provider-anthropic/AnthropicProvider"
import * as AzureOpenAi from "@aiu/provider-azure-openai/AzureOpenAiProvider"
import * as Cohere from "@aiu/provider-cohere/CohereProvider"
import * as Google from "@aiu/provider-google/GoogleProvider"
import * as Mistral from "@aiu/provider-mistral/MistralProvider"
import * as Ollama from "@aiu/provider-ollama/OllamaProvider"
import * as OpenAiCompatibleConfig from "@aiu/provider-openai-compatible/OpenAiCompatibleConfig"
import * as OpenAiCompatible from "@aiu/provider-openai-compatible/OpenAiCompatibleProvider"
import * as OpenAi from "@aiu/provider-openai/OpenAiProvider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"

export const descriptors: ReadonlyArray<Provider.Descriptor<HttpTransport>> = [
  OpenAi.descriptor,
  Anthropic.descriptor,
  Google.descriptor,
  Mistral.descriptor,
  Cohere.descriptor,
  Ollama.descriptor,
  AzureOpenAi.descriptor,
  OpenAiCompatible.descriptor
]

export const presets: Readonly<Record<string, Provider.Descriptor<HttpTransport>>> = Object.fromEntries(
  (Object.keys(OpenAiCompatibleConfig.presets) as Array<OpenAiCompatibleConfig.QuirksPreset>).map((preset) => [
    preset,
    OpenAiCompatible.descriptorFor(preset)
  ])
)
