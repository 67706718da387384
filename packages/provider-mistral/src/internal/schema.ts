/**
 * Mistral wire shapes: only the fields we read, every one nullish-tolerant. Whole responses are
 * decoded with these schemas; stream chunks are typed by `ChatCompletionChunk` and read
 * structurally (one `JSON.parse` per event, no schema run per chunk).
 */
import * as Schema from "effect/Schema"

const nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export const Usage = Schema.Struct({
  prompt_tokens: nullish(Schema.Number),
  completion_tokens: nullish(Schema.Number),
  total_tokens: nullish(Schema.Number),
  prompt_tokens_details: nullish(Schema.Struct({ cached_tokens: nullish(Schema.Number) })),
  completion_tokens_details: nullish(Schema.Struct({ reasoning_tokens: nullish(Schema.Number) }))
})
export type Usage = typeof Usage.Type

export const ToolCall = Schema.Struct({
  id: nullish(Schema.String),
  index: nullish(Schema.Number),
  function: Schema.Struct({
    name: nullish(Schema.String),
    /** A JSON string on Mistral; an object is tolerated. */
    arguments: nullish(Schema.Union(Schema.String, Schema.Record({ key: Schema.String, value: Schema.Unknown })))
  })
})
export type ToolCall = typeof ToolCall.Type

/** `{type:"text", text}`, `{type:"thinking", thinking:[{type:"text", text}]}`, `{type:"reference"}`, … */
export const ContentChunk = Schema.Struct({
  type: Schema.String,
  text: nullish(Schema.String),
  thinking: nullish(Schema.Array(Schema.Struct({ type: nullish(Schema.String), text: nullish(Schema.String) })))
})
export type ContentChunk = typeof ContentChunk.Type

export const Content = Schema.Union(Schema.String, Schema.Array(ContentChunk))
export type Content = typeof Content.Type

export const ChatCompletion = Schema.Struct({
  id: nullish(Schema.String),
  model: nullish(Schema.String),
  choices: Schema.Array(
    Schema.Struct({
      message: Schema.Struct({
        content: nullish(Content),
        tool_calls: nullish(Schema.Array(ToolCall))
      }),
      finish_reason: nullish(Schema.String)
    })
  ),
  usage: nullish(Usage)
})
export type ChatCompletion = typeof ChatCompletion.Type

/** One SSE `data:` payload of a streamed chat completion (typed, not schema-decoded). */
export const ChatCompletionChunk = Schema.Struct({
  id: nullish(Schema.String),
  model: nullish(Schema.String),
  choices: nullish(
    Schema.Array(
      Schema.Struct({
        delta: nullish(
          Schema.Struct({
            content: nullish(Content),
            tool_calls: nullish(Schema.Array(ToolCall))
          })
        ),
        finish_reason: nullish(Schema.String)
      })
    )
  ),
  usage: nullish(Usage),
  /** In-band error payloads: `{object:"error", message, type, code}` or `{error:{…}}`. */
  object: nullish(Schema.String),
  message: nullish(Schema.Unknown),
  type: nullish(Schema.String),
  code: nullish(Schema.Unknown),
  error: nullish(Schema.Unknown)
})
export type ChatCompletionChunk = typeof ChatCompletionChunk.Type

export const EmbeddingResponse = Schema.Struct({
  model: nullish(Schema.String),
  data: Schema.Array(Schema.Struct({ embedding: Schema.Array(Schema.Number), index: nullish(Schema.Number) })),
  usage: nullish(Schema.Struct({ prompt_tokens: nullish(Schema.Number), total_tokens: nullish(Schema.Number) }))
})
export type EmbeddingResponse = typeof EmbeddingResponse.Type

export const Model = Schema.Struct({
  id: Schema.String,
  name: nullish(Schema.String),
  description: nullish(Schema.String),
  created: nullish(Schema.Number),
  owned_by: nullish(Schema.String),
  max_context_length: nullish(Schema.Number),
  deprecation: nullish(Schema.String),
  type: nullish(Schema.String),
  capabilities: nullish(
    Schema.Struct({
      completion_chat: nullish(Schema.Boolean),
      completion_fim: nullish(Schema.Boolean),
      function_calling: nullish(Schema.Boolean),
      vision: nullish(Schema.Boolean),
      classification: nullish(Schema.Boolean)
    })
  )
})
export type Model = typeof Model.Type

export const ModelList = Schema.Struct({ data: Schema.Array(Model) })
export type ModelList = typeof ModelList.Type

// -----------------------------------------------------------------------------
// Request bodies (what we send)
// -----------------------------------------------------------------------------

export type RequestContentPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image_url"; readonly image_url: string }
  | { readonly type: "document_url"; readonly document_url: string; readonly document_name?: string }

export interface RequestToolCall {
  readonly id: string
  readonly type: "function"
  readonly function: { readonly name: string; readonly arguments: string }
}

export type RequestMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string | ReadonlyArray<RequestContentPart> }
  | { readonly role: "assistant"; readonly content: string; readonly tool_calls?: ReadonlyArray<RequestToolCall> }
  | { readonly role: "tool"; readonly content: string; readonly tool_call_id: string; readonly name?: string }

export interface RequestTool {
  readonly type: "function"
  readonly function: {
    readonly name: string
    readonly description?: string
    readonly parameters: Readonly<Record<string, unknown>>
    readonly strict?: boolean
  }
}

export type RequestToolChoice =
  | "auto"
  | "none"
  | "any"
  | "required"
  | { readonly type: "function"; readonly function: { readonly name: string } }

export type RequestResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object" }
  | {
      readonly type: "json_schema"
      readonly json_schema: {
        readonly name: string
        readonly schema: Readonly<Record<string, unknown>>
        readonly strict?: boolean
        readonly description?: string
      }
    }

export interface ChatBody {
  readonly model: string
  readonly messages: ReadonlyArray<RequestMessage>
  readonly temperature?: number
  readonly top_p?: number
  readonly max_tokens?: number
  readonly stop?: ReadonlyArray<string>
  readonly random_seed?: number
  readonly presence_penalty?: number
  readonly frequency_penalty?: number
  readonly response_format?: RequestResponseFormat
  readonly tools?: ReadonlyArray<RequestTool>
  readonly tool_choice?: RequestToolChoice
  readonly parallel_tool_calls?: boolean
  readonly safe_prompt?: boolean
  readonly prompt_mode?: "reasoning" | null
  readonly reasoning_effort?: string
  readonly n?: number
  readonly prediction?: { readonly type: "content"; readonly content: string }
  readonly stream?: boolean
}

export interface EmbeddingBody {
  readonly model: string
  readonly input: ReadonlyArray<string>
  readonly output_dimension?: number
}
