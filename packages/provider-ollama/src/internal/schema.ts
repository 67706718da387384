/**
 * Ollama native API wire shapes (`/api/chat`, `/api/embed`, `/api/tags`): only the fields we read,
 * nullish-tolerant. Whole responses are schema-decoded; stream lines are typed by `ChatChunk` and
 * read structurally (the transport parses each NDJSON line once).
 */
import * as Schema from "effect/Schema"

const nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export const ToolCall = Schema.Struct({
  /** Newer servers and the cloud send `call_…`; local servers often none. */
  id: nullish(Schema.String),
  function: Schema.Struct({
    index: nullish(Schema.Number),
    name: nullish(Schema.String),
    /** An object on Ollama; a string is tolerated. */
    arguments: nullish(Schema.Union(Schema.Record({ key: Schema.String, value: Schema.Unknown }), Schema.String))
  })
})
export type ToolCall = typeof ToolCall.Type

export const ResponseMessage = Schema.Struct({
  content: nullish(Schema.String),
  thinking: nullish(Schema.String),
  tool_calls: nullish(Schema.Array(ToolCall))
})

/** `/api/chat` with `stream:false`, and every line of a streamed chat. */
export const ChatResponse = Schema.Struct({
  model: nullish(Schema.String),
  created_at: nullish(Schema.String),
  message: nullish(ResponseMessage),
  done: nullish(Schema.Boolean),
  done_reason: nullish(Schema.String),
  prompt_eval_count: nullish(Schema.Number),
  eval_count: nullish(Schema.Number),
  error: nullish(Schema.String)
})
export type ChatResponse = typeof ChatResponse.Type

export const EmbedResponse = Schema.Struct({
  model: nullish(Schema.String),
  embeddings: Schema.Array(Schema.Array(Schema.Number)),
  prompt_eval_count: nullish(Schema.Number)
})
export type EmbedResponse = typeof EmbedResponse.Type

export const Tag = Schema.Struct({
  name: Schema.String,
  model: nullish(Schema.String),
  modified_at: nullish(Schema.String),
  size: nullish(Schema.Number),
  details: nullish(
    Schema.Struct({
      family: nullish(Schema.String),
      families: nullish(Schema.Array(Schema.String)),
      parameter_size: nullish(Schema.String),
      quantization_level: nullish(Schema.String)
    })
  )
})
export type Tag = typeof Tag.Type

export const Tags = Schema.Struct({ models: nullish(Schema.Array(Tag)) })
export type Tags = typeof Tags.Type

// -----------------------------------------------------------------------------
// Request bodies
// -----------------------------------------------------------------------------

export interface RequestToolCall {
  readonly function: { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }
}

export type RequestMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string; readonly images?: ReadonlyArray<string> }
  | {
      readonly role: "assistant"
      readonly content: string
      readonly thinking?: string
      readonly tool_calls?: ReadonlyArray<RequestToolCall>
    }
  | { readonly role: "tool"; readonly content: string; readonly tool_name?: string }

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
  readonly format?: "json" | Readonly<Record<string, unknown>>
  readonly options?: Readonly<Record<string, unknown>>
  readonly think?: boolean | "low" | "medium" | "high"
  readonly keep_alive?: string | number
  /** Ollama streams by default: always sent explicitly. */
  readonly stream: boolean
}

export interface EmbedBody {
  readonly model: string
  readonly input: ReadonlyArray<string>
  readonly dimensions?: number
  readonly truncate?: boolean
  readonly keep_alive?: string | number
}
