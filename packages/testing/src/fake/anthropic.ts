/**
 * The Anthropic Messages wire format for the fake server: whole messages, SSE streams with
 * `event:` names (padded JSON and the spaced `{"type": "ping"}` as the real API sends them),
 * in-stream `event: error`, error envelopes with `request-id`, and the paginated models list
 * (`has_more` / `after_id`). Shapes follow fixtures/anthropic and wire-formats.md §3.
 */
import type * as Conformance from "../Conformance.js"
import type { RecordedRequest, Reply } from "../FakeProviderServer.js"

export const requestId = "req_fake_anthropic_0001"

export interface Usage {
  readonly input_tokens: number
  readonly output_tokens: number
  readonly cache_creation_input_tokens?: number
  readonly cache_read_input_tokens?: number
  /** Reported by newer API versions as `output_tokens_details.thinking_tokens`. */
  readonly thinking_tokens?: number
}

/** A response content block, as the Messages API returns it. */
export type Block =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "thinking"; readonly thinking: string; readonly signature: string }
  | { readonly type: "redacted_thinking"; readonly data: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown }

const headers = (contentType: string, extra?: Record<string, string>) => ({
  "content-type": contentType,
  "request-id": requestId,
  "anthropic-organization-id": "00000000-0000-4000-8000-000000000000",
  ...extra
})

const json = (status: number, body: unknown, extra?: Record<string, string>): Reply => ({
  status,
  headers: headers("application/json", extra),
  body: JSON.stringify(body)
})

const fullUsage = (u: Usage) => ({
  input_tokens: u.input_tokens,
  cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
  cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  output_tokens: u.output_tokens,
  ...(u.thinking_tokens !== undefined ? { output_tokens_details: { thinking_tokens: u.thinking_tokens } } : {}),
  service_tier: "standard"
})

/** A non-streaming message. */
export const message = (options: {
  readonly content: ReadonlyArray<Block>
  readonly model?: string
  readonly stopReason?: string
  readonly usage?: Usage
  readonly id?: string
  readonly requestId?: string
}): Reply =>
  json(
    200,
    {
      model: options.model ?? "claude-sonnet-4-5-20250929",
      id: options.id ?? "msg_fake0001",
      type: "message",
      role: "assistant",
      content: options.content,
      stop_reason: options.stopReason ?? (options.content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
      stop_sequence: null,
      usage: fullUsage(options.usage ?? { input_tokens: 12, output_tokens: 7 })
    },
    options.requestId !== undefined ? { "request-id": options.requestId } : undefined
  )

/** One SSE event, framed like the real API (JSON padded with spaces before the last brace). */
export const event = (payload: { readonly type: string } & Record<string, unknown>, pad = 0): string => {
  const text = JSON.stringify(payload)
  return `event: ${payload.type}\ndata: ${pad > 0 ? `${text.slice(0, -1)}${" ".repeat(pad)}}` : text}\n\n`
}

export const ping = 'event: ping\ndata: {"type": "ping"}\n\n'

/** `event: error` after a 200 (e.g. `overloaded_error`). */
export const errorEvent = (type: string, message: string): string =>
  `event: error\ndata: ${JSON.stringify({ type: "error", error: { type, message } })}\n\n`

