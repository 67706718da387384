/**
 * The Anthropic HTTP client: base URL, `x-api-key` + `anthropic-version` headers (the key read per
 * request: `CallOptions.apiKey`, else the configured key), beta flags, and the error-body mapper.
 * Speaks wire shapes only; `AnthropicProvider` maps them to the unified types.
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
import type * as Scope from "effect/Scope"
import { API_VERSION, decodeSettings, type Settings } from "./AnthropicConfig.js"
import * as AnthropicRateLimits from "./AnthropicRateLimits.js"
import { mapError } from "./internal/errors.js"
import { type MessagesRequest, WireMessage, WireModelsPage } from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.anthropic.com/v1"

/**
 * @since 0.1.0
 * @category constants
 */
export const API_KEY_ENV = "ANTHROPIC_API_KEY"

/**
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  readonly options?: CallOptions | undefined
  /** Extra `anthropic-beta` flags for this call. */
  readonly beta?: ReadonlyArray<string> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly providerId: string
  readonly settings: Settings
  /** `POST /messages`. */
  readonly messages: (
    body: MessagesRequest,
    request?: RequestOptions
  ) => Effect.Effect<HttpTransport.Response<WireMessage>, AiuError.ProviderFailure>
  /** `POST /messages` with `stream: true`. */
  readonly messagesStream: (
    body: MessagesRequest,
    request?: RequestOptions
  ) => Effect.Effect<HttpTransport.StreamResponse<SseEvent>, AiuError.ProviderFailure, Scope.Scope>
  /** `GET /models?limit=&after_id=` (one page). */
  readonly listModelsPage: (
    page: { readonly limit: number; readonly afterId?: string | undefined },
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<WireModelsPage>, AiuError.ProviderFailure>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AnthropicClient extends Context.Tag("@aiu/provider-anthropic/AnthropicClient")<
  AnthropicClient,
  Service
>() {}

/**
 * Checks a base URL; trailing slashes are dropped.
 * @since 0.1.0
 * @category constructors
 */
export const normalizeBaseUrl = (
  provider: string,
  baseUrl: string | undefined,
  fallback: string
): Effect.Effect<string, AiuError.ConfigError> => {
  const raw = (baseUrl ?? fallback).trim()
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Effect.fail(new AiuError.ConfigError({ message: `${provider}: baseUrl is not a URL`, key: "baseUrl" }))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Effect.fail(new AiuError.ConfigError({ message: `${provider}: baseUrl must be http(s)`, key: "baseUrl" }))
  }
  if (url.search !== "" || url.username !== "" || url.password !== "") {
    return Effect.fail(
      new AiuError.ConfigError({ message: `${provider}: baseUrl must carry no query or credentials`, key: "baseUrl" })
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
    const settings = yield* decodeSettings(config.id, config.settings)
    const baseUrl = yield* normalizeBaseUrl(config.id, config.baseUrl, DEFAULT_BASE_URL)
    const provider = config.id

    const headersFor = (
      operation: string,
      request: RequestOptions | undefined
    ): Effect.Effect<Record<string, string>, AiuError.AuthenticationError> => {
      const key = request?.options?.apiKey ?? config.apiKey
      if (key === undefined) {
        return Effect.fail(
          new AiuError.AuthenticationError({
            message: `${provider} ${operation}: no API key. Set ${API_KEY_ENV} or run \`aiu keys add ${provider} --key-stdin\``,
            provider
          })
        )
      }
      const beta = [...(settings.beta ?? []), ...(request?.beta ?? [])]
      return Effect.succeed({
        ...config.headers,
        "x-api-key": Redacted.value(key),
        "anthropic-version": settings.apiVersion ?? API_VERSION,
        ...(beta.length > 0 ? { "anthropic-beta": [...new Set(beta)].join(",") } : {})
      })
    }

    // Every response's anthropic-ratelimit-* headers go to the limiter (when one is provided), so a
    // call waits for an emptied bucket's reset instead of spending a request on a 429.
    const serverLimits = AnthropicRateLimits.serverLimits

    const estimate = (body: MessagesRequest) => Math.ceil(JSON.stringify(body.messages).length / 4) + body.max_tokens

    const messages: Service["messages"] = (body, request) =>
      Effect.flatMap(headersFor("chat", request), (headers) =>
        transport.request(
          {
            provider,
            operation: "chat",
            model: body.model,
            method: "POST",
            url: `${baseUrl}/messages`,
            headers,
            body,
            options: request?.options,
            mapError,
            serverLimits,
            estimatedTokens: estimate(body)
          },
          WireMessage
        )
      )

    const messagesStream: Service["messagesStream"] = (body, request) =>
      Effect.flatMap(headersFor("chatStream", request), (headers) =>
        transport.sse({
          provider,
          operation: "chatStream",
          model: body.model,
          method: "POST",
          url: `${baseUrl}/messages`,
          headers: { ...headers, accept: "text/event-stream" },
          body: { ...body, stream: true },
          options: request?.options,
          mapError,
          serverLimits,
          estimatedTokens: estimate(body)
        })
      )

    const listModelsPage: Service["listModelsPage"] = (page, options) =>
      Effect.flatMap(headersFor("listModels", { options }), (headers) => {
        const query = new URLSearchParams({ limit: String(page.limit) })
        if (page.afterId !== undefined) query.set("after_id", page.afterId)
        return transport.request(
          {
            provider,
            operation: "listModels",
            method: "GET",
            url: `${baseUrl}/models?${query.toString()}`,
            headers,
            options,
            mapError,
            serverLimits
          },
          WireModelsPage
        )
      })

    return { providerId: provider, settings, messages, messagesStream, listModelsPage }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: AdapterConfig
): Layer.Layer<AnthropicClient, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(AnthropicClient, make(config))
