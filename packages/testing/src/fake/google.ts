/**
 * The Gemini API wire format for the fake server: `generateContent` responses, `alt=sse` streams
 * (`data: …\r\n\r\n`, no event names, no terminator: the stream ends when the connection closes),
 * error bodies (`{"error":{code, message, status, details}}`), `batchEmbedContents` (at most 100
 * requests, like the real API) and the models list paginated by `pageToken`. Shapes follow
 * fixtures/google and wire-formats.md §4.
 */
import type * as Conformance from "../Conformance.js"
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

// -----------------------------------------------------------------------------
// Conformance
// -----------------------------------------------------------------------------

const quotaFailure = (quotaId: string) => ({
  "@type": "type.googleapis.com/google.rpc.QuotaFailure",
  violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests", quotaId }]
})
const retryInfo = (delay: string) => ({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay })

const errorReplies: Record<Exclude<Conformance.ErrorKind, "content-filter">, Reply> = {
  auth: error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }
  ]),
  permission: error(403, "PERMISSION_DENIED", "The caller does not have permission"),
  "rate-limit": error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan.", [
    quotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
    retryInfo("34.4s")
  ]),
  quota: error(
    429,
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details.",
    [quotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), retryInfo("3600s")]
  ),
  "context-length": error(
    400,
    "INVALID_ARGUMENT",
    "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
  ),
  overloaded: error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
  "model-not-found": error(
    404,
    "NOT_FOUND",
    "models/gemini-nope is not found for API version v1beta, or is not supported for generateContent."
  ),
  "invalid-request": error(
    400,
    "INVALID_ARGUMENT",
    'Invalid JSON payload received. Unknown name "foo": Cannot find field.'
  ),
  server: error(
    500,
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
  )
}

