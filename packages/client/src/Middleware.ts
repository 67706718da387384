/**
 * Typed wrappers around `chat` and `chatStream`. A middleware receives the request (with `model`
 * still the id or alias the caller gave), the call options and `next`; it may change the
 * request, answer without calling `next` (a cache), refuse (a guardrail), or transform the
 * response or the stream. The list given to `Aiu.make` is composed in order: the first one is
 * the outermost. Middleware runs before policies, budgets and fallbacks.
 *
 * @since 0.1.0
 */
import { type AiuError, PolicyDenied } from "@aiu/core/AiuError"
import type { ChatRequest, ChatResponse } from "@aiu/core/Chat"
import { textOf } from "@aiu/core/Message"
import * as Redaction from "@aiu/core/Redaction"
import { Accumulator, fromResponse, type StreamChunk } from "@aiu/core/StreamChunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"
import type { CallOptions } from "./CallOptions.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Context {
  readonly operation: "chat" | "stream"
  readonly options: CallOptions
}

/**
 * @since 0.1.0
 * @category models
 */
export type ChatNext = (request: ChatRequest) => Effect.Effect<ChatResponse, AiuError>

/**
 * @since 0.1.0
 * @category models
 */
export type StreamNext = (request: ChatRequest) => Stream.Stream<StreamChunk, AiuError>

/**
 * @since 0.1.0
 * @category models
 */
