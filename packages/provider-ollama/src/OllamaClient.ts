/**
 * The Ollama HTTP client (native API): base URL, optional Bearer auth (sent when a key is
 * configured, for ollama.com or an authenticating proxy), error bodies, over `HttpTransport`.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { AdapterConfig } from "@aiu/core/Provider"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Errors from "./internal/errors.js"
import * as Wire from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "http://127.0.0.1:11434"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly providerId: string
  readonly baseUrl: string
  readonly chat: (
    body: Wire.ChatBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.Response<Wire.ChatResponse>, AiuError.ProviderFailure>
  /** Opens `/api/chat` as NDJSON; each event is one parsed line. */
  readonly chatStream: (
    body: Wire.ChatBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.StreamResponse<unknown>, AiuError.ProviderFailure, Scope.Scope>
  readonly embed: (
    body: Wire.EmbedBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.Response<Wire.EmbedResponse>, AiuError.ProviderFailure>
  readonly tags: (options?: CallOptions) => Effect.Effect<HttpTransport.Response<Wire.Tags>, AiuError.ProviderFailure>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class OllamaClient extends Context.Tag("@aiu/provider-ollama/OllamaClient")<OllamaClient, Service>() {}

/**
 * Validates a base URL: absolute http(s), no credentials, no trailing slash. A trailing `/api`
 * (a common copy-paste) is removed, since the client adds it.
 * @since 0.1.0
 * @category constructors
 */
export const normalizeBaseUrl = (
  providerId: string,
  baseUrl: string | undefined
): Effect.Effect<string, AiuError.ConfigError> => {
  const raw = baseUrl ?? defaultBaseUrl
  let url: URL
  const bare = !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
  try {
    // OLLAMA_HOST is often given without a scheme (`127.0.0.1:11434`), or as a bare host
    // (`0.0.0.0`), which Ollama reads as port 11434.
    url = new URL(bare ? `http://${raw}` : raw)
    if (bare && url.port === "") url.port = "11434"
  } catch {
    return Effect.fail(new AiuError.ConfigError({ message: `${providerId}: baseUrl is not a URL`, key: "baseUrl" }))
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Effect.fail(new AiuError.ConfigError({ message: `${providerId}: baseUrl must be http(s)`, key: "baseUrl" }))
  }
  if (url.username !== "" || url.password !== "") {
    return Effect.fail(
      new AiuError.ConfigError({ message: `${providerId}: baseUrl must not carry credentials`, key: "baseUrl" })
    )
  }
  return Effect.succeed(url.href.replace(/\/+$/, "").replace(/\/api$/, ""))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: AdapterConfig
): Effect.Effect<Service, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport.HttpTransport
    const baseUrl = yield* normalizeBaseUrl(config.id, config.baseUrl)
    const provider = config.id

    const headersFor = (options: CallOptions | undefined, accept: string) => {
      const key = options?.apiKey ?? config.apiKey
      return {
        ...config.headers,
        accept,
        ...(key !== undefined ? { authorization: `Bearer ${Redacted.value(key)}` } : {})
      }
    }

    /** A refused connection usually means Ollama is not running: say where we looked. */
    const hint = <A, R>(effect: Effect.Effect<A, AiuError.ProviderFailure, R>) =>
      Effect.mapError(effect, (error) =>
        error._tag === "NetworkError"
          ? new AiuError.NetworkError({
              message: `${error.message}; is Ollama running at ${baseUrl}? (start it with \`ollama serve\`, or set OLLAMA_HOST)`,
              provider,
              ...(error.attempts !== undefined ? { attempts: error.attempts } : {})
            })
          : error
      )

    const request = <A, I>(
      operation: string,
      method: "GET" | "POST",
      path: string,
      body: { readonly model?: string | undefined } | undefined,
      schema: Schema.Schema<A, I, never>,
      options: CallOptions | undefined,
      estimatedTokens?: number
    ) =>
      hint(
        transport.request(
          {
            provider,
            operation,
            model: body?.model,
            method,
            url: `${baseUrl}${path}`,
            headers: headersFor(options, "application/json"),
            ...(body !== undefined ? { body } : {}),
            options,
            mapError: Errors.fromResponse,
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          },
          schema
        )
      )

    return {
      providerId: provider,
      baseUrl,
      chat: (body, options, estimatedTokens) =>
        request("chat", "POST", "/api/chat", body, Wire.ChatResponse, options, estimatedTokens),
      chatStream: (body, options, estimatedTokens) =>
        hint(
          transport.ndjson({
            provider,
            operation: "chatStream",
            model: body.model,
            method: "POST",
            url: `${baseUrl}/api/chat`,
            headers: headersFor(options, "application/x-ndjson"),
            body,
            options,
            mapError: Errors.fromResponse,
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          })
        ),
      embed: (body, options, estimatedTokens) =>
        request("embed", "POST", "/api/embed", body, Wire.EmbedResponse, options, estimatedTokens),
      tags: (options) => request("listModels", "GET", "/api/tags", undefined, Wire.Tags, options)
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: AdapterConfig
): Layer.Layer<OllamaClient, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(OllamaClient, make(config))
