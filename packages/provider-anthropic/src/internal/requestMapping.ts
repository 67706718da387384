/**
 * `ChatRequest` → Anthropic Messages request body. Pure: returns the body, the beta flags it
 * needs and warnings (as data), or an `InvalidRequest` for input Anthropic cannot take.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { ChatRequest } from "@aiu/core/Chat"
import type { FilePart, ImagePart, Message } from "@aiu/core/Message"
import * as Either from "effect/Either"
import type { ProviderOptions, Settings } from "../AnthropicConfig.js"
import { DEFAULT_MAX_TOKENS } from "../AnthropicConfig.js"
import type {
  CacheControl,
  MessagesRequest,
  RequestBlock,
  RequestMessage,
  RequestThinking,
  RequestToolChoice
} from "./schema.js"
import { jsonToolFor, prepareTools } from "./tools.js"

export interface MappedRequest {
  readonly body: MessagesRequest
  readonly beta: ReadonlyArray<string>
  /** Structured output travels as the `json` tool: its call is the answer text. */
  readonly jsonTool: boolean
  readonly warnings: ReadonlyArray<string>
}

/** Thinking budgets for `reasoning.effort` (Anthropic's minimum budget is 1024). */
export const effortBudget = { minimal: 1024, low: 2048, medium: 8192, high: 16384 } as const

const invalid = (provider: string, message: string, param?: string) =>
  new AiuError.InvalidRequest({
    message: `${provider}: ${message}`,
    provider,
    ...(param !== undefined ? { param } : {})
  })

const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s

const sniffImage = (base64: string): string | undefined => {
  if (base64.startsWith("iVBOR")) return "image/png"
  if (base64.startsWith("/9j/")) return "image/jpeg"
  if (base64.startsWith("R0lGOD")) return "image/gif"
  if (base64.startsWith("UklGR")) return "image/webp"
  return undefined
}

const imageBlock = (
  provider: string,
  part: ImagePart,
  where: string
): Either.Either<RequestBlock, AiuError.InvalidRequest> => {
  if (part.url !== undefined) {
    const m = dataUrl.exec(part.url)
    if (m !== null) {
      const data = m[2] ?? ""
      const mediaType = m[1] ?? part.mediaType ?? sniffImage(data)
      if (mediaType === undefined)
        return Either.left(invalid(provider, `${where}: cannot tell the image's media type`, where))
      return Either.right({ type: "image", source: { type: "base64", media_type: mediaType, data } })
    }
    if (/^https?:\/\//i.test(part.url)) return Either.right({ type: "image", source: { type: "url", url: part.url } })
    return Either.left(invalid(provider, `${where}: image URLs must be https:, http: or data:`, where))
  }
  if (part.data !== undefined) {
    const mediaType = part.mediaType ?? sniffImage(part.data)
    if (mediaType === undefined) return Either.left(invalid(provider, `${where}: image data needs a mediaType`, where))
    return Either.right({ type: "image", source: { type: "base64", media_type: mediaType, data: part.data } })
  }
  return Either.left(invalid(provider, `${where}: an image needs a url or data`, where))
}

const decodeBase64Text = (data: string): string => {
  const binary = atob(data)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

const fileBlock = (
  provider: string,
  part: FilePart,
  where: string
): Either.Either<RequestBlock, AiuError.InvalidRequest> => {
  const title = part.filename !== undefined ? { title: part.filename } : {}
  if (part.mediaType.startsWith("image/")) {
    return imageBlock(
      provider,
      {
        type: "image",
        mediaType: part.mediaType,
        ...(part.data !== undefined ? { data: part.data } : {}),
        ...(part.url !== undefined ? { url: part.url } : {})
      },
      where
    )
  }
  if (part.mediaType === "application/pdf") {
    if (part.data !== undefined) {
      return Either.right({
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: part.data },
        ...title
      })
    }
    if (part.url !== undefined) {
      const m = dataUrl.exec(part.url)
      if (m !== null) {
        return Either.right({
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: m[2] ?? "" },
          ...title
        })
      }
      return Either.right({ type: "document", source: { type: "url", url: part.url }, ...title })
    }
  }
  if (part.mediaType === "text/plain" && part.data !== undefined) {
    try {
      return Either.right({
        type: "document",
        source: { type: "text", media_type: "text/plain", data: decodeBase64Text(part.data) },
        ...title
      })
    } catch {
      return Either.left(invalid(provider, `${where}: file data is not base64`, where))
    }
  }
  return Either.left(
    invalid(
      provider,
      `${where}: files of type ${part.mediaType} are not supported (PDF, plain text and images are)`,
      where
    )
  )
}

const parseArguments = (
  provider: string,
  text: string,
  where: string
): Either.Either<unknown, AiuError.InvalidRequest> => {
  if (text.trim() === "") return Either.right({})
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch {
    return Either.left(invalid(provider, `${where}: tool-call arguments are not valid JSON`, where))
  }
}

