/**
 * The unified chat request and response.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Message, ReasoningPart, TextPart, ToolCallPart } from "./Message.js"
import { Usage } from "./Usage.js"

/**
 * A JSON Schema document (tool parameters, structured output).
 * @since 0.1.0
 * @category schemas
 */
export const JsonSchema = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * @since 0.1.0
 * @category models
 */
export type JsonSchema = typeof JsonSchema.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ToolDefinition = Schema.Struct({
  name: Schema.String,
  description: Schema.optional(Schema.String),
  parameters: JsonSchema,
  strict: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ToolDefinition = typeof ToolDefinition.Type

/**
 * `auto` (model decides), `none`, `required` (some tool), or one named tool.
 * @since 0.1.0
 * @category schemas
 */
export const ToolChoice = Schema.Union(
  Schema.Literal("auto", "none", "required"),
  Schema.Struct({ type: Schema.Literal("tool"), name: Schema.String })
)

/**
 * @since 0.1.0
 * @category models
 */
export type ToolChoice = typeof ToolChoice.Type

/**
 * Plain text, any JSON object, or JSON matching a schema.
 * @since 0.1.0
 * @category schemas
 */
export const ResponseFormat = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text") }),
  Schema.Struct({ type: Schema.Literal("json") }),
  Schema.Struct({
    type: Schema.Literal("json-schema"),
    name: Schema.String,
    schema: JsonSchema,
    description: Schema.optional(Schema.String),
    strict: Schema.optional(Schema.Boolean)
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type ResponseFormat = typeof ResponseFormat.Type

/**
 * Reasoning / thinking controls: an effort level, or a token budget (Anthropic, Gemini).
 * @since 0.1.0
 * @category schemas
 */
export const Reasoning = Schema.Struct({
  effort: Schema.optional(Schema.Literal("minimal", "low", "medium", "high")),
  budgetTokens: Schema.optional(Schema.Number),
  /** Include reasoning text / summaries in the response where the provider can. */
  includeThoughts: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Reasoning = typeof Reasoning.Type

/**
 * Per-provider options the unified request lacks, keyed by provider type
 * (`{ openai: { service_tier: "flex" } }`). Each adapter decodes its own entry with its own schema.
 * @since 0.1.0
 * @category schemas
 */
export const ProviderOptions = Schema.Record({
  key: Schema.String,
  value: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * @since 0.1.0
 * @category models
 */
export type ProviderOptions = typeof ProviderOptions.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChatRequest = Schema.Struct({
  /** The provider-local model name (`gpt-4o-mini`), not the `provider:model` id. */
  model: Schema.String,
  messages: Schema.Array(Message),
  tools: Schema.optional(Schema.Array(ToolDefinition)),
  toolChoice: Schema.optional(ToolChoice),
  parallelToolCalls: Schema.optional(Schema.Boolean),
  responseFormat: Schema.optional(ResponseFormat),
  temperature: Schema.optional(Schema.Number),
  topP: Schema.optional(Schema.Number),
  topK: Schema.optional(Schema.Number),
  maxOutputTokens: Schema.optional(Schema.Number),
  stop: Schema.optional(Schema.Array(Schema.String)),
  seed: Schema.optional(Schema.Number),
  frequencyPenalty: Schema.optional(Schema.Number),
  presencePenalty: Schema.optional(Schema.Number),
  reasoning: Schema.optional(Reasoning),
  user: Schema.optional(Schema.String),
  providerOptions: Schema.optional(ProviderOptions)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ChatRequest = typeof ChatRequest.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const FinishReason = Schema.Literal("stop", "length", "tool-calls", "content-filter", "error", "other")

/**
 * @since 0.1.0
 * @category models
 */
export type FinishReason = typeof FinishReason.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChatResponse = Schema.Struct({
  /** The provider's response id (`chatcmpl-…`, `msg_…`). */
  id: Schema.optional(Schema.String),
  /** The model the provider says answered (may differ from the one asked for). */
  model: Schema.String,
  content: Schema.Array(Schema.Union(TextPart, ReasoningPart, ToolCallPart)),
  /** All text parts joined. */
  text: Schema.String,
  /** All reasoning parts joined, when the provider returned any. */
  reasoning: Schema.optional(Schema.String),
  toolCalls: Schema.Array(ToolCallPart),
  finishReason: FinishReason,
  /** The provider's own finish reason, before mapping. */
  rawFinishReason: Schema.optional(Schema.String),
  usage: Usage,
  /** From `x-request-id` / `request-id` response headers. */
  requestId: Schema.optional(Schema.String),
  warnings: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ChatResponse = typeof ChatResponse.Type

/**
 * Builds a response from its content parts, deriving `text`, `reasoning` and `toolCalls`.
 * @since 0.1.0
 * @category constructors
 */
export const makeResponse = (fields: {
  readonly id?: string | undefined
  readonly model: string
  readonly content: ChatResponse["content"]
  readonly finishReason: FinishReason
  readonly rawFinishReason?: string | undefined
  readonly usage: Usage
  readonly requestId?: string | undefined
  readonly warnings?: ReadonlyArray<string> | undefined
}): ChatResponse => {
  let text = ""
  let reasoning: string | undefined
  const toolCalls: Array<ToolCallPart> = []
  for (const part of fields.content) {
    if (part.type === "text") text += part.text
    else if (part.type === "reasoning") reasoning = (reasoning ?? "") + part.text
    else toolCalls.push(part)
  }
  const response: { -readonly [K in keyof ChatResponse]: ChatResponse[K] } = {
    model: fields.model,
    content: fields.content,
    text,
    toolCalls,
    finishReason: fields.finishReason,
    usage: fields.usage
  }
  if (fields.id !== undefined) response.id = fields.id
  if (reasoning !== undefined) response.reasoning = reasoning
  if (fields.rawFinishReason !== undefined) response.rawFinishReason = fields.rawFinishReason
  if (fields.requestId !== undefined) response.requestId = fields.requestId
  if (fields.warnings !== undefined && fields.warnings.length > 0) response.warnings = fields.warnings
  return response
}
