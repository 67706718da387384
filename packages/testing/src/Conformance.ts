/**
 * One conformance suite for every provider adapter. The same scenarios run against the fake
 * provider server on 127.0.0.1, each provider answering in its own wire format:
 *
 * - plain chat (text, usage, finish reason, request id; the request carries the prompt and the
 *   key in the provider's auth header, never in the URL);
 * - streaming (deltas in order, usage, finish; the same body cut into 1-byte and random pieces,
 *   with multi-byte characters);
 * - tools (one call whole and streamed, parallel calls, tool results sent back);
 * - structured output (the JSON schema reaches the wire; the JSON text comes back);
 * - errors (each kind the provider can express → the right error tag, for chat and stream, with
 *   the request id; in-band stream errors where the provider has them);
 * - keys (a missing key is an `AuthenticationError` naming the fix and sends nothing; a per-call
 *   key overrides the configured one);
 * - interruption (a consumer that stops early aborts the HTTP request: the server sees it);
 * - listing (models → `ModelInfo`), and `UnsupportedOperation` for what the adapter lacks.
 *
 * A target supplies how to build its adapter against a fake server URL (`make`), what it
 * supports, and a `Wire`: how to answer each scenario and how to read requests back.
 *
 * ```ts
 * import * as Conformance from "@aiu/testing/Conformance"
 * Conformance.suite({ name: "openai", model: "gpt-4o-mini", make, supports, wire: FakeOpenAi.wire })
 * ```
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type * as Chat from "@aiu/core/Chat"
import type * as Provider from "@aiu/core/Provider"
import * as StreamChunk from "@aiu/core/StreamChunk"
import type { HttpTransport } from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as FakeProviderServer from "./FakeProviderServer.js"
import { resplit } from "./Recordings.js"

// =============================================================================
// Models
// =============================================================================

/**
 * The error situations a provider can express on the wire.
 * @since 0.1.0
 * @category models
 */
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

/**
 * The error tag each kind must map to.
 * @since 0.1.0
 * @category constants
 */
export const expectedTag: Readonly<Record<ErrorKind, AiuError.AiuError["_tag"]>> = {
  auth: "AuthenticationError",
  permission: "PermissionDenied",
  "rate-limit": "RateLimited",
  quota: "QuotaExceeded",
  "context-length": "ContextLengthExceeded",
  "content-filter": "ContentFiltered",
  overloaded: "ProviderOverloaded",
  "model-not-found": "ModelNotFound",
  "invalid-request": "InvalidRequest",
  server: "ProviderError"
}

/**
 * Every kind, for targets that express them all.
 * @since 0.1.0
 * @category constants
 */
export const allErrorKinds: ReadonlyArray<ErrorKind> = Object.keys(expectedTag) as Array<ErrorKind>

/**
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly method: string
  /** Exact path, or a prefix ending in `*`. */
  readonly path: string
}

/**
 * Token counts the fake reports; the adapter must surface them.
 * @since 0.1.0
 * @category models
 */
export interface WireUsage {
  readonly input: number
  readonly output: number
}

/**
 * A tool call the fake makes; `arguments` is serialised by the wire.
 * @since 0.1.0
 * @category models
 */
export interface WireToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: Readonly<Record<string, unknown>>
}

/**
 * A tool result as read back from a request.
 * @since 0.1.0
 * @category models
 */
export interface SentToolResult {
  /** The call id, when the wire format carries one. */
  readonly id?: string | undefined
  readonly name?: string | undefined
  /** The result text as sent (JSON-encoded objects are fine: compared after parsing). */
  readonly content: string
}

/**
 * How a provider speaks: the replies the fake sends and how requests are read back.
 * @since 0.1.0
 * @category models
 */
