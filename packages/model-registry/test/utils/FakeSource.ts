/**
 * A `ModelSource` that lists models from the fake provider server over loopback, the way an
 * adapter would: `GET /<provider>/v1/models[?after=<id>]`, OpenAI-style `{ data: [{ id }] }`,
 * paginated Anthropic-style with `has_more` / `last_id`. Non-2xx replies become typed errors.
 */
import * as AiuError from "@aiu/core/AiuError"
import { inferKinds, type ModelInfo } from "@aiu/core/ModelInfo"
import type { FakeServer, Reply } from "@aiu/testing/FakeProviderServer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ModelSource from "../../src/ModelSource.js"

const Page = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, owned_by: Schema.optional(Schema.String) })),
  has_more: Schema.optional(Schema.Boolean),
  last_id: Schema.optional(Schema.NullOr(Schema.String))
})

export const path = (provider: string) => `/${provider}/v1/models`

/** A whole listing in one reply. */
export const listing = (ids: ReadonlyArray<string>): Reply => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ object: "list", data: ids.map((id) => ({ id, object: "model", owned_by: "fake" })) })
})

/** Serves `ids` in pages of `size`, following `?after=`. */
export const paginated =
  (ids: ReadonlyArray<string>, size: number) =>
  (request: { readonly url: string }): Reply => {
    const after = new URL(request.url, "http://x").searchParams.get("after")
    const start = after === null ? 0 : ids.indexOf(after) + 1
    const page = ids.slice(start, start + size)
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        data: page.map((id) => ({ id })),
        has_more: start + size < ids.length,
        last_id: page[page.length - 1] ?? null
      })
    }
  }

export const failing = (status: number, message = "upstream is down"): Reply => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { message } })
})

const toError = (provider: string, status: number, body: string): AiuError.ProviderFailure => {
  const message = `HTTP ${status}: ${body.slice(0, 200)}`
  if (status === 401) return new AiuError.AuthenticationError({ message, provider, status })
  if (status === 429) return new AiuError.RateLimited({ message, provider, status })
  if (status === 503 || status === 529) return new AiuError.ProviderOverloaded({ message, provider, status })
  return new AiuError.ProviderError({ message, provider, status })
}

export const make = (server: FakeServer, providers: ReadonlyArray<string>): ModelSource.Service => {
  const listModels = (provider: string) =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const models: Array<ModelInfo> = []
      let after: string | undefined
      for (let page = 0; page < 100; page++) {
        const url = `${server.url}${path(provider)}${after === undefined ? "" : `?after=${encodeURIComponent(after)}`}`
        const response = yield* client
          .get(url)
          .pipe(
            Effect.mapError(
              (e) => new AiuError.NetworkError({ message: `cannot reach ${provider}: ${e.message}`, provider })
            )
          )
        const text = yield* response.text.pipe(
          Effect.mapError((e) => new AiuError.NetworkError({ message: e.message, provider }))
        )
        if (response.status < 200 || response.status >= 300)
          return yield* Effect.fail(toError(provider, response.status, text))
        const body = yield* Schema.decodeUnknown(Schema.parseJson(Page))(text).pipe(
          Effect.mapError((e) => new AiuError.ResponseDecodeError({ message: e.message, provider }))
        )
        for (const m of body.data) {
          const info: { -readonly [K in keyof ModelInfo]: ModelInfo[K] } = {
            id: `${provider}:${m.id}`,
            provider,
            model: m.id,
            kinds: inferKinds(m.id)
          }
          if (m.owned_by !== undefined) info.ownedBy = m.owned_by
          models.push(info)
        }
        if (body.has_more !== true || body.last_id == null) break
        after = body.last_id
      }
      return models
    }).pipe(Effect.provide(FetchHttpClient.layer))
  return { listModels, providers: Effect.succeed(providers) }
}

export const layer = (server: FakeServer, providers: ReadonlyArray<string>) =>
  ModelSource.layer(make(server, providers))

/** Requests the server received for one provider's listing. */
export const calls = (server: FakeServer, provider: string) =>
  server.requests.filter((r) => r.path === path(provider)).length