interface Converted {
  readonly system: Array<{ type: "text"; text: string }>
  readonly messages: Array<RequestMessage>
  readonly warnings: Array<string>
}

/** Messages → `system` + alternating `messages`; tool results ride in user messages. */
export const convertMessages = (
  provider: string,
  messages: ReadonlyArray<Message>
): Either.Either<Converted, AiuError.InvalidRequest> => {
  const system: Array<{ type: "text"; text: string }> = []
  const out: Array<{ role: "user" | "assistant"; content: Array<RequestBlock> }> = []
  const warnings: Array<string> = []
  const push = (role: "user" | "assistant", blocks: Array<RequestBlock>) => {
    if (blocks.length === 0) return
    const last = out[out.length - 1]
    if (last !== undefined && last.role === role) last.content.push(...blocks)
    else out.push({ role, content: blocks })
  }
  let seenNonSystem = false
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!
    const where = `messages[${i}]`
    switch (message.role) {
      case "system":
        if (seenNonSystem)
          warnings.push(
            `${where}: a system message after the conversation started was moved to the top-level system prompt`
          )
        if (message.content !== "") system.push({ type: "text", text: message.content })
        break
      case "user": {
        seenNonSystem = true
        const blocks: Array<RequestBlock> = []
        if (typeof message.content === "string") {
          if (message.content !== "") blocks.push({ type: "text", text: message.content })
        } else {
          for (let j = 0; j < message.content.length; j++) {
            const part = message.content[j]!
            const at = `${where}.content[${j}]`
            if (part.type === "text") {
              if (part.text !== "") blocks.push({ type: "text", text: part.text })
            } else {
              const block = part.type === "image" ? imageBlock(provider, part, at) : fileBlock(provider, part, at)
              if (Either.isLeft(block)) return Either.left(block.left)
              blocks.push(block.right)
            }
          }
        }
        push("user", blocks)
        break
      }
      case "assistant": {
        seenNonSystem = true
        const blocks: Array<RequestBlock> = []
        if (typeof message.content === "string") {
          if (message.content !== "") blocks.push({ type: "text", text: message.content })
        } else {
          for (let j = 0; j < message.content.length; j++) {
            const part = message.content[j]!
            const at = `${where}.content[${j}]`
            if (part.type === "text") {
              if (part.text !== "") blocks.push({ type: "text", text: part.text })
            } else if (part.type === "reasoning") {
              // A streamed thinking block followed by a redacted one can arrive folded into one
              // reasoning part (the accumulator merges adjacent reasoning): send both, in that order.
              if (part.signature !== undefined) {
                blocks.push({ type: "thinking", thinking: part.text, signature: part.signature })
              }
              if (part.redacted !== undefined) blocks.push({ type: "redacted_thinking", data: part.redacted })
              if (part.signature === undefined && part.redacted === undefined && part.text !== "") {
                warnings.push(`${at}: reasoning without a signature cannot be sent back to Anthropic; dropped`)
              }
            } else {
              const input = parseArguments(provider, part.arguments, at)
              if (Either.isLeft(input)) return Either.left(input.left)
              blocks.push({ type: "tool_use", id: part.id, name: part.name, input: input.right })
            }
          }
        }
        push("assistant", blocks)
        break
      }
      case "tool": {
        seenNonSystem = true
        push(
          "user",
          message.content.map((r) => ({
            type: "tool_result" as const,
            tool_use_id: r.toolCallId,
            content: r.content,
            ...(r.isError === true ? { is_error: true } : {})
          }))
        )
        break
      }
    }
  }
  return Either.right({ system, messages: out, warnings })
}

/** The same items with a cache breakpoint on the last one. */
const withLastMarked = <A extends object>(items: ReadonlyArray<A>, mark: CacheControl): Array<A> =>
  items.map((item, i) => (i === items.length - 1 ? { ...item, cache_control: mark } : item))

/** A cache breakpoint on the last block of the last message (thinking blocks cannot carry one). */
const markLastMessage = (messages: ReadonlyArray<RequestMessage>, mark: CacheControl): Array<RequestMessage> => {
  const out = [...messages]
  const last = out[out.length - 1]
  if (last === undefined) return out
  let index = last.content.length - 1
  while (index >= 0 && (last.content[index]!.type === "thinking" || last.content[index]!.type === "redacted_thinking"))
    index--
  if (index < 0) return out
  out[out.length - 1] = {
    role: last.role,
    content: last.content.map((b, i) => (i === index ? { ...b, cache_control: mark } : b))
  }
  return out
}

const thinkingOf = (request: ChatRequest, options: ProviderOptions): RequestThinking | undefined => {
  if (options.thinking !== undefined) {
    return options.thinking.type === "enabled"
      ? { type: "enabled", budget_tokens: options.thinking.budgetTokens }
      : { type: options.thinking.type }
  }
  const reasoning = request.reasoning
  if (reasoning === undefined) return undefined
  if (reasoning.budgetTokens !== undefined) {
    return reasoning.budgetTokens <= 0
      ? { type: "disabled" }
      : { type: "enabled", budget_tokens: Math.max(1024, Math.floor(reasoning.budgetTokens)) }
  }
  if (reasoning.effort !== undefined) return { type: "enabled", budget_tokens: effortBudget[reasoning.effort] }
  if (reasoning.includeThoughts === true) return { type: "enabled", budget_tokens: effortBudget.medium }
  return undefined
}

