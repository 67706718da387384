/**
 * The OpenAI wire format for the fake server: chat completions (whole and streamed), models,
 * errors. Field shapes follow the recordings in fixtures/openai.
 */
import type { Reply } from "../FakeProviderServer.js"

export interface Usage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens?: number
}

/** A JSON reply with an `x-request-id`. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  headers: { "content-type": "application/json", "x-request-id": "req_fake_0001", ...headers },
  body: JSON.stringify(body)
})

const withTotal = (u: Usage) => ({ ...u, total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens })

/** A non-streaming `chat.completion`. */
export const completion = (text: string, options?: { model?: string; usage?: Usage; finishReason?: string }): Reply =>
  json(200, {
    id: "chatcmpl-fake0001",
    object: "chat.completion",
    created: 1_700_000_000,
    model: options?.model ?? "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: options?.finishReason ?? "stop"
      }
    ],
    usage: withTotal(options?.usage ?? { prompt_tokens: 8, completion_tokens: 5 }),
    service_tier: "default",
    system_fingerprint: "fp_fake"
  })

/** SSE events (`data: …\n\n` each, then `data: [DONE]`) streaming `pieces` as content deltas. */
export const streamEvents = (
  pieces: ReadonlyArray<string>,
  options?: { model?: string; usage?: Usage; finishReason?: string }
): Array<string> => {
  const model = options?.model ?? "gpt-4o-mini-2024-07-18"
  const base = { id: "chatcmpl-fake0001", object: "chat.completion.chunk", created: 1_700_000_000, model }
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`
  const out = [
    event({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      usage: null
    })
  ]
  for (const piece of pieces) {
    out.push(event({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }], usage: null }))
  }
  out.push(
    event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: options?.finishReason ?? "stop" }], usage: null })
  )
  out.push(
    event({
      ...base,
      choices: [],
      usage: withTotal(options?.usage ?? { prompt_tokens: 8, completion_tokens: pieces.length })
    })
  )
  out.push("data: [DONE]\n\n")
  return out
}

/** A streamed chat completion reply. */
export const stream = (
  pieces: ReadonlyArray<string>,
  options?: { model?: string; usage?: Usage; finishReason?: string; chunkDelayMs?: number }
): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "x-request-id": "req_fake_0001", "cache-control": "no-cache" },
  body: streamEvents(pieces, options),
  ...(options?.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {})
})

/** An OpenAI error body with the given status. */
export const error = (
  status: number,
  message: string,
  options?: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> }
): Reply =>
  json(
    status,
    {
      error: {
        message,
        type: options?.type ?? "invalid_request_error",
        param: options?.param ?? null,
        code: options?.code ?? null
      }
    },
    options?.headers
  )

/** `GET /models`. */
export const models = (ids: ReadonlyArray<string>): Reply =>
  json(200, {
    object: "list",
    data: ids.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" }))
  })

/**
 * A responder that answers chat completions by echoing the last user message, streamed word by
 * word when the request asks for a stream. The demo and the benchmarks use it.
 */
export const echoChat = (request: { readonly json: unknown }): Reply => {
  const body = (request.json ?? {}) as {
    messages?: Array<{ role: string; content: unknown }>
    stream?: boolean
    model?: string
  }
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user")
  const prompt = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "")
  const text = `This is the aiu fake provider on 127.0.0.1, a local stand-in for a real model. You said: ${prompt}`
  const usage = {
    prompt_tokens: Math.max(1, Math.ceil(prompt.length / 4)),
    completion_tokens: Math.ceil(text.length / 4)
  }
  if (body.stream) {
    const pieces = text.split(/(?<= )/)
    return stream(pieces, { usage, ...(body.model ? { model: body.model } : {}) })
  }
  return completion(text, { usage, ...(body.model ? { model: body.model } : {}) })
}

// =============================================================================
// Tool calls, errors by kind, in-band stream errors, and the conformance wire
// =============================================================================

const sse = (payloads: ReadonlyArray<unknown>, requestId: string, done = true): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "x-request-id": requestId, "cache-control": "no-cache" },
  body: [...payloads.map((p) => `data: ${JSON.stringify(p)}\n\n`), ...(done ? ["data: [DONE]\n\n"] : [])]
})

const chunkBase = (model: string) => ({
  id: "chatcmpl-fake0002",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model
})

/** A whole answer with text, for the conformance wire (request id chosen by the caller). */
export const textReply = (params: { model: string; text: string; usage: Usage; requestId: string }): Reply => {
  const r = completion(params.text, { model: params.model, usage: params.usage })
  return { ...r, headers: { ...r.headers, "x-request-id": params.requestId } }
}

/** A streamed answer in `pieces`, with the usage chunk after the finish chunk. */
export const textStreamReply = (params: {
  model: string
  pieces: ReadonlyArray<string>
  usage: Usage
  requestId: string
}): Reply => {
  const r = stream(params.pieces, { model: params.model, usage: params.usage })
  return { ...r, headers: { ...r.headers, "x-request-id": params.requestId } }
}

export interface ToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: Readonly<Record<string, unknown>>
}

/**
 * Tool calls, whole (`finish_reason: "tool_calls"`, arguments as a JSON string) or streamed the
 * way OpenAI does: a first fragment with `index`, `id`, `type`, `name` and `arguments: ""`, then
 * argument pieces carrying only the `index`.
 */
export const toolCallsReply = (params: {
  model: string
  calls: ReadonlyArray<ToolCall>
  usage: Usage
  stream: boolean
  requestId: string
}): Reply => {
  const { model, calls } = params
  if (!params.stream) {
    return json(
      200,
      {
        id: "chatcmpl-fake0002",
        object: "chat.completion",
        created: 1_700_000_000,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: "function",
                function: { name: c.name, arguments: JSON.stringify(c.arguments) }
              })),
              refusal: null
            },
            finish_reason: "tool_calls"
          }
        ],
        usage: withTotal(params.usage)
      },
      { "x-request-id": params.requestId }
    )
  }
  const base = chunkBase(model)
  const payloads: Array<unknown> = [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: null }, finish_reason: null }], usage: null }
  ]
  calls.forEach((c, index) => {
    payloads.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] },
          finish_reason: null
        }
      ],
      usage: null
    })
    const args = JSON.stringify(c.arguments)
    const step = Math.max(1, Math.ceil(args.length / 3))
    for (let i = 0; i < args.length; i += step) {
      payloads.push({
        ...base,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index, function: { arguments: args.slice(i, i + step) } }] },
            finish_reason: null
          }
        ],
        usage: null
      })
    }
  })
  payloads.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }], usage: null })
  payloads.push({ ...base, choices: [], usage: withTotal(params.usage) })
  return sse(payloads, params.requestId)
}

/** The error situations OpenAI expresses (same names as `Conformance.ErrorKind`). */
export type ErrorKind =
  | "auth"
  | "permission"
  | "rate-limit"
  | "quota"
  | "context-length"
  | "content-filter"
  | "overloaded"
  | "model-not-found"
  | "invalid-request"
  | "server"

const errorShapes: Record<
  ErrorKind,
  { status: number; message: string; type: string; code: string | null; param?: string }
> = {
  auth: {
    status: 401,
    message: "Incorrect API key provided: sk-***.",
    type: "invalid_request_error",
    code: "invalid_api_key"
  },
  permission: {
    status: 403,
    message: "Country, region, or territory not supported",
    type: "request_forbidden",
    code: "unsupported_country_region_territory"
  },
  "rate-limit": {
    status: 429,
    message: "Rate limit reached for requests",
    type: "requests",
    code: "rate_limit_exceeded"
  },
  quota: {
    status: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    type: "insufficient_quota",
    code: "insufficient_quota"
  },
  "context-length": {
    status: 400,
    message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    type: "invalid_request_error",
    code: "context_length_exceeded",
    param: "messages"
  },
  "content-filter": {
    status: 400,
    message: "The response was filtered due to the prompt triggering the content management policy.",
    type: "invalid_request_error",
    code: "content_filter",
    param: "prompt"
  },
  overloaded: {
    status: 503,
    message: "The server is overloaded or not ready yet.",
    type: "server_error",
    code: "server_is_overloaded"
  },
  "model-not-found": {
    status: 404,
    message: "The model `gpt-nope` does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found"
  },
  "invalid-request": {
    status: 400,
    message:
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    type: "invalid_request_error",
    code: "unsupported_parameter",
    param: "max_tokens"
  },
  server: {
    status: 500,
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null
  }
}

/** The HTTP error OpenAI sends for a kind (rate limits carry `retry-after-ms`). */
export const errorReply = (kind: ErrorKind, params?: { requestId?: string }): Reply => {
  const s = errorShapes[kind]
  return error(s.status, s.message, {
    type: s.type,
    code: s.code,
    param: s.param ?? null,
    headers: {
      "x-request-id": params?.requestId ?? "req_fake_0001",
      ...(kind === "rate-limit" ? { "retry-after-ms": "20", "x-ratelimit-remaining-requests": "0" } : {})
    }
  })
}

/** A 200 stream with `pieces` of text, then `data: {"error":{…}}` (how OpenAI fails mid-stream). */
export const streamErrorReply = (
  kind: ErrorKind,
  params: { model: string; pieces: ReadonlyArray<string>; requestId: string }
): Reply => {
  const s = errorShapes[kind]
  const base = chunkBase(params.model)
  return sse(
    [
      { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
      ...params.pieces.map((p) => ({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
      { error: { message: s.message, type: s.type, param: s.param ?? null, code: s.code } }
    ],
    params.requestId,
    false
  )
}

/**
 * The error body vLLM (and servers built like it) send: flat, no `error` wrapper, numeric `code`.
 */
export const vllmErrorReply = (kind: ErrorKind, params?: { requestId?: string }): Reply => {
  const s = errorShapes[kind]
  return json(
    s.status,
    {
      object: "error",
      message: s.message,
      type: s.status >= 500 ? "InternalServerError" : "BadRequestError",
      param: s.param ?? null,
      code: s.status
    },
    { "x-request-id": params?.requestId ?? "req_fake_0001" }
  )
}

/**
 * An answer with reasoning text (`reasoning_content`, as DeepSeek and vLLM send it) before the
 * text, and `completion_tokens_details.reasoning_tokens`.
 */
export const reasoningReply = (params: {
  model: string
  reasoning: string
  text: string
  usage: Usage & { reasoning_tokens: number }
  stream: boolean
  requestId: string
}): Reply => {
  const usage = {
    ...withTotal(params.usage),
    completion_tokens_details: { reasoning_tokens: params.usage.reasoning_tokens }
  }
  if (!params.stream) {
    return json(
      200,
      {
        id: "chatcmpl-fake0003",
        object: "chat.completion",
        created: 1_700_000_000,
        model: params.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: params.text, reasoning_content: params.reasoning },
            finish_reason: "stop"
          }
        ],
        usage
      },
      { "x-request-id": params.requestId }
    )
  }
  const base = chunkBase(params.model)
  const half = Math.ceil(params.reasoning.length / 2)
  return sse(
    [
      { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }], usage: null },
      {
        ...base,
        choices: [{ index: 0, delta: { reasoning_content: params.reasoning.slice(0, half) }, finish_reason: null }],
        usage: null
      },
      {
        ...base,
        choices: [{ index: 0, delta: { reasoning_content: params.reasoning.slice(half) }, finish_reason: null }],
        usage: null
      },
      { ...base, choices: [{ index: 0, delta: { content: params.text }, finish_reason: null }], usage: null },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null },
      { ...base, choices: [], usage }
    ],
    params.requestId
  )
}

/** `POST /embeddings` answer. */
export const embeddingsReply = (params: {
  model: string
  vectors: ReadonlyArray<ReadonlyArray<number>>
  inputTokens: number
}): Reply =>
  json(200, {
    object: "list",
    data: params.vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
    model: params.model,
    usage: { prompt_tokens: params.inputTokens, total_tokens: params.inputTokens }
  })

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)
const messagesOf = (body: unknown): Array<Obj> =>
  isObj(body) && Array.isArray(body.messages) ? body.messages.filter(isObj) : []

/** Reading Chat Completions request bodies back. */
export const read = {
  lastUserText: (body: unknown): string | undefined => {
    const m = messagesOf(body)
      .filter((x) => x.role === "user")
      .at(-1)
    if (m === undefined) return undefined
    if (typeof m.content === "string") return m.content
    return Array.isArray(m.content)
      ? m.content
          .filter(isObj)
          .map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : ""))
          .join("")
      : undefined
  },
  toolNames: (body: unknown): ReadonlyArray<string> =>
    isObj(body) && Array.isArray(body.tools)
      ? body.tools.filter(isObj).map((t) => (isObj(t.function) ? String(t.function.name) : String(t.name)))
      : [],
  toolResults: (body: unknown) =>
    messagesOf(body)
      .filter((m) => m.role === "tool")
      .map((m) => ({
        id: typeof m.tool_call_id === "string" ? m.tool_call_id : undefined,
        content: typeof m.content === "string" ? m.content : JSON.stringify(m.content)
      })),
  responseSchema: (body: unknown): unknown => {
    const rf = isObj(body) ? body.response_format : undefined
    return isObj(rf) && isObj(rf.json_schema) ? rf.json_schema.schema : undefined
  },
  sampling: (body: unknown) => {
    const b = isObj(body) ? body : {}
    const n = (v: unknown) => (typeof v === "number" ? v : undefined)
    return {
      temperature: n(b.temperature),
      topP: n(b.top_p),
      maxOutputTokens: n(b.max_completion_tokens) ?? n(b.max_tokens),
      stop: Array.isArray(b.stop) ? b.stop.map(String) : typeof b.stop === "string" ? [b.stop] : undefined,
      seed: n(b.seed)
    }
  },
  toolChoice: (body: unknown): "auto" | "none" | "required" | { readonly name: string } | undefined => {
    const c = isObj(body) ? body.tool_choice : undefined
    if (c === "auto" || c === "none" || c === "required") return c
    return isObj(c) && isObj(c.function) && typeof c.function.name === "string" ? { name: c.function.name } : undefined
  },
  imageInputs: (body: unknown): number => {
    const m = messagesOf(body)
      .filter((x) => x.role === "user")
      .at(-1)
    return m !== undefined && Array.isArray(m.content)
      ? m.content.filter((p) => isObj(p) && p.type === "image_url").length
      : 0
  },
  embedInputs: (body: unknown): ReadonlyArray<string> =>
    isObj(body) && Array.isArray(body.input)
      ? body.input.map(String)
      : isObj(body) && typeof body.input === "string"
        ? [body.input]
        : []
}

/**
 * The conformance `Wire` for an OpenAI-shaped server. `paths` lets Azure (deployment URLs) and
 * compatible servers (other prefixes) reuse it; `authHeader` lets Azure send `api-key`.
 */
export const makeWire = (options?: {
  readonly chatPath?: (model: string) => string
  readonly modelsPath?: string
  readonly embedPath?: (model: string) => string
  readonly authHeader?: (key: string) => readonly [string, string]
  /** Error replies in another shape (e.g. `vllmErrorReply`). */
  readonly error?: (kind: ErrorKind, params: { requestId: string }) => Reply
}) => ({
  chatRoute: (p: { readonly model: string }) => ({
    method: "POST",
    path: options?.chatPath?.(p.model) ?? "/v1/chat/completions"
  }),
  text: (p: { model: string; text: string; usage: { input: number; output: number }; requestId: string }) =>
    textReply({
      model: p.model,
      text: p.text,
      usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output },
      requestId: p.requestId
    }),
  textStream: (p: {
    model: string
    pieces: ReadonlyArray<string>
    usage: { input: number; output: number }
    requestId: string
  }) =>
    textStreamReply({
      model: p.model,
      pieces: p.pieces,
      usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output },
      requestId: p.requestId
    }),
  toolCalls: (p: {
    model: string
    calls: ReadonlyArray<ToolCall>
    usage: { input: number; output: number }
    stream: boolean
    requestId: string
  }) => toolCallsReply({ ...p, usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output } }),
  error: (kind: ErrorKind, p: { requestId: string }) => (options?.error ?? errorReply)(kind, p),
  streamError: (kind: ErrorKind, p: { model: string; pieces: ReadonlyArray<string>; requestId: string }) =>
    streamErrorReply(kind, p),
  modelsRoute: { method: "GET", path: options?.modelsPath ?? "/v1/models" },
  models,
  embedRoute: (p: { readonly model: string }) => ({
    method: "POST",
    path: options?.embedPath?.(p.model) ?? "/v1/embeddings"
  }),
  embeddings: embeddingsReply,
  authHeader: options?.authHeader ?? ((key: string) => ["authorization", `Bearer ${key}`] as const),
  read
})

/** OpenAI itself (`/v1/...`, Bearer). */
export const wire = makeWire()

// =============================================================================
// Responses API (`POST /v1/responses`): replies and the conformance wire
// =============================================================================

const named = (events: ReadonlyArray<Record<string, unknown>>, requestId: string): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "x-request-id": requestId },
  body: events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`)
})

