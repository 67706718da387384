/**
 * Image generation: request body and response images.
 */
import type { ImageRequest, ImageResponse } from "@aiu/core/Image"
import type { ExtraOptions } from "../OpenAiConfig.js"
import type { ImageList } from "./schema.js"

const isDallE = (model: string) => model.startsWith("dall-e")

export const toImageBody = (request: ImageRequest, o: ExtraOptions | undefined): Record<string, unknown> => {
  const body: Record<string, unknown> = { model: request.model, prompt: request.prompt }
  if (request.n !== undefined) body.n = request.n
  if (request.size !== undefined) body.size = request.size
  if (request.quality !== undefined) body.quality = request.quality
  if (request.style !== undefined) body.style = request.style
  // gpt-image models reject `response_format` (400 unknown_parameter) and always return base64.
  if (isDallE(request.model)) body.response_format = o?.responseFormat ?? "b64_json"
  if (o?.background !== undefined) body.background = o.background
  if (o?.outputFormat !== undefined) body.output_format = o.outputFormat
  if (o?.moderation !== undefined) body.moderation = o.moderation
  if (o?.extraBody !== undefined) Object.assign(body, o.extraBody)
  return body
}

export const fromImageList = (
  list: ImageList,
  context: { readonly model: string; readonly requestId: string | undefined }
): ImageResponse => {
  const mediaType = `image/${list.output_format ?? "png"}`
  const images = list.data.map((d) => ({
    ...(typeof d.b64_json === "string" ? { b64: d.b64_json, mediaType } : {}),
    ...(typeof d.url === "string" ? { url: d.url } : {}),
    ...(typeof d.revised_prompt === "string" ? { revisedPrompt: d.revised_prompt } : {})
  }))
  const u = list.usage
  return {
    model: context.model,
    images,
    ...(u !== undefined && u !== null
      ? { usage: { inputTokens: u.input_tokens ?? 0, outputTokens: u.output_tokens ?? 0 } }
      : {}),
    ...(context.requestId !== undefined ? { requestId: context.requestId } : {})
  }
}
