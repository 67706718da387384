/**
 * The Ollama native wire format for the fake server: `/api/chat` whole and as NDJSON
 * (`application/x-ndjson`, `done:false` lines then one `done:true` line with counts and
 * nanosecond durations), `/api/embed`, `/api/tags` and `{"error":…}` bodies. Shapes follow the
 * recordings in fixtures/ollama and wire-formats.md §7.
 */
import type { ErrorKind, Wire } from "../Conformance.js"
import type { Reply } from "../FakeProviderServer.js"

export interface ToolCall {
  readonly name: string
  /** An object, as Ollama sends it. */
  readonly arguments: Readonly<Record<string, unknown>>
  readonly id?: string
}

export interface Counts {
  readonly prompt_eval_count: number
  readonly eval_count: number
}

const createdAt = "2025-08-20T13:48:24.316155Z"

const stats = (counts: Counts) => ({
  total_duration: 171_946_792,
  load_duration: 38_473_250,
  prompt_eval_count: counts.prompt_eval_count,
  prompt_eval_duration: 27_608_250,
  eval_count: counts.eval_count,
  eval_duration: 105_611_917
})

const wireCalls = (calls: ReadonlyArray<ToolCall>) =>
  calls.map((c, index) => ({
    ...(c.id !== undefined ? { id: c.id } : {}),
    function: { ...(c.id !== undefined ? { index } : {}), name: c.name, arguments: c.arguments }
  }))

const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body)
})

/** `/api/chat` with `stream:false`. */
export const chat = (options: {
  readonly content?: string
  readonly thinking?: string
  readonly toolCalls?: ReadonlyArray<ToolCall>
  readonly model?: string
  readonly doneReason?: string
  readonly counts?: Counts
}): Reply =>
  json(200, {
    model: options.model ?? "llama3.2",
    created_at: createdAt,
    message: {
      role: "assistant",
      content: options.content ?? "",
      ...(options.thinking !== undefined ? { thinking: options.thinking } : {}),
      ...(options.toolCalls !== undefined ? { tool_calls: wireCalls(options.toolCalls) } : {})
    },
    done_reason: options.doneReason ?? "stop",
    done: true,
    ...stats(options.counts ?? { prompt_eval_count: 10, eval_count: 5 })
  })

/** NDJSON lines for a streamed chat: thinking pieces, content pieces, tool calls, then the done line. */
export const streamLines = (options: {
  readonly pieces?: ReadonlyArray<string>
  readonly thinking?: ReadonlyArray<string>
  readonly toolCalls?: ReadonlyArray<ToolCall>
  readonly model?: string
  readonly doneReason?: string
  readonly counts?: Counts
}): Array<string> => {
  const model = options.model ?? "llama3.2"
  const line = (message: Record<string, unknown>) =>
    `${JSON.stringify({ model, created_at: createdAt, message: { role: "assistant", content: "", ...message }, done: false })}\n`
  const out: Array<string> = []
  for (const t of options.thinking ?? []) out.push(line({ thinking: t }))
  for (const p of options.pieces ?? []) out.push(line({ content: p }))
  if (options.toolCalls !== undefined) out.push(line({ tool_calls: wireCalls(options.toolCalls) }))
  out.push(
    `${JSON.stringify({
      model,
      created_at: createdAt,
      message: { role: "assistant", content: "" },
      done_reason: options.doneReason ?? "stop",
      done: true,
      ...stats(options.counts ?? { prompt_eval_count: 10, eval_count: (options.pieces ?? []).length })
    })}\n`
  )
  return out
}

/** Serves NDJSON pieces as a 200 `application/x-ndjson`. */
export const ndjson = (
  pieces: ReadonlyArray<string | Uint8Array>,
  options?: { readonly chunkDelayMs?: number; readonly dropAfter?: number; readonly stall?: boolean }
): Reply => ({ status: 200, headers: { "content-type": "application/x-ndjson" }, body: pieces, ...options })

/** A streamed chat reply. */
export const stream = (options: Parameters<typeof streamLines>[0] & { readonly chunkDelayMs?: number }): Reply =>
  ndjson(streamLines(options), options.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {})

/** An Ollama error body: `{"error":"…"}`. */
export const error = (status: number, message: string): Reply => json(status, { error: message })

/** The line Ollama writes when a stream fails after the 200. */
export const errorLine = (message: string): string => `${JSON.stringify({ error: message })}\n`

/** `/api/embed`. */
export const embed = (
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  options?: { readonly model?: string; readonly promptEvalCount?: number }
): Reply =>
  json(200, {
    model: options?.model ?? "nomic-embed-text",
    embeddings: vectors,
    total_duration: 22_283_583,
    load_duration: 7_451_083,
    prompt_eval_count: options?.promptEvalCount ?? vectors.length
  })

export interface TagEntry {
  readonly name: string
  readonly family?: string
  readonly families?: ReadonlyArray<string>
  readonly parameterSize?: string
  readonly quantization?: string
}

