/**
 * Anthropic Messages API wire shapes: the request body we build (plain TypeScript types) and the
 * response bodies we read (Schemas holding only the fields we use, nullish-tolerant). Stream
 * events are typed but not decoded with a Schema: each event is one `JSON.parse` and a few
 * property reads (see streamMapping.ts).
 */
import * as Schema from "effect/Schema"

// =============================================================================
// Request
// =============================================================================

export type ImageSource =
  | { readonly type: "base64"; readonly media_type: string; readonly data: string }
  | { readonly type: "url"; readonly url: string }

export type DocumentSource =
  | { readonly type: "base64"; readonly media_type: string; readonly data: string }
  | { readonly type: "url"; readonly url: string }
  | { readonly type: "text"; readonly media_type: "text/plain"; readonly data: string }

export interface CacheControl {
  readonly type: "ephemeral"
  readonly ttl?: "5m" | "1h"
}

export type RequestBlock = (
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image"; readonly source: ImageSource }
  | { readonly type: "document"; readonly source: DocumentSource; readonly title?: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown }
  | {
      readonly type: "tool_result"
      readonly tool_use_id: string
      readonly content: string
      readonly is_error?: boolean
    }
  | { readonly type: "thinking"; readonly thinking: string; readonly signature: string }
  | { readonly type: "redacted_thinking"; readonly data: string }
) & { readonly cache_control?: CacheControl }

export interface RequestMessage {
  readonly role: "user" | "assistant"
  readonly content: ReadonlyArray<RequestBlock>
}

export interface RequestTool {
  readonly name: string
  readonly description?: string
  readonly input_schema: Readonly<Record<string, unknown>>
  readonly cache_control?: CacheControl
}

export type RequestToolChoice =
  | { readonly type: "auto" | "any"; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: "tool"; readonly name: string; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: "none" }

export type RequestThinking =
  | { readonly type: "enabled"; readonly budget_tokens: number }
  | { readonly type: "adaptive" }
  | { readonly type: "disabled" }

export interface MessagesRequest {
  readonly model: string
  readonly max_tokens: number
  readonly messages: ReadonlyArray<RequestMessage>
  readonly system?: ReadonlyArray<{
    readonly type: "text"
    readonly text: string
    readonly cache_control?: CacheControl
  }>
  readonly tools?: ReadonlyArray<RequestTool>
  readonly tool_choice?: RequestToolChoice
  readonly temperature?: number
  readonly top_p?: number
  readonly top_k?: number
  readonly stop_sequences?: ReadonlyArray<string>
  readonly thinking?: RequestThinking
  readonly output_config?: {
    readonly effort?: string
    readonly format?: { readonly type: "json_schema"; readonly schema: Readonly<Record<string, unknown>> }
  }
  readonly metadata?: { readonly user_id: string }
  readonly service_tier?: string
  readonly stream?: boolean
}

// =============================================================================
// Response
// =============================================================================

const nullish = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

export const WireUsage = Schema.Struct({
  input_tokens: nullish(Schema.Number),
  output_tokens: nullish(Schema.Number),
  cache_creation_input_tokens: nullish(Schema.Number),
  cache_read_input_tokens: nullish(Schema.Number),
  output_tokens_details: nullish(Schema.Struct({ thinking_tokens: nullish(Schema.Number) }))
})
export type WireUsage = typeof WireUsage.Type

/** One struct for every block type: we dispatch on `type` and ignore what we do not know. */
export const WireContentBlock = Schema.Struct({
  type: Schema.String,
  text: nullish(Schema.String),
  thinking: nullish(Schema.String),
  signature: nullish(Schema.String),
  data: nullish(Schema.String),
  id: nullish(Schema.String),
  name: nullish(Schema.String),
  input: Schema.optional(Schema.Unknown)
})
export type WireContentBlock = typeof WireContentBlock.Type

export const WireMessage = Schema.Struct({
  id: nullish(Schema.String),
  model: nullish(Schema.String),
  content: nullish(Schema.Array(WireContentBlock)),
  stop_reason: nullish(Schema.String),
  stop_sequence: nullish(Schema.String),
  usage: nullish(WireUsage)
})
export type WireMessage = typeof WireMessage.Type

export const WireModel = Schema.Struct({
  id: Schema.String,
  type: nullish(Schema.String),
  display_name: nullish(Schema.String),
  created_at: nullish(Schema.String),
  max_input_tokens: nullish(Schema.Number),
  max_tokens: nullish(Schema.Number)
})
export type WireModel = typeof WireModel.Type

export const WireModelsPage = Schema.Struct({
  data: nullish(Schema.Array(WireModel)),
  has_more: nullish(Schema.Boolean),
  first_id: nullish(Schema.String),
  last_id: nullish(Schema.String)
})
export type WireModelsPage = typeof WireModelsPage.Type

/** `{"type":"error","error":{"type","message"},"request_id"}` — read by hand in errors.ts. */
export interface WireError {
  readonly type?: string
  readonly message?: string
}

// =============================================================================
// Stream events (JSON.parse'd, not Schema-decoded)
// =============================================================================

export interface StreamUsage {
  readonly input_tokens?: number | null | undefined
  readonly output_tokens?: number | null | undefined
  readonly cache_creation_input_tokens?: number | null | undefined
  readonly cache_read_input_tokens?: number | null | undefined
  readonly output_tokens_details?: { readonly thinking_tokens?: number | null | undefined } | null | undefined
}

export type StreamEvent =
  | {
      readonly type: "message_start"
      readonly message?: { readonly id?: string; readonly model?: string; readonly usage?: StreamUsage | null }
    }
  | {
      readonly type: "content_block_start"
      readonly index: number
      readonly content_block: {
        readonly type: string
        readonly text?: string
        readonly thinking?: string
        readonly signature?: string
        readonly data?: string
        readonly id?: string
        readonly name?: string
      }
    }
  | {
      readonly type: "content_block_delta"
      readonly index: number
      readonly delta: {
        readonly type: string
        readonly text?: string
        readonly thinking?: string
        readonly signature?: string
        readonly partial_json?: string
      }
    }
  | { readonly type: "content_block_stop"; readonly index: number }
  | {
      readonly type: "message_delta"
      readonly delta?: { readonly stop_reason?: string | null; readonly stop_sequence?: string | null }
      readonly usage?: StreamUsage | null
    }
  | { readonly type: "message_stop" }
  | { readonly type: "ping" }
  | { readonly type: "error"; readonly error?: WireError }
