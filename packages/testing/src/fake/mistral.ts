/**
 * The Mistral wire format for the fake server: chat completions (whole and streamed, with the
 * random `p` padding field and usage on the last chunk), embeddings, models and error bodies.
 * Shapes follow the recordings in fixtures/mistral and wire-formats.md §5.
 */
import type { ErrorKind, Wire } from "../Conformance.js"
import type { Reply } from "../FakeProviderServer.js"

export interface Usage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens?: number
}

export interface ToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: string
}

export const correlationId = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

const headers = (contentType: string, extra?: Record<string, string>) => ({
  "content-type": contentType,
  "mistral-correlation-id": correlationId,
  ...extra
})

const json = (status: number, body: unknown, extra?: Record<string, string>): Reply => ({
  status,
  headers: headers("application/json", extra),
  body: JSON.stringify(body)
})

const withTotal = (u: Usage) => ({ ...u, total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens })

const wireCalls = (calls: ReadonlyArray<ToolCall>) =>
  calls.map((c) => ({ id: c.id, function: { name: c.name, arguments: c.arguments } }))

/** A non-streaming `chat.completion`; `content` may be a string or an array of chunks. */
export const completion = (options: {
  readonly content?: string | ReadonlyArray<unknown> | null
  readonly toolCalls?: ReadonlyArray<ToolCall>
  readonly model?: string
  readonly usage?: Usage
  readonly finishReason?: string
}): Reply =>
  json(200, {
    id: "cmpl-fake0001",
    object: "chat.completion",
    created: 1_769_088_720,
    model: options.model ?? "mistral-small-latest",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: options.content === undefined ? "" : options.content,
          ...(options.toolCalls !== undefined ? { tool_calls: wireCalls(options.toolCalls) } : {})
        },
        finish_reason: options.finishReason ?? (options.toolCalls !== undefined ? "tool_calls" : "stop")
      }
    ],
    usage: withTotal(options.usage ?? { prompt_tokens: 9, completion_tokens: 4 })
  })

/** Raw SSE framing of payloads: `data: <json>\n\n` each, then `data: [DONE]\n\n` unless `done: false`. */
export const sseBody = (payloads: ReadonlyArray<string>, options?: { readonly done?: boolean }): Array<string> => {
  const out = payloads.map((p) => `data: ${p}\n\n`)
  if (options?.done !== false) out.push("data: [DONE]\n\n")
  return out
}

/** Serves pre-framed SSE pieces as a 200 `text/event-stream`. */
export const sse = (
  pieces: ReadonlyArray<string | Uint8Array>,
  options?: { readonly chunkDelayMs?: number; readonly dropAfter?: number; readonly stall?: boolean }
): Reply => ({
  status: 200,
  headers: headers("text/event-stream", { "cache-control": "no-cache" }),
  body: pieces,
  ...options
})

const padding = (n: number) => "abcdefghijklmnopqrstuvwxyz".slice(0, (n * 7) % 17)

/** Chunk payloads for a text stream: role chunk, content deltas, a last chunk with finish + usage. */
export const streamPayloads = (
  pieces: ReadonlyArray<string>,
  options?: {
    readonly model?: string
    readonly usage?: Usage
    readonly finishReason?: string
    readonly toolCalls?: ReadonlyArray<ToolCall>
  }
): Array<string> => {
  const base = {
    id: "cmpl-fake0001",
    object: "chat.completion.chunk",
    created: 1_769_088_720,
    model: options?.model ?? "mistral-small-latest"
  }
  const out = [
    JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })
  ]
  pieces.forEach((piece, i) => {
    out.push(
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
        p: padding(i + 1)
      })
    )
  })
  const finishReason = options?.finishReason ?? (options?.toolCalls !== undefined ? "tool_calls" : "stop")
  out.push(
    JSON.stringify({
      ...base,
      choices: [
        {
          index: 0,
          delta:
            options?.toolCalls !== undefined
              ? { content: null, tool_calls: wireCalls(options.toolCalls) }
              : { content: "" },
          finish_reason: finishReason
        }
      ],
      usage: withTotal(options?.usage ?? { prompt_tokens: 9, completion_tokens: pieces.length }),
      p: padding(pieces.length + 2)
    })
  )
  return out
}

