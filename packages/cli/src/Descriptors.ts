/**
 * The provider adapters the CLI ships with. Loaded lazily (through MainLayer) so `aiu --help`
 * does not parse them.
 */
import type * as Provider from "@aiu/core/Provider"
import * as Anthropic from "@aiu/provider-anthropic/AnthropicProvider"
import * as Mistral from "@aiu/provider-mistral/MistralProvider"
import * as Ollama from "@aiu/provider-ollama/OllamaProvider"
import * as OpenAi from "@aiu/provider-openai/OpenAiProvider"
import type { HttpTransport } from "@aiu/transport/HttpTransport"

export const descriptors: ReadonlyArray<Provider.Descriptor<HttpTransport>> = [
  OpenAi.descriptor,
  Anthropic.descriptor,
  Mistral.descriptor,
  Ollama.descriptor
]
