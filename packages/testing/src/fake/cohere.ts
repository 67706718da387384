/**
 * The Cohere API v2 wire format for the fake server: `/v2/chat` whole and streamed (SSE with
 * `event: <type>` names and typed JSON payloads, ending after `message-end`), `/v2/embed`,
 * paginated `/v1/models` and flat `{id, message}` error bodies. Shapes follow the recordings in
 * fixtures/cohere and wire-formats.md §6.
 */
import type { ErrorKind, Wire } from "../Conformance.js"
import type { Reply } from "../FakeProviderServer.js"

export interface ToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: string
}

export interface Usage {
  readonly input_tokens: number
  readonly output_tokens: number
  readonly billed_input?: number
  readonly billed_output?: number
  readonly cached_tokens?: number
}

export const traceId = "5f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"

const headers = (contentType: string) => ({ "content-type": contentType, "x-debug-trace-id": traceId })

const json = (status: number, body: unknown): Reply => ({
  status,
  headers: headers("application/json"),
  body: JSON.stringify(body)
})

const wireUsage = (u: Usage) => ({
  billed_units: { input_tokens: u.billed_input ?? u.input_tokens, output_tokens: u.billed_output ?? u.output_tokens },
  tokens: { input_tokens: u.input_tokens, output_tokens: u.output_tokens },
  ...(u.cached_tokens !== undefined ? { cached_tokens: u.cached_tokens } : {})
})

const wireCall = (c: ToolCall) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })

/** A non-streaming `/v2/chat` reply. */
export const chat = (options: {
  readonly text?: string
  readonly thinking?: string
  readonly toolPlan?: string
  readonly toolCalls?: ReadonlyArray<ToolCall>
  readonly finishReason?: string
  readonly usage?: Usage
}): Reply =>
  json(200, {
    id: "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
    message: {
      role: "assistant",
      ...(options.thinking !== undefined || options.text !== undefined
        ? {
            content: [
              ...(options.thinking !== undefined ? [{ type: "thinking", thinking: options.thinking }] : []),
              ...(options.text !== undefined ? [{ type: "text", text: options.text }] : [])
            ]
          }
        : {}),
      ...(options.toolPlan !== undefined ? { tool_plan: options.toolPlan } : {}),
      ...(options.toolCalls !== undefined ? { tool_calls: options.toolCalls.map(wireCall) } : {})
    },
    finish_reason: options.finishReason ?? (options.toolCalls !== undefined ? "TOOL_CALL" : "COMPLETE"),
    usage: wireUsage(options.usage ?? { input_tokens: 10, output_tokens: 4 })
  })

/** Raw SSE framing of payload lines, as Cohere v2 sends them: `event: <type>\ndata: <json>\n\n`. */
export const sseBody = (payloads: ReadonlyArray<string>): Array<string> =>
  payloads.map((p) => {
    let type = "message"
    try {
      const parsed = JSON.parse(p) as { type?: unknown }
      if (typeof parsed.type === "string") type = parsed.type
    } catch {
      // not JSON: framed under the default event name
    }
    return `event: ${type}\ndata: ${p}\n\n`
  })

/** Serves pre-framed SSE pieces as a 200 `text/event-stream`. */
export const sse = (
  pieces: ReadonlyArray<string | Uint8Array>,
  options?: { readonly chunkDelayMs?: number; readonly dropAfter?: number; readonly stall?: boolean }
): Reply => ({ status: 200, headers: headers("text/event-stream"), body: pieces, ...options })

/** Event payloads for a streamed chat: thinking block, text block, tool plan and calls, message-end. */
export const streamPayloads = (options: {
  readonly pieces?: ReadonlyArray<string>
  readonly thinking?: ReadonlyArray<string>
  readonly toolPlan?: ReadonlyArray<string>
  readonly toolCalls?: ReadonlyArray<ToolCall & { readonly fragments?: ReadonlyArray<string> }>
  readonly finishReason?: string
  readonly usage?: Usage
}): Array<string> => {
  const out: Array<unknown> = [
    {
      id: "29f14a5a-11de-4cae-9800-25e4747408ea",
      type: "message-start",
      delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } }
    }
  ]
  let index = 0
  if (options.thinking !== undefined) {
    out.push({ type: "content-start", index, delta: { message: { content: { type: "thinking", thinking: "" } } } })
    for (const t of options.thinking)
      out.push({ type: "content-delta", index, delta: { message: { content: { thinking: t } } } })
    out.push({ type: "content-end", index })
    index++
  }
  if (options.pieces !== undefined) {
    out.push({ type: "content-start", index, delta: { message: { content: { type: "text", text: "" } } } })
    for (const p of options.pieces)
      out.push({ type: "content-delta", index, delta: { message: { content: { text: p } } } })
    out.push({ type: "content-end", index })
  }
  for (const p of options.toolPlan ?? []) out.push({ type: "tool-plan-delta", delta: { message: { tool_plan: p } } })
  ;(options.toolCalls ?? []).forEach((c, i) => {
    out.push({
      type: "tool-call-start",
      index: i,
      delta: { message: { tool_calls: { ...wireCall(c), function: { name: c.name, arguments: "" } } } }
    })
    for (const f of c.fragments ?? [c.arguments]) {
      out.push({
        type: "tool-call-delta",
        index: i,
        delta: { message: { tool_calls: { function: { arguments: f } } } }
      })
    }
    out.push({ type: "tool-call-end", index: i })
  })
  out.push({
    type: "message-end",
    delta: {
      finish_reason: options.finishReason ?? (options.toolCalls !== undefined ? "TOOL_CALL" : "COMPLETE"),
      usage: wireUsage(options.usage ?? { input_tokens: 10, output_tokens: (options.pieces ?? []).length })
    }
  })
  return out.map((o) => JSON.stringify(o))
}