/** The SSE events of a whole streamed message: text split in `pieces`, thinking, tool calls. */
export const streamEvents = (options: {
  readonly blocks: ReadonlyArray<
    | { readonly type: "text"; readonly pieces: ReadonlyArray<string> }
    | { readonly type: "thinking"; readonly pieces: ReadonlyArray<string>; readonly signature: string }
    | { readonly type: "redacted_thinking"; readonly data: string }
    | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly pieces: ReadonlyArray<string> }
  >
  readonly model?: string
  readonly stopReason?: string
  readonly usage?: Usage
  /** Leave out `message_stop` (and everything after the last block): a truncated stream. */
  readonly truncate?: boolean
}): Array<string> => {
  const usage = options.usage ?? { input_tokens: 12, output_tokens: 7 }
  const out: Array<string> = [
    event(
      {
        type: "message_start",
        message: {
          model: options.model ?? "claude-sonnet-4-5-20250929",
          id: "msg_fake0001",
          type: "message",
          role: "assistant",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...fullUsage(usage), output_tokens: 1 }
        }
      },
      4
    )
  ]
  options.blocks.forEach((block, index) => {
    switch (block.type) {
      case "text":
        out.push(event({ type: "content_block_start", index, content_block: { type: "text", text: "" } }, 2))
        if (index === 0) out.push(ping)
        for (const text of block.pieces) {
          out.push(event({ type: "content_block_delta", index, delta: { type: "text_delta", text } }, 3))
        }
        break
      case "thinking":
        out.push(
          event({
            type: "content_block_start",
            index,
            content_block: { type: "thinking", thinking: "", signature: "" }
          })
        )
        for (const thinking of block.pieces) {
          out.push(event({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } }))
        }
        out.push(
          event({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } })
        )
        break
      case "redacted_thinking":
        out.push(
          event({ type: "content_block_start", index, content_block: { type: "redacted_thinking", data: block.data } })
        )
        break
      case "tool_use":
        out.push(
          event({
            type: "content_block_start",
            index,
            content_block: { type: "tool_use", id: block.id, name: block.name, input: {} }
          })
        )
        out.push(event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } }))
        for (const partial_json of block.pieces) {
          out.push(event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } }))
        }
        break
    }
    out.push(event({ type: "content_block_stop", index }, 8))
  })
  if (options.truncate === true) return out
  const stop = options.stopReason ?? (options.blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn")
  out.push(
    event({
      type: "message_delta",
      delta: { stop_reason: stop, stop_sequence: null },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
        output_tokens: usage.output_tokens,
        ...(usage.thinking_tokens !== undefined
          ? { output_tokens_details: { thinking_tokens: usage.thinking_tokens } }
          : {})
      }
    })
  )
  out.push(event({ type: "message_stop" }, 6))
  return out
}

/** A streamed reply: one SSE event per body piece. */
export const stream = (
  events: ReadonlyArray<string>,
  options?: {
    readonly chunkDelayMs?: number
    readonly dropAfter?: number
    readonly stall?: boolean
    readonly requestId?: string
  }
): Reply => ({
  status: 200,
  headers: headers("text/event-stream; charset=utf-8", {
    "cache-control": "no-cache",
    ...(options?.requestId !== undefined ? { "request-id": options.requestId } : {})
  }),
  body: events,
  ...(options?.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {}),
  ...(options?.dropAfter !== undefined ? { dropAfter: options.dropAfter } : {}),
  ...(options?.stall !== undefined ? { stall: options.stall } : {})
})

/** A text stream reply (the common case). */
export const textStream = (
  pieces: ReadonlyArray<string>,
  options?: { readonly usage?: Usage; readonly model?: string; readonly stopReason?: string }
): Reply =>
  stream(
    streamEvents({
      blocks: [{ type: "text", pieces }],
      ...(options?.usage !== undefined ? { usage: options.usage } : {}),
      ...(options?.model !== undefined ? { model: options.model } : {}),
      ...(options?.stopReason !== undefined ? { stopReason: options.stopReason } : {})
    })
  )

/** An Anthropic error envelope. */
export const error = (status: number, type: string, message: string, extra?: Record<string, string>): Reply =>
  json(status, { type: "error", error: { type, message }, request_id: requestId }, extra)

export interface Model {
  readonly id: string
  readonly display_name?: string
  readonly created_at?: string
  readonly max_input_tokens?: number
  readonly max_tokens?: number
}

/** `GET /v1/models`, paginated by `limit` / `after_id` like the real API. */
export const models =
  (all: ReadonlyArray<Model>) =>
  (request: RecordedRequest): Reply => {
    const query = new URLSearchParams(request.url.split("?")[1] ?? "")
    const limit = Math.max(1, Math.min(1000, Number(query.get("limit") ?? 20)))
    const after = query.get("after_id")
    const start = after === null ? 0 : all.findIndex((m) => m.id === after) + 1
    const page = all.slice(start, start + limit)
    return json(200, {
      data: page.map((m) => ({
        type: "model",
        id: m.id,
        display_name: m.display_name ?? m.id,
        created_at: m.created_at ?? "2025-09-29T00:00:00Z",
        ...(m.max_input_tokens !== undefined ? { max_input_tokens: m.max_input_tokens } : {}),
        ...(m.max_tokens !== undefined ? { max_tokens: m.max_tokens } : {})
      })),
      has_more: start + limit < all.length,
      first_id: page[0]?.id ?? null,
      last_id: page[page.length - 1]?.id ?? null
    })
  }

