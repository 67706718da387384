/**
 * OpenAI wire schemas: only the fields we read, every one nullish-tolerant. Whole responses are
 * decoded with these; stream chunks are read with the cheap guards in `streamMapping.ts` instead.
 */
import * as Schema from "effect/Schema"

const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

export const WireUsage = Schema.Struct({
  prompt_tokens: opt(Schema.Number),
  completion_tokens: opt(Schema.Number),
  total_tokens: opt(Schema.Number),
  prompt_tokens_details: opt(Schema.Struct({ cached_tokens: opt(Schema.Number) })),
  completion_tokens_details: opt(Schema.Struct({ reasoning_tokens: opt(Schema.Number) })),
  /** DeepSeek. */
  prompt_cache_hit_tokens: opt(Schema.Number)
})
export type WireUsage = typeof WireUsage.Type

export const WireToolCall = Schema.Struct({
  id: opt(Schema.String),
  type: opt(Schema.String),
  function: Schema.Struct({ name: opt(Schema.String), arguments: opt(Schema.Unknown) })
})
export type WireToolCall = typeof WireToolCall.Type

export const ChatCompletion = Schema.Struct({
  id: opt(Schema.String),
  model: opt(Schema.String),
  choices: Schema.Array(
    Schema.Struct({
      index: opt(Schema.Number),
      message: Schema.Struct({
        content: opt(Schema.Unknown),
        refusal: opt(Schema.String),
        tool_calls: opt(Schema.Array(WireToolCall)),
        /** DeepSeek, vLLM (older). */
        reasoning_content: opt(Schema.String),
        /** vLLM (newer), Ollama's OpenAI endpoint, OpenRouter. */
        reasoning: opt(Schema.Unknown)
      }),
      finish_reason: opt(Schema.String)
    })
  ),
  usage: opt(WireUsage)
})
export type ChatCompletion = typeof ChatCompletion.Type

export const ModelList = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({
      id: Schema.String,
      created: opt(Schema.Number),
      owned_by: opt(Schema.String),
      /** OpenRouter. */
      context_length: opt(Schema.Number),
      /** vLLM. */
      max_model_len: opt(Schema.Number)
    })
  )
})
export type ModelList = typeof ModelList.Type

export const EmbeddingList = Schema.Struct({
  model: opt(Schema.String),
  data: Schema.Array(
    Schema.Struct({ index: opt(Schema.Number), embedding: Schema.Union(Schema.Array(Schema.Number), Schema.String) })
  ),
  usage: opt(Schema.Struct({ prompt_tokens: opt(Schema.Number), total_tokens: opt(Schema.Number) }))
})
export type EmbeddingList = typeof EmbeddingList.Type

export const ImageList = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({ b64_json: opt(Schema.String), url: opt(Schema.String), revised_prompt: opt(Schema.String) })
  ),
  output_format: opt(Schema.String),
  usage: opt(Schema.Struct({ input_tokens: opt(Schema.Number), output_tokens: opt(Schema.Number) }))
})
export type ImageList = typeof ImageList.Type

// -----------------------------------------------------------------------------
// Responses API
// -----------------------------------------------------------------------------

export const ResponsesUsage = Schema.Struct({
  input_tokens: opt(Schema.Number),
  output_tokens: opt(Schema.Number),
  total_tokens: opt(Schema.Number),
  input_tokens_details: opt(Schema.Struct({ cached_tokens: opt(Schema.Number) })),
  output_tokens_details: opt(Schema.Struct({ reasoning_tokens: opt(Schema.Number) }))
})
export type ResponsesUsage = typeof ResponsesUsage.Type

export const ResponsesOutputItem = Schema.Struct({
  type: Schema.String,
  id: opt(Schema.String),
  call_id: opt(Schema.String),
  name: opt(Schema.String),
  arguments: opt(Schema.String),
  content: opt(
    Schema.Array(Schema.Struct({ type: Schema.String, text: opt(Schema.String), refusal: opt(Schema.String) }))
  ),
  summary: opt(Schema.Array(Schema.Struct({ type: opt(Schema.String), text: opt(Schema.String) }))),
  encrypted_content: opt(Schema.String)
})
export type ResponsesOutputItem = typeof ResponsesOutputItem.Type

export const ResponsesObject = Schema.Struct({
  id: opt(Schema.String),
  model: opt(Schema.String),
  status: opt(Schema.String),
  error: opt(Schema.Struct({ code: opt(Schema.String), message: opt(Schema.String) })),
  incomplete_details: opt(Schema.Struct({ reason: opt(Schema.String) })),
  output: opt(Schema.Array(ResponsesOutputItem)),
  usage: opt(ResponsesUsage)
})
export type ResponsesObject = typeof ResponsesObject.Type
