import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ErrorInfo, HttpRequest, Options, Response, Service, StreamResponse } from "../HttpTransport.js"
import * as Ndjson from "../Ndjson.js"
import { parseRetryAfterMs } from "../RetryAfter.js"
import * as Sse from "../Sse.js"
import { generic } from "./statusErrors.js"

export const fetchClientLayer = FetchHttpClient.layer

const requestIdHeaders = ["x-request-id", "request-id", "apim-request-id", "x-goog-request-id", "x-amzn-requestid"]

export const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined => {
  for (const name of requestIdHeaders) {
    const v = headers[name]
    if (v !== undefined && v !== "") return v
  }
  return undefined
}

const MAX_ERROR_BODY = 64 * 1024

const withRequestId = (requestId: string | undefined) => (requestId !== undefined ? { requestId } : {})

const networkError = (req: HttpRequest, error: HttpClientError.HttpClientError): AiuError.ProviderFailure => {
  // The platform's own message embeds the URL; ours names the provider and the cause only.
  const cause = error.cause instanceof Error ? error.cause.message : error.reason
  return new AiuError.NetworkError({
    message: `${req.provider} ${req.operation}: request failed (${Redaction.redactString(String(cause))})`,
    provider: req.provider
  })
}

const decodeError = (req: HttpRequest, what: string, requestId: string | undefined) =>
  new AiuError.ResponseDecodeError({
    message: `${req.provider} ${req.operation}: ${Redaction.redactString(what)}`,
    provider: req.provider,
    ...withRequestId(requestId)
  })

const interrupted = (req: HttpRequest, what: string, requestId: string | undefined) =>
  new AiuError.StreamInterrupted({
    message: `${req.provider} ${req.operation}: stream broke: ${Redaction.redactString(what)}`,
    provider: req.provider,
    ...withRequestId(requestId)
  })

const buildRequest = (req: HttpRequest): Effect.Effect<HttpClientRequest.HttpClientRequest, AiuError.InvalidRequest> =>
  Effect.suspend(() => {
    let r = HttpClientRequest.make(req.method ?? (req.body === undefined ? "GET" : "POST"))(req.url)
    const headers = req.options?.headers ? { ...req.headers, ...req.options.headers } : req.headers
    if (headers) r = HttpClientRequest.setHeaders(r, headers)
    if (req.body !== undefined) {
      let json: string
      try {
        json = JSON.stringify(req.body)
      } catch (e) {
        return Effect.fail(
          new AiuError.InvalidRequest({
            message: `${req.provider} ${req.operation}: request body is not JSON-serialisable (${String(e)})`,
            provider: req.provider
          })
        )
      }
      r = HttpClientRequest.bodyText(r, json, "application/json")
    }
    return Effect.succeed(r)
  })

/** Reads a failed response into the error union. */
const failResponse = (req: HttpRequest, response: HttpClientResponse.HttpClientResponse) =>
  Effect.gen(function* () {
    const headers = response.headers as Record<string, string>
    const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
    const body = text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text
    let json: unknown
    try {
      json = body.length > 0 ? JSON.parse(body) : undefined
    } catch {
      json = undefined
    }
    const now = yield* Clock.currentTimeMillis
    const info: ErrorInfo = {
      provider: req.provider,
      operation: req.operation,
      status: response.status,
      headers,
      body,
      json,
      requestId: requestIdOf(headers),
      retryAfterMs: parseRetryAfterMs(headers, now)
    }
    return yield* Effect.fail(req.mapError?.(info) ?? generic(info))
  })

