import { assert, describe, it } from "@effect/vitest"
import { toOpenApiSchema, toParameters } from "../src/internal/jsonSchema.js"

describe("jsonSchema → OpenAPI subset", () => {
  it("nullable unions, const, anyOf with null, dropped keywords, nested items", () => {
    assert.deepStrictEqual(
      toOpenApiSchema({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        additionalProperties: false,
        properties: {
          a: { type: ["integer", "null"], minimum: 0 },
          b: { const: "x" },
          c: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] },
          d: { type: "array", items: { type: "object", properties: { e: { type: "number" } } } },
          f: { type: "integer", enum: [1, 2] }
        },
        required: ["a"]
      }),
      {
        type: "object",
        properties: {
          a: { nullable: true, type: "integer", minimum: 0 },
          b: { enum: ["x"], type: "string" },
          c: { nullable: true, type: "string", format: "date-time" },
          d: { type: "array", items: { type: "object", properties: { e: { type: "number" } } } },
          f: { type: "string", enum: ["1", "2"] }
        },
        required: ["a"]
      }
    )
  })

  it("an object without properties is no parameters at all", () => {
    assert.isUndefined(toParameters({ type: "object", properties: {} }))
    assert.isUndefined(toParameters({ type: "object" }))
    assert.deepStrictEqual(toParameters({ type: "object", properties: { q: { type: "string" } } }), {
      type: "object",
      properties: { q: { type: "string" } }
    })
  })
})
