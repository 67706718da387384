/**
 * Azure OpenAI URLs: deployment-style (`/openai/deployments/{d}/{op}?api-version=…`) and the
 * OpenAI-shaped v1 path (`/openai/v1/{op}`). Pure.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Either from "effect/Either"

export interface Resolved {
  readonly mode: "deployments" | "v1"
  /** `…/openai` or `…/openai/v1`, no trailing slash. */
  readonly base: string
  readonly apiVersion: string | undefined
}

const trim = (s: string) => s.replace(/\/+$/, "")

export const resolve = (params: {
  readonly provider: string
  readonly baseUrl: string | undefined
  readonly resource: string | undefined
  readonly api: "deployments" | "v1" | undefined
  readonly apiVersion: string | undefined
  readonly defaultApiVersion: string
}): Either.Either<Resolved, AiuError.ConfigError> => {
  let root: string
  if (params.baseUrl !== undefined && params.baseUrl.length > 0) {
    let url: URL
    try {
      url = new URL(params.baseUrl)
    } catch {
      return Either.left(
        new AiuError.ConfigError({
          message: `${params.provider}: baseUrl is not a URL: ${params.baseUrl}`,
          key: "baseUrl"
        })
      )
    }
    if (url.search.length > 0)
      return Either.left(
        new AiuError.ConfigError({
          message: `${params.provider}: put the api-version in settings.apiVersion, not in the baseUrl query`,
          key: "baseUrl"
        })
      )
    root = trim(url.toString())
  } else if (params.resource !== undefined) {
    root = `https://${params.resource}.openai.azure.com`
  } else {
    return Either.left(
      new AiuError.ConfigError({
        message: `${params.provider}: no endpoint. Set AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com) or settings.resource`,
        key: "baseUrl"
      })
    )
  }
  const endsV1 = /\/openai\/v1$/.test(root)
  const mode = params.api ?? (endsV1 ? "v1" : "deployments")
  let base = root.replace(/\/openai\/v1$/, "/openai")
  if (!/\/openai$/.test(base)) base = `${base}/openai`
  if (mode === "v1") base = `${base}/v1`
  return Either.right({
    mode,
    base,
    apiVersion: params.apiVersion ?? (mode === "deployments" ? params.defaultApiVersion : undefined)
  })
}

/** Operations that live under a deployment in deployment-style URLs. */
const perDeployment = new Set([
  "/chat/completions",
  "/embeddings",
  "/images/generations",
  "/completions",
  "/audio/speech"
])

export const urlFor = (r: Resolved, path: string, model: string | undefined): string => {
  const query = r.apiVersion !== undefined ? `?api-version=${encodeURIComponent(r.apiVersion)}` : ""
  if (r.mode === "deployments" && perDeployment.has(path) && model !== undefined)
    return `${r.base}/deployments/${encodeURIComponent(model)}${path}${query}`
  return `${r.base}${path}${query}`
}
