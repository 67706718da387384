import * as Sse from "@aiu/transport/Sse"
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"

const enc = new TextEncoder()
const bytes = (s: string) => enc.encode(s)

/** Cuts `data` at the given (sorted, deduplicated) offsets. */
const cut = (data: Uint8Array, offsets: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b)
  const out: Array<Uint8Array> = []
  let start = 0
  for (const p of points) {
    out.push(data.subarray(start, p))
    start = p
  }
  out.push(data.subarray(start))
  return out
}

const line = fc.string({ unit: "grapheme", maxLength: 24 }).map((s) => s.replace(/[\r\n]/g, ""))
const name = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 10 }).map((s) => s.replace(/[\r\n:\0]/g, "x"))
const eol = fc.constantFrom("\n", "\r", "\r\n")

interface Spec {
  readonly event: string | undefined
  readonly data: ReadonlyArray<string>
  readonly id: string | undefined
  readonly comment: string | undefined
  readonly retry: boolean
  readonly eols: ReadonlyArray<string>
}

const spec: fc.Arbitrary<Spec> = fc.record({
  event: fc.option(name, { nil: undefined }),
  data: fc.array(line, { minLength: 1, maxLength: 4 }),
  id: fc.option(name, { nil: undefined }),
  comment: fc.option(line, { nil: undefined }),
  retry: fc.boolean(),
  eols: fc.array(eol, { minLength: 8, maxLength: 8 })
})

const serialise = (specs: ReadonlyArray<Spec>, bom: boolean) => {
  let text = bom ? "\uFEFF" : ""
  for (const s of specs) {
    let i = 0
    const end = () => s.eols[i++ % s.eols.length]!
    // A CR followed by an empty line ending in LF would read as one CRLF: not a valid case.
    const blank = () => {
      const e = end()
      return text.endsWith("\r") && e === "\n" ? "\r\n" : e
    }
    if (s.comment !== undefined) text += `:${s.comment}${end()}`
    if (s.event !== undefined) text += `event: ${s.event}${end()}`
    if (s.retry) text += `retry: 3000${end()}`
    for (const d of s.data) text += `data: ${d}${end()}`
    if (s.id !== undefined) text += `id: ${s.id}${end()}`
    text += blank()
  }
  return text
}

const expected = (specs: ReadonlyArray<Spec>) => {
  let id: string | undefined
  return specs.map((s) => {
    if (s.id !== undefined) id = s.id
    return { event: s.event, data: s.data.join("\n"), id }
  })
}

