/**
 * Gemini API (Generative Language, `v1beta`) wire shapes: the request bodies we build (plain
 * TypeScript types) and the response bodies we read (Schemas holding only the fields we use,
 * nullish-tolerant). Stream chunks are complete `GenerateContentResponse` objects; they are
 * `JSON.parse`d and read by hand (see streamMapping.ts), not Schema-decoded per chunk.
 */
import * as Schema from "effect/Schema"

// =============================================================================
// Request
// =============================================================================

export type RequestPart =
  | { readonly text: string; readonly thought?: boolean; readonly thoughtSignature?: string }
  | { readonly inlineData: { readonly mimeType: string; readonly data: string } }
  | { readonly fileData: { readonly mimeType?: string; readonly fileUri: string } }
  | {
      readonly functionCall: { readonly name: string; readonly args: unknown; readonly id?: string }
      readonly thoughtSignature?: string
    }
  | {
      readonly functionResponse: {
        readonly name: string
        readonly response: Readonly<Record<string, unknown>>
        readonly id?: string
      }
    }

export interface RequestContent {
  readonly role: "user" | "model"
  readonly parts: ReadonlyArray<RequestPart>
}

export interface FunctionDeclaration {
  readonly name: string
  readonly description?: string
  readonly parameters?: Readonly<Record<string, unknown>>
  readonly parametersJsonSchema?: Readonly<Record<string, unknown>>
}

export interface ToolConfig {
  readonly functionCallingConfig: {
    readonly mode: "AUTO" | "ANY" | "NONE" | "VALIDATED"
    readonly allowedFunctionNames?: ReadonlyArray<string>
  }
}

export interface ThinkingConfig {
  readonly thinkingBudget?: number
  readonly thinkingLevel?: string
  readonly includeThoughts?: boolean
}

export interface GenerationConfig {
  readonly temperature?: number
  readonly topP?: number
  readonly topK?: number
  readonly maxOutputTokens?: number
  readonly stopSequences?: ReadonlyArray<string>
  readonly seed?: number
  readonly presencePenalty?: number
  readonly frequencyPenalty?: number
  readonly responseMimeType?: string
  readonly responseSchema?: Readonly<Record<string, unknown>>
  readonly responseJsonSchema?: Readonly<Record<string, unknown>>
  readonly responseModalities?: ReadonlyArray<string>
  readonly thinkingConfig?: ThinkingConfig
}

export interface SafetySetting {
  readonly category: string
  readonly threshold: string
}

export interface GenerateContentRequest {
  readonly contents: ReadonlyArray<RequestContent>
  readonly systemInstruction?: { readonly parts: ReadonlyArray<{ readonly text: string }> }
  readonly tools?: ReadonlyArray<{ readonly functionDeclarations: ReadonlyArray<FunctionDeclaration> }>
  readonly toolConfig?: ToolConfig
  readonly generationConfig?: GenerationConfig
  readonly safetySettings?: ReadonlyArray<SafetySetting>
  readonly cachedContent?: string
}

export interface EmbedContentRequest {
  readonly model: string
  readonly content: { readonly parts: ReadonlyArray<{ readonly text: string }> }
  readonly taskType?: string
  readonly title?: string
  readonly outputDimensionality?: number
}

export interface BatchEmbedContentsRequest {
  readonly requests: ReadonlyArray<EmbedContentRequest>
}

// =============================================================================
// Response
// =============================================================================

const nullish = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

export const WireUsage = Schema.Struct({
  promptTokenCount: nullish(Schema.Number),
  candidatesTokenCount: nullish(Schema.Number),
  totalTokenCount: nullish(Schema.Number),
  cachedContentTokenCount: nullish(Schema.Number),
  thoughtsTokenCount: nullish(Schema.Number),
  toolUsePromptTokenCount: nullish(Schema.Number)
})
export type WireUsage = typeof WireUsage.Type

export const WirePart = Schema.Struct({
  text: nullish(Schema.String),
  thought: nullish(Schema.Boolean),
  thoughtSignature: nullish(Schema.String),
  functionCall: nullish(
    Schema.Struct({ name: nullish(Schema.String), args: Schema.optional(Schema.Unknown), id: nullish(Schema.String) })
  ),
  inlineData: nullish(Schema.Struct({ mimeType: nullish(Schema.String), data: nullish(Schema.String) }))
})
export type WirePart = typeof WirePart.Type

export const WireCandidate = Schema.Struct({
  content: nullish(Schema.Struct({ parts: nullish(Schema.Array(WirePart)) })),
  /** A string, or a number with `enum-encoding=int`. */
  finishReason: nullish(Schema.Union(Schema.String, Schema.Number)),
  finishMessage: nullish(Schema.String)
})
export type WireCandidate = typeof WireCandidate.Type

export const WireResponse = Schema.Struct({
  candidates: nullish(Schema.Array(WireCandidate)),
  promptFeedback: nullish(Schema.Struct({ blockReason: nullish(Schema.Union(Schema.String, Schema.Number)) })),
  usageMetadata: nullish(WireUsage),
  modelVersion: nullish(Schema.String),
  responseId: nullish(Schema.String)
})
export type WireResponse = typeof WireResponse.Type

export const WireBatchEmbedResponse = Schema.Struct({
  embeddings: Schema.Array(Schema.Struct({ values: Schema.Array(Schema.Number) }))
})
export type WireBatchEmbedResponse = typeof WireBatchEmbedResponse.Type

export const WireModel = Schema.Struct({
  name: Schema.String,
  baseModelId: nullish(Schema.String),
  version: nullish(Schema.String),
  displayName: nullish(Schema.String),
  description: nullish(Schema.String),
  inputTokenLimit: nullish(Schema.Number),
  outputTokenLimit: nullish(Schema.Number),
  supportedGenerationMethods: nullish(Schema.Array(Schema.String)),
  thinking: nullish(Schema.Boolean)
})
export type WireModel = typeof WireModel.Type

export const WireModelsPage = Schema.Struct({
  models: nullish(Schema.Array(WireModel)),
  nextPageToken: nullish(Schema.String)
})
export type WireModelsPage = typeof WireModelsPage.Type
