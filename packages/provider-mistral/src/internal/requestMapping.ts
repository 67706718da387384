/**
 * ChatRequest → Mistral `/chat/completions` body. Pure: what Mistral cannot take is dropped and
 * reported as a warning (Mistral rejects unknown fields with 422, so nothing unknown is sent).
 */
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import type { ProviderOptions, Settings } from "../MistralConfig.js"
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
  const toolNames = new Map<string, string>()
  let droppedReasoning = false
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
          else if (part.type === "image") {
            const url = imageUrl(part)
            if (url === undefined) warnings.push("an image part without url or data was dropped")
            else parts.push({ type: "image_url", image_url: url })
          } else if (part.mediaType === "application/pdf" && part.url !== undefined) {
            parts.push({
              type: "document_url",
              document_url: part.url,
              ...(part.filename !== undefined ? { document_name: part.filename } : {})
            })
          } else if (part.mediaType.startsWith("image/")) {
            const url = imageUrl(part)
            if (url !== undefined) parts.push({ type: "image_url", image_url: url })
          } else {
            warnings.push(`a ${part.mediaType} file part was dropped: Mistral chat takes images and PDF URLs only`)
          }
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
        const calls: Array<RequestToolCall> = []
        for (const part of message.content) {
          if (part.type === "text") text += part.text
          else if (part.type === "reasoning") droppedReasoning = true
          else {
            toolNames.set(part.id, part.name)
            calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } })
          }
        }
        out.push(
          calls.length > 0
            ? { role: "assistant", content: text, tool_calls: calls }
            : { role: "assistant", content: text }
        )
        break
      }
      case "tool":
        for (const result of message.content) {
          const name = result.name ?? toolNames.get(result.toolCallId)
          out.push({
            role: "tool",
            content: result.content,
            tool_call_id: result.toolCallId,
            ...(name !== undefined ? { name } : {})
          })
        }
        break
    }
  }
  if (droppedReasoning) warnings.push("reasoning parts of earlier assistant turns are not sent back to Mistral")
  return out
}

export const chatBody = (
  request: ChatRequest,
  options: { readonly settings: Settings; readonly providerOptions: ProviderOptions; readonly stream: boolean }
): Mapped => {
  const warnings: Array<string> = []
  const body: { -readonly [K in keyof ChatBody]: ChatBody[K] } = {
    model: request.model,
    messages: messages(request.messages, warnings)
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop
  if (request.seed !== undefined) body.random_seed = request.seed
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty
  if (request.topK !== undefined) warnings.push("topK is not supported by Mistral and was ignored")
  if (request.user !== undefined) warnings.push("user is not supported by Mistral and was ignored")

  const format = request.responseFormat
  if (format?.type === "json") body.response_format = { type: "json_object" }
  else if (format?.type === "json-schema") {
    body.response_format = {
      type: "json_schema",
      json_schema: {
        name: format.name,
        schema: format.schema,
        strict: format.strict ?? true,
        ...(format.description !== undefined ? { description: format.description } : {})
      }
    }
  }

  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = Tools.tools(request.tools)
    if (request.toolChoice !== undefined) body.tool_choice = Tools.toolChoice(request.toolChoice)
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls
  } else if (request.toolChoice !== undefined && request.toolChoice !== "none" && request.toolChoice !== "auto") {
    warnings.push("toolChoice was ignored: the request has no tools")
  }

  if (request.reasoning !== undefined) {
    if (/magistral/i.test(request.model)) body.prompt_mode = "reasoning"
    else {
      warnings.push(
        "reasoning controls apply to Mistral's magistral models only; set providerOptions.mistral.reasoning_effort for others"
      )
    }
  }

  const safePrompt = options.providerOptions.safe_prompt ?? options.settings.safePrompt
  if (safePrompt !== undefined) body.safe_prompt = safePrompt
  const po = options.providerOptions
  if (po.prompt_mode !== undefined) body.prompt_mode = po.prompt_mode
  if (po.reasoning_effort !== undefined) body.reasoning_effort = po.reasoning_effort
  if (po.parallel_tool_calls !== undefined) body.parallel_tool_calls = po.parallel_tool_calls
  if (po.n !== undefined) body.n = po.n
  if (po.prediction !== undefined) body.prediction = po.prediction
  if (options.stream) body.stream = true
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