describe("Sse decoder", () => {
  it("follows the event-stream rules: LF/CR/CRLF, comments, multi-line data, event, id, BOM", () => {
    const text =
      "\uFEFF: keep-alive\r\nevent: delta\ndata: one\rdata:two\r\nid: 7\n\ndata: x\n\n:\n\nretry: 5\ndata\n\n"
    assert.deepStrictEqual(Sse.decodeAll(bytes(text)), [
      { event: "delta", data: "one\ntwo", id: "7" },
      { event: undefined, data: "x", id: "7" },
      { event: undefined, data: "", id: "7" }
    ])
  })

  it("a final event without its blank line is still delivered at the end", () => {
    assert.deepStrictEqual(Sse.decodeAll(bytes("data: last")), [{ event: undefined, data: "last", id: undefined }])
  })

  it("regression: multi-byte characters split across chunks are not corrupted (Stream.decodeText once did)", () => {
    const text = "data: é€𝄞你好🌍\n\n"
    const all = bytes(text)
    for (let i = 1; i < all.length; i++) {
      const events = Sse.decodeAll([all.subarray(0, i), all.subarray(i)])
      assert.deepStrictEqual(events, [{ event: undefined, data: "é€𝄞你好🌍", id: undefined }], `split at ${i}`)
    }
    // And every byte on its own.
    assert.deepStrictEqual(Sse.decodeAll(Array.from(all, (b) => Uint8Array.of(b)))[0]?.data, "é€𝄞你好🌍")
  })

  it("invalid or truncated UTF-8 decodes as a streaming TextDecoder would, wherever the reads are cut", () => {
    // The decoder holds back an unfinished trailing sequence itself (it never uses `stream: true`);
    // cutting before a lead byte must give the same U+FFFDs as decoding the whole value at once.
    const values = [
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0xe0, 0x80, 0x41],
      [0xc3],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80, 0xbf, 0xc3, 0xa9],
      [0xf0, 0x9f, 0x98, 0x80, 0x80],
      [0xff, 0xfe, 0xe2, 0x82, 0xac]
    ]
    for (const v of values) {
      const all = Uint8Array.from([...bytes("data: "), ...v, ...bytes("\ndata: z\n\n")])
      const want = `${new TextDecoder().decode(Uint8Array.from(v))}\nz`
      for (let i = 0; i <= all.length; i++) {
        for (let j = i; j <= all.length; j++) {
          const events = Sse.decodeAll([all.subarray(0, i), all.subarray(i, j), all.subarray(j)])
          assert.deepStrictEqual(events, [{ event: undefined, data: want, id: undefined }], `${v} cut at ${i}, ${j}`)
        }
      }
    }
    // A truncated character at the very end of the stream is one U+FFFD, as a flushing decoder's.
    assert.deepStrictEqual(Sse.decodeAll([bytes("data: a"), Uint8Array.of(0xf0, 0x9f)]), [
      { event: undefined, data: "a\uFFFD", id: undefined }
    ])
  })

  it("property: any re-chunking of arbitrary bytes decodes to the same events", () => {
    const piece = fc.oneof(
      fc.constantFrom("data: ", "data:", "event: e", "id: 1", ": c", "\n", "\r", "\r\n", "\n\n", "\uFEFF", "é€𝄞"),
      fc.uint8Array({ maxLength: 6 }).map((b) => Array.from(b, (x) => String.fromCharCode(x | 0x80)).join(""))
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, offsets) => {
        // The high "characters" become raw bytes 0x80–0xFF: stray, truncated or valid UTF-8 sequences.
        const parts = pieces.map((p) =>
          p.charCodeAt(0) >= 0x80 && p.charCodeAt(0) <= 0xff ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : bytes(p)
        )
        const data = Uint8Array.from(parts.flatMap((p) => Array.from(p)))
        assert.deepStrictEqual(Sse.decodeAll(cut(data, offsets)), Sse.decodeAll(data))
      }),
      { numRuns: 500 }
    )
  })

  it("a leading BOM split across reads is still dropped", () => {
    assert.deepStrictEqual(Sse.decodeAll([Uint8Array.of(0xef), Uint8Array.of(0xbb), bytes("\uFEFF").subarray(2)]), [])
    const all = bytes("\uFEFFdata: x\n\n")
    for (let i = 0; i <= 3; i++)
      assert.deepStrictEqual(Sse.decodeAll([all.subarray(0, i), all.subarray(i)]), [
        { event: undefined, data: "x", id: undefined }
      ])
  })

  it("an empty read between a CR and its LF does not split the line end", () => {
    assert.deepStrictEqual(Sse.decodeAll([bytes("data: a\r"), new Uint8Array(0), bytes("\ndata: b\n\n")]), [
      { event: undefined, data: "a\nb", id: undefined }
    ])
  })

  it("a CR at the end of one read and the LF at the start of the next are one line end", () => {
    assert.deepStrictEqual(Sse.decodeAll([bytes("data: a\r"), bytes("\ndata: b\r\n\r"), bytes("\n")]), [
      { event: undefined, data: "a\nb", id: undefined }
    ])
  })

  it("an event above maxEventBytes throws EventTooLarge, keeping the events completed before it", () => {
    const decoder = Sse.makeDecoder({ maxEventBytes: 1024 })
    const error = (() => {
      try {
        decoder.feed(bytes(`data: ok\n\ndata: ${"x".repeat(2048)}\n\n`))
      } catch (e) {
        return e
      }
      return undefined
    })()
    assert.instanceOf(error, Sse.EventTooLarge)
    if (error instanceof Sse.EventTooLarge)
      assert.deepStrictEqual(
        error.events.map((e) => e.data),
        ["ok"]
      )
    // A line growing over many reads trips it too, without buffering it all first.
    const growing = Sse.makeDecoder({ maxEventBytes: 4096 })
    assert.throws(() => {
      for (let i = 0; i < 100; i++) growing.feed(bytes(i === 0 ? "data: " : "y".repeat(100)))
    }, Sse.EventTooLarge)
  })

  it("property: any re-chunking of a valid stream decodes to the same events", () => {
    fc.assert(
      fc.property(
        fc.array(spec, { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (specs, bom, offsets) => {
          const data = bytes(serialise(specs, bom))
          const whole = Sse.decodeAll(data)
          assert.deepStrictEqual(whole, expected(specs))
          assert.deepStrictEqual(Sse.decodeAll(cut(data, offsets)), whole)
        }
      ),
      { numRuns: 500 }
    )
  })

  it("property: byte-at-a-time decodes like one read", () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 4 }), (specs) => {
        const data = bytes(serialise(specs, false))
        assert.deepStrictEqual(Sse.decodeAll(Array.from(data, (b) => Uint8Array.of(b))), Sse.decodeAll(data))
      }),
      { numRuns: 100 }
    )
  })
})
