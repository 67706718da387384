/**
 * The Responses API (`POST /responses`) as a second chat path: request body, whole response and
 * stream events. Pure functions and one cheap stateful stream mapper (one `JSON.parse` per event).
 */
import * as AiuError from "@aiu/core/AiuError"
import { type ChatRequest, type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as Usage from "@aiu/core/Usage"
import type { SseEvent } from "@aiu/transport/Sse"
import type { ChatOptions } from "../OpenAiConfig.js"
import { mapStreamError } from "./errors.js"
import { mapResponsesFinish } from "./finishReason.js"
import type { ResponsesObject } from "./schema.js"
import { toResponsesToolChoice, toResponsesTools } from "./tools.js"
import { fromResponsesUsage } from "./usage.js"

// -----------------------------------------------------------------------------
// request
// -----------------------------------------------------------------------------

const dataUrl = (mediaType: string, data: string) => `data:${mediaType};base64,${data}`

export const toResponsesBody = (
  request: ChatRequest,
  params: { readonly stream: boolean; readonly options: ChatOptions | undefined }
): { readonly body: Record<string, unknown>; readonly warnings: ReadonlyArray<string> } => {
  const warnings: Array<string> = []
  const input: Array<Record<string, unknown>> = []
  for (const m of request.messages) {
    switch (m.role) {
      case "system":
        input.push({ role: "system", content: m.content })
        break
      case "user":
        if (typeof m.content === "string") input.push({ role: "user", content: m.content })
        else {
          const content: Array<Record<string, unknown>> = []
          for (const p of m.content) {
            if (p.type === "text") content.push({ type: "input_text", text: p.text })
            else if (p.type === "image") {
              const url = p.url ?? (p.data !== undefined ? dataUrl(p.mediaType ?? "image/png", p.data) : undefined)
              if (url !== undefined) content.push({ type: "input_image", image_url: url, detail: p.detail ?? "auto" })
              else warnings.push("an image part had neither url nor data and was dropped")
            } else if (p.data !== undefined)
              content.push({
                type: "input_file",
                filename: p.filename ?? "file",
                file_data: dataUrl(p.mediaType, p.data)
              })
            else if (p.url !== undefined) content.push({ type: "input_file", file_url: p.url })
          }
          input.push({ role: "user", content })
        }
        break
      case "assistant":
        if (typeof m.content === "string") input.push({ role: "assistant", content: m.content })
        else {
          let text = ""
          const flush = () => {
            if (text.length > 0) input.push({ role: "assistant", content: text })
            text = ""
          }
          for (const p of m.content) {
            if (p.type === "text") text += p.text
            else if (p.type === "tool-call") {
              flush()
              input.push({ type: "function_call", call_id: p.id, name: p.name, arguments: p.arguments })
            }
          }
          flush()
        }
        break
      case "tool":
        for (const r of m.content)
          input.push({ type: "function_call_output", call_id: r.toolCallId, output: r.content })
        break
    }
  }
  const body: Record<string, unknown> = { model: request.model, input }
  if (request.tools !== undefined && request.tools.length > 0) body.tools = toResponsesTools(request.tools)
  if (request.toolChoice !== undefined) body.tool_choice = toResponsesToolChoice(request.toolChoice)
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls
  const text: Record<string, unknown> = {}
  const rf = request.responseFormat
  if (rf?.type === "json") text.format = { type: "json_object" }
  else if (rf?.type === "json-schema")
    text.format = {
      type: "json_schema",
      name: rf.name,
      schema: rf.schema,
      strict: rf.strict ?? true,
      ...(rf.description !== undefined ? { description: rf.description } : {})
    }
  const o = params.options
  if (o?.verbosity !== undefined) text.verbosity = o.verbosity
  if (Object.keys(text).length > 0) body.text = text
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens
  if (request.user !== undefined) body.user = request.user
  if (request.seed !== undefined) warnings.push("seed is not supported by the Responses API and was ignored")
  if (request.stop !== undefined)
    warnings.push("stop sequences are not supported by the Responses API and were ignored")
  if (request.topK !== undefined) warnings.push("topK is not supported and was ignored")
  if (request.frequencyPenalty !== undefined || request.presencePenalty !== undefined)
    warnings.push("frequency / presence penalties are not supported by the Responses API and were ignored")
  if (
    request.reasoning?.effort !== undefined ||
    o?.reasoningSummary !== undefined ||
    request.reasoning?.includeThoughts
  ) {
    body.reasoning = {
      ...(request.reasoning?.effort !== undefined ? { effort: request.reasoning.effort } : {}),
      ...(o?.reasoningSummary !== undefined
        ? { summary: o.reasoningSummary }
        : request.reasoning?.includeThoughts
          ? { summary: "auto" }
          : {})
    }
  }
  if (o?.store !== undefined) body.store = o.store
  if (o?.metadata !== undefined) body.metadata = o.metadata
  if (o?.serviceTier !== undefined) body.service_tier = o.serviceTier
  if (o?.promptCacheKey !== undefined) body.prompt_cache_key = o.promptCacheKey
  if (o?.previousResponseId !== undefined) body.previous_response_id = o.previousResponseId
  if (params.stream) body.stream = true
  if (o?.extraBody !== undefined) Object.assign(body, o.extraBody)
  return { body, warnings }
}

// -----------------------------------------------------------------------------
// response
// -----------------------------------------------------------------------------

export const fromResponsesObject = (
  wire: ResponsesObject,
  context: { readonly model: string; readonly requestId: string | undefined; readonly warnings: ReadonlyArray<string> }
): ChatResponse => {
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = []
  for (const item of wire.output ?? []) {
    if (item.type === "message") {
      let text = ""
      for (const c of item.content ?? []) {
        if (c.type === "output_text" && typeof c.text === "string") text += c.text
        else if (c.type === "refusal" && typeof c.refusal === "string") text += c.refusal
      }
      if (text.length > 0) content.push({ type: "text", text })
    } else if (item.type === "function_call") {
      content.push({
        type: "tool-call",
        id: item.call_id ?? item.id ?? "",
        name: item.name ?? "",
        arguments: item.arguments ?? "{}"
      })
    } else if (item.type === "reasoning") {
      const text = (item.summary ?? []).map((s) => s.text ?? "").join("\n")
      if (text.length > 0 || typeof item.encrypted_content === "string")
        content.push({
          type: "reasoning",
          text,
          ...(typeof item.encrypted_content === "string" ? { redacted: item.encrypted_content } : {})
        })
    }
  }
  const hasCalls = content.some((p) => p.type === "tool-call")
  const incomplete = wire.incomplete_details?.reason ?? undefined
  return makeResponse({
    id: wire.id ?? undefined,
    model: wire.model ?? context.model,
    content,
    finishReason: mapResponsesFinish(wire.status, incomplete, hasCalls),
    rawFinishReason: incomplete ?? wire.status ?? undefined,
    usage: wire.usage ? fromResponsesUsage(wire.usage) : Usage.empty,
    requestId: context.requestId,
    warnings: context.warnings
  })
}

// -----------------------------------------------------------------------------
// stream
// -----------------------------------------------------------------------------

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)

