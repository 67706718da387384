/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini's `parameters` / `responseSchema` accept: type
 * unions with `null` become `nullable`, `const` becomes a one-value `enum`, `anyOf: [X, {type:
 * null}]` collapses to a nullable X, and keywords Gemini rejects (`$schema`, `additionalProperties`,
 * `$ref`, …) are dropped. Pure.
 */

type Json = Readonly<Record<string, unknown>>

const kept = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum"
])

const isObject = (u: unknown): u is Json => u !== null && typeof u === "object" && !Array.isArray(u)

const isNullSchema = (u: unknown) => isObject(u) && u.type === "null"

export const toOpenApiSchema = (schema: unknown): Record<string, unknown> | undefined => {
  if (!isObject(schema)) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case "type":
        if (Array.isArray(value)) {
          const types = value.filter((t) => t !== "null")
          if (types.length !== value.length) out.nullable = true
          if (types.length === 1) out.type = types[0]
          else if (types.length > 1) out.anyOf = types.map((t) => ({ type: t }))
        } else if (value !== "null") out.type = value
        else out.nullable = true
        break
      case "const":
        out.enum = [String(value)]
        break
      case "properties":
        if (isObject(value)) {
          const properties: Record<string, unknown> = {}
          for (const [name, sub] of Object.entries(value)) properties[name] = toOpenApiSchema(sub) ?? {}
          out.properties = properties
        }
        break
      case "items":
        out.items = Array.isArray(value) ? (toOpenApiSchema(value[0]) ?? {}) : (toOpenApiSchema(value) ?? {})
        break
      case "anyOf":
      case "oneOf":
        if (Array.isArray(value)) {
          const variants = value.filter((v) => !isNullSchema(v))
          if (variants.length !== value.length) out.nullable = true
          if (variants.length === 1) Object.assign(out, toOpenApiSchema(variants[0]) ?? {})
          else out.anyOf = variants.map((v) => toOpenApiSchema(v) ?? {})
        }
        break
      case "enum":
        out.enum = Array.isArray(value) ? value.filter((v) => v !== null).map(String) : value
        if (Array.isArray(value) && value.includes(null)) out.nullable = true
        break
      default:
        if (kept.has(key)) out[key] = value
    }
  }
  if (out.enum !== undefined) {
    // Gemini only takes string enums.
    out.type = "string"
    if (Array.isArray(out.enum)) out.enum = out.enum.map(String)
  }
  return out
}

/** Tool parameters: an object schema without properties is sent as no `parameters` at all. */
export const toParameters = (schema: Json): Record<string, unknown> | undefined => {
  const converted = toOpenApiSchema(schema)
  if (converted === undefined) return undefined
  const props = converted.properties
  if (converted.type === "object" && (!isObject(props) || Object.keys(props).length === 0)) return undefined
  return converted
}
