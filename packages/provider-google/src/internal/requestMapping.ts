/**
 * `ChatRequest` → Gemini `generateContent` body, and `EmbedRequest` → `batchEmbedContents` bodies.
 * Pure: returns the body and warnings (as data), or an `InvalidRequest`.
 *
 * Thought signatures: the response mapping turns a part's `thoughtSignature` into a reasoning
 * part (empty text, the signature) placed just before that part. Going back, a reasoning part's
 * signature is put on the next text or function-call part of the same message (or on an empty
 * text part at the end), which is where Gemini sent it. Thought summaries are not sent back.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { ChatRequest } from "@aiu/core/Chat"
import type { EmbedRequest } from "@aiu/core/Embedding"
import type { FilePart, ImagePart, Message } from "@aiu/core/Message"
import * as Either from "effect/Either"
import type { ProviderOptions, Settings } from "../GoogleConfig.js"
import { toOpenApiSchema } from "./jsonSchema.js"
import type {
  BatchEmbedContentsRequest,
  GenerateContentRequest,
  GenerationConfig,
  RequestContent,
  RequestPart,
  ThinkingConfig
} from "./schema.js"
import { prepareTools } from "./tools.js"

export interface MappedRequest {
  readonly body: GenerateContentRequest
  readonly warnings: ReadonlyArray<string>
}

/** Ids this adapter made up for calls Gemini sent without one; never sent back as ids. */
export const GENERATED_ID_PREFIX = "aiu_call_"

/** Thinking budgets for `reasoning.effort` on models that take a budget (Gemini 2.5). */
export const effortBudget = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const

const invalid = (provider: string, message: string, param?: string) =>
  new AiuError.InvalidRequest({
    message: `${provider}: ${message}`,
    provider,
    ...(param !== undefined ? { param } : {})
  })

const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s

const sniff = (base64: string): string | undefined => {
  if (base64.startsWith("iVBOR")) return "image/png"
  if (base64.startsWith("/9j/")) return "image/jpeg"
  if (base64.startsWith("R0lGOD")) return "image/gif"
  if (base64.startsWith("UklGR")) return "image/webp"
  if (base64.startsWith("JVBER")) return "application/pdf"
  return undefined
}

const mediaPart = (
  provider: string,
  part: {
    readonly url?: string | undefined
    readonly data?: string | undefined
    readonly mediaType?: string | undefined
  },
  where: string
): Either.Either<RequestPart, AiuError.InvalidRequest> => {
  if (part.url !== undefined) {
    const m = dataUrl.exec(part.url)
    if (m !== null) {
      const data = m[2] ?? ""
      const mimeType = m[1] ?? part.mediaType ?? sniff(data)
      if (mimeType === undefined) return Either.left(invalid(provider, `${where}: cannot tell the media type`, where))
      return Either.right({ inlineData: { mimeType, data } })
    }
    return Either.right({
      fileData: { ...(part.mediaType !== undefined ? { mimeType: part.mediaType } : {}), fileUri: part.url }
    })
  }
  if (part.data !== undefined) {
    const mimeType = part.mediaType ?? sniff(part.data)
    if (mimeType === undefined) return Either.left(invalid(provider, `${where}: inline data needs a mediaType`, where))
    return Either.right({ inlineData: { mimeType, data: part.data } })
  }
  return Either.left(invalid(provider, `${where}: needs a url or data`, where))
}

const imageOrFile = (provider: string, part: ImagePart | FilePart, where: string) => mediaPart(provider, part, where)

const parseArgs = (provider: string, text: string, where: string): Either.Either<unknown, AiuError.InvalidRequest> => {
  if (text.trim() === "") return Either.right({})
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch {
    return Either.left(invalid(provider, `${where}: tool-call arguments are not valid JSON`, where))
  }
}

/** A tool result as a `functionResponse.response` object. */
const responseObject = (content: string, isError: boolean): Record<string, unknown> => {
  let value: unknown = content
  try {
    value = JSON.parse(content) as unknown
  } catch {
    value = content
  }
  if (isError) return { error: value }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>
  return { result: value }
}

interface Converted {
  readonly systemInstruction: Array<{ text: string }>
  readonly contents: Array<RequestContent>
  readonly warnings: Array<string>
}

