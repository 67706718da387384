/**
 * OpenTelemetry GenAI semantic-convention attribute names and the helpers the client uses to put
 * them on spans. Prompt and completion content is recorded only when `CaptureContent` is on
 * (off by default), and always through redaction.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"

/**
 * Attribute names from the OpenTelemetry GenAI semantic conventions, plus a few `aiu.*` ones.
 * @since 0.1.0
 * @category constants
 */
export const Attr = {
  system: "gen_ai.system",
  providerName: "gen_ai.provider.name",
  operationName: "gen_ai.operation.name",
  requestModel: "gen_ai.request.model",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestSeed: "gen_ai.request.seed",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestEncodingFormats: "gen_ai.request.encoding_formats",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  prompt: "gen_ai.prompt",
  completion: "gen_ai.completion",
  errorType: "error.type",
  serverAddress: "server.address",
  modelId: "aiu.model_id",
  keyAlias: "aiu.key_alias",
  attempt: "aiu.attempt",
  attempts: "aiu.attempts",
  fallback: "aiu.fallback",
  costUsd: "aiu.cost_usd",
  ttftMs: "aiu.ttft_ms",
  cachedInputTokens: "aiu.usage.cached_input_tokens",
  reasoningTokens: "aiu.usage.reasoning_tokens",
  requestId: "aiu.request_id",
  chunks: "aiu.stream.chunks"
} as const

/**
 * The `gen_ai.operation.name` values for the client's operations.
 * @since 0.1.0
 * @category constants
 */
export const operationName = (operation: "chat" | "stream" | "embed" | "image"): string =>
  operation === "embed" ? "embeddings" : operation === "image" ? "generate_content" : "chat"

/**
 * Whether spans may carry prompt and completion text. Off by default; turn it on with
 * `Layer.succeed(CaptureContent, true)` (content still goes through redaction).
 * @since 0.1.0
 * @category references
 */
export class CaptureContent extends Context.Reference<CaptureContent>()("@aiu/observability/GenAi/CaptureContent", {
  defaultValue: () => false
}) {}
