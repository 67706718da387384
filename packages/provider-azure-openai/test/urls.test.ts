import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { resolve, urlFor } from "../src/internal/urls.js"

const r = (
  baseUrl: string | undefined,
  extra: { resource?: string; api?: "deployments" | "v1"; apiVersion?: string } = {}
) =>
  Either.getOrThrow(
    resolve({
      provider: "az",
      baseUrl,
      resource: extra.resource,
      api: extra.api,
      apiVersion: extra.apiVersion,
      defaultApiVersion: "2024-10-21"
    })
  )

describe("urls", () => {
  it("deployment style from an endpoint, /openai, or a resource", () => {
    for (const base of [
      "https://res.openai.azure.com",
      "https://res.openai.azure.com/",
      "https://res.openai.azure.com/openai"
    ]) {
      assert.strictEqual(
        urlFor(r(base), "/chat/completions", "my dep"),
        "https://res.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=2024-10-21"
      )
    }
    assert.strictEqual(
      urlFor(r(undefined, { resource: "res" }), "/models", undefined),
      "https://res.openai.azure.com/openai/models?api-version=2024-10-21"
    )
  })
  it("v1 style from the URL or the setting", () => {
    assert.strictEqual(
      urlFor(r("https://res.openai.azure.com/openai/v1"), "/chat/completions", "d"),
      "https://res.openai.azure.com/openai/v1/chat/completions"
    )
    assert.strictEqual(
      urlFor(r("https://res.openai.azure.com", { api: "v1", apiVersion: "preview" }), "/responses", "d"),
      "https://res.openai.azure.com/openai/v1/responses?api-version=preview"
    )
  })
})