export const toMessagesRequest = (
  provider: string,
  request: ChatRequest,
  settings: Settings,
  options: ProviderOptions
): Either.Either<MappedRequest, AiuError.InvalidRequest> =>
  Either.gen(function* () {
    const converted = yield* convertMessages(provider, request.messages)
    const warnings = [...converted.warnings]
    if (converted.messages.length === 0) {
      return yield* Either.left(invalid(provider, "the request has no user or assistant messages", "messages"))
    }

    const mode = options.structuredOutput ?? settings.structuredOutput ?? "tool"
    const format = request.responseFormat
    let jsonToolDef = mode === "tool" && format !== undefined ? jsonToolFor(format) : undefined
    let outputFormat: NonNullable<MessagesRequest["output_config"]>["format"]
    if (mode === "native" && format !== undefined && format.type !== "text") {
      if (format.type === "json-schema") outputFormat = { type: "json_schema", schema: format.schema }
      else {
        warnings.push('responseFormat "json" without a schema uses the forced-tool mode')
        jsonToolDef = jsonToolFor(format)
      }
    }

    const tools = prepareTools({
      tools: request.tools,
      toolChoice: request.toolChoice,
      parallelToolCalls: request.parallelToolCalls,
      disableParallelToolUse: options.disableParallelToolUse,
      jsonTool: jsonToolDef
    })
    warnings.push(...tools.warnings)

    const thinking = thinkingOf(request, options)
    const thinkingOn = thinking !== undefined && thinking.type !== "disabled"
    const baseMax = request.maxOutputTokens ?? settings.defaultMaxTokens ?? DEFAULT_MAX_TOKENS
    // Anthropic counts thinking inside max_tokens and requires max_tokens > budget_tokens.
    const maxTokens = thinking?.type === "enabled" ? baseMax + thinking.budget_tokens : baseMax

    let toolChoice: RequestToolChoice | undefined = tools.toolChoice
    if (thinkingOn && toolChoice !== undefined && (toolChoice.type === "any" || toolChoice.type === "tool")) {
      warnings.push("Anthropic rejects a forced tool choice with thinking enabled; tool_choice set to auto")
      toolChoice = { type: "auto" }
    }

    if (thinkingOn && request.temperature !== undefined)
      warnings.push("temperature is not supported with thinking; ignored")
    if (thinkingOn && request.topK !== undefined) warnings.push("topK is not supported with thinking; ignored")
    if (request.seed !== undefined) warnings.push("seed is not supported by Anthropic; ignored")
    if (request.frequencyPenalty !== undefined) warnings.push("frequencyPenalty is not supported by Anthropic; ignored")
    if (request.presencePenalty !== undefined) warnings.push("presencePenalty is not supported by Anthropic; ignored")

    const userId = options.userId ?? request.user
    const outputConfig =
      outputFormat !== undefined || options.effort !== undefined
        ? {
            output_config: {
              ...(options.effort !== undefined ? { effort: options.effort } : {}),
              ...(outputFormat !== undefined ? { format: outputFormat } : {})
            }
          }
        : {}

    const cache = options.cache
    const mark: CacheControl = cache?.ttl !== undefined ? { type: "ephemeral", ttl: cache.ttl } : { type: "ephemeral" }
    const system = cache?.system === true ? withLastMarked(converted.system, mark) : converted.system
    const wireTools =
      tools.tools !== undefined && cache?.tools === true ? withLastMarked(tools.tools, mark) : tools.tools
    const messages = cache?.messages === true ? markLastMessage(converted.messages, mark) : converted.messages
    if (cache?.system === true && converted.system.length === 0)
      warnings.push("cache.system: there is no system prompt")

    const body: MessagesRequest = {
      model: request.model,
      max_tokens: maxTokens,
      messages,
      ...(system.length > 0 ? { system } : {}),
      ...(wireTools !== undefined ? { tools: wireTools } : {}),
      ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
      ...(request.temperature !== undefined && !thinkingOn ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { top_p: request.topP } : {}),
      ...(request.topK !== undefined && !thinkingOn ? { top_k: request.topK } : {}),
      ...(request.stop !== undefined && request.stop.length > 0 ? { stop_sequences: request.stop } : {}),
      ...(thinking !== undefined ? { thinking } : {}),
      ...outputConfig,
      ...(userId !== undefined ? { metadata: { user_id: userId } } : {}),
      ...(options.serviceTier !== undefined ? { service_tier: options.serviceTier } : {})
    }
    return {
      body,
      beta: [...(settings.beta ?? []), ...(options.beta ?? [])],
      jsonTool: tools.jsonTool,
      warnings
    }
  })
