/**
 * ChatRequest → Cohere `/v2/chat` body. Pure; what Cohere cannot take becomes a warning. Text that
 * accompanied tool calls in an assistant turn goes back as `tool_plan`, as Cohere expects.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import type { ProviderOptions } from "../CohereConfig.js"
import type { ChatBody, RequestContentPart, RequestMessage, RequestToolCall } from "./schema.js"
import * as Tools from "./tools.js"

export interface Mapped {
  readonly body: ChatBody
  readonly warnings: ReadonlyArray<string>
}

const imageUrl = (part: {
  readonly url?: string | undefined
  readonly data?: string | undefined
  readonly mediaType?: string | undefined
}) => part.url ?? (part.data !== undefined ? `data:${part.mediaType ?? "image/jpeg"};base64,${part.data}` : undefined)

export const messages = (input: ReadonlyArray<Message>, warnings: Array<string>): Array<RequestMessage> => {
  const out: Array<RequestMessage> = []
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
        const parts: Array<RequestContentPart> = []
        for (const part of message.content) {
          if (part.type === "text") parts.push({ type: "text", text: part.text })
          else if (part.type === "image" || part.mediaType.startsWith("image/")) {
            const url = imageUrl(part)
            if (url === undefined) warnings.push("an image part without url or data was dropped")
            else parts.push({ type: "image_url", image_url: { url } })
          } else warnings.push(`a ${part.mediaType} file part was dropped: Cohere chat takes text and images`)
        }
        out.push({ role: "user", content: parts })
        break
      }
      case "assistant": {
        if (typeof message.content === "string") {
          out.push({ role: "assistant", content: message.content })
          break
        }
        let text = ""
        let plan = ""
        const calls: Array<RequestToolCall> = []
        for (const part of message.content) {
          if (part.type === "text") text += part.text
          else if (part.type === "reasoning") plan += part.text
          else calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } })
        }
        if (calls.length > 0) {
          const toolPlan = plan.length > 0 ? plan : text
          out.push({ role: "assistant", ...(toolPlan.length > 0 ? { tool_plan: toolPlan } : {}), tool_calls: calls })
        } else {
          if (plan.length > 0) warnings.push("reasoning parts of earlier assistant turns are not sent back to Cohere")
          out.push({ role: "assistant", content: text })
        }
        break
      }
      case "tool":
        for (const result of message.content) {
          out.push({ role: "tool", tool_call_id: result.toolCallId, content: result.content })
        }
        break
    }
  }
  return out
}

export const chatBody = (
  request: ChatRequest,
  config: { readonly providerOptions: ProviderOptions; readonly stream: boolean }
): Mapped => {
  const warnings: Array<string> = []
  const body: { -readonly [K in keyof ChatBody]: ChatBody[K] } = {
    model: request.model,
    messages: messages(request.messages, warnings),
    stream: config.stream
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    const mapped = Tools.tools(request.tools, request.toolChoice)
    body.tools = mapped.tools
    if (mapped.toolChoice !== undefined) body.tool_choice = mapped.toolChoice
    if (mapped.strict) body.strict_tools = true
  } else if (request.toolChoice === "required" || typeof request.toolChoice === "object") {
    warnings.push("toolChoice was ignored: the request has no tools")
  }
  if (request.parallelToolCalls === false)
    warnings.push("Cohere cannot turn parallel tool calls off; parallelToolCalls was ignored")
  const format = request.responseFormat
  if (format?.type === "json") body.response_format = { type: "json_object" }
  else if (format?.type === "json-schema") body.response_format = { type: "json_object", json_schema: format.schema }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens
  if (request.topP !== undefined) body.p = request.topP
  if (request.topK !== undefined) body.k = request.topK
  if (request.seed !== undefined) body.seed = request.seed
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty
  if (request.user !== undefined) warnings.push("user is not supported by Cohere and was ignored")
  const po = config.providerOptions
  if (po.thinking !== undefined) body.thinking = po.thinking
  else if (request.reasoning !== undefined) {
    body.thinking =
      request.reasoning.budgetTokens !== undefined
        ? { type: "enabled", token_budget: request.reasoning.budgetTokens }
        : { type: "enabled" }
  }
  if (po.safety_mode !== undefined) body.safety_mode = po.safety_mode
  if (po.strict_tools !== undefined) body.strict_tools = po.strict_tools
  if (po.documents !== undefined) body.documents = po.documents
  if (po.citation_options !== undefined) body.citation_options = po.citation_options
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