/**
 * Answers `POST /v1/messages` by echoing the last user text, streamed when asked. Checks the
 * `x-api-key` and `anthropic-version` headers like the real API.
 */
export const echoMessages = (request: RecordedRequest): Reply => {
  if (request.headers["x-api-key"] === undefined)
    return error(401, "authentication_error", "x-api-key header is required")
  if (request.headers["anthropic-version"] === undefined) {
    return error(400, "invalid_request_error", "anthropic-version: header is required")
  }
  const body = (request.json ?? {}) as {
    messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>
    stream?: boolean
    model?: string
  }
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user")
  const prompt =
    typeof last?.content === "string"
      ? last.content
      : (last?.content ?? []).map((b) => (b.type === "text" ? (b.text ?? "") : "")).join("")
  const text = `You said: ${prompt}`
  const usage = { input_tokens: Math.max(1, Math.ceil(prompt.length / 4)), output_tokens: Math.ceil(text.length / 4) }
  const model = body.model ?? "claude-sonnet-4-5-20250929"
  if (body.stream === true) return textStream(text.split(/(?<= )/), { usage, model })
  return message({ content: [{ type: "text", text }], usage, model })
}

// -----------------------------------------------------------------------------
// Conformance
// -----------------------------------------------------------------------------

const errorReplies: Partial<Record<Conformance.ErrorKind, readonly [number, string, string, Record<string, string>?]>> =
  {
    auth: [401, "authentication_error", "invalid x-api-key"],
    permission: [403, "permission_error", "Your API key does not have permission to use the specified resource."],
    "rate-limit": [
      429,
      "rate_limit_error",
      "This request would exceed the rate limit for your organization of 50 requests per minute.",
      { "retry-after": "3" }
    ],
    quota: [400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API."],
    "context-length": [400, "invalid_request_error", "prompt is too long: 212000 tokens > 200000 maximum"],
    overloaded: [529, "overloaded_error", "Overloaded"],
    "model-not-found": [404, "not_found_error", "model: claude-nope"],
    "invalid-request": [400, "invalid_request_error", "max_tokens: Field required"],
    server: [500, "api_error", "Internal server error"]
  }

const streamErrorTypes: Partial<Record<Conformance.ErrorKind, string>> = {
  overloaded: "overloaded_error",
  server: "api_error",
  "rate-limit": "rate_limit_error"
}

interface Body {
  readonly messages?: ReadonlyArray<{
    readonly role: string
    readonly content:
      | string
      | ReadonlyArray<{
          readonly type: string
          readonly text?: string
          readonly tool_use_id?: string
          readonly content?: unknown
        }>
  }>
  readonly tools?: ReadonlyArray<{ readonly name: string; readonly input_schema?: unknown }>
  readonly output_config?: { readonly format?: { readonly schema?: unknown } }
  readonly temperature?: number
  readonly top_p?: number
  readonly max_tokens?: number
  readonly stop_sequences?: ReadonlyArray<string>
  readonly tool_choice?: { readonly type: string; readonly name?: string }
}

/** How Anthropic speaks, for `Conformance.suite`. Content-filter has no HTTP error here (it is `stop_reason: "refusal"`). */
export const wire: Conformance.Wire = {
  chatRoute: () => ({ method: "POST", path: "/v1/messages" }),
  text: ({ model, text, usage, requestId }) =>
    message({
      content: [{ type: "text", text }],
      model,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
      requestId
    }),
  textStream: ({ model, pieces, usage, requestId }) =>
    stream(
      streamEvents({
        blocks: [{ type: "text", pieces }],
        model,
        usage: { input_tokens: usage.input, output_tokens: usage.output }
      }),
      { requestId }
    ),
  toolCalls: ({ model, calls, usage, stream: streamed, requestId }) => {
    const u = { input_tokens: usage.input, output_tokens: usage.output }
    if (!streamed) {
      return message({
        content: calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.arguments })),
        model,
        usage: u,
        requestId
      })
    }
    return stream(
      streamEvents({
        blocks: calls.map((c) => {
          const args = JSON.stringify(c.arguments)
          const cut = Math.floor(args.length / 2)
          return { type: "tool_use" as const, id: c.id, name: c.name, pieces: [args.slice(0, cut), args.slice(cut)] }
        }),
        model,
        usage: u
      }),
      { requestId }
    )
  },
  error: (kind, { requestId: id }) => {
    const spec = errorReplies[kind]
    if (spec === undefined)
      return error(400, "invalid_request_error", `no Anthropic error for ${kind}`, { "request-id": id })
    const [status, type, text, extra] = spec
    return error(status, type, text, { ...extra, "request-id": id })
  },
  streamError: (kind, { model, pieces, requestId: id }) =>
    stream(
      [
        ...streamEvents({ blocks: [{ type: "text", pieces }], model, truncate: true }),
        errorEvent(streamErrorTypes[kind] ?? "api_error", `in-band ${kind}`)
      ],
      { requestId: id }
    ),
  reasoning: ({ model, reasoning, text, usage, stream: streamed, requestId: id }) => {
    const u = { input_tokens: usage.input, output_tokens: usage.output, thinking_tokens: usage.reasoning }
    const signature = "EqQBCkYIBxgCKkBfakeSignatureForConformance0123456789"
    if (!streamed) {
      return message({
        content: [
          { type: "thinking", thinking: reasoning, signature },
          { type: "text", text }
        ],
        model,
        usage: u,
        requestId: id
      })
    }
    const cut = Math.floor(reasoning.length / 2)
    return stream(
      streamEvents({
        blocks: [
          { type: "thinking", pieces: [reasoning.slice(0, cut), reasoning.slice(cut)], signature },
          { type: "text", pieces: [text] }
        ],
        model,
        usage: u
      }),
      { requestId: id }
    )
  },
  modelsRoute: { method: "GET", path: "/v1/models" },
  models: (ids) =>
    json(200, {
      data: ids.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids[ids.length - 1] ?? null
    }),
  authHeader: (key) => ["x-api-key", key],
  read: {
    lastUserText: (body) => {
      const messages = (body as Body | undefined)?.messages ?? []
      const last = [...messages].reverse().find((m) => m.role === "user")
      if (last === undefined) return undefined
      return typeof last.content === "string"
        ? last.content
        : last.content.map((b) => (b.type === "text" ? (b.text ?? "") : "")).join("")
    },
    toolNames: (body) => ((body as Body | undefined)?.tools ?? []).map((t) => t.name).filter((n) => n !== "json"),
    toolResults: (body) =>
      ((body as Body | undefined)?.messages ?? []).flatMap((m) =>
        typeof m.content === "string"
          ? []
          : m.content.flatMap((b) =>
              b.type === "tool_result"
                ? [
                    {
                      id: b.tool_use_id,
                      content: typeof b.content === "string" ? b.content : JSON.stringify(b.content)
                    }
                  ]
                : []
            )
      ),
    responseSchema: (body) => {
      const b = body as Body | undefined
      return b?.tools?.find((t) => t.name === "json")?.input_schema ?? b?.output_config?.format?.schema
    },
    sampling: (body) => {
      const b = body as Body | undefined
      return { temperature: b?.temperature, topP: b?.top_p, maxOutputTokens: b?.max_tokens, stop: b?.stop_sequences }
    },
    toolChoice: (body) => {
      const choice = (body as Body | undefined)?.tool_choice
      switch (choice?.type) {
        case "auto":
          return "auto"
        case "none":
          return "none"
        case "any":
          return "required"
        case "tool":
          return { name: choice.name ?? "" }
        default:
          return undefined
      }
    },
    imageInputs: (body) => {
      const messages = (body as Body | undefined)?.messages ?? []
      const last = [...messages].reverse().find((m) => m.role === "user")
      return last === undefined || typeof last.content === "string"
        ? 0
        : last.content.filter((b) => b.type === "image").length
    }
  }
}
