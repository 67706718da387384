/**
 * Cohere API v2 wire shapes (`/v2/chat`, `/v2/embed`) and v1 `/v1/models`: only the fields we
 * read, nullish-tolerant. Whole responses are schema-decoded; stream events are typed by
 * `StreamEvent` and read structurally (one `JSON.parse` per event).
 */
import * as Schema from "effect/Schema"

const nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export const UsageTokens = Schema.Struct({
  input_tokens: nullish(Schema.Number),
  output_tokens: nullish(Schema.Number)
})

export const Usage = Schema.Struct({
  billed_units: nullish(UsageTokens),
  tokens: nullish(UsageTokens),
  cached_tokens: nullish(Schema.Number)
})
export type Usage = typeof Usage.Type

export const ToolCall = Schema.Struct({
  id: nullish(Schema.String),
  function: nullish(
    Schema.Struct({
      name: nullish(Schema.String),
      /** A JSON string (`"null"` for some no-argument calls); an object is tolerated. */
      arguments: nullish(Schema.Union(Schema.String, Schema.Record({ key: Schema.String, value: Schema.Unknown })))
    })
  )
})
export type ToolCall = typeof ToolCall.Type

export const ContentBlock = Schema.Struct({
  type: Schema.String,
  text: nullish(Schema.String),
  thinking: nullish(Schema.String)
})

export const ChatResponse = Schema.Struct({
  id: nullish(Schema.String),
  message: nullish(
    Schema.Struct({
      content: nullish(Schema.Array(ContentBlock)),
      tool_plan: nullish(Schema.String),
      tool_calls: nullish(Schema.Array(ToolCall))
    })
  ),
  finish_reason: nullish(Schema.String),
  usage: nullish(Usage)
})
export type ChatResponse = typeof ChatResponse.Type

/** One SSE event payload of `/v2/chat` with `stream:true` (typed, not schema-decoded). */
export interface StreamEvent {
  readonly type?: string | null
  readonly id?: string | null
  readonly index?: number | null
  readonly message?: string | null
  readonly delta?: {
    readonly message?: {
      readonly content?: {
        readonly type?: string | null
        readonly text?: string | null
        readonly thinking?: string | null
      } | null
      readonly tool_plan?: string | null
      /** One object, not an array. */
      readonly tool_calls?: ToolCall | null
    } | null
    readonly finish_reason?: string | null
    readonly usage?: Usage | null
    readonly error?: string | null
  } | null
}

export const EmbedResponse = Schema.Struct({
  id: nullish(Schema.String),
  embeddings: Schema.Struct({ float: Schema.Array(Schema.Array(Schema.Number)) }),
  meta: nullish(Schema.Struct({ billed_units: nullish(Schema.Struct({ input_tokens: nullish(Schema.Number) })) }))
})
export type EmbedResponse = typeof EmbedResponse.Type

export const Model = Schema.Struct({
  name: Schema.String,
  endpoints: nullish(Schema.Array(Schema.String)),
  context_length: nullish(Schema.Number),
  features: nullish(Schema.Array(Schema.String)),
  finetuned: nullish(Schema.Boolean),
  is_deprecated: nullish(Schema.Boolean)
})
export type Model = typeof Model.Type

export const ModelList = Schema.Struct({
  models: nullish(Schema.Array(Model)),
  next_page_token: nullish(Schema.String)
})
export type ModelList = typeof ModelList.Type

// -----------------------------------------------------------------------------
// Request bodies
// -----------------------------------------------------------------------------

export type RequestContentPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image_url"; readonly image_url: { readonly url: string } }

export interface RequestToolCall {
  readonly id: string
  readonly type: "function"
  readonly function: { readonly name: string; readonly arguments: string }
}

export type RequestMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string | ReadonlyArray<RequestContentPart> }
  | {
      readonly role: "assistant"
      readonly content?: string
      readonly tool_plan?: string
      readonly tool_calls?: ReadonlyArray<RequestToolCall>
    }
  | { readonly role: "tool"; readonly tool_call_id: string; readonly content: string }

export interface RequestTool {
  readonly type: "function"
  readonly function: {
    readonly name: string
    readonly description?: string
    readonly parameters: Readonly<Record<string, unknown>>
  }
}

export interface ChatBody {
  readonly model: string
  readonly messages: ReadonlyArray<RequestMessage>
  readonly tools?: ReadonlyArray<RequestTool>
  readonly tool_choice?: "REQUIRED" | "NONE"
  readonly strict_tools?: boolean
  readonly response_format?:
    | { readonly type: "json_object"; readonly json_schema?: Readonly<Record<string, unknown>> }
    | { readonly type: "text" }
  readonly temperature?: number
  readonly max_tokens?: number
  readonly p?: number
  readonly k?: number
  readonly seed?: number
  readonly stop_sequences?: ReadonlyArray<string>
  readonly frequency_penalty?: number
  readonly presence_penalty?: number
  readonly thinking?: { readonly type: "enabled" | "disabled"; readonly token_budget?: number | undefined }
  readonly safety_mode?: "CONTEXTUAL" | "STRICT" | "OFF"
  readonly documents?: ReadonlyArray<unknown>
  readonly citation_options?: Readonly<Record<string, unknown>>
  readonly stream: boolean
}

export interface EmbedBody {
  readonly model: string
  readonly texts: ReadonlyArray<string>
  readonly input_type: "search_document" | "search_query" | "classification" | "clustering"
  readonly embedding_types: ReadonlyArray<"float">
  readonly output_dimension?: number
  readonly truncate?: "NONE" | "START" | "END"
}