export interface Middleware {
  readonly name: string
  readonly chat?: (request: ChatRequest, next: ChatNext, context: Context) => Effect.Effect<ChatResponse, AiuError>
  readonly chatStream?: (
    request: ChatRequest,
    next: StreamNext,
    context: Context
  ) => Stream.Stream<StreamChunk, AiuError>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (middleware: Middleware): Middleware => middleware

/**
 * Wraps `core` with the middleware list, first = outermost.
 * @since 0.1.0
 * @category combinators
 */
export const composeChat = (
  middleware: ReadonlyArray<Middleware>,
  core: (request: ChatRequest, context: Context) => Effect.Effect<ChatResponse, AiuError>
): ((request: ChatRequest, context: Context) => Effect.Effect<ChatResponse, AiuError>) => {
  let run = core
  for (let i = middleware.length - 1; i >= 0; i--) {
    const m = middleware[i]!
    if (m.chat === undefined) continue
    const inner = run
    const wrap = m.chat
    run = (request, context) => wrap(request, (r) => inner(r, context), context)
  }
  return run
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const composeStream = (
  middleware: ReadonlyArray<Middleware>,
  core: (request: ChatRequest, context: Context) => Stream.Stream<StreamChunk, AiuError>
): ((request: ChatRequest, context: Context) => Stream.Stream<StreamChunk, AiuError>) => {
  let run = core
  for (let i = middleware.length - 1; i >= 0; i--) {
    const m = middleware[i]!
    if (m.chatStream === undefined) continue
    const inner = run
    const wrap = m.chatStream
    run = (request, context) => wrap(request, (r) => inner(r, context), context)
  }
  return run
}

/**
 * Changes every request (chat and stream) before it goes on.
 * @since 0.1.0
 * @category constructors
 */
export const transformRequest = (
  name: string,
  f: (request: ChatRequest, context: Context) => ChatRequest
): Middleware => ({
  name,
  chat: (request, next, context) => next(f(request, context)),
  chatStream: (request, next, context) => next(f(request, context))
})

/**
 * Changes every whole response.
 * @since 0.1.0
 * @category constructors
 */
export const transformResponse = (
  name: string,
  f: (response: ChatResponse, request: ChatRequest) => ChatResponse
): Middleware => ({
  name,
  chat: (request, next) => Effect.map(next(request), (response) => f(response, request))
})

/**
 * Maps every stream chunk.
 * @since 0.1.0
 * @category constructors
 */
export const mapStream = (name: string, f: (chunk: StreamChunk) => StreamChunk): Middleware => ({
  name,
  chatStream: (request, next) => Stream.map(next(request), f)
})

/**
 * Refuses requests: `check` returns why (a `PolicyDenied` message naming `name`) or undefined.
 * @since 0.1.0
 * @category constructors
 */
export const guardrail = (
  name: string,
  check: (request: ChatRequest, context: Context) => string | undefined
): Middleware => {
  const refuse = (request: ChatRequest, context: Context) => {
    const why = check(request, context)
    return why === undefined ? undefined : new PolicyDenied({ message: `${name}: ${why}`, policy: name })
  }
  return {
    name,
    chat: (request, next, context) => {
      const denied = refuse(request, context)
      return denied ? Effect.fail(denied) : next(request)
    },
    chatStream: (request, next, context) => {
      const denied = refuse(request, context)
      return denied ? Stream.fail(denied) : next(request)
    }
  }
}

const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const longDigits = /\b(?:\d[ -]?){9,}\d\b/g

/**
 * The default prompt redaction: emails, long digit runs (phone, card, account numbers), key-shaped
 * strings.
 * @since 0.1.0
 * @category constructors
 */
export const redactPrompt = (text: string): string =>
  Redaction.redactString(text).replace(email, "<email>").replace(longDigits, "<number>")

/**
 * Logs each prompt (and the answer's text) with personal data redacted, at `Debug` by default.
 * The client never logs prompt content otherwise.
 * @since 0.1.0
 * @category constructors
 */
export const logPrompts = (options?: {
  readonly redact?: ((text: string) => string) | undefined
  readonly level?: LogLevel.LogLevel | undefined
}): Middleware => {
  const redact = options?.redact ?? redactPrompt
  const level = options?.level ?? LogLevel.Debug
  const promptOf = (request: ChatRequest) =>
    request.messages.map((m) => `${m.role}: ${redact(m.role === "tool" ? "[tool result]" : textOf(m.content))}`)
  return {
    name: "logPrompts",
    chat: (request, next) =>
      Effect.logWithLevel(level, "aiu prompt", { model: request.model, messages: promptOf(request) }).pipe(
        Effect.zipRight(next(request)),
        Effect.tap((response) =>
          Effect.logWithLevel(level, "aiu completion", { model: request.model, text: redact(response.text) })
        )
      ),
    chatStream: (request, next) =>
      Stream.unwrap(
        Effect.as(
          Effect.logWithLevel(level, "aiu prompt", { model: request.model, messages: promptOf(request) }),
          next(request)
        )
      )
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheOptions {
  /** Entries kept (default 1,000); the oldest is evicted first. */
  readonly capacity?: number | undefined
  /** How long an answer stays fresh (default 5 minutes). */
  readonly ttl?: Duration.DurationInput | undefined
  /** The cache key; default: the whole request and the key alias, as JSON. */
  readonly key?: ((request: ChatRequest, context: Context) => string) | undefined
}

/**
 * Answers repeated identical requests from memory (whole responses; a cached answer to a stream
 * request is replayed as chunks). Only successful, complete answers are stored.
 * @since 0.1.0
 * @category constructors
 */
export const cache = (options?: CacheOptions): Middleware => {
  const capacity = options?.capacity ?? 1000
  const ttl = Duration.toMillis(Duration.decode(options?.ttl ?? "5 minutes"))
  const keyOf =
    options?.key ??
    ((request: ChatRequest, context: Context) => JSON.stringify([context.options.keyAlias ?? "", request]))
  const entries = new Map<string, { readonly response: ChatResponse; readonly expires: number }>()
  const lookup = (key: string, now: number) => {
    const hit = entries.get(key)
    if (hit === undefined) return undefined
    if (hit.expires <= now) {
      entries.delete(key)
      return undefined
    }
    return hit.response
  }
  const store = (key: string, response: ChatResponse, now: number) => {
    entries.delete(key)
    entries.set(key, { response, expires: now + ttl })
    if (entries.size > capacity) {
      const oldest = entries.keys().next()
      if (!oldest.done) entries.delete(oldest.value)
    }
  }
  return {
    name: "cache",
    chat: (request, next, context) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const key = keyOf(request, context)
        const hit = lookup(key, now)
        if (hit !== undefined) return Effect.succeed(hit)
        return Effect.tap(next(request), (response) =>
          Effect.map(Clock.currentTimeMillis, (at) => store(key, response, at))
        )
      }),
    chatStream: (request, next, context) =>
      Stream.unwrap(
        Effect.map(Clock.currentTimeMillis, (now) => {
          const key = keyOf(request, context)
          const hit = lookup(key, now)
          if (hit !== undefined) return Stream.fromIterable(fromResponse(hit))
          const acc = new Accumulator()
          return next(request).pipe(
            Stream.mapChunks((chunk) => {
              for (const c of chunk) acc.add(c)
              return chunk
            }),
            Stream.onEnd(
              Effect.map(Clock.currentTimeMillis, (at) => {
                if (acc.finish !== undefined) store(key, acc.response(request.model), at)
              })
            )
          )
        })
      )
  }
}
