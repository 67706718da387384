/**
 * Unified tools, tool choice and structured output → Anthropic `tools` / `tool_choice`.
 * Structured output in `tool` mode adds a tool named `json` and forces it; its input is the answer.
 */
import type { ResponseFormat, ToolChoice, ToolDefinition } from "@aiu/core/Chat"
import type { RequestTool, RequestToolChoice } from "./schema.js"

/** The name of the tool that carries structured output in `tool` mode. */
export const JSON_TOOL_NAME = "json"

export interface ToolsResult {
  readonly tools?: ReadonlyArray<RequestTool>
  readonly toolChoice?: RequestToolChoice
  /** True when the `json` tool carries the answer: its call is text, not a tool call. */
  readonly jsonTool: boolean
  readonly warnings: ReadonlyArray<string>
}

const toTool = (tool: ToolDefinition): RequestTool => ({
  name: tool.name,
  ...(tool.description !== undefined ? { description: tool.description } : {}),
  input_schema: tool.parameters
})

export const jsonToolFor = (format: ResponseFormat): RequestTool | undefined => {
  if (format.type === "json-schema") {
    return {
      name: JSON_TOOL_NAME,
      description: format.description ?? `Respond with a JSON object matching the "${format.name}" schema.`,
      input_schema: format.schema
    }
  }
  if (format.type === "json") {
    return {
      name: JSON_TOOL_NAME,
      description: "Respond with a JSON object.",
      input_schema: { type: "object", additionalProperties: true }
    }
  }
  return undefined
}

export const prepareTools = (options: {
  readonly tools: ReadonlyArray<ToolDefinition> | undefined
  readonly toolChoice: ToolChoice | undefined
  readonly parallelToolCalls: boolean | undefined
  readonly disableParallelToolUse: boolean | undefined
  /** The forced structured-output tool, when `responseFormat` asks for JSON in tool mode. */
  readonly jsonTool: RequestTool | undefined
}): ToolsResult => {
  const warnings: Array<string> = []
  const userTools = options.tools ?? []
  const disable = options.disableParallelToolUse ?? (options.parallelToolCalls === false ? true : undefined)
  const parallel = disable !== undefined ? { disable_parallel_tool_use: disable } : {}

  if (options.jsonTool !== undefined) {
    if (userTools.some((t) => t.name === JSON_TOOL_NAME)) {
      warnings.push(`a tool named "${JSON_TOOL_NAME}" clashes with structured output; the user's tool was dropped`)
    }
    const tools = [...userTools.filter((t) => t.name !== JSON_TOOL_NAME).map(toTool), options.jsonTool]
    if (userTools.length === 0 || options.toolChoice === "none") {
      if (options.toolChoice === "none" && userTools.length > 0) {
        warnings.push(`toolChoice "none" with structured output: only the "${JSON_TOOL_NAME}" tool may be called`)
      }
      return { tools: [options.jsonTool], toolChoice: { type: "tool", name: JSON_TOOL_NAME }, jsonTool: true, warnings }
    }
    // User tools and structured output: the model may call a tool or answer through `json`.
    return { tools, toolChoice: { type: "any", ...parallel }, jsonTool: true, warnings }
  }

  if (userTools.length === 0) {
    if (options.toolChoice !== undefined && options.toolChoice !== "none" && options.toolChoice !== "auto") {
      warnings.push("toolChoice was given without tools; ignored")
    }
    return { jsonTool: false, warnings }
  }
  const tools = userTools.map(toTool)
  const choice = options.toolChoice
  if (choice === undefined) {
    return {
      tools,
      ...(disable !== undefined ? { toolChoice: { type: "auto", ...parallel } } : {}),
      jsonTool: false,
      warnings
    }
  }
  if (choice === "auto") return { tools, toolChoice: { type: "auto", ...parallel }, jsonTool: false, warnings }
  if (choice === "none") return { tools, toolChoice: { type: "none" }, jsonTool: false, warnings }
  if (choice === "required") return { tools, toolChoice: { type: "any", ...parallel }, jsonTool: false, warnings }
  if (!userTools.some((t) => t.name === choice.name)) {
    warnings.push(`toolChoice names "${choice.name}", which is not among the tools`)
  }
  return { tools, toolChoice: { type: "tool", name: choice.name, ...parallel }, jsonTool: false, warnings }
}
