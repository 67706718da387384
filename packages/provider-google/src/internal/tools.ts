/**
 * Unified tools and tool choice → Gemini `tools[].functionDeclarations` and
 * `toolConfig.functionCallingConfig` (`auto` → AUTO, `none` → NONE, `required` → ANY, a named
 * tool → ANY restricted to it).
 */
import type { ToolChoice, ToolDefinition } from "@aiu/core/Chat"
import { toParameters } from "./jsonSchema.js"
import type { FunctionDeclaration, GenerateContentRequest, ToolConfig } from "./schema.js"

export interface ToolsResult {
  readonly tools?: GenerateContentRequest["tools"]
  readonly toolConfig?: ToolConfig
  readonly warnings: ReadonlyArray<string>
}

const declaration = (tool: ToolDefinition, mode: "openapi" | "json-schema"): FunctionDeclaration => {
  const description = tool.description !== undefined ? { description: tool.description } : {}
  if (mode === "json-schema") return { name: tool.name, ...description, parametersJsonSchema: tool.parameters }
  const parameters = toParameters(tool.parameters)
  return { name: tool.name, ...description, ...(parameters !== undefined ? { parameters } : {}) }
}

export const prepareTools = (options: {
  readonly tools: ReadonlyArray<ToolDefinition> | undefined
  readonly toolChoice: ToolChoice | undefined
  readonly parallelToolCalls: boolean | undefined
  readonly schemaMode: "openapi" | "json-schema"
}): ToolsResult => {
  const warnings: Array<string> = []
  const tools = options.tools ?? []
  if (options.parallelToolCalls === false) warnings.push("parallelToolCalls: false is not supported by Gemini; ignored")
  if (tools.length === 0) {
    if (options.toolChoice !== undefined && options.toolChoice !== "none" && options.toolChoice !== "auto") {
      warnings.push("toolChoice was given without tools; ignored")
    }
    return { warnings }
  }
  const wire = [{ functionDeclarations: tools.map((t) => declaration(t, options.schemaMode)) }]
  const choice = options.toolChoice
  if (choice === undefined) return { tools: wire, warnings }
  if (choice === "auto") return { tools: wire, toolConfig: { functionCallingConfig: { mode: "AUTO" } }, warnings }
  if (choice === "none") return { tools: wire, toolConfig: { functionCallingConfig: { mode: "NONE" } }, warnings }
  if (choice === "required") return { tools: wire, toolConfig: { functionCallingConfig: { mode: "ANY" } }, warnings }
  if (!tools.some((t) => t.name === choice.name))
    warnings.push(`toolChoice names "${choice.name}", which is not among the tools`)
  return {
    tools: wire,
    toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } },
    warnings
  }
}