export const convertMessages = (
  provider: string,
  messages: ReadonlyArray<Message>
): Either.Either<Converted, AiuError.InvalidRequest> => {
  const system: Array<{ text: string }> = []
  const out: Array<{ role: "user" | "model"; parts: Array<RequestPart> }> = []
  const warnings: Array<string> = []
  const names = new Map<string, string>()
  const push = (role: "user" | "model", parts: Array<RequestPart>) => {
    if (parts.length === 0) return
    const last = out[out.length - 1]
    if (last !== undefined && last.role === role) last.parts.push(...parts)
    else out.push({ role, parts })
  }
  let started = false
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!
    const where = `messages[${i}]`
    switch (message.role) {
      case "system":
        if (started)
          warnings.push(`${where}: a system message after the conversation started was moved to systemInstruction`)
        if (message.content !== "") system.push({ text: message.content })
        break
      case "user": {
        started = true
        const parts: Array<RequestPart> = []
        if (typeof message.content === "string") {
          if (message.content !== "") parts.push({ text: message.content })
        } else {
          for (let j = 0; j < message.content.length; j++) {
            const part = message.content[j]!
            if (part.type === "text") {
              if (part.text !== "") parts.push({ text: part.text })
            } else {
              const media = imageOrFile(provider, part, `${where}.content[${j}]`)
              if (Either.isLeft(media)) return Either.left(media.left)
              parts.push(media.right)
            }
          }
        }
        push("user", parts)
        break
      }
      case "assistant": {
        started = true
        const parts: Array<RequestPart> = []
        let signature: string | undefined
        const take = () => {
          const s = signature
          signature = undefined
          return s !== undefined ? { thoughtSignature: s } : {}
        }
        if (typeof message.content === "string") {
          if (message.content !== "") parts.push({ text: message.content })
        } else {
          for (let j = 0; j < message.content.length; j++) {
            const part = message.content[j]!
            if (part.type === "reasoning") {
              if (part.signature !== undefined) signature = part.signature
            } else if (part.type === "text") {
              if (part.text !== "" || signature !== undefined) parts.push({ text: part.text, ...take() })
            } else {
              const args = parseArgs(provider, part.arguments, `${where}.content[${j}]`)
              if (Either.isLeft(args)) return Either.left(args.left)
              names.set(part.id, part.name)
              parts.push({
                functionCall: {
                  name: part.name,
                  args: args.right,
                  ...(part.id.startsWith(GENERATED_ID_PREFIX) ? {} : { id: part.id })
                },
                ...take()
              })
            }
          }
        }
        if (signature !== undefined) parts.push({ text: "", ...take() })
        push("model", parts)
        break
      }
      case "tool": {
        started = true
        const parts: Array<RequestPart> = []
        for (let j = 0; j < message.content.length; j++) {
          const result = message.content[j]!
          const name = result.name ?? names.get(result.toolCallId)
          if (name === undefined) {
            return Either.left(
              invalid(
                provider,
                `${where}.content[${j}]: Gemini needs the function name of a tool result; no earlier call has id ${result.toolCallId} and the result has no name`,
                `${where}.content[${j}].name`
              )
            )
          }
          parts.push({
            functionResponse: {
              name,
              response: responseObject(result.content, result.isError === true),
              ...(result.toolCallId.startsWith(GENERATED_ID_PREFIX) ? {} : { id: result.toolCallId })
            }
          })
        }
        push("user", parts)
        break
      }
    }
  }
  return Either.right({ systemInstruction: system, contents: out, warnings })
}

const thinkingOf = (request: ChatRequest, options: ProviderOptions): ThinkingConfig | undefined => {
  const reasoning = request.reasoning
  const config: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean } = {}
  if (options.thinkingBudget !== undefined) config.thinkingBudget = options.thinkingBudget
  else if (options.thinkingLevel !== undefined) config.thinkingLevel = options.thinkingLevel
  else if (reasoning?.budgetTokens !== undefined)
    config.thinkingBudget = Math.max(0, Math.floor(reasoning.budgetTokens))
  else if (reasoning?.effort !== undefined) {
    if (/gemini-3/.test(request.model)) config.thinkingLevel = reasoning.effort
    else config.thinkingBudget = effortBudget[reasoning.effort]
  }
  const include = options.includeThoughts ?? reasoning?.includeThoughts ?? (reasoning !== undefined ? true : undefined)
  if (include !== undefined) config.includeThoughts = include
  return Object.keys(config).length > 0 ? config : undefined
}

