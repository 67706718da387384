/**
 * The Mistral HTTP client: base URL, Bearer auth (the per-call key before the configured one),
 * error bodies and request ids, over `HttpTransport`. Mapping to the unified types lives in
 * `MistralProvider`.
 *
 * @since 0.1.0
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { AdapterConfig } from "@aiu/core/Provider"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Errors from "./internal/errors.js"
import * as Wire from "./internal/schema.js"
import * as MistralRateLimits from "./MistralRateLimits.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.mistral.ai/v1"

/**
 * @since 0.1.0
 * @category constants
 */
export const apiKeyEnv = "MISTRAL_API_KEY"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly providerId: string
  readonly baseUrl: string
  readonly chatCompletions: (
    body: Wire.ChatBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.Response<Wire.ChatCompletion>, AiuError.ProviderFailure>
  readonly chatCompletionsStream: (
    body: Wire.ChatBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.StreamResponse<SseEvent>, AiuError.ProviderFailure, Scope.Scope>
  readonly embeddings: (
    body: Wire.EmbeddingBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.Response<Wire.EmbeddingResponse>, AiuError.ProviderFailure>
  readonly models: (
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<Wire.ModelList>, AiuError.ProviderFailure>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class MistralClient extends Context.Tag("@aiu/provider-mistral/MistralClient")<MistralClient, Service>() {}

/**
 * Validates a base URL: absolute http(s), no credentials, no trailing slash.
 * @since 0.1.0
 * @category constructors
 */
export const normalizeBaseUrl = (
  providerId: string,
  baseUrl: string | undefined,
  fallback: string
): Effect.Effect<string, AiuError.ConfigError> => {
  const raw = baseUrl ?? fallback
  let url: URL
  try {
    url = new URL(raw)
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
  return Effect.succeed(raw.replace(/\/+$/, ""))
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
    const baseUrl = yield* normalizeBaseUrl(config.id, config.baseUrl, defaultBaseUrl)
    const provider = config.id

    const headersFor = (operation: string, options: CallOptions | undefined) => {
      const key = options?.apiKey ?? config.apiKey
      if (key === undefined) {
        return Effect.fail(
          new AiuError.AuthenticationError({
            message: `${provider} ${operation}: no API key. Set ${apiKeyEnv} or run \`aiu keys add ${provider} --key-stdin\``,
            provider
          })
        )
      }
      return Effect.succeed({
        ...config.headers,
        accept: "application/json",
        authorization: `Bearer ${Redacted.value(key)}`
      })
    }

    // Every response's by-size headers go to the limiter (when one is provided), so a call waits
    // while Mistral has said the minute's token window is empty (see MistralRateLimits).
    const serverLimits = MistralRateLimits.serverLimits

    const withRequestId = <
      R extends { readonly headers: Readonly<Record<string, string>>; readonly requestId: string | undefined }
    >(
      r: R
    ): R => {
      const requestId = Errors.requestIdOf(r.headers, r.requestId)
      return requestId === r.requestId ? r : { ...r, requestId }
    }

    const request = <A, I>(
      operation: string,
      method: "GET" | "POST",
      path: string,
      body: { readonly model?: string | undefined } | undefined,
      schema: Schema.Schema<A, I, never>,
      options: CallOptions | undefined,
      estimatedTokens?: number
    ) =>
      Effect.flatMap(headersFor(operation, options), (headers) =>
        transport.request(
          {
            provider,
            operation,
            model: body?.model,
            method,
            url: `${baseUrl}${path}`,
            headers,
            ...(body !== undefined ? { body } : {}),
            options,
            mapError: Errors.fromResponse,
            serverLimits,
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          },
          schema
        )
      ).pipe(Effect.map(withRequestId))

    return {
      providerId: provider,
      baseUrl,
      chatCompletions: (body, options, estimatedTokens) =>
        request("chat", "POST", "/chat/completions", body, Wire.ChatCompletion, options, estimatedTokens),
      chatCompletionsStream: (body, options, estimatedTokens) =>
        Effect.flatMap(headersFor("chatStream", options), (headers) =>
          transport.sse({
            provider,
            operation: "chatStream",
            model: body.model,
            method: "POST",
            url: `${baseUrl}/chat/completions`,
            headers: { ...headers, accept: "text/event-stream" },
            body,
            options,
            mapError: Errors.fromResponse,
            serverLimits,
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          })
        ).pipe(Effect.map(withRequestId)),
      embeddings: (body, options) => request("embed", "POST", "/embeddings", body, Wire.EmbeddingResponse, options),
      models: (options) => request("listModels", "GET", "/models", undefined, Wire.ModelList, options)
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: AdapterConfig
): Layer.Layer<MistralClient, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(MistralClient, make(config))