const responsesUsage = (u: { input: number; output: number; reasoning?: number }) => ({
  input_tokens: u.input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: u.output,
  output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  total_tokens: u.input + u.output
})

type ResponsesItem = Record<string, unknown>

const responseObject = (
  model: string,
  output: ReadonlyArray<ResponsesItem>,
  usage: { input: number; output: number; reasoning?: number },
  status = "completed"
) => ({
  id: "resp_fake0001",
  object: "response",
  created_at: 1_700_000_000,
  status,
  error: null,
  incomplete_details: null,
  model,
  output,
  usage: responsesUsage(usage)
})

const messageItem = (text: string): ResponsesItem => ({
  id: "msg_fake0001",
  type: "message",
  status: "completed",
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }]
})

const callItem = (c: ToolCall, i: number): ResponsesItem => ({
  id: `fc_fake000${i}`,
  type: "function_call",
  status: "completed",
  call_id: c.id,
  name: c.name,
  arguments: JSON.stringify(c.arguments)
})

/** Streams output items the way the Responses API does (events named after their `type`). */
const responsesStream = (
  model: string,
  items: ReadonlyArray<{ item: ResponsesItem; pieces?: ReadonlyArray<string>; reasoning?: ReadonlyArray<string> }>,
  usage: { input: number; output: number; reasoning?: number },
  requestId: string
): Reply => {
  const shell = responseObject(model, [], usage, "in_progress")
  const events: Array<Record<string, unknown>> = [
    { type: "response.created", response: { ...shell, usage: null } },
    { type: "response.in_progress", response: { ...shell, usage: null } }
  ]
  items.forEach(({ item, pieces, reasoning }, output_index) => {
    const open =
      item.type === "function_call"
        ? { ...item, arguments: "", status: "in_progress" }
        : { ...item, content: [], summary: [], status: "in_progress" }
    events.push({ type: "response.output_item.added", output_index, item: open })
    if (item.type === "message") {
      events.push({
        type: "response.content_part.added",
        item_id: item.id,
        output_index,
        content_index: 0,
        part: { type: "output_text", text: "" }
      })
      for (const delta of pieces ?? [])
        events.push({ type: "response.output_text.delta", item_id: item.id, output_index, content_index: 0, delta })
      events.push({
        type: "response.output_text.done",
        item_id: item.id,
        output_index,
        content_index: 0,
        text: (pieces ?? []).join("")
      })
    } else if (item.type === "function_call") {
      const args = String(item.arguments)
      const step = Math.max(1, Math.ceil(args.length / 3))
      for (let i = 0; i < args.length; i += step)
        events.push({
          type: "response.function_call_arguments.delta",
          item_id: item.id,
          output_index,
          delta: args.slice(i, i + step)
        })
      events.push({ type: "response.function_call_arguments.done", item_id: item.id, output_index, arguments: args })
    } else if (item.type === "reasoning") {
      for (const delta of reasoning ?? [])
        events.push({
          type: "response.reasoning_summary_text.delta",
          item_id: item.id,
          output_index,
          summary_index: 0,
          delta
        })
    }
    events.push({ type: "response.output_item.done", output_index, item })
  })
  events.push({
    type: "response.completed",
    response: responseObject(
      model,
      items.map((i) => i.item),
      usage
    )
  })
  return named(events, requestId)
}

