/**
 * The unified `ChatRequest` → a Chat Completions request body. Pure; what cannot be expressed is
 * returned as warnings, never thrown.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import { toChatToolChoice, toChatTools } from "./tools.js"

/** Dialect switches: OpenAI itself and the compatible servers differ here. */
export interface ChatDialect {
  /** `max_completion_tokens` (OpenAI) or the older `max_tokens` (most compatible servers). */
  readonly maxTokensField: "max_completion_tokens" | "max_tokens"
  /** Ask for a final usage chunk with `stream_options.include_usage`. */
  readonly streamUsage: boolean
  /** Role for system messages (`developer` for OpenAI reasoning models, when asked). */
  readonly systemRole: "system" | "developer"
  /** `response_format: json_schema` accepted; otherwise JSON schema output degrades to `json_object`. */
  readonly jsonSchema: boolean
  /** `reasoning_effort` accepted. */
  readonly reasoningEffort: boolean
  /** `seed` accepted. */
  readonly seed: boolean
  /** `parallel_tool_calls` accepted. */
  readonly parallelToolCalls: boolean
}

export const openAiDialect: ChatDialect = {
  maxTokensField: "max_completion_tokens",
  streamUsage: true,
  systemRole: "system",
  jsonSchema: true,
  reasoningEffort: true,
  seed: true,
  parallelToolCalls: true
}

export interface Mapped {
  readonly body: Record<string, unknown>
  readonly warnings: ReadonlyArray<string>
}

const dataUrl = (mediaType: string | undefined, data: string) =>
  `data:${mediaType ?? "application/octet-stream"};base64,${data}`

const toWireMessages = (messages: ReadonlyArray<Message>, dialect: ChatDialect, warnings: Array<string>) => {
  const out: Array<Record<string, unknown>> = []
  for (const m of messages) {
    switch (m.role) {
      case "system":
        out.push({ role: dialect.systemRole, content: m.content })
        break
      case "user": {
        if (typeof m.content === "string") {
          out.push({ role: "user", content: m.content, ...(m.name !== undefined ? { name: m.name } : {}) })
          break
        }
        const parts: Array<Record<string, unknown>> = []
        for (const p of m.content) {
          if (p.type === "text") parts.push({ type: "text", text: p.text })
          else if (p.type === "image") {
            const url = p.url ?? (p.data !== undefined ? dataUrl(p.mediaType ?? "image/png", p.data) : undefined)
            if (url === undefined) {
              warnings.push("an image part had neither url nor data and was dropped")
              continue
            }
            parts.push({
              type: "image_url",
              image_url: { url, ...(p.detail !== undefined ? { detail: p.detail } : {}) }
            })
          } else if (p.mediaType.startsWith("audio/") && p.data !== undefined) {
            parts.push({
              type: "input_audio",
              input_audio: { data: p.data, format: p.mediaType === "audio/mpeg" ? "mp3" : "wav" }
            })
          } else if (p.data !== undefined) {
            parts.push({
              type: "file",
              file: { filename: p.filename ?? "file", file_data: dataUrl(p.mediaType, p.data) }
            })
          } else {
            warnings.push(
              `a file part (${p.mediaType}) given by URL is not supported by chat completions and was dropped`
            )
          }
        }
        out.push({ role: "user", content: parts, ...(m.name !== undefined ? { name: m.name } : {}) })
        break
      }
      case "assistant": {
        if (typeof m.content === "string") {
          out.push({ role: "assistant", content: m.content })
          break
        }
        let text = ""
        const calls: Array<Record<string, unknown>> = []
        for (const p of m.content) {
          if (p.type === "text") text += p.text
          else if (p.type === "tool-call")
            calls.push({ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments } })
        }
        out.push({
          role: "assistant",
          content: text.length > 0 || calls.length === 0 ? text : null,
          ...(calls.length > 0 ? { tool_calls: calls } : {})
        })
        break
      }
      case "tool":
        for (const r of m.content) out.push({ role: "tool", tool_call_id: r.toolCallId, content: r.content })
        break
    }
  }
  return out
}

export const toChatBody = (
  request: ChatRequest,
  params: {
    readonly stream: boolean
    readonly dialect: ChatDialect
    /** Already-decoded provider options in wire form, merged last. */
    readonly extra?: Readonly<Record<string, unknown>> | undefined
  }
): Mapped => {
  const { dialect } = params
  const warnings: Array<string> = []
  const body: Record<string, unknown> = {
    model: request.model,
    messages: toWireMessages(request.messages, dialect, warnings)
  }
  if (request.tools !== undefined && request.tools.length > 0) body.tools = toChatTools(request.tools)
  if (request.toolChoice !== undefined) body.tool_choice = toChatToolChoice(request.toolChoice)
  if (request.parallelToolCalls !== undefined) {
    if (dialect.parallelToolCalls) body.parallel_tool_calls = request.parallelToolCalls
    else warnings.push("parallelToolCalls is not supported by this server and was ignored")
  }
  const rf = request.responseFormat
  if (rf !== undefined) {
    if (rf.type === "json") body.response_format = { type: "json_object" }
    else if (rf.type === "json-schema") {
      if (dialect.jsonSchema) {
        body.response_format = {
          type: "json_schema",
          json_schema: {
            name: rf.name,
            schema: rf.schema,
            ...(rf.description !== undefined ? { description: rf.description } : {}),
            strict: rf.strict ?? true
          }
        }
      } else {
        body.response_format = { type: "json_object" }
        warnings.push("JSON schema output is not supported by this server; asked for a JSON object instead")
      }
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.topK !== undefined) warnings.push("topK is not supported and was ignored")
  if (request.maxOutputTokens !== undefined) body[dialect.maxTokensField] = request.maxOutputTokens
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop
  if (request.seed !== undefined) {
    if (dialect.seed) body.seed = request.seed
    else warnings.push("seed is not supported by this server and was ignored")
  }
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty
  if (request.user !== undefined) body.user = request.user
  if (request.reasoning !== undefined) {
    if (request.reasoning.effort !== undefined) {
      if (dialect.reasoningEffort) body.reasoning_effort = request.reasoning.effort
      else warnings.push("reasoning effort is not supported by this server and was ignored")
    }
    if (request.reasoning.budgetTokens !== undefined)
      warnings.push("a reasoning token budget is not supported by chat completions; use reasoning.effort")
  }
  if (params.stream) {
    body.stream = true
    if (dialect.streamUsage) body.stream_options = { include_usage: true }
  }
  if (params.extra !== undefined) Object.assign(body, params.extra)
  return { body, warnings }
}
