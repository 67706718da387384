/**
 * The Gemini API wire format for the fake server: `generateContent` responses, `alt=sse` streams
 * (`data: …\r\n\r\n`, no event names, no terminator: the stream ends when the connection closes),
 * error bodies (`{"error":{code, message, status, details}}`), `batchEmbedContents` (at most 100
 * requests, like the real API) and the models list paginated by `pageToken`. Shapes follow
 * fixtures/google and wire-formats.md §4.
 */
import type { RecordedRequest, Reply } from "../FakeProviderServer.js"

export interface UsageMetadata {
  readonly promptTokenCount: number
  readonly candidatesTokenCount?: number
  readonly totalTokenCount?: number
  readonly thoughtsTokenCount?: number
  readonly cachedContentTokenCount?: number
}

export type Part =
  | { readonly text: string; readonly thought?: boolean; readonly thoughtSignature?: string }
  | {
      readonly functionCall: { readonly name: string; readonly args: unknown; readonly id?: string }
      readonly thoughtSignature?: string
    }

const json = (status: number, body: unknown, extra?: Record<string, string>): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=UTF-8", ...extra },
  body: JSON.stringify(body)
})

const usageOf = (u: UsageMetadata | undefined) => {
  const usage = u ?? { promptTokenCount: 8, candidatesTokenCount: 4 }
  return {
    ...usage,
    totalTokenCount:
      usage.totalTokenCount ??
      usage.promptTokenCount + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0)
  }
}

/** One `GenerateContentResponse` object. */
export const responseObject = (options: {
  readonly parts: ReadonlyArray<Part>
  readonly finishReason?: string
  readonly usage?: UsageMetadata
  readonly model?: string
  readonly responseId?: string
}) => ({
  candidates: [
    {
      content: { parts: options.parts, role: "model" },
      ...(options.finishReason !== undefined ? { finishReason: options.finishReason } : {}),
      index: 0
    }
  ],
  usageMetadata: usageOf(options.usage),
  modelVersion: options.model ?? "gemini-2.5-flash",
  responseId: options.responseId ?? "fakeResponse0001"
})

/** A non-streaming `generateContent` reply. */
export const response = (options: Parameters<typeof responseObject>[0]): Reply =>
  json(200, responseObject({ finishReason: "STOP", ...options }))

/** One SSE event as Gemini frames it. */
export const event = (payload: unknown): string => `data: ${JSON.stringify(payload)}\r\n\r\n`

/** A streamed reply: one SSE event per response object. */
export const stream = (
  objects: ReadonlyArray<unknown>,
  options?: { readonly chunkDelayMs?: number; readonly dropAfter?: number }
): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "content-disposition": "attachment" },
  body: objects.map(event),
  ...(options?.chunkDelayMs !== undefined ? { chunkDelayMs: options.chunkDelayMs } : {}),
  ...(options?.dropAfter !== undefined ? { dropAfter: options.dropAfter } : {})
})

/** Text streamed in pieces; the last chunk carries `finishReason` and the final usage. */
export const textStream = (
  pieces: ReadonlyArray<string>,
  options?: { readonly usage?: UsageMetadata; readonly model?: string; readonly finishReason?: string }
): Reply =>
  stream(
    pieces.map((text, i) =>
      responseObject({
        parts: [{ text }],
        ...(i === pieces.length - 1 ? { finishReason: options?.finishReason ?? "STOP" } : {}),
        ...(options?.usage !== undefined ? { usage: options.usage } : {}),
        ...(options?.model !== undefined ? { model: options.model } : {})
      })
    )
  )

/** A Gemini error body. */
export const error = (
  code: number,
  status: string,
  message: string,
  details?: ReadonlyArray<Record<string, unknown>>
): Reply => json(code, { error: { code, message, status, ...(details !== undefined ? { details } : {}) } })

/** The in-stream error payload (after a 200). */
export const errorObject = (code: number, status: string, message: string) => ({ error: { code, message, status } })

export interface Model {
  readonly name: string
  readonly displayName?: string
  readonly inputTokenLimit?: number
  readonly outputTokenLimit?: number
  readonly supportedGenerationMethods?: ReadonlyArray<string>
  readonly thinking?: boolean
}

/** `GET /v1beta/models`, paginated by `pageSize` (default 50, max 1000) and an opaque `pageToken`. */
export const models =
  (all: ReadonlyArray<Model>) =>
  (request: RecordedRequest): Reply => {
    const query = new URLSearchParams(request.url.split("?")[1] ?? "")
    const size = Math.max(1, Math.min(1000, Number(query.get("pageSize") ?? 50)))
    const token = query.get("pageToken")
    const start = token === null ? 0 : Number(atob(token).split(":")[1] ?? 0)
    const page = all.slice(start, start + size)
    const next = start + size < all.length ? btoa(`offset:${start + size}`) : undefined
    return json(200, {
      models: page.map((m) => ({
        version: "001",
        displayName: m.name,
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ["generateContent", "countTokens"],
        ...m
      })),
      ...(next !== undefined ? { nextPageToken: next } : {})
    })
  }

/**
 * `POST /v1beta/models/{m}:batchEmbedContents`: one vector per request, its length
 * `outputDimensionality` (default 8), values derived from the text. More than 100 requests is a
 * 400, as on the real API.
 */
export const batchEmbed = (request: RecordedRequest): Reply => {
  const body = (request.json ?? {}) as {
    requests?: Array<{ model?: string; content?: { parts?: Array<{ text?: string }> }; outputDimensionality?: number }>
  }
  const requests = body.requests ?? []
  if (requests.length > 100) {
    return error(
      400,
      "INVALID_ARGUMENT",
      "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n"
    )
  }
  return json(200, {
    embeddings: requests.map((r) => {
      const text = r.content?.parts?.map((p) => p.text ?? "").join("") ?? ""
      const n = r.outputDimensionality ?? 8
      return { values: Array.from({ length: n }, (_, i) => ((text.length + i) % 10) / 10) }
    })
  })
}

/** Answers generateContent / streamGenerateContent by echoing the last user text. */
export const echoGenerate = (request: RecordedRequest): Reply => {
  if (request.headers["x-goog-api-key"] === undefined) {
    return error(
      403,
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
    )
  }
  const body = (request.json ?? {}) as { contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }> }
  const last = [...(body.contents ?? [])].reverse().find((c) => c.role === "user")
  const prompt = (last?.parts ?? []).map((p) => p.text ?? "").join("")
  const text = `You said: ${prompt}`
  const usage = {
    promptTokenCount: Math.max(1, Math.ceil(prompt.length / 4)),
    candidatesTokenCount: Math.ceil(text.length / 4)
  }
  if (request.path.endsWith(":streamGenerateContent")) return textStream(text.split(/(?<= )/), { usage })
  return response({ parts: [{ text }], usage })
}