/** `/api/tags` (no pagination). */
export const tags = (entries: ReadonlyArray<TagEntry>): Reply =>
  json(200, {
    models: entries.map((e) => ({
      name: e.name,
      model: e.name,
      modified_at: "2025-08-01T10:00:00.000000+02:00",
      size: 815_319_791,
      digest: "8648f39daa8fbf5b18c7b4e6a8fb4990c692751d49917417b8842ca5758e7ffc",
      details: {
        parent_model: "",
        format: "gguf",
        family: e.family ?? "llama",
        families: e.families ?? [e.family ?? "llama"],
        parameter_size: e.parameterSize ?? "3.2B",
        quantization_level: e.quantization ?? "Q4_K_M"
      }
    }))
  })

/** Answers `/api/chat` by echoing the last user message, streamed unless `stream:false`. */
export const echoChat = (request: { readonly json: unknown }): Reply => {
  const body = (request.json ?? {}) as {
    messages?: Array<{ role: string; content: unknown }>
    stream?: boolean
    model?: string
  }
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user")
  const prompt = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "")
  const text = `You said: ${prompt}`
  const counts = {
    prompt_eval_count: Math.max(1, Math.ceil(prompt.length / 4)),
    eval_count: Math.ceil(text.length / 4)
  }
  const model = body.model ?? "llama3.2"
  return body.stream === false
    ? chat({ content: text, counts, model })
    : stream({ pieces: text.split(/(?<= )/), counts, model })
}

// =============================================================================
// The conformance wire
// =============================================================================

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v)
const messagesOf = (body: unknown): Array<Obj> =>
  isObj(body) && Array.isArray(body.messages) ? body.messages.filter(isObj) : []

/** Ollama itself sends no request id; a proxy in front of it (or ollama.com) may: `x-request-id`. */
const withId = (reply: Reply, requestId: string): Reply => ({
  ...reply,
  headers: { ...reply.headers, "x-request-id": requestId }
})

/** What Ollama (local or ollama.com) answers for each kind it can express. */
const errorMessages: Record<Exclude<ErrorKind, "content-filter">, { status: number; message: string }> = {
  auth: { status: 401, message: "unauthorized" },
  permission: { status: 403, message: "forbidden: this model requires a subscription" },
  "rate-limit": { status: 429, message: "too many requests, please slow down" },
  quota: { status: 429, message: "you have reached your weekly usage limit, upgrade for higher limits" },
  "context-length": { status: 400, message: "input length exceeds the context length" },
  overloaded: { status: 503, message: "server busy, please try again.  maximum pending requests exceeded" },
  "model-not-found": { status: 404, message: 'model "nope" not found, try pulling it first' },
  "invalid-request": {
    status: 400,
    message: "json: cannot unmarshal string into Go struct field ChatRequest.messages of type []api.Message"
  },
  server: { status: 500, message: "llama runner process has terminated: exit status 2" }
}

const shapeOf = (kind: ErrorKind) => errorMessages[kind === "content-filter" ? "invalid-request" : kind]

/** The conformance `Wire` for Ollama's native API. */
export const wire: Wire = {
  chatRoute: () => ({ method: "POST", path: "/api/chat" }),
  text: (p) =>
    withId(
      chat({
        content: p.text,
        model: p.model,
        counts: { prompt_eval_count: p.usage.input, eval_count: p.usage.output }
      }),
      p.requestId
    ),
  textStream: (p) =>
    withId(
      stream({
        pieces: p.pieces,
        model: p.model,
        counts: { prompt_eval_count: p.usage.input, eval_count: p.usage.output }
      }),
      p.requestId
    ),
  toolCalls: (p) => {
    const toolCalls = p.calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }))
    const counts = { prompt_eval_count: p.usage.input, eval_count: p.usage.output }
    return withId(
      p.stream ? stream({ toolCalls, model: p.model, counts }) : chat({ toolCalls, model: p.model, counts }),
      p.requestId
    )
  },
  error: (kind, p) => {
    const s = shapeOf(kind)
    return withId(error(s.status, s.message), p.requestId)
  },
  streamError: (kind, p) => {
    const lines = streamLines({ pieces: p.pieces, model: p.model }).slice(0, -1)
    lines.push(errorLine(shapeOf(kind).message))
    return withId(ndjson(lines), p.requestId)
  },
  modelsRoute: { method: "GET", path: "/api/tags" },
  models: (ids) => tags(ids.map((name) => (/embed/.test(name) ? { name, family: "nomic-bert" } : { name }))),
  embedRoute: () => ({ method: "POST", path: "/api/embed" }),
  embeddings: (p) => embed(p.vectors, { model: p.model, promptEvalCount: p.inputTokens }),
  authHeader: (key) => ["authorization", `Bearer ${key}`],
  read: {
    lastUserText: (body) => {
      const m = messagesOf(body)
        .filter((x) => x.role === "user")
        .at(-1)
      return typeof m?.content === "string" ? m.content : undefined
    },
    toolNames: (body) =>
      isObj(body) && Array.isArray(body.tools)
        ? body.tools.filter(isObj).map((t) => (isObj(t.function) ? String(t.function.name) : ""))
        : [],
    toolResults: (body) =>
      messagesOf(body)
        .filter((m) => m.role === "tool")
        .map((m) => ({
          name: typeof m.tool_name === "string" ? m.tool_name : undefined,
          content: typeof m.content === "string" ? m.content : JSON.stringify(m.content)
        })),
    responseSchema: (body) => (isObj(body) && isObj(body.format) ? body.format : undefined),
    embedInputs: (body) => (isObj(body) && Array.isArray(body.input) ? body.input.map(String) : [])
  }
}
