/**
 * The Gemini API HTTP client: base URL, the `x-goog-api-key` header (never a `?key=` query: URLs
 * are logged), the key read per request (`CallOptions.apiKey`, else the configured key), and the
 * error-body mapper. Speaks wire shapes only; `GoogleProvider` maps them to the unified types.
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
import { decodeSettings, type Settings } from "./GoogleConfig.js"
import { mapError } from "./internal/errors.js"
import { modelPath } from "./internal/requestMapping.js"
import {
  type BatchEmbedContentsRequest,
  type GenerateContentRequest,
  WireBatchEmbedResponse,
  WireModelsPage,
  WireResponse
} from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"

/**
 * @since 0.1.0
 * @category constants
 */
export const API_KEY_ENV = "GEMINI_API_KEY"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly providerId: string
  readonly settings: Settings
  /** `POST /models/{model}:generateContent`. */
  readonly generateContent: (
    model: string,
    body: GenerateContentRequest,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<WireResponse>, AiuError.ProviderFailure>
  /** `POST /models/{model}:streamGenerateContent?alt=sse`. */
  readonly streamGenerateContent: (
    model: string,
    body: GenerateContentRequest,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.StreamResponse<SseEvent>, AiuError.ProviderFailure, Scope.Scope>
  /** `POST /models/{model}:batchEmbedContents` (at most 100 requests). */
  readonly batchEmbedContents: (
    model: string,
    body: BatchEmbedContentsRequest,
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<WireBatchEmbedResponse>, AiuError.ProviderFailure>
  /** `GET /models?pageSize=&pageToken=` (one page). */
  readonly listModelsPage: (
    page: { readonly pageSize: number; readonly pageToken?: string | undefined },
    options?: CallOptions
  ) => Effect.Effect<HttpTransport.Response<WireModelsPage>, AiuError.ProviderFailure>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GoogleClient extends Context.Tag("@aiu/provider-google/GoogleClient")<GoogleClient, Service>() {}

const normalizeBaseUrl = (
  provider: string,
  baseUrl: string | undefined
): Effect.Effect<string, AiuError.ConfigError> => {
  const raw = (baseUrl ?? DEFAULT_BASE_URL).trim()
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
    // In particular no `?key=`: the key travels in a header, never in a logged URL.
    return Effect.fail(
      new AiuError.ConfigError({ message: `${provider}: baseUrl must carry no query or credentials`, key: "baseUrl" })
    )
  }
  return Effect.succeed(raw.replace(/\/+$/, ""))
}

/** `models/gemini-2.5-flash` → `models/gemini-2.5-flash` with each segment URL-encoded. */
const pathOf = (model: string) => modelPath(model).split("/").map(encodeURIComponent).join("/")

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
    const baseUrl = yield* normalizeBaseUrl(config.id, config.baseUrl)
    const provider = config.id

    const headersFor = (
      operation: string,
      options: CallOptions | undefined
    ): Effect.Effect<Record<string, string>, AiuError.AuthenticationError> => {
      const key = options?.apiKey ?? config.apiKey
      if (key === undefined) {
        return Effect.fail(
          new AiuError.AuthenticationError({
            message: `${provider} ${operation}: no API key. Set ${API_KEY_ENV} or run \`aiu keys add ${provider} --key-stdin\``,
            provider
          })
        )
      }
      return Effect.succeed({ ...config.headers, "x-goog-api-key": Redacted.value(key) })
    }

    const estimate = (body: GenerateContentRequest) =>
      Math.ceil(JSON.stringify(body.contents).length / 4) + (body.generationConfig?.maxOutputTokens ?? 1024)

    const generateContent: Service["generateContent"] = (model, body, options) =>
      Effect.flatMap(headersFor("chat", options), (headers) =>
        transport.request(
          {
            provider,
            operation: "chat",
            model,
            method: "POST",
            url: `${baseUrl}/${pathOf(model)}:generateContent`,
            headers,
            body,
            options,
            mapError,
            estimatedTokens: estimate(body)
          },
          WireResponse
        )
      )

    const streamGenerateContent: Service["streamGenerateContent"] = (model, body, options) =>
      Effect.flatMap(headersFor("chatStream", options), (headers) =>
        transport.sse({
          provider,
          operation: "chatStream",
          model,
          method: "POST",
          url: `${baseUrl}/${pathOf(model)}:streamGenerateContent?alt=sse`,
          headers: { ...headers, accept: "text/event-stream" },
          body,
          options,
          mapError,
          estimatedTokens: estimate(body)
        })
      )

    const batchEmbedContents: Service["batchEmbedContents"] = (model, body, options) =>
      Effect.flatMap(headersFor("embed", options), (headers) =>
        transport.request(
          {
            provider,
            operation: "embed",
            model,
            method: "POST",
            url: `${baseUrl}/${pathOf(model)}:batchEmbedContents`,
            headers,
            body,
            options,
            mapError,
            estimatedTokens: Math.ceil(JSON.stringify(body.requests).length / 4)
          },
          WireBatchEmbedResponse
        )
      )

    const listModelsPage: Service["listModelsPage"] = (page, options) =>
      Effect.flatMap(headersFor("listModels", options), (headers) => {
        const query = new URLSearchParams({ pageSize: String(page.pageSize) })
        if (page.pageToken !== undefined) query.set("pageToken", page.pageToken)
        return transport.request(
          {
            provider,
            operation: "listModels",
            method: "GET",
            url: `${baseUrl}/models?${query.toString()}`,
            headers,
            options,
            mapError
          },
          WireModelsPage
        )
      })

    return {
      providerId: provider,
      settings,
      generateContent,
      streamGenerateContent,
      batchEmbedContents,
      listModelsPage
    }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: AdapterConfig
): Layer.Layer<GoogleClient, AiuError.ConfigError, HttpTransport.HttpTransport> =>
  Layer.effect(GoogleClient, make(config))
