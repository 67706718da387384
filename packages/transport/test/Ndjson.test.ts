import * as Ndjson from "@aiu/transport/Ndjson"
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"

const enc = new TextEncoder()

const decode = (chunks: ReadonlyArray<Uint8Array>) => {
  const d = Ndjson.makeDecoder()
  const lines: Array<string> = []
  for (const c of chunks) lines.push(...d.feed(c))
  lines.push(...d.end())
  return lines.map((l) => JSON.parse(l) as unknown)
}

describe("Ndjson decoder", () => {
  it("LF and CRLF, blank lines skipped, a last line without newline kept", () => {
    assert.deepStrictEqual(decode([enc.encode('{"a":1}\r\n\n{"b":"ü"}\n  \n{"c":3}')]), [
      { a: 1 },
      { b: "ü" },
      { c: 3 }
    ])
  })

  it("a line above the limit throws LineTooLarge", () => {
    const d = Ndjson.makeDecoder({ maxLineBytes: 100 })
    assert.throws(() => d.feed(enc.encode(`{"x":"${"y".repeat(200)}"}`)), Ndjson.LineTooLarge)
  })

  it("property: any re-chunking decodes to the same values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 10 }),
        fc.constantFrom("\n", "\r\n"),
        fc.array(fc.nat(), { maxLength: 10 }),
        (values, eol, offsets) => {
          const data = enc.encode(values.map((v) => JSON.stringify(v)).join(eol) + eol)
          const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b)
          const chunks: Array<Uint8Array> = []
          let start = 0
          for (const p of points) {
            chunks.push(data.subarray(start, p))
            start = p
          }
          chunks.push(data.subarray(start))
          assert.deepStrictEqual(decode(chunks), decode([data]))
          assert.deepStrictEqual(decode([data]), JSON.parse(JSON.stringify(values)))
        }
      ),
      { numRuns: 300 }
    )
  })
})
