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

/**
 * Ollama has no `tool_choice`: `none` sends no tools, a named tool sends only that one, and
 * `required` cannot be enforced (a warning says so).
 */
export const tools = (
  defs: ReadonlyArray<ToolDefinition>,
  choice: ToolChoice | undefined,
  warnings: Array<string>
): ReadonlyArray<RequestTool> | undefined => {
  if (defs.length === 0 || choice === "none") return undefined
  if (choice === "required") {
    warnings.push('Ollama cannot force a tool call: toolChoice "required" was sent as "auto"')
  } else if (choice !== undefined && choice !== "auto") {
    const named = defs.filter((d) => d.name === choice.name)
    if (named.length === 0) {
      warnings.push(`toolChoice names "${choice.name}", which is not among the tools; all tools were sent`)
      return defs.map(tool)
    }
    warnings.push("Ollama cannot force a tool call: only the named tool was offered")
    return named.map(tool)
  }
  return defs.map(tool)
}
