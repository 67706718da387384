/**
 * The HTTP side of OpenAI-shaped APIs: URLs, auth headers (built per request from the call's key
 * or the configured one), error bodies. Azure OpenAI and the OpenAI-compatible adapter reuse it
 * with their own URL builder, auth header and error mapper.
 *
 * @since 0.1.0
 */
import type * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as errors from "./internal/errors.js"
import * as OpenAiRateLimits from "./OpenAiRateLimits.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The registered provider id (errors, limits). */
  readonly provider: string
  /** e.g. `https://api.openai.com/v1`, no trailing slash needed. */
  readonly baseUrl: string
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** When false a call without any key is sent unauthenticated (local servers). */
  readonly requiresKey: boolean
  /** Named in the missing-key message. */
  readonly apiKeyEnv?: string | undefined
  /** Static headers (organization, project, custom). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** `bearer`: `Authorization: Bearer <key>`; `api-key`: Azure's `api-key: <key>`. */
  readonly auth?: "bearer" | "api-key"
  /** The URL for an API path (`/chat/completions`) and model; default `baseUrl + path`. */
  readonly url?: (path: string, model: string | undefined) => string
  /** Provider-specific error mapping tried before the OpenAI one. */
  readonly mapError?: HttpTransport.ErrorMapper
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Client {
  readonly provider: string
  readonly post: <A, I>(
    operation: string,
    path: string,
    model: string | undefined,
    body: unknown,
    schema: Schema.Schema<A, I, never>,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<A>, AiuError.ProviderFailure>
  readonly get: <A, I>(
    operation: string,
    path: string,
    schema: Schema.Schema<A, I, never>,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<A>, AiuError.ProviderFailure>
  readonly sse: (
    operation: string,
    path: string,
    model: string | undefined,
    body: unknown,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.StreamResponse<SseEvent>, AiuError.ProviderFailure, Scope.Scope>
}

const trimSlash = (s: string) => (s.endsWith("/") ? s.slice(0, -1) : s)

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Client, never, HttpTransport.HttpTransport> =>
  Effect.map(HttpTransport.HttpTransport, (transport) => {
    const base = trimSlash(options.baseUrl)
    const urlOf = options.url ?? ((path: string) => `${base}${path}`)
    const mapError: HttpTransport.ErrorMapper = options.mapError
      ? (info) => options.mapError!(info) ?? errors.mapHttpError(info)
      : errors.mapHttpError

    const headersFor = (
      call: CallOptions | undefined
    ): Effect.Effect<Record<string, string>, AiuError.AuthenticationError> =>
      Effect.suspend(() => {
        const key = call?.apiKey ?? options.apiKey
        const headers: Record<string, string> = { ...options.headers }
        if (key === undefined) {
          return options.requiresKey
            ? Effect.fail(errors.missingKey(options.provider, options.apiKeyEnv))
            : Effect.succeed(headers)
        }
        const value = Redacted.value(key)
        if (options.auth === "api-key") headers["api-key"] = value
        else headers.authorization = `Bearer ${value}`
        return Effect.succeed(headers)
      })

    const requestOf = (
      operation: string,
      path: string,
      model: string | undefined,
      body: unknown,
      call: CallOptions | undefined,
      headers: Record<string, string>
    ): HttpTransport.HttpRequest => ({
      provider: options.provider,
      operation,
      model,
      method: body === undefined ? "GET" : "POST",
      url: urlOf(path, model),
      headers,
      ...(body !== undefined ? { body } : {}),
      options: call,
      mapError,
      // Every response's x-ratelimit-* headers go to the limiter (when one is provided), so a call
      // waits for an emptied bucket's reset instead of spending a request on a 429. Azure and the
      // OpenAI-compatible servers (Groq, OpenRouter, …) send the same family and come through here.
      serverLimits: OpenAiRateLimits.serverLimits
    })

    return {
      provider: options.provider,
      post: (operation, path, model, body, schema, call) =>
        Effect.flatMap(headersFor(call), (headers) =>
          transport.request(requestOf(operation, path, model, body, call, headers), schema)
        ),
      get: (operation, path, schema, call) =>
        Effect.flatMap(headersFor(call), (headers) =>
          transport.request(requestOf(operation, path, undefined, undefined, call, headers), schema)
        ),
      sse: (operation, path, model, body, call) =>
        Effect.flatMap(headersFor(call), (headers) =>
          transport.sse(requestOf(operation, path, model, body, call, { ...headers, accept: "text/event-stream" }))
        )
    }
  })