/** The model resource path: `models/<name>` unless a full resource name (`tunedModels/…`) is given. */
export const modelPath = (model: string): string => (model.includes("/") ? model : `models/${model}`)

export const toGenerateContentRequest = (
  provider: string,
  request: ChatRequest,
  settings: Settings,
  options: ProviderOptions
): Either.Either<MappedRequest, AiuError.InvalidRequest> =>
  Either.gen(function* () {
    const converted = yield* convertMessages(provider, request.messages)
    const warnings = [...converted.warnings]
    if (converted.contents.length === 0) {
      return yield* Either.left(invalid(provider, "the request has no user or assistant messages", "messages"))
    }
    const schemaMode = options.schemaMode ?? settings.schemaMode ?? "openapi"
    const tools = prepareTools({
      tools: request.tools,
      toolChoice: request.toolChoice,
      parallelToolCalls: request.parallelToolCalls,
      schemaMode
    })
    warnings.push(...tools.warnings)
    if (request.user !== undefined) warnings.push("user is not supported by Gemini; ignored")

    const format = request.responseFormat
    const structured: Partial<GenerationConfig> =
      format === undefined || format.type === "text"
        ? {}
        : format.type === "json"
          ? { responseMimeType: "application/json" }
          : schemaMode === "json-schema"
            ? { responseMimeType: "application/json", responseJsonSchema: format.schema }
            : { responseMimeType: "application/json", responseSchema: toOpenApiSchema(format.schema) ?? {} }

    const thinkingConfig = thinkingOf(request, options)
    const generationConfig: GenerationConfig = {
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.topK !== undefined ? { topK: request.topK } : {}),
      ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
      ...(request.stop !== undefined && request.stop.length > 0 ? { stopSequences: request.stop } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.presencePenalty !== undefined ? { presencePenalty: request.presencePenalty } : {}),
      ...(request.frequencyPenalty !== undefined ? { frequencyPenalty: request.frequencyPenalty } : {}),
      ...structured,
      ...(options.responseModalities !== undefined ? { responseModalities: options.responseModalities } : {}),
      ...(thinkingConfig !== undefined ? { thinkingConfig } : {})
    }
    const safetySettings = options.safetySettings ?? settings.safetySettings
    const body: GenerateContentRequest = {
      contents: converted.contents,
      ...(converted.systemInstruction.length > 0 ? { systemInstruction: { parts: converted.systemInstruction } } : {}),
      ...(tools.tools !== undefined ? { tools: tools.tools } : {}),
      ...(tools.toolConfig !== undefined ? { toolConfig: tools.toolConfig } : {}),
      ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
      ...(safetySettings !== undefined ? { safetySettings } : {}),
      ...(options.cachedContent !== undefined ? { cachedContent: options.cachedContent } : {})
    }
    return { body, warnings }
  })

const taskTypes = {
  query: "RETRIEVAL_QUERY",
  document: "RETRIEVAL_DOCUMENT",
  classification: "CLASSIFICATION",
  clustering: "CLUSTERING"
} as const

/** `EmbedRequest` → `batchEmbedContents` bodies of at most `batchSize` texts each, in order. */
export const toBatchEmbedRequests = (
  request: EmbedRequest,
  options: ProviderOptions,
  batchSize: number
): Array<BatchEmbedContentsRequest> => {
  const model = modelPath(request.model)
  const taskType = options.taskType ?? (request.inputType !== undefined ? taskTypes[request.inputType] : undefined)
  const one = (text: string) => ({
    model,
    content: { parts: [{ text }] },
    ...(taskType !== undefined ? { taskType } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {})
  })
  const batches: Array<BatchEmbedContentsRequest> = []
  for (let i = 0; i < request.input.length; i += batchSize) {
    batches.push({ requests: request.input.slice(i, i + batchSize).map(one) })
  }
  return batches
}
