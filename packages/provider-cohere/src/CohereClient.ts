/**
 * The Cohere HTTP client: base URL, Bearer auth (the per-call key before the configured one),
 * `X-Client-Name`, error bodies and request ids, over `HttpTransport`: v2 chat and embed, v1
 * models. Mapping to the unified types lives in `CohereProvider`.
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

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.cohere.com"

/**
 * @since 0.1.0
 * @category constants
 */
export const apiKeyEnv = "CO_API_KEY"

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
  readonly chatStream: (
    body: Wire.ChatBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.StreamResponse<SseEvent>, AiuError.ProviderFailure, Scope.Scope>
  readonly embed: (
    body: Wire.EmbedBody,
    options?: CallOptions,
    estimatedTokens?: number
  ) => Effect.Effect<HttpTransport.Response<Wire.EmbedResponse>, AiuError.ProviderFailure>
  /** One page of `/v1/models`. */
  readonly models: (
    page: { readonly pageSize: number; readonly pageToken: string | undefined },
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<Wire.ModelList>, AiuError.ProviderFailure>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class CohereClient extends Context.Tag("@aiu/provider-cohere/CohereClient")<CohereClient, Service>() {}

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
  config: AdapterConfig,
  options?: { readonly clientName?: string | undefined }
): Effect.Effect<Service, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport.HttpTransport
    // The client adds `/v2` (chat, embed) and `/v1` (models) itself: a version segment is dropped.
    const baseUrl = (yield* normalizeBaseUrl(config.id, config.baseUrl, defaultBaseUrl)).replace(/\/v[12]$/, "")
    const provider = config.id
    const clientName = options?.clientName

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
        ...(clientName !== undefined ? { "x-client-name": clientName } : {}),
        accept: "application/json",
        authorization: `Bearer ${Redacted.value(key)}`
      })
    }

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
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          },
          schema
        )
      ).pipe(Effect.map(withRequestId))

    return {
      providerId: provider,
      baseUrl,
      chat: (body, options, estimatedTokens) =>
        request("chat", "POST", "/v2/chat", body, Wire.ChatResponse, options, estimatedTokens),
      chatStream: (body, options, estimatedTokens) =>
        Effect.flatMap(headersFor("chatStream", options), (headers) =>
          transport.sse({
            provider,
            operation: "chatStream",
            model: body.model,
            method: "POST",
            url: `${baseUrl}/v2/chat`,
            headers: { ...headers, accept: "text/event-stream" },
            body,
            options,
            mapError: Errors.fromResponse,
            ...(estimatedTokens !== undefined ? { estimatedTokens } : {})
          })
        ).pipe(Effect.map(withRequestId)),
      embed: (body, options, estimatedTokens) =>
        request("embed", "POST", "/v2/embed", body, Wire.EmbedResponse, options, estimatedTokens),
      models: (page, options) => {
        const query = new URLSearchParams({ page_size: String(page.pageSize) })
        if (page.pageToken !== undefined) query.set("page_token", page.pageToken)
        return request("listModels", "GET", `/v1/models?${query.toString()}`, undefined, Wire.ModelList, options)
      }
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: AdapterConfig
): Layer.Layer<CohereClient, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(CohereClient, make(config))
