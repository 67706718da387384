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

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
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