export interface Wire {
  /** Where a chat request goes (Gemini: a different path for streams). */
  readonly chatRoute: (params: { readonly model: string; readonly stream: boolean }) => Route
  /** A whole text answer. */
  readonly text: (params: {
    readonly model: string
    readonly text: string
    readonly usage: WireUsage
    readonly requestId: string
  }) => FakeProviderServer.Reply
  /** A streamed text answer, one event per piece, with the usage and a normal finish. */
  readonly textStream: (params: {
    readonly model: string
    readonly pieces: ReadonlyArray<string>
    readonly usage: WireUsage
    readonly requestId: string
  }) => FakeProviderServer.Reply
  /** An answer made of tool calls (whole or streamed with argument fragments). */
  readonly toolCalls: (params: {
    readonly model: string
    readonly calls: ReadonlyArray<WireToolCall>
    readonly usage: WireUsage
    readonly stream: boolean
    readonly requestId: string
  }) => FakeProviderServer.Reply
  /** An HTTP error reply of this kind (status, body, headers as the provider sends them). */
  readonly error: (
    kind: ErrorKind,
    /** `stream`: whether the request was a streaming one (Gemini answers a blocked prompt in-format). */
    params: { readonly requestId: string; readonly stream?: boolean }
  ) => FakeProviderServer.Reply
  /** A 200 stream that sends `pieces` then an in-band error of this kind. */
  readonly streamError?: (
    kind: ErrorKind,
    params: { readonly model: string; readonly pieces: ReadonlyArray<string>; readonly requestId: string }
  ) => FakeProviderServer.Reply
  /**
   * An answer with reasoning text before the text, whole or streamed, reporting `usage.reasoning`
   * reasoning tokens (needed for `supports.reasoning`).
   */
  readonly reasoning?: (params: {
    readonly model: string
    readonly reasoning: string
    readonly text: string
    readonly usage: WireUsage & { readonly reasoning: number }
    readonly stream: boolean
    readonly requestId: string
  }) => FakeProviderServer.Reply
  readonly modelsRoute?: Route
  readonly models?: (ids: ReadonlyArray<string>) => FakeProviderServer.Reply
  readonly embedRoute?: (params: { readonly model: string }) => Route
  /** Vectors in input order. */
  readonly embeddings?: (params: {
    readonly model: string
    readonly vectors: ReadonlyArray<ReadonlyArray<number>>
    readonly inputTokens: number
  }) => FakeProviderServer.Reply
  /** The header that carries a key, e.g. `["authorization", "Bearer k"]`, `["x-api-key", "k"]`. */
  readonly authHeader: (key: string) => readonly [name: string, value: string]
  /** Reading a recorded request body (parsed JSON) back. */
  readonly read: {
    readonly lastUserText: (body: unknown) => string | undefined
    readonly toolNames: (body: unknown) => ReadonlyArray<string>
    readonly toolResults: (body: unknown) => ReadonlyArray<SentToolResult>
    /** The JSON schema of requested structured output, if any. */
    readonly responseSchema: (body: unknown) => unknown
    /** The texts of an embeddings request. */
    readonly embedInputs?: (body: unknown) => ReadonlyArray<string>
    /** How many images the last user message carries (for `supports.imageInput`). */
    readonly imageInputs?: (body: unknown) => number
    /** Sampling settings as sent (fields the wire cannot carry are undefined). */
    readonly sampling?: (body: unknown) => {
      readonly temperature?: number | undefined
      readonly topP?: number | undefined
      readonly maxOutputTokens?: number | undefined
      readonly stop?: ReadonlyArray<string> | undefined
      readonly seed?: number | undefined
    }
    /** The tool choice as sent, normalised. */
    readonly toolChoice?: (body: unknown) => "auto" | "none" | "required" | { readonly name: string } | undefined
  }
}

/**
 * What the adapter (and its provider) can do; scenarios for the rest check `UnsupportedOperation`
 * or are skipped.
 * @since 0.1.0
 * @category models
 */
