/**
 * Gemini `/models` entries → `ModelInfo`, with kinds inferred from `supportedGenerationMethods`
 * and the name (the listing has no kind field).
 */
import { inferKinds, type ModelInfo } from "@aiu/core/ModelInfo"
import type { WireModel } from "./schema.js"

export const kindsOf = (model: string, methods: ReadonlyArray<string>): ReadonlyArray<string> => {
  const kinds = new Set<string>()
  const m = model.toLowerCase()
  if (methods.includes("embedContent") || methods.includes("batchEmbedContents") || methods.includes("embedText")) {
    kinds.add("embedding")
  }
  if (methods.includes("generateContent")) {
    if (/tts/.test(m)) kinds.add("audio-speech")
    else if (/lyria/.test(m)) kinds.add("audio")
    else {
      kinds.add("chat")
      if (/image|nano-banana/.test(m)) kinds.add("image")
    }
  }
  if (methods.includes("predict")) for (const k of inferKinds(m)) kinds.add(k)
  if (methods.includes("predictLongRunning")) kinds.add(/veo/.test(m) ? "video" : inferKinds(m)[0]!)
  if (methods.includes("generateAnswer") && kinds.size === 0) kinds.add("chat")
  if (kinds.size === 0) for (const k of inferKinds(m)) kinds.add(k)
  return [...kinds]
}

export const toModelInfo = (provider: string, wire: WireModel): ModelInfo => {
  const model = wire.name.startsWith("models/") ? wire.name.slice("models/".length) : wire.name
  const methods = wire.supportedGenerationMethods ?? []
  const kinds = kindsOf(model, methods)
  const chat = kinds.includes("chat")
  const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
    id: `${provider}:${model}`,
    provider,
    model,
    kinds
  }
  if (wire.displayName != null) info.name = wire.displayName
  if (wire.inputTokenLimit != null) info.contextWindow = wire.inputTokenLimit
  if (wire.outputTokenLimit != null) info.maxOutputTokens = wire.outputTokenLimit
  if (chat) {
    // Image-output models do not take function declarations.
    info.tools = !kinds.includes("image")
    info.structuredOutput = true
    info.reasoning = wire.thinking === true
    info.inputModalities = /gemma/.test(model) ? ["text", "image"] : ["text", "image", "audio", "video", "pdf"]
    info.outputModalities = kinds.includes("image") ? ["text", "image"] : ["text"]
  }
  return info
}