const streamErrors: Partial<Record<Conformance.ErrorKind, readonly [number, string, string]>> = {
  overloaded: [503, "UNAVAILABLE", "The model is overloaded. Please try again later."],
  server: [500, "INTERNAL", "An internal error has occurred."],
  "rate-limit": [429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."]
}

/** A prompt blocked by safety: 200, no candidates, `promptFeedback.blockReason`. */
export const blockedPrompt = (reason = "SAFETY"): unknown => ({
  promptFeedback: { blockReason: reason },
  usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
  modelVersion: "gemini-2.5-flash",
  responseId: "fakeBlocked0001"
})

interface Body {
  readonly contents?: ReadonlyArray<{
    readonly role?: string
    readonly parts?: ReadonlyArray<{
      readonly text?: string
      readonly inlineData?: unknown
      readonly fileData?: unknown
      readonly functionResponse?: { readonly id?: string; readonly name?: string; readonly response?: unknown }
    }>
  }>
  readonly tools?: ReadonlyArray<{ readonly functionDeclarations?: ReadonlyArray<{ readonly name: string }> }>
  readonly generationConfig?: {
    readonly responseJsonSchema?: unknown
    readonly responseSchema?: unknown
    readonly temperature?: number
    readonly topP?: number
    readonly maxOutputTokens?: number
    readonly stopSequences?: ReadonlyArray<string>
    readonly seed?: number
  }
  readonly toolConfig?: {
    readonly functionCallingConfig?: { readonly mode?: string; readonly allowedFunctionNames?: ReadonlyArray<string> }
  }
  readonly requests?: ReadonlyArray<{
    readonly content?: { readonly parts?: ReadonlyArray<{ readonly text?: string }> }
  }>
}

/**
 * How Gemini speaks, for `Conformance.suite`. Gemini sends no request id header (set
 * `supports.requestIds: false`) and no call ids; "content-filter" is a 200 whose prompt was blocked.
 */
export const wire: Conformance.Wire = {
  chatRoute: ({ model, stream: streamed }) => ({
    method: "POST",
    path: `/v1beta/models/${model}:${streamed ? "streamGenerateContent" : "generateContent"}`
  }),
  text: ({ model, text, usage }) =>
    response({
      parts: [{ text }],
      model,
      usage: { promptTokenCount: usage.input, candidatesTokenCount: usage.output }
    }),
  textStream: ({ model, pieces, usage }) =>
    textStream(pieces, { model, usage: { promptTokenCount: usage.input, candidatesTokenCount: usage.output } }),
  toolCalls: ({ model, calls, usage, stream: streamed }) => {
    const object = responseObject({
      parts: calls.map((c) => ({ functionCall: { name: c.name, args: c.arguments } })),
      finishReason: "STOP",
      model,
      usage: { promptTokenCount: usage.input, candidatesTokenCount: usage.output }
    })
    return streamed ? stream([object]) : json(200, object)
  },
  error: (kind, { stream: streamed }) => {
    if (kind === "content-filter") return streamed === true ? stream([blockedPrompt()]) : json(200, blockedPrompt())
    return errorReplies[kind]
  },
  streamError: (kind, { model, pieces }) => {
    const [code, status, message] = streamErrors[kind] ?? [500, "INTERNAL", "An internal error has occurred."]
    return stream([
      ...pieces.map((text) => responseObject({ parts: [{ text }], model })),
      errorObject(code, status, message)
    ])
  },
  reasoning: ({ model, reasoning, text, usage, stream: streamed }) => {
    const u = {
      promptTokenCount: usage.input,
      candidatesTokenCount: usage.output - usage.reasoning,
      thoughtsTokenCount: usage.reasoning
    }
    if (!streamed) {
      return response({ parts: [{ text: reasoning, thought: true }, { text }], model, usage: u })
    }
    return stream([
      responseObject({
        parts: [{ text: reasoning, thought: true }],
        model,
        usage: { promptTokenCount: usage.input, thoughtsTokenCount: usage.reasoning }
      }),
      responseObject({ parts: [{ text }], model, usage: u, finishReason: "STOP" })
    ])
  },
  modelsRoute: { method: "GET", path: "/v1beta/models" },
  models: (ids) =>
    json(200, {
      models: ids.map((id) => ({
        name: `models/${id}`,
        version: "001",
        displayName: id,
        inputTokenLimit: 1048576,
        outputTokenLimit: 8192,
        supportedGenerationMethods: /embed/.test(id)
          ? ["embedContent", "countTextTokens"]
          : ["generateContent", "countTokens"]
      }))
    }),
  embedRoute: ({ model }) => ({ method: "POST", path: `/v1beta/models/${model}:batchEmbedContents` }),
  embeddings: ({ vectors }) => json(200, { embeddings: vectors.map((values) => ({ values })) }),
  authHeader: (key) => ["x-goog-api-key", key],
  read: {
    lastUserText: (body) => {
      const contents = (body as Body | undefined)?.contents ?? []
      const last = [...contents]
        .reverse()
        .find((c) => c.role === "user" && (c.parts ?? []).some((p) => p.text !== undefined))
      return last === undefined ? undefined : (last.parts ?? []).map((p) => p.text ?? "").join("")
    },
    toolNames: (body) =>
      ((body as Body | undefined)?.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((d) => d.name)),
    toolResults: (body) =>
      ((body as Body | undefined)?.contents ?? []).flatMap((c) =>
        (c.parts ?? []).flatMap((p) =>
          p.functionResponse !== undefined
            ? [
                {
                  id: p.functionResponse.id,
                  name: p.functionResponse.name,
                  content: JSON.stringify(p.functionResponse.response)
                }
              ]
            : []
        )
      ),
    responseSchema: (body) => {
      const config = (body as Body | undefined)?.generationConfig
      return config?.responseJsonSchema ?? config?.responseSchema
    },
    sampling: (body) => {
      const c = (body as Body | undefined)?.generationConfig
      return {
        temperature: c?.temperature,
        topP: c?.topP,
        maxOutputTokens: c?.maxOutputTokens,
        stop: c?.stopSequences,
        seed: c?.seed
      }
    },
    toolChoice: (body) => {
      const config = (body as Body | undefined)?.toolConfig?.functionCallingConfig
      switch (config?.mode) {
        case "AUTO":
          return "auto"
        case "NONE":
          return "none"
        case "ANY": {
          const only = config.allowedFunctionNames
          return only !== undefined && only.length === 1 ? { name: only[0]! } : "required"
        }
        default:
          return undefined
      }
    },
    imageInputs: (body) => {
      const contents = (body as Body | undefined)?.contents ?? []
      const last = [...contents].reverse().find((c) => c.role === "user")
      return (last?.parts ?? []).filter((p) => p.inlineData !== undefined || p.fileData !== undefined).length
    },
    embedInputs: (body) =>
      ((body as Body | undefined)?.requests ?? []).map((r) =>
        (r.content?.parts ?? []).map((p) => p.text ?? "").join("")
      )
  }
}