export const make = (options?: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    // The platform client's own span would carry the full URL and every header; ours are added by
    // the resilience layer with redaction, so the built-in one is off.
    const client = HttpClient.withTracerDisabledWhen(yield* HttpClient.HttpClient, () => true)
    const streamingClient = HttpClient.withScope(client)
    const maxEventBytes = options?.maxEventBytes ?? 128 * 1024 * 1024

    const send = (
      c: HttpClient.HttpClient.With<HttpClientError.HttpClientError, never> | typeof streamingClient,
      req: HttpRequest
    ) =>
      Effect.flatMap(buildRequest(req), (r) =>
        (c as HttpClient.HttpClient).execute(r).pipe(Effect.mapError((e) => networkError(req, e)))
      ).pipe(
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300 ? Effect.succeed(response) : failResponse(req, response)
        )
      )

    const timeoutOf = (req: HttpRequest, which: "idle" | "total") => {
      const d = req.options?.timeouts?.[which]
      return d === undefined ? undefined : Duration.decode(d)
    }

    const request = <A, I>(req: HttpRequest, schema: Schema.Schema<A, I, never>) => {
      const decode = Schema.decodeUnknown(schema)
      const effect = Effect.gen(function* () {
        const response = yield* send(client, req)
        const headers = response.headers as Record<string, string>
        const requestId = requestIdOf(headers)
        const text = yield* response.text.pipe(
          Effect.mapError((e) => interrupted(req, `reading the body failed (${e.reason})`, requestId))
        )
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return yield* Effect.fail(decodeError(req, "response body is not JSON", requestId))
        }
        const body = yield* decode(json).pipe(
          Effect.mapError((e) =>
            decodeError(req, `unexpected response shape: ${ParseResult.TreeFormatter.formatErrorSync(e)}`, requestId)
          )
        )
        const out: Response<A> = { status: response.status, headers, requestId, body }
        return out
      })
      const total = timeoutOf(req, "total")
      return total === undefined
        ? effect
        : Effect.timeoutFail(effect, {
            duration: total,
            onTimeout: () =>
              new AiuError.Timeout({
                message: `${req.provider} ${req.operation}: no complete response within ${Duration.format(total)}`,
                provider: req.provider,
                phase: "total",
                timeout: total
              })
          })
    }

    const open = <A>(
      req: HttpRequest,
      frame: (
        requestId: string | undefined
      ) => (body: Stream.Stream<Uint8Array, AiuError.ProviderFailure>) => Stream.Stream<A, AiuError.ProviderFailure>
    ): Effect.Effect<StreamResponse<A>, AiuError.ProviderFailure, Scope.Scope> =>
      Effect.map(send(streamingClient, req), (response) => {
        const headers = response.headers as Record<string, string>
        const requestId = requestIdOf(headers)
        const bytes = response.stream.pipe(
          Stream.mapError((e) =>
            interrupted(req, e.reason === "Decode" ? "the connection closed" : e.reason, requestId)
          )
        )
        let events = frame(requestId)(bytes)
        const idle = timeoutOf(req, "idle")
        if (idle !== undefined) {
          events = Stream.timeoutFail(
            events,
            () =>
              new AiuError.Timeout({
                message: `${req.provider} ${req.operation}: the stream was silent for ${Duration.format(idle)}`,
                provider: req.provider,
                phase: "idle",
                timeout: idle,
                ...withRequestId(requestId)
              }),
            idle
          )
        }
        return { status: response.status, headers, requestId, events }
      })

    const sse = (req: HttpRequest) =>
      open(
        req,
        (requestId) => (body) =>
          Stream.suspend(() => {
            const decoder = Sse.makeDecoder({ maxEventBytes })
            const guard = <T>(f: () => Array<T>) => {
              try {
                return Effect.succeed(Chunk.unsafeFromArray(f()))
              } catch (e) {
                return Effect.fail(decodeError(req, e instanceof Error ? e.message : String(e), requestId))
              }
            }
            return body.pipe(
              Stream.mapChunksEffect((chunk) =>
                guard(() => {
                  const out: Array<Sse.SseEvent> = []
                  for (const bytes of chunk) for (const ev of decoder.feed(bytes)) out.push(ev)
                  return out
                })
              ),
              Stream.concat(
                Stream.suspend(() => Stream.flatMap(Stream.fromEffect(guard(() => decoder.end())), Stream.fromChunk))
              )
            )
          })
      )

    const ndjson = (req: HttpRequest) =>
      open(
        req,
        (requestId) => (body) =>
          Stream.suspend(() => {
            const decoder = Ndjson.makeDecoder({ maxLineBytes: maxEventBytes })
            const parse = (lines: () => Array<string>) => {
              try {
                return Effect.succeed(Chunk.unsafeFromArray(lines().map((l) => JSON.parse(l) as unknown)))
              } catch (e) {
                return Effect.fail(
                  decodeError(
                    req,
                    e instanceof SyntaxError ? `a stream line is not JSON (${e.message})` : String(e),
                    requestId
                  )
                )
              }
            }
            return body.pipe(
              Stream.mapChunksEffect((chunk) =>
                parse(() => {
                  const out: Array<string> = []
                  for (const bytes of chunk) for (const l of decoder.feed(bytes)) out.push(l)
                  return out
                })
              ),
              Stream.concat(
                Stream.suspend(() => Stream.flatMap(Stream.fromEffect(parse(() => decoder.end())), Stream.fromChunk))
              )
            )
          })
      )

    return { request, sse, ndjson }
  })