/** A streamed chat completion reply. */
export const stream = (
  pieces: ReadonlyArray<string>,
  options?: Parameters<typeof streamPayloads>[1] & { readonly chunkDelayMs?: number }
): Reply =>
  sse(
    sseBody(streamPayloads(pieces, options)),
    options?.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {}
  )

/** A Mistral error body: `{object:"error", message, type, param, code}`. */
export const error = (
  status: number,
  message: string | Record<string, unknown>,
  options?: {
    readonly type?: string
    readonly code?: string | null
    readonly param?: string | null
    readonly headers?: Record<string, string>
  }
): Reply =>
  json(
    status,
    {
      object: "error",
      message,
      type: options?.type ?? "invalid_request_error",
      param: options?.param ?? null,
      code: options?.code ?? null
    },
    options?.headers
  )

/** A 422 validation error, as Mistral sends for `extra_forbidden` and friends. */
export const validationError = (loc: ReadonlyArray<string>, msg: string, type = "extra_forbidden"): Reply =>
  error(422, { detail: [{ type, loc: ["body", ...loc], msg, input: null }] }, { type: "invalid_request_message_error" })

/** `POST /embeddings`: one vector per input. */
export const embeddings = (
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  options?: { readonly promptTokens?: number; readonly model?: string }
): Reply =>
  json(200, {
    id: "emb-fake0001",
    object: "list",
    data: vectors.map((embedding, index) => ({ object: "embedding", embedding, index })),
    model: options?.model ?? "mistral-embed",
    usage: {
      prompt_tokens: options?.promptTokens ?? vectors.length,
      total_tokens: options?.promptTokens ?? vectors.length,
      completion_tokens: 0
    }
  })

export interface ModelEntry {
  readonly id: string
  readonly name?: string
  readonly max_context_length?: number
  readonly capabilities?: Partial<
    Record<"completion_chat" | "completion_fim" | "function_calling" | "vision" | "classification", boolean>
  >
  readonly deprecation?: string | null
}

/** `GET /models` (no pagination). */
export const models = (entries: ReadonlyArray<ModelEntry>): Reply =>
  json(200, {
    object: "list",
    data: entries.map((e) => ({
      object: "model",
      created: 1_769_000_000,
      owned_by: "mistralai",
      description: null,
      aliases: [],
      deprecation: null,
      default_model_temperature: 0.3,
      type: "base",
      ...e,
      name: e.name ?? e.id,
      capabilities: {
        completion_chat: false,
        completion_fim: false,
        function_calling: false,
        fine_tuning: false,
        vision: false,
        classification: false,
        ...e.capabilities
      }
    }))
  })

/** Answers `POST /chat/completions` with an echo of the last user message, streamed when asked. */
export const echoChat = (request: { readonly json: unknown }): Reply => {
  const body = (request.json ?? {}) as {
    messages?: Array<{ role: string; content: unknown }>
    stream?: boolean
    model?: string
  }
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user")
  const prompt = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "")
  const text = `You said: ${prompt}`
  const usage = {
    prompt_tokens: Math.max(1, Math.ceil(prompt.length / 4)),
    completion_tokens: Math.ceil(text.length / 4)
  }
  const model = body.model ?? "mistral-small-latest"
  return body.stream ? stream(text.split(/(?<= )/), { usage, model }) : completion({ content: text, usage, model })
}

// =============================================================================
// The conformance wire
// =============================================================================

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)
const messagesOf = (body: unknown): Array<Obj> =>
  isObj(body) && Array.isArray(body.messages) ? body.messages.filter(isObj) : []

const withId = (reply: Reply, requestId: string): Reply => ({
  ...reply,
  headers: { ...reply.headers, "mistral-correlation-id": requestId }
})

/** What Mistral answers for each error kind it can express (it has no content-filter error). */
const errorShapes: Record<
  Exclude<ErrorKind, "content-filter">,
  { status: number; message: string; type: string; code: string | null }