export interface Supports {
  readonly stream: boolean
  readonly tools: boolean
  readonly parallelToolCalls: boolean
  readonly structuredOutput: boolean
  readonly listModels: boolean
  readonly embed: boolean
  readonly generateImage: boolean
  /** Reasoning text and tokens come back (needs `wire.reasoning`). */
  readonly reasoning?: boolean
  /** Images in user messages reach the wire (needs `wire.read.imageInputs`). */
  readonly imageInput?: boolean
  /** False for servers that take no key (Ollama, local compatible servers). */
  readonly requiresKey: boolean
  /** Error kinds to test over HTTP. */
  readonly errors: ReadonlyArray<ErrorKind>
  /** Error kinds to test in-band in a 200 stream (needs `wire.streamError`). */
  readonly streamErrors?: ReadonlyArray<ErrorKind>
  /**
   * False when the provider's responses carry no request id header (Gemini): the request-id
   * assertions are skipped. Default true.
   */
  readonly requestIds?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Target {
  /** The `describe` label. */
  readonly name: string
  /** The provider-local model name used in requests. */
  readonly model: string
  /** An embedding model name, when `supports.embed`. */
  readonly embeddingModel?: string
  /**
   * Builds the adapter against the fake server (`url` is `http://127.0.0.1:<port>`, no path;
   * add your version segment). `apiKey` undefined means: configure no key.
   */
  readonly make: (params: {
    readonly url: string
    readonly apiKey: Redacted.Redacted<string> | undefined
  }) => Effect.Effect<Provider.Service, AiuError.ConfigError, HttpTransport>
  readonly supports: Supports
  readonly wire: Wire
  /** The HTTP stack; default `NodeHttpTransport.layer()`. */
  readonly transport?: Layer.Layer<HttpTransport>
  /** Text the missing-key message must contain (e.g. `OPENAI_API_KEY`). */
  readonly missingKeyHint?: string
}

// =============================================================================
// Helpers
// =============================================================================

const KEY = "sk-conformance-0123456789"
const OTHER_KEY = "sk-conformance-per-call-9876543210"
const REQUEST_ID = "req_conformance_0001"
/** Retries off: an error scenario must see the first answer's mapping, not the retry loop. */
const noRetry: CallOptions = { retry: { maxRetries: 0 } }

const weatherTool: Chat.ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city"],
    additionalProperties: false
  }
}

const timeTool: Chat.ToolDefinition = {
  name: "get_time",
  description: "Current time in a timezone",
  parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"], additionalProperties: false }
}

const personSchema = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false
}

const toBytes = (body: FakeProviderServer.Reply["body"]): Uint8Array => {
  const enc = new TextEncoder()
  if (body === undefined) return new Uint8Array(0)
  if (typeof body === "string") return enc.encode(body)
  if (body instanceof Uint8Array) return body
  const parts = body.map((p) => (typeof p === "string" ? enc.encode(p) : p))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.byteLength
  }
  return out
}

/** The same reply with its body cut into other pieces (seed 0: one byte each). */
const recut = (reply: FakeProviderServer.Reply, seed: number): FakeProviderServer.Reply => ({
  ...reply,
  body: resplit(toBytes(reply.body), seed, 48)
})

/**
 * The failure of an effect, asserted to be an `AiuError`.
 * @since 0.1.0
 * @category helpers
 */
export const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<AiuError.AiuError> =>
  Effect.flatMap(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return Effect.dieMessage(`expected a failure, got ${JSON.stringify(exit.value)}`)
    const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    return AiuError.isAiuError(error)
      ? Effect.succeed(error)
      : Effect.dieMessage(`expected an AiuError, got: ${String(exit.cause)}`)
  })

const parseArgs = (s: string): unknown => JSON.parse(s.length > 0 ? s : "{}")

const parseMaybe = (s: string): unknown => {
  try {
    return JSON.parse(s)
  } catch {
    return s
  }
}

/** Polls (not a timing assertion: it only bounds how long we wait for the socket close). */
const eventually = (check: () => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      if (check()) return
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
    }
    assert.fail(`timed out waiting for: ${what}`)
  })

// =============================================================================
// The suite
// =============================================================================

/**
 * Registers the conformance scenarios for one target (call it at the top level of a test file).
 * @since 0.1.0
 * @category suites
 */
