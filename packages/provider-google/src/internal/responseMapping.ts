/**
 * Gemini `GenerateContentResponse` → `ChatResponse`. Thought parts become reasoning parts; a
 * part's `thoughtSignature` becomes a reasoning part with empty text placed just before it (see
 * requestMapping.ts for the way back); function calls get Gemini's id or one made up here. A
 * prompt blocked before any candidate is `ContentFiltered`.
 */
import * as AiuError from "@aiu/core/AiuError"
import { type ChatResponse, makeResponse } from "@aiu/core/Chat"
import type { ReasoningPart, TextPart, ToolCallPart } from "@aiu/core/Message"
import * as Either from "effect/Either"
import { rawFinishReason, toFinishReason } from "./finishReason.js"
import { GENERATED_ID_PREFIX } from "./requestMapping.js"
import type { WirePart, WireResponse } from "./schema.js"
import { toUsage } from "./usage.js"

export type ContentPart = TextPart | ReasoningPart | ToolCallPart

export const toolCallId = (responseId: string | null | undefined, index: number): string =>
  `${GENERATED_ID_PREFIX}${responseId != null && responseId !== "" ? `${responseId}_` : ""}${index}`

/** One wire part → content parts; `nextCall` numbers the calls of this response. */
export const partToContent = (
  part: WirePart,
  responseId: string | null | undefined,
  nextCall: () => number,
  out: Array<ContentPart>
): void => {
  if (part.thoughtSignature != null && part.thoughtSignature !== "") {
    if (part.thought === true) {
      out.push({ type: "reasoning", text: part.text ?? "", signature: part.thoughtSignature })
      return
    }
    out.push({ type: "reasoning", text: "", signature: part.thoughtSignature })
  }
  if (part.functionCall != null) {
    const index = nextCall()
    out.push({
      type: "tool-call",
      id: part.functionCall.id ?? toolCallId(responseId, index),
      name: part.functionCall.name ?? "",
      arguments: JSON.stringify(part.functionCall.args ?? {})
    })
    return
  }
  if (part.text != null && part.text !== "") {
    out.push(part.thought === true ? { type: "reasoning", text: part.text } : { type: "text", text: part.text })
  }
}

export const blocked = (provider: string, reason: string | number, requestId: string | undefined) =>
  new AiuError.ContentFiltered({
    message: `${provider}: the prompt was blocked (${typeof reason === "number" ? `blockReason ${reason}` : reason})`,
    provider,
    ...(requestId !== undefined ? { requestId } : {})
  })

export const toChatResponse = (
  response: WireResponse,
  options: {
    readonly provider: string
    readonly model: string
    readonly requestId: string | undefined
    readonly warnings: ReadonlyArray<string>
  }
): Either.Either<ChatResponse, AiuError.ContentFiltered> => {
  const candidate = response.candidates?.[0]
  const blockReason = response.promptFeedback?.blockReason
  if (candidate === undefined && blockReason != null) {
    return Either.left(blocked(options.provider, blockReason, options.requestId))
  }
  const content: Array<ContentPart> = []
  let calls = 0
  for (const part of candidate?.content?.parts ?? []) {
    partToContent(part, response.responseId, () => calls++, content)
  }
  const raw = rawFinishReason(candidate?.finishReason)
  return Either.right(
    makeResponse({
      id: response.responseId ?? undefined,
      model: response.modelVersion ?? options.model,
      content,
      finishReason: toFinishReason(raw, calls > 0),
      rawFinishReason: raw,
      usage: toUsage(response.usageMetadata),
      // Gemini sends no request-id header: its `responseId` is the identifier to quote to Google.
      requestId: options.requestId ?? response.responseId ?? undefined,
      warnings: options.warnings
    })
  )
}