/** A streamed chat reply. */
export const stream = (options: Parameters<typeof streamPayloads>[0] & { readonly chunkDelayMs?: number }): Reply =>
  sse(
    sseBody(streamPayloads(options)),
    options.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {}
  )

/** A Cohere error body: flat `{id, message}`. */
export const error = (status: number, message: string, extraHeaders?: Record<string, string>): Reply => ({
  status,
  headers: { ...headers("application/json"), ...extraHeaders },
  body: JSON.stringify({ id: "8bd5b608-887c-49f7-a6b3-d3bd5830c3de", message })
})

/** `/v2/embed` with `embedding_types:["float"]`. */
export const embed = (
  texts: ReadonlyArray<string>,
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  options?: { readonly inputTokens?: number }
): Reply =>
  json(200, {
    id: "f5aa3e7b-f011-4c5c-a825-f94669f760e5",
    texts,
    embeddings: { float: vectors },
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: options?.inputTokens ?? texts.length } },
    response_type: "embeddings_by_type"
  })

export interface ModelEntry {
  readonly name: string
  readonly endpoints: ReadonlyArray<string>
  readonly context_length?: number
  readonly features?: ReadonlyArray<string> | null
}

/** One page of `/v1/models`. */
export const modelsPage = (entries: ReadonlyArray<ModelEntry>, nextPageToken?: string): Reply =>
  json(200, {
    models: entries.map((e) => ({
      name: e.name,
      endpoints: e.endpoints,
      finetuned: false,
      context_length: e.context_length ?? 4096,
      tokenizer_url: `https://storage.googleapis.com/cohere-public/tokenizers/${e.name}.json`,
      default_endpoints: [],
      features: e.features ?? null
    })),
    ...(nextPageToken !== undefined ? { next_page_token: nextPageToken } : {})
  })

// =============================================================================
// The conformance wire
// =============================================================================

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)
const messagesOf = (body: unknown): Array<Obj> =>
  isObj(body) && Array.isArray(body.messages) ? body.messages.filter(isObj) : []

const withId = (reply: Reply, requestId: string): Reply => ({
  ...reply,
  headers: { ...reply.headers, "x-debug-trace-id": requestId }
})

/** What Cohere answers for each kind it can express (no content-filter error: `safety_mode` rewrites instead). */
const errorShapes: Record<Exclude<ErrorKind, "content-filter">, { status: number; message: string }> = {
  auth: { status: 401, message: "invalid api token" },
  permission: { status: 403, message: "You do not have permission to access this model" },
  "rate-limit": { status: 429, message: "rate limit exceeded, please retry later" },
  quota: { status: 429, message: "You are using a Trial key, which is limited to 1000 API calls / month." },
  "context-length": {
    status: 400,
    message: "too many tokens: total number of tokens in the prompt cannot exceed 128000 - received 140000"
  },
  overloaded: { status: 503, message: "service unavailable, please try again" },
  "model-not-found": {
    status: 404,
    message: "model 'nope' not found, make sure the correct model ID was used and that you have access to the model."
  },
  "invalid-request": { status: 400, message: "invalid request: messages must not be empty" },
  server: { status: 500, message: "internal server error, this has been reported to our developers" }
}

const shapeOf = (kind: ErrorKind) => errorShapes[kind === "content-filter" ? "invalid-request" : kind]

/** Splits a JSON text into a few fragments, as Cohere streams arguments. */
const fragments = (text: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += 5) out.push(text.slice(i, i + 5))
  return out
}

/** The conformance `Wire` for Cohere v2 (request id in `x-debug-trace-id`). */
export const wire: Wire = {
  chatRoute: () => ({ method: "POST", path: "/v2/chat" }),
  text: (p) =>
    withId(chat({ text: p.text, usage: { input_tokens: p.usage.input, output_tokens: p.usage.output } }), p.requestId),
  textStream: (p) =>
    withId(
      stream({ pieces: p.pieces, usage: { input_tokens: p.usage.input, output_tokens: p.usage.output } }),
      p.requestId
    ),
  toolCalls: (p) => {
    const usage = { input_tokens: p.usage.input, output_tokens: p.usage.output }
    const calls = p.calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.arguments) }))
    return withId(
      p.stream
        ? stream({
            toolPlan: ["I will ", "call the tools."],
            toolCalls: calls.map((c) => ({ ...c, fragments: fragments(c.arguments) })),
            usage
          })
        : chat({ toolPlan: "I will call the tools.", toolCalls: calls, usage }),
      p.requestId
    )
  },
  error: (kind, p) => {
    const s = shapeOf(kind)
    return withId(error(s.status, s.message, kind === "rate-limit" ? { "retry-after": "1" } : undefined), p.requestId)
  },
  modelsRoute: { method: "GET", path: "/v1/models" },
  models: (ids) => modelsPage(ids.map((name) => ({ name, endpoints: /embed/.test(name) ? ["embed"] : ["chat"] }))),
  embedRoute: () => ({ method: "POST", path: "/v2/embed" }),
  embeddings: (p) =>
    embed(
      p.vectors.map((_, i) => `text ${i}`),
      p.vectors,
      { inputTokens: p.inputTokens }
    ),
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
          content: typeof m.content === "string" ? m.content : JSON.stringify(m.content)
        })),
    responseSchema: (body) => {
      const rf = isObj(body) ? body.response_format : undefined
      return isObj(rf) ? rf.json_schema : undefined
    },
    embedInputs: (body) => (isObj(body) && Array.isArray(body.texts) ? body.texts.map(String) : [])
  }
}