export const suite = (target: Target): void => {
  const { wire, supports, model } = target
  const transport = target.transport ?? NodeHttpTransport.layer()

  /** `null`: configure no key. */
  const setup = (apiKey: string | null = KEY) =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const provider = yield* target.make({
        url: server.url,
        apiKey: apiKey === null ? undefined : Redacted.make(apiKey)
      })
      return { server, provider }
    })

  const route = (server: FakeProviderServer.FakeServer, r: Route, reply: FakeProviderServer.Reply) =>
    server.route(r.method, r.path, reply)

  const user = (text: string): Chat.ChatRequest => ({ model, messages: [{ role: "user", content: text }] })

  describe(`conformance: ${target.name}`, () => {
    it.layer(transport)((it) => {
      // ---------------------------------------------------------------- chat
      it.scoped("chat: text, usage, finish reason, request id; prompt and key on the wire", () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup()
          route(
            server,
            wire.chatRoute({ model, stream: false }),
            wire.text({
              model,
              text: "Hello from the fake provider.",
              usage: { input: 11, output: 7 },
              requestId: REQUEST_ID
            })
          )
          const response = yield* provider.chat({
            model,
            messages: [
              { role: "system", content: "Be brief." },
              { role: "user", content: "Say hello" }
            ],
            temperature: 0.2,
            maxOutputTokens: 64
          })
          assert.strictEqual(response.text, "Hello from the fake provider.")
          assert.strictEqual(response.finishReason, "stop")
          assert.strictEqual(response.usage.inputTokens, 11)
          assert.strictEqual(response.usage.outputTokens, 7)
          if (supports.requestIds !== false) assert.strictEqual(response.requestId, REQUEST_ID)
          assert.deepStrictEqual(response.toolCalls, [])
          const sent = server.requests[0]
          assert.isDefined(sent)
          assert.strictEqual(wire.read.lastUserText(sent!.json), "Say hello")
          const [name, value] = wire.authHeader(KEY)
          assert.strictEqual(sent!.headers[name.toLowerCase()], value)
          assert.notInclude(sent!.url, KEY, "the key must never be in the URL")
        })
      )

      // ---------------------------------------------------------------- keys
      if (supports.requiresKey) {
        it.scoped("keys: a missing key fails with AuthenticationError naming the fix, nothing is sent", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup(null)
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: "x", usage: { input: 1, output: 1 }, requestId: REQUEST_ID })
            )
            const error = yield* failureOf(provider.chat(user("hi")))
            assert.strictEqual(error._tag, "AuthenticationError")
            if (target.missingKeyHint !== undefined) assert.include(error.message, target.missingKeyHint)
            assert.include(error.message, "aiu keys add")
            assert.strictEqual(server.requests.length, 0)
          })
        )
      }

      it.scoped("keys: a per-call key overrides the configured one", () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup()
          route(
            server,
            wire.chatRoute({ model, stream: false }),
            wire.text({ model, text: "ok", usage: { input: 1, output: 1 }, requestId: REQUEST_ID })
          )
          yield* provider.chat(user("hi"), { apiKey: Redacted.make(OTHER_KEY) })
          const [name, value] = wire.authHeader(OTHER_KEY)
          assert.strictEqual(server.requests[0]?.headers[name.toLowerCase()], value)
        })
      )

      // ---------------------------------------------------------------- stream
      if (supports.stream) {
        const pieces = ["Hel", "lo, ", "wörld ", "👋 ", "世界", "!"]
        const streamReply = () =>
          wire.textStream({ model, pieces, usage: { input: 9, output: 6 }, requestId: REQUEST_ID })

        for (const seed of [undefined, 0, 7, 1234]) {
          const label =
            seed === undefined ? "" : seed === 0 ? " (1-byte network chunks)" : ` (random chunks, seed ${seed})`
          it.scoped(`stream: text deltas in order, usage, finish${label}`, () =>
            Effect.gen(function* () {
              const { server, provider } = yield* setup()
              const reply = streamReply()
              route(server, wire.chatRoute({ model, stream: true }), seed === undefined ? reply : recut(reply, seed))
              const chunks = [...(yield* Stream.runCollect(provider.chatStream(user("Say hello"))))]
              const deltas = chunks.flatMap((c) => (c.type === "text-delta" ? [c.text] : []))
              assert.strictEqual(deltas.join(""), pieces.join(""))
              if (seed === undefined) assert.isAtLeast(deltas.length, 2, "text arrives incrementally")
              const last = chunks.at(-1)
              assert.strictEqual(last?.type, "finish")
              const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), model)
              assert.strictEqual(response.finishReason, "stop")
              assert.strictEqual(response.usage.inputTokens, 9)
              assert.strictEqual(response.usage.outputTokens, 6)
              if (supports.requestIds !== false) assert.strictEqual(response.requestId, REQUEST_ID)
              assert.strictEqual(wire.read.lastUserText(server.requests[0]?.json), "Say hello")
            })
          )
        }

        it.scoped("interruption: a consumer that stops early aborts the request (the server sees it)", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            const reply = streamReply()
            // send the first pieces, then never finish
            route(server, wire.chatRoute({ model, stream: true }), { ...reply, stall: true })
            const first = yield* provider.chatStream(user("Say hello")).pipe(
              Stream.filter((c) => c.type === "text-delta"),
              Stream.take(1),
              Stream.runCollect
            )
            assert.strictEqual([...first].length, 1)
            yield* eventually(() => server.aborted.length === 1, "the fake server to see the aborted request")
          })
        )

        it.scoped("interruption: a dropped connection mid-stream is a typed failure", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            const bytes = toBytes(streamReply().body)
            route(server, wire.chatRoute({ model, stream: true }), {
              ...streamReply(),
              body: [bytes.subarray(0, Math.floor(bytes.length / 2)), bytes.subarray(Math.floor(bytes.length / 2))],
              dropAfter: 1
            })
            const error = yield* failureOf(Stream.runDrain(provider.chatStream(user("Say hello"), noRetry)))
            assert.oneOf(error._tag, ["StreamInterrupted", "NetworkError", "ResponseDecodeError"])
          })
        )
      }

      // ---------------------------------------------------------------- tools
      if (supports.tools) {
        const oneCall: WireToolCall = {
          id: "call_weather_1",
          name: "get_weather",
          arguments: { city: "Paris", unit: "c" }
        }
        const twoCalls: ReadonlyArray<WireToolCall> = [
          oneCall,
          { id: "call_time_2", name: "get_time", arguments: { tz: "Europe/Paris" } }
        ]
        const toolRequest: Chat.ChatRequest = {
          model,
          messages: [{ role: "user", content: "Weather and time in Paris?" }],
          tools: [weatherTool, timeTool],
          toolChoice: "auto"
        }

        it.scoped("tools: one call (whole response), tools declared on the wire", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.toolCalls({
                model,
                calls: [oneCall],
                usage: { input: 20, output: 10 },
                stream: false,
                requestId: REQUEST_ID
              })
            )
            const response = yield* provider.chat(toolRequest)
            assert.strictEqual(response.toolCalls.length, 1)
            assert.strictEqual(response.toolCalls[0]!.name, "get_weather")
            assert.deepStrictEqual(parseArgs(response.toolCalls[0]!.arguments), oneCall.arguments)
            assert.isString(response.toolCalls[0]!.id)
            assert.strictEqual(response.finishReason, "tool-calls")
            assert.sameMembers([...wire.read.toolNames(server.requests[0]?.json)], ["get_weather", "get_time"])
          })
        )

        if (supports.stream) {
          it.scoped("tools: one call streamed, start / deltas / end assembled", () =>
            Effect.gen(function* () {
              const { server, provider } = yield* setup()
              route(
                server,
                wire.chatRoute({ model, stream: true }),
                recut(
                  wire.toolCalls({
                    model,
                    calls: [oneCall],
                    usage: { input: 20, output: 10 },
                    stream: true,
                    requestId: REQUEST_ID
                  }),
                  3
                )
              )
              const chunks = [...(yield* Stream.runCollect(provider.chatStream(toolRequest)))]
              const starts = chunks.filter((c) => c.type === "tool-call-start")
              const ends = chunks.flatMap((c) => (c.type === "tool-call-end" ? [c] : []))
              assert.strictEqual(starts.length, 1)
              assert.strictEqual(ends.length, 1)
              assert.strictEqual(ends[0]!.name, "get_weather")
              assert.deepStrictEqual(parseArgs(ends[0]!.arguments), oneCall.arguments)
              const deltas = chunks.flatMap((c) => (c.type === "tool-call-delta" ? [c.argumentsDelta] : []))
              if (deltas.length > 0) assert.deepStrictEqual(parseArgs(deltas.join("")), oneCall.arguments)
              const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), model)
              assert.strictEqual(response.finishReason, "tool-calls")
              assert.strictEqual(response.usage.inputTokens, 20)
            })
          )
        }

        if (supports.parallelToolCalls) {
          for (const stream of supports.stream ? [false, true] : [false]) {
            it.scoped(`tools: parallel calls${stream ? " (streamed)" : ""}, each complete and in order`, () =>
              Effect.gen(function* () {
                const { server, provider } = yield* setup()
                route(
                  server,
                  wire.chatRoute({ model, stream }),
                  wire.toolCalls({
                    model,
                    calls: twoCalls,
                    usage: { input: 30, output: 20 },
                    stream,
                    requestId: REQUEST_ID
                  })
                )
                const response = stream
                  ? yield* StreamChunk.collect(provider.chatStream(toolRequest), model)
                  : yield* provider.chat(toolRequest)
                assert.deepStrictEqual(
                  response.toolCalls.map((c) => c.name),
                  ["get_weather", "get_time"]
                )
                assert.deepStrictEqual(
                  response.toolCalls.map((c) => parseArgs(c.arguments)),
                  twoCalls.map((c) => c.arguments)
                )
                assert.strictEqual(new Set(response.toolCalls.map((c) => c.id)).size, 2, "distinct call ids")
                assert.strictEqual(response.finishReason, "tool-calls")
              })
            )
          }
        }

        it.scoped("tools: results are sent back with their calls", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: "It is 18°C in Paris.", usage: { input: 40, output: 8 }, requestId: REQUEST_ID })
            )
            const response = yield* provider.chat({
              ...toolRequest,
              messages: [
                ...toolRequest.messages,
                {
                  role: "assistant",
                  content: [
                    {
                      type: "tool-call",
                      id: "call_weather_1",
                      name: "get_weather",
                      arguments: '{"city":"Paris","unit":"c"}'
                    },
                    { type: "tool-call", id: "call_time_2", name: "get_time", arguments: '{"tz":"Europe/Paris"}' }
                  ]
                },
                {
                  role: "tool",
                  content: [
                    { type: "tool-result", toolCallId: "call_weather_1", name: "get_weather", content: '{"temp":18}' },
                    { type: "tool-result", toolCallId: "call_time_2", name: "get_time", content: '{"time":"12:00"}' }
                  ]
                }
              ]
            })
            assert.strictEqual(response.text, "It is 18°C in Paris.")
            const results = wire.read.toolResults(server.requests[0]?.json)
            assert.strictEqual(results.length, 2)
            assert.deepStrictEqual(parseMaybe(results[0]!.content), { temp: 18 })
            assert.deepStrictEqual(parseMaybe(results[1]!.content), { time: "12:00" })
            if (results[0]!.id !== undefined) assert.strictEqual(results[0]!.id, "call_weather_1")
            if (results[1]!.id !== undefined) assert.strictEqual(results[1]!.id, "call_time_2")
          })
        )
      }

      // ---------------------------------------------------------------- structured output
      if (supports.structuredOutput) {
        it.scoped("structured output: the JSON schema reaches the wire, JSON comes back", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            const answer = { name: "Ada", age: 36 }
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: JSON.stringify(answer), usage: { input: 15, output: 9 }, requestId: REQUEST_ID })
            )
            const response = yield* provider.chat({
              ...user("Who wrote the first program?"),
              responseFormat: { type: "json-schema", name: "person", schema: personSchema, strict: true }
            })
            assert.deepStrictEqual(JSON.parse(response.text), answer)
            assert.deepStrictEqual(wire.read.responseSchema(server.requests[0]?.json), personSchema)
          })
        )
      }

      // ---------------------------------------------------------------- errors
      for (const kind of supports.errors) {
        it.scoped(`errors: ${kind} → ${expectedTag[kind]} (chat), with the request id`, () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.error(kind, { requestId: REQUEST_ID, stream: false })
            )
            const error = yield* failureOf(provider.chat(user("hi"), noRetry))
            assert.strictEqual(error._tag, expectedTag[kind], error.message)
            if (supports.requestIds !== false) {
              assert.strictEqual("requestId" in error ? error.requestId : undefined, REQUEST_ID)
            }
            assert.notInclude(error.message, KEY)
          })
        )
        if (supports.stream) {
          it.scoped(`errors: ${kind} → ${expectedTag[kind]} (stream, before the first byte)`, () =>
            Effect.gen(function* () {
              const { server, provider } = yield* setup()
              route(
                server,
                wire.chatRoute({ model, stream: true }),
                wire.error(kind, { requestId: REQUEST_ID, stream: true })
              )
              const error = yield* failureOf(Stream.runDrain(provider.chatStream(user("hi"), noRetry)))
              assert.strictEqual(error._tag, expectedTag[kind], error.message)
            })
          )
        }
      }

      if (wire.streamError !== undefined) {
        const streamError = wire.streamError
        for (const kind of supports.streamErrors ?? []) {
          it.scoped(`errors: ${kind} in-band in a 200 stream → ${expectedTag[kind]}, text before it delivered`, () =>
            Effect.gen(function* () {
              const { server, provider } = yield* setup()
              route(
                server,
                wire.chatRoute({ model, stream: true }),
                streamError(kind, { model, pieces: ["Partial ", "answer"], requestId: REQUEST_ID })
              )
              const seen: Array<string> = []
              const error = yield* failureOf(
                Stream.runForEach(provider.chatStream(user("hi"), noRetry), (c) =>
                  Effect.sync(() => {
                    if (c.type === "text-delta") seen.push(c.text)
                  })
                )
              )
              assert.strictEqual(error._tag, expectedTag[kind], error.message)
              assert.strictEqual(seen.join(""), "Partial answer")
            })
          )
        }
      }

      // ---------------------------------------------------------------- request mapping
      if (wire.read.sampling !== undefined) {
        const sampling = wire.read.sampling
        it.scoped("request: temperature, top-p, max output tokens, stop and seed reach the wire", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: "ok", usage: { input: 1, output: 1 }, requestId: REQUEST_ID })
            )
            yield* provider.chat({
              ...user("hi"),
              temperature: 0.3,
              topP: 0.9,
              maxOutputTokens: 77,
              stop: ["END"],
              seed: 42
            })
            const sent = sampling(server.requests[0]?.json)
            assert.strictEqual(sent.temperature, 0.3)
            assert.strictEqual(sent.topP, 0.9)
            assert.strictEqual(sent.maxOutputTokens, 77)
            assert.deepStrictEqual(sent.stop, ["END"])
            if (sent.seed !== undefined) assert.strictEqual(sent.seed, 42)
          })
        )
      }

      if (supports.tools && wire.read.toolChoice !== undefined) {
        const toolChoice = wire.read.toolChoice
        const choices: ReadonlyArray<Chat.ToolChoice> = [
          "auto",
          "none",
          "required",
          { type: "tool", name: "get_weather" }
        ]
        it.scoped("request: every tool choice reaches the wire", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: "ok", usage: { input: 1, output: 1 }, requestId: REQUEST_ID })
            )
            for (const choice of choices) {
              yield* provider.chat({ ...user("weather?"), tools: [weatherTool], toolChoice: choice })
              const sent = toolChoice(server.requests.at(-1)?.json)
              assert.deepStrictEqual(sent, typeof choice === "string" ? choice : { name: choice.name })
            }
          })
        )
      }

      // ---------------------------------------------------------------- reasoning
      if (supports.reasoning === true && wire.reasoning !== undefined) {
        const reasoningReply = wire.reasoning
        for (const stream of supports.stream ? [false, true] : [false]) {
          it.scoped(`reasoning: reasoning text and tokens come back${stream ? " (streamed)" : ""}`, () =>
            Effect.gen(function* () {
              const { server, provider } = yield* setup()
              route(
                server,
                wire.chatRoute({ model, stream }),
                reasoningReply({
                  model,
                  reasoning: "Two plus two: count up from two twice.",
                  text: "4",
                  usage: { input: 12, output: 30, reasoning: 25 },
                  stream,
                  requestId: REQUEST_ID
                })
              )
              const request: Chat.ChatRequest = {
                ...user("What is 2+2?"),
                reasoning: { effort: "low", includeThoughts: true }
              }
              const response = stream
                ? yield* StreamChunk.collect(provider.chatStream(request), model)
                : yield* provider.chat(request)
              assert.strictEqual(response.text, "4")
              assert.strictEqual(response.reasoning, "Two plus two: count up from two twice.")
              assert.strictEqual(response.usage.reasoningTokens, 25)
              assert.strictEqual(response.content[0]?.type, "reasoning", "reasoning comes before the answer")
            })
          )
        }
      }

      // ---------------------------------------------------------------- image input
      if (supports.imageInput === true && wire.read.imageInputs !== undefined) {
        const imageInputs = wire.read.imageInputs
        it.scoped("image input: image parts (URL and base64) reach the wire", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(
              server,
              wire.chatRoute({ model, stream: false }),
              wire.text({ model, text: "A cat.", usage: { input: 90, output: 3 }, requestId: REQUEST_ID })
            )
            const response = yield* provider.chat({
              model,
              messages: [
                {
                  role: "user",
                  content: [
                    { type: "text", text: "What is in these images?" },
                    { type: "image", url: "https://example.org/cat.png" },
                    { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }
                  ]
                }
              ]
            })
            assert.strictEqual(response.text, "A cat.")
            assert.strictEqual(imageInputs(server.requests[0]?.json), 2)
          })
        )
      }

      // ---------------------------------------------------------------- listing
      if (supports.listModels && wire.modelsRoute !== undefined && wire.models !== undefined) {
        const modelsRoute = wire.modelsRoute
        const models = wire.models
        it.scoped("listing: models → ModelInfo with ids, provider and inferred kinds", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            route(server, modelsRoute, models(["alpha-chat-1", "text-embedding-x", "beta-chat-2"]))
            const infos = yield* provider.listModels()
            const byModel = new Map(infos.map((m) => [m.model, m]))
            for (const m of ["alpha-chat-1", "text-embedding-x", "beta-chat-2"]) {
              const info = byModel.get(m)
              assert.isDefined(info, `listed ${m}`)
              assert.strictEqual(info!.provider, provider.info.id)
              assert.strictEqual(info!.id, `${provider.info.id}:${m}`)
            }
            assert.include(byModel.get("text-embedding-x")!.kinds, "embedding")
            assert.include(byModel.get("alpha-chat-1")!.kinds, "chat")
            const [name, value] = wire.authHeader(KEY)
            assert.strictEqual(server.requests[0]?.headers[name.toLowerCase()], value)
          })
        )
      }

      // ---------------------------------------------------------------- embeddings
      if (
        supports.embed &&
        wire.embedRoute !== undefined &&
        wire.embeddings !== undefined &&
        target.embeddingModel !== undefined
      ) {
        const embedRoute = wire.embedRoute
        const embeddings = wire.embeddings
        const embeddingModel = target.embeddingModel
        it.scoped("embed: one vector per input, in input order, with usage", () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            const vectors = [
              [0.1, 0.2, 0.3],
              [0.4, 0.5, 0.6]
            ]
            route(
              server,
              embedRoute({ model: embeddingModel }),
              embeddings({ model: embeddingModel, vectors, inputTokens: 4 })
            )
            const response = yield* provider.embed({ model: embeddingModel, input: ["first", "second"] })
            assert.deepStrictEqual(
              response.embeddings.map((v) => [...v]),
              vectors
            )
            if (wire.read.embedInputs !== undefined)
              assert.deepStrictEqual([...wire.read.embedInputs(server.requests[0]?.json)], ["first", "second"])
          })
        )
      }

      // ---------------------------------------------------------------- unsupported
      const unsupported: Array<[string, (p: Provider.Service) => Effect.Effect<unknown, AiuError.ProviderFailure>]> = []
      if (!supports.embed) unsupported.push(["embed", (p) => p.embed({ model, input: ["x"] })])
      if (!supports.generateImage) unsupported.push(["generateImage", (p) => p.generateImage({ model, prompt: "x" })])
      if (!supports.listModels) unsupported.push(["listModels", (p) => p.listModels()])
      for (const [op, call] of unsupported) {
        it.scoped(`unsupported: ${op} fails with UnsupportedOperation and sends nothing`, () =>
          Effect.gen(function* () {
            const { server, provider } = yield* setup()
            const error = yield* failureOf(call(provider))
            assert.strictEqual(error._tag, "UnsupportedOperation")
            assert.strictEqual(server.requests.length, 0)
          })
        )
      }

      it.scoped("info: capabilities match what the target says it supports", () =>
        Effect.gen(function* () {
          const { provider } = yield* setup()
          const c = provider.info.capabilities
          assert.isTrue(c.chat)
          assert.strictEqual(c.embed, supports.embed)
          assert.strictEqual(c.generateImage, supports.generateImage)
          assert.strictEqual(c.listModels, supports.listModels)
          if (supports.tools) assert.isTrue(c.tools)
          if (supports.structuredOutput) assert.isTrue(c.structuredOutput)
        })
      )
    })
  })
}
