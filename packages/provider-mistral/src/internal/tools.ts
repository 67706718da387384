import type { ToolChoice, ToolDefinition } from "@aiu/core/Chat"
import type { RequestTool, RequestToolChoice } from "./schema.js"

export const tools = (defs: ReadonlyArray<ToolDefinition>): ReadonlyArray<RequestTool> =>
  defs.map((def) => ({
    type: "function",
    function: {
      name: def.name,
      ...(def.description !== undefined ? { description: def.description } : {}),
      parameters: def.parameters,
      ...(def.strict !== undefined ? { strict: def.strict } : {})
    }
  }))

/** `required` is Mistral's `any`; a named tool is the function object form. */
export const toolChoice = (choice: ToolChoice): RequestToolChoice => {
  if (choice === "auto" || choice === "none") return choice
  if (choice === "required") return "any"
  return { type: "function", function: { name: choice.name } }
}