const terminal = new Set(["response.completed", "response.incomplete", "response.failed"])

export const makeResponsesStreamMapper = (ctx: {
  readonly provider: string
  readonly requestId: string | undefined
}) => {
  /** Open function calls by output item id. */
  const calls = new Map<string, { index: number; id: string; name: string; args: string }>()
  let nextIndex = 0
  let sawCalls = false
  let finished = false
  let metadataSent = false

  const decodeError = (what: string) =>
    new AiuError.ResponseDecodeError({
      message: `${ctx.provider}: ${what}`,
      provider: ctx.provider,
      ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
    })

  const closeCall = (key: string, args: string | undefined, out: Array<StreamChunk>) => {
    const c = calls.get(key)
    if (c === undefined) return
    calls.delete(key)
    out.push({
      type: "tool-call-end",
      index: c.index,
      id: c.id,
      name: c.name,
      arguments: args ?? (c.args.length > 0 ? c.args : "{}")
    })
  }

  const event = (ev: SseEvent, out: Array<StreamChunk>): AiuError.ProviderFailure | undefined => {
    if (finished || ev.data.length === 0) return undefined
    let json: unknown
    try {
      json = JSON.parse(ev.data)
    } catch {
      return decodeError(`a stream event is not JSON: ${ev.data.slice(0, 100)}`)
    }
    if (!isObj(json)) return decodeError("a stream event is not a JSON object")
    const type = str(json.type) ?? ev.event
    switch (type) {
      case "response.created":
      case "response.in_progress": {
        const r = json.response
        if (!metadataSent && isObj(r)) {
          metadataSent = true
          const id = str(r.id)
          const model = str(r.model)
          out.push({ type: "metadata", ...(id !== undefined ? { id } : {}), ...(model !== undefined ? { model } : {}) })
        }
        return undefined
      }
      case "response.output_text.delta":
      case "response.refusal.delta": {
        const d = str(json.delta)
        if (d !== undefined && d.length > 0) out.push({ type: "text-delta", text: d })
        return undefined
      }
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta": {
        const d = str(json.delta)
        if (d !== undefined && d.length > 0) out.push({ type: "reasoning-delta", text: d })
        return undefined
      }
      case "response.output_item.added": {
        const item = json.item
        if (isObj(item) && item.type === "function_call") {
          const key = str(item.id) ?? String(json.output_index)
          const index = nextIndex++
          const call = { index, id: str(item.call_id) ?? key, name: str(item.name) ?? "", args: "" }
          calls.set(key, call)
          sawCalls = true
          out.push({ type: "tool-call-start", index, id: call.id, name: call.name })
          const initial = str(item.arguments)
          if (initial !== undefined && initial.length > 0) {
            call.args += initial
            out.push({ type: "tool-call-delta", index, id: call.id, argumentsDelta: initial })
          }
        }
        return undefined
      }
      case "response.function_call_arguments.delta": {
        const key = str(json.item_id) ?? String(json.output_index)
        const c = calls.get(key)
        const d = str(json.delta)
        if (c !== undefined && d !== undefined && d.length > 0) {
          c.args += d
          out.push({ type: "tool-call-delta", index: c.index, id: c.id, argumentsDelta: d })
        }
        return undefined
      }
      case "response.output_item.done": {
        const item = json.item
        if (isObj(item) && item.type === "function_call")
          closeCall(str(item.id) ?? String(json.output_index), str(item.arguments), out)
        return undefined
      }
      case "error":
        finished = true
        return mapStreamError(json, ctx)
      case "response.completed":
      case "response.incomplete":
      case "response.failed": {
        finished = true
        const r = isObj(json.response) ? json.response : {}
        for (const key of [...calls.keys()]) closeCall(key, undefined, out)
        if (type === "response.failed") {
          return mapStreamError({ error: isObj(r.error) ? r.error : { message: "the response failed" } }, ctx)
        }
        const usage = isObj(r.usage) ? fromResponsesUsage(r.usage) : undefined
        if (usage !== undefined) out.push({ type: "usage", usage })
        const incomplete = isObj(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined
        const status = str(r.status)
        const raw = incomplete ?? status
        out.push({
          type: "finish",
          finishReason: mapResponsesFinish(status, incomplete, sawCalls),
          ...(raw !== undefined ? { rawFinishReason: raw } : {}),
          ...(usage !== undefined ? { usage } : {})
        })
        return undefined
      }
      default:
        return undefined
    }
  }

  const end = (_out: Array<StreamChunk>): AiuError.ProviderFailure | undefined =>
    finished
      ? undefined
      : new AiuError.StreamInterrupted({
          message: `${ctx.provider}: the stream ended before response.completed`,
          provider: ctx.provider,
          ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {})
        })

  /** With `event:` names the terminal event is known before parsing; without them the stream simply ends. */
  const isLast = (ev: SseEvent): boolean => ev.event !== undefined && terminal.has(ev.event)

  return { event, end, isLast }
}
