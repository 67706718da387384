/**
 * Chat messages: the roles system / user / assistant / tool and their content parts.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const TextPart = Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export type TextPart = typeof TextPart.Type

/**
 * An image as a URL (`https:` or `data:`) or as base64 `data` with its media type.
 * @since 0.1.0
 * @category schemas
 */
export const ImagePart = Schema.Struct({
  type: Schema.Literal("image"),
  url: Schema.optional(Schema.String),
  data: Schema.optional(Schema.String),
  mediaType: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.Literal("auto", "low", "high"))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ImagePart = typeof ImagePart.Type

/**
 * A document (PDF, audio, …) as base64 `data` or a URL, with its media type.
 * @since 0.1.0
 * @category schemas
 */
export const FilePart = Schema.Struct({
  type: Schema.Literal("file"),
  mediaType: Schema.String,
  data: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  filename: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type FilePart = typeof FilePart.Type

/**
 * A tool call the model made. `arguments` is the JSON text exactly as the model produced it.
 * @since 0.1.0
 * @category schemas
 */
export const ToolCallPart = Schema.Struct({
  type: Schema.Literal("tool-call"),
  id: Schema.String,
  name: Schema.String,
  arguments: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type ToolCallPart = typeof ToolCallPart.Type

/**
 * The result of running a tool, sent back to the model. `content` is text (often JSON).
 * @since 0.1.0
 * @category schemas
 */
export const ToolResultPart = Schema.Struct({
  type: Schema.Literal("tool-result"),
  toolCallId: Schema.String,
  name: Schema.optional(Schema.String),
  content: Schema.String,
  isError: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ToolResultPart = typeof ToolResultPart.Type

/**
 * Reasoning / thinking text. `signature` (Anthropic) or `encrypted` (redacted thinking) must be
 * sent back unchanged in multi-turn conversations.
 * @since 0.1.0
 * @category schemas
 */
export const ReasoningPart = Schema.Struct({
  type: Schema.Literal("reasoning"),
  text: Schema.String,
  signature: Schema.optional(Schema.String),
  redacted: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ReasoningPart = typeof ReasoningPart.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const SystemMessage = Schema.Struct({ role: Schema.Literal("system"), content: Schema.String })

/**
 * @since 0.1.0
 * @category schemas
 */
export const UserMessage = Schema.Struct({
  role: Schema.Literal("user"),
  content: Schema.Union(Schema.String, Schema.Array(Schema.Union(TextPart, ImagePart, FilePart))),
  name: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const AssistantMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: Schema.Union(Schema.String, Schema.Array(Schema.Union(TextPart, ReasoningPart, ToolCallPart)))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ToolMessage = Schema.Struct({ role: Schema.Literal("tool"), content: Schema.Array(ToolResultPart) })

/**
 * @since 0.1.0
 * @category schemas
 */
export const Message = Schema.Union(SystemMessage, UserMessage, AssistantMessage, ToolMessage)

/**
 * @since 0.1.0
 * @category models
 */
export type Message = typeof Message.Type

/**
 * @since 0.1.0
 * @category models
 */
export type SystemMessage = typeof SystemMessage.Type
/**
 * @since 0.1.0
 * @category models
 */
export type UserMessage = typeof UserMessage.Type
/**
 * @since 0.1.0
 * @category models
 */
export type AssistantMessage = typeof AssistantMessage.Type
/**
 * @since 0.1.0
 * @category models
 */
export type ToolMessage = typeof ToolMessage.Type

/**
 * @since 0.1.0
 * @category constructors
 */
export const system = (content: string): SystemMessage => ({ role: "system", content })

/**
 * @since 0.1.0
 * @category constructors
 */
export const user = (content: UserMessage["content"]): UserMessage => ({ role: "user", content })

/**
 * @since 0.1.0
 * @category constructors
 */
export const assistant = (content: AssistantMessage["content"]): AssistantMessage => ({ role: "assistant", content })

/**
 * @since 0.1.0
 * @category constructors
 */
export const toolResult = (
  toolCallId: string,
  content: string,
  options?: { name?: string; isError?: boolean }
): ToolMessage => ({
  role: "tool",
  content: [{ type: "tool-result", toolCallId, content, ...options }]
})

/**
 * The plain text of a message's content (text parts joined).
 * @since 0.1.0
 * @category getters
 */
export const textOf = (content: string | ReadonlyArray<{ readonly type: string; readonly text?: string }>): string =>
  typeof content === "string"
    ? content
    : content
        .filter((p) => p.type === "text")
        .map((p) => p.text ?? "")
        .join("")