/** The conformance `Wire` for the Responses API path of an OpenAI-shaped server. */
export const makeResponsesWire = (options?: {
  readonly path?: string
  readonly modelsPath?: string
  readonly authHeader?: (key: string) => readonly [string, string]
}) => {
  const path = options?.path ?? "/v1/responses"
  const inputOf = (body: unknown): Array<Obj> =>
    isObj(body) && Array.isArray(body.input) ? body.input.filter(isObj) : []
  return {
    chatRoute: () => ({ method: "POST", path }),
    text: (p: { model: string; text: string; usage: { input: number; output: number }; requestId: string }) =>
      json(200, responseObject(p.model, [messageItem(p.text)], p.usage), { "x-request-id": p.requestId }),
    textStream: (p: {
      model: string
      pieces: ReadonlyArray<string>
      usage: { input: number; output: number }
      requestId: string
    }) => responsesStream(p.model, [{ item: messageItem(p.pieces.join("")), pieces: p.pieces }], p.usage, p.requestId),
    toolCalls: (p: {
      model: string
      calls: ReadonlyArray<ToolCall>
      usage: { input: number; output: number }
      stream: boolean
      requestId: string
    }) =>
      p.stream
        ? responsesStream(
            p.model,
            p.calls.map((c, i) => ({ item: callItem(c, i) })),
            p.usage,
            p.requestId
          )
        : json(200, responseObject(p.model, p.calls.map(callItem), p.usage), { "x-request-id": p.requestId }),
    error: (kind: ErrorKind, p: { requestId: string }) => errorReply(kind, p),
    streamError: (kind: ErrorKind, p: { model: string; pieces: ReadonlyArray<string>; requestId: string }) => {
      const s = errorShapes[kind]
      const item = messageItem(p.pieces.join(""))
      const shell = responseObject(p.model, [], { input: 0, output: 0 }, "in_progress")
      return named(
        [
          { type: "response.created", response: shell },
          { type: "response.output_item.added", output_index: 0, item: { ...item, content: [] } },
          ...p.pieces.map((delta) => ({
            type: "response.output_text.delta",
            item_id: item.id,
            output_index: 0,
            content_index: 0,
            delta
          })),
          { type: "error", error: { type: s.type, code: s.code, message: s.message, param: s.param ?? null } },
          {
            type: "response.failed",
            response: { ...shell, status: "failed", error: { code: s.code, message: s.message } }
          }
        ],
        p.requestId
      )
    },
    reasoning: (p: {
      model: string
      reasoning: string
      text: string
      usage: { input: number; output: number; reasoning: number }
      stream: boolean
      requestId: string
    }) => {
      const reasoningItem = {
        id: "rs_fake0001",
        type: "reasoning",
        summary: [{ type: "summary_text", text: p.reasoning }]
      }
      if (!p.stream)
        return json(200, responseObject(p.model, [reasoningItem, messageItem(p.text)], p.usage), {
          "x-request-id": p.requestId
        })
      const half = Math.ceil(p.reasoning.length / 2)
      return responsesStream(
        p.model,
        [
          { item: reasoningItem, reasoning: [p.reasoning.slice(0, half), p.reasoning.slice(half)] },
          { item: messageItem(p.text), pieces: [p.text] }
        ],
        p.usage,
        p.requestId
      )
    },
    modelsRoute: { method: "GET", path: options?.modelsPath ?? "/v1/models" },
    models,
    authHeader: options?.authHeader ?? ((key: string) => ["authorization", `Bearer ${key}`] as const),
    read: {
      lastUserText: (body: unknown): string | undefined => {
        const m = inputOf(body)
          .filter((x) => x.role === "user")
          .at(-1)
        if (m === undefined) return undefined
        if (typeof m.content === "string") return m.content
        return Array.isArray(m.content)
          ? m.content
              .filter(isObj)
              .map((p) => (p.type === "input_text" && typeof p.text === "string" ? p.text : ""))
              .join("")
          : undefined
      },
      toolNames: (body: unknown): ReadonlyArray<string> =>
        isObj(body) && Array.isArray(body.tools) ? body.tools.filter(isObj).map((t) => String(t.name)) : [],
      toolResults: (body: unknown) =>
        inputOf(body)
          .filter((i) => i.type === "function_call_output")
          .map((i) => ({ id: typeof i.call_id === "string" ? i.call_id : undefined, content: String(i.output) })),
      responseSchema: (body: unknown): unknown => {
        const t = isObj(body) ? body.text : undefined
        return isObj(t) && isObj(t.format) ? t.format.schema : undefined
      },
      imageInputs: (body: unknown): number => {
        const m = inputOf(body)
          .filter((x) => x.role === "user")
          .at(-1)
        return m !== undefined && Array.isArray(m.content)
          ? m.content.filter((p) => isObj(p) && p.type === "input_image").length
          : 0
      },
      toolChoice: (body: unknown): "auto" | "none" | "required" | { readonly name: string } | undefined => {
        const c = isObj(body) ? body.tool_choice : undefined
        if (c === "auto" || c === "none" || c === "required") return c
        return isObj(c) && typeof c.name === "string" ? { name: c.name } : undefined
      }
    }
  }
}

/** OpenAI's Responses API. */
export const responsesWire = makeResponsesWire()
