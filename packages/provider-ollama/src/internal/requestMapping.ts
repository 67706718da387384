/**
 * ChatRequest → Ollama `/api/chat` body. Pure: sampling goes into `options`, images must be inline
 * base64, tool-call arguments are sent as objects; what Ollama cannot take becomes a warning.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import type { ProviderOptions, Settings } from "../OllamaConfig.js"
import type { ChatBody, RequestMessage, RequestToolCall } from "./schema.js"
import * as Tools from "./tools.js"

export interface Mapped {
  readonly body: ChatBody
  readonly warnings: ReadonlyArray<string>
}

const dataUrl = /^data:[^;,]+;base64,/

/** Base64 bytes of an image part (a `data:` URL is unwrapped); remote URLs are not fetched. */
const imageData = (part: {
  readonly url?: string | undefined
  readonly data?: string | undefined
}): string | undefined => {
  if (part.data !== undefined) return part.data.replace(dataUrl, "")
  if (part.url !== undefined && dataUrl.test(part.url)) return part.url.replace(dataUrl, "")
  return undefined
}

const parseArguments = (text: string, warnings: Array<string>): Readonly<Record<string, unknown>> => {
  try {
    const value: unknown = JSON.parse(text.length > 0 ? text : "{}")
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through
  }
  warnings.push("a tool call with non-object JSON arguments was sent back with empty arguments")
  return {}
}

export const messages = (input: ReadonlyArray<Message>, warnings: Array<string>): Array<RequestMessage> => {
  const out: Array<RequestMessage> = []
  const toolNames = new Map<string, string>()
  for (const message of input) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.content })
        break
      case "user": {
        if (typeof message.content === "string") {
          out.push({ role: "user", content: message.content })
          break
        }
        let text = ""
        const images: Array<string> = []
        for (const part of message.content) {
          if (part.type === "text") text += part.text
          else if (part.type === "image" || part.mediaType.startsWith("image/")) {
            const data = imageData(part)
            if (data === undefined) warnings.push("Ollama takes inline images only: an image URL was dropped")
            else images.push(data)
          } else warnings.push(`a ${part.mediaType} file part was dropped: Ollama chat takes text and images`)
        }
        out.push(images.length > 0 ? { role: "user", content: text, images } : { role: "user", content: text })
        break
      }
      case "assistant": {
        if (typeof message.content === "string") {
          out.push({ role: "assistant", content: message.content })
          break
        }
        let text = ""
        let thinking = ""
        const calls: Array<RequestToolCall> = []
        for (const part of message.content) {
          if (part.type === "text") text += part.text
          else if (part.type === "reasoning") thinking += part.text
          else {
            toolNames.set(part.id, part.name)
            calls.push({ function: { name: part.name, arguments: parseArguments(part.arguments, warnings) } })
          }
        }
        out.push({
          role: "assistant",
          content: text,
          ...(thinking.length > 0 ? { thinking } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {})
        })
        break
      }
      case "tool":
        for (const result of message.content) {
          const name = result.name ?? toolNames.get(result.toolCallId)
          out.push({ role: "tool", content: result.content, ...(name !== undefined ? { tool_name: name } : {}) })
        }
        break
    }
  }
  return out
}

type Effort = NonNullable<NonNullable<ChatRequest["reasoning"]>["effort"]>

/** gpt-oss takes an effort level; other thinking models a boolean. */
const think = (model: string, effort: Effort | undefined): boolean | "low" | "medium" | "high" => {
  if (effort !== undefined && /gpt-oss/i.test(model)) return effort === "minimal" ? "low" : effort
  return true
}

export const chatBody = (
  request: ChatRequest,
  config: { readonly settings: Settings; readonly providerOptions: ProviderOptions; readonly stream: boolean }
): Mapped => {
  const warnings: Array<string> = []
  const options: Record<string, unknown> = {}
  if (config.settings.numCtx !== undefined) options.num_ctx = config.settings.numCtx
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.topP !== undefined) options.top_p = request.topP
  if (request.topK !== undefined) options.top_k = request.topK
  if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens
  if (request.stop !== undefined && request.stop.length > 0) options.stop = request.stop
  if (request.seed !== undefined) options.seed = request.seed
  if (request.presencePenalty !== undefined) options.presence_penalty = request.presencePenalty
  if (request.frequencyPenalty !== undefined) options.frequency_penalty = request.frequencyPenalty
  if (config.providerOptions.options !== undefined) Object.assign(options, config.providerOptions.options)
  if (request.user !== undefined) warnings.push("user is not supported by Ollama and was ignored")
  if (request.parallelToolCalls !== undefined)
    warnings.push("parallelToolCalls is not supported by Ollama and was ignored")

  const body: { -readonly [K in keyof ChatBody]: ChatBody[K] } = {
    model: request.model,
    messages: messages(request.messages, warnings),
    stream: config.stream
  }
  const tools = Tools.tools(request.tools ?? [], request.toolChoice, warnings)
  if (tools !== undefined) body.tools = tools
  const format = request.responseFormat
  if (format?.type === "json") body.format = "json"
  else if (format?.type === "json-schema") body.format = format.schema
  if (Object.keys(options).length > 0) body.options = options
  if (config.providerOptions.think !== undefined) body.think = config.providerOptions.think
  else if (request.reasoning !== undefined) body.think = think(request.model, request.reasoning.effort)
  const keepAlive = config.providerOptions.keep_alive ?? config.settings.keepAlive
  if (keepAlive !== undefined) body.keep_alive = keepAlive
  return { body, warnings }
}

/**
 * A rough token estimate for the transport's tokens-per-minute limiter: text characters / 4 (no
 * tokenizer; images and files are not counted) plus the output cap. The limiter corrects it with
 * the usage the provider reports.
 */
export const estimateTokens = (request: ChatRequest): number => {
  let chars = 0
  for (const message of request.messages) {
    if (typeof message.content === "string") {
      chars += message.content.length
      continue
    }
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning") chars += part.text.length
      else if (part.type === "tool-call") chars += part.name.length + part.arguments.length
      else if (part.type === "tool-result") chars += part.content.length
    }
  }
  for (const tool of request.tools ?? []) {
    chars += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length
  }
  return Math.ceil(chars / 4) + (request.maxOutputTokens ?? 0)
}

/** The same estimate for embedding inputs. */
export const estimateEmbedTokens = (input: ReadonlyArray<string>): number => {
  let chars = 0
  for (const text of input) chars += text.length
  return Math.ceil(chars / 4)
}