> = {
  auth: { status: 401, message: "Unauthorized", type: "invalid_api_key", code: null },
  permission: { status: 403, message: "You do not have access to this model", type: "forbidden", code: "1200" },
  "rate-limit": { status: 429, message: "Requests rate limit exceeded", type: "rate_limited", code: "1300" },
  quota: {
    status: 429,
    message: "Monthly usage quota exceeded for this workspace",
    type: "quota_exceeded",
    code: "1310"
  },
  "context-length": {
    status: 400,
    message: "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
    type: "invalid_request_error",
    code: "3051"
  },
  overloaded: {
    status: 429,
    message: "Service tier capacity exceeded for this model.",
    type: "service_tier_capacity_exceeded",
    code: "3505"
  },
  "model-not-found": { status: 404, message: "Invalid model: nope", type: "invalid_model", code: "1500" },
  "invalid-request": {
    status: 400,
    message: "Invalid request: temperature must be <= 1.5",
    type: "invalid_request_error",
    code: "3001"
  },
  server: { status: 500, message: "Internal server error", type: "internal_server_error", code: "3000" }
}

const shapeOf = (kind: ErrorKind) => errorShapes[kind === "content-filter" ? "invalid-request" : kind]

/** The conformance `Wire` for Mistral (`/v1` prefix, request id in `mistral-correlation-id`). */
export const wire: Wire = {
  chatRoute: () => ({ method: "POST", path: "/v1/chat/completions" }),
  text: (p) =>
    withId(
      completion({
        content: p.text,
        model: p.model,
        usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output }
      }),
      p.requestId
    ),
  textStream: (p) =>
    withId(
      stream(p.pieces, { model: p.model, usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output } }),
      p.requestId
    ),
  toolCalls: (p) => {
    const calls = p.calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.arguments) }))
    const usage = { prompt_tokens: p.usage.input, completion_tokens: p.usage.output }
    // Mistral sends each call whole, in one delta with the finish reason.
    return withId(
      p.stream
        ? stream([], { model: p.model, usage, toolCalls: calls })
        : completion({ model: p.model, usage, toolCalls: calls, content: "" }),
      p.requestId
    )
  },
  error: (kind, p) => {
    const s = shapeOf(kind)
    return error(s.status, s.message, {
      type: s.type,
      code: s.code,
      headers: { "mistral-correlation-id": p.requestId, ...(kind === "rate-limit" ? { "retry-after": "1" } : {}) }
    })
  },
  streamError: (kind, p) => {
    const s = shapeOf(kind)
    const payloads = streamPayloads(p.pieces, { model: p.model }).slice(0, -1)
    payloads.push(JSON.stringify({ object: "error", message: s.message, type: s.type, param: null, code: s.status }))
    return withId(sse(sseBody(payloads, { done: false })), p.requestId)
  },
  modelsRoute: { method: "GET", path: "/v1/models" },
  models: (ids) =>
    models(ids.map((id) => ({ id, capabilities: { completion_chat: !/embed/.test(id), function_calling: true } }))),
  embedRoute: () => ({ method: "POST", path: "/v1/embeddings" }),
  embeddings: (p) => embeddings(p.vectors, { promptTokens: p.inputTokens, model: p.model }),
  authHeader: (key) => ["authorization", `Bearer ${key}`],
  read: {
    lastUserText: (body) => {
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
    toolNames: (body) =>
      isObj(body) && Array.isArray(body.tools)
        ? body.tools.filter(isObj).map((t) => (isObj(t.function) ? String(t.function.name) : ""))
        : [],
    toolResults: (body) =>
      messagesOf(body)
        .filter((m) => m.role === "tool")
        .map((m) => ({
          id: typeof m.tool_call_id === "string" ? m.tool_call_id : undefined,
          name: typeof m.name === "string" ? m.name : undefined,
          content: typeof m.content === "string" ? m.content : JSON.stringify(m.content)
        })),
    responseSchema: (body) => {
      const rf = isObj(body) ? body.response_format : undefined
      return isObj(rf) && isObj(rf.json_schema) ? rf.json_schema.schema : undefined
    },
    embedInputs: (body) => (isObj(body) && Array.isArray(body.input) ? body.input.map(String) : [])
  }
}
