/**
 * Tool definitions and tool choice → the Chat Completions and Responses wire shapes.
 */
import type { ToolChoice, ToolDefinition } from "@aiu/core/Chat"

export interface ChatTool {
  readonly type: "function"
  readonly function: {
    readonly name: string
    readonly description?: string
    readonly parameters: Record<string, unknown>
    readonly strict?: boolean
  }
}

export const toChatTools = (tools: ReadonlyArray<ToolDefinition>): Array<ChatTool> =>
  tools.map((t) => ({
    type: "function",
    function: {
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: t.parameters,
      ...(t.strict !== undefined ? { strict: t.strict } : {})
    }
  }))

export type ChatToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } }

export const toChatToolChoice = (choice: ToolChoice): ChatToolChoice =>
  typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } }

/** Responses API: flat function tools. */
export const toResponsesTools = (tools: ReadonlyArray<ToolDefinition>) =>
  tools.map((t) => ({
    type: "function" as const,
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    parameters: t.parameters,
    strict: t.strict ?? false
  }))

export const toResponsesToolChoice = (choice: ToolChoice) =>
  typeof choice === "string" ? choice : { type: "function" as const, name: choice.name }
