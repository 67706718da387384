import type { ToolChoice, ToolDefinition } from "@aiu/core/Chat"
import type { RequestTool } from "./schema.js"

const tool = (def: ToolDefinition): RequestTool => ({
  type: "function",
  function: {
    name: def.name,
    ...(def.description !== undefined ? { description: def.description } : {}),
    parameters: def.parameters
  }
})

export interface Mapped {
  readonly tools: ReadonlyArray<RequestTool>
  readonly toolChoice: "REQUIRED" | "NONE" | undefined
  readonly strict: boolean
}

/**
 * Cohere's `tool_choice` is `REQUIRED` or `NONE` (no `auto`: omitted). A named tool is sent
 * alone with `REQUIRED`.
 */
export const tools = (defs: ReadonlyArray<ToolDefinition>, choice: ToolChoice | undefined): Mapped => {
  const strict = defs.some((d) => d.strict === true)
  if (choice === undefined || choice === "auto") return { tools: defs.map(tool), toolChoice: undefined, strict }
  if (choice === "none") return { tools: defs.map(tool), toolChoice: "NONE", strict }
  if (choice === "required") return { tools: defs.map(tool), toolChoice: "REQUIRED", strict }
  return { tools: defs.filter((d) => d.name === choice.name).map(tool), toolChoice: "REQUIRED", strict }
}
