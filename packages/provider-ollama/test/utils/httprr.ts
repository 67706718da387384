/**
 * A small reader for langchaingo `httprr` traces: `httprr trace v1\n`, then per exchange a line
 * `<request bytes> <response bytes>\n` followed by exactly those bytes (raw HTTP). Responses with
 * `Transfer-Encoding: chunked` keep the chunk framing inside the trace; `body` is the de-chunked
 * payload bytes, unchanged otherwise.
 */
export interface Exchange {
  readonly request: Uint8Array
  readonly status: number
  /** Lowercased names. */
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

const decoder = new TextDecoder()

const indexOf = (bytes: Uint8Array, needle: string, from: number): number => {
  const n = new TextEncoder().encode(needle)
  outer: for (let i = from; i <= bytes.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer
    return i
  }
  return -1
}

const dechunk = (bytes: Uint8Array): Uint8Array => {
  const parts: Array<Uint8Array> = []
  let pos = 0
  for (;;) {
    const lineEnd = indexOf(bytes, "\r\n", pos)
    if (lineEnd < 0) throw new Error("httprr: chunk size line without CRLF")
    const size = Number.parseInt(decoder.decode(bytes.subarray(pos, lineEnd)).split(";")[0]!.trim(), 16)
    if (!Number.isFinite(size)) throw new Error("httprr: bad chunk size")
    pos = lineEnd + 2
    if (size === 0) break
    parts.push(bytes.subarray(pos, pos + size))
    pos += size + 2 // the chunk's trailing CRLF
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export const parse = (trace: Uint8Array): Array<Exchange> => {
  const first = indexOf(trace, "\n", 0)
  if (decoder.decode(trace.subarray(0, first)) !== "httprr trace v1") throw new Error("httprr: bad header")
  const out: Array<Exchange> = []
  let pos = first + 1
  while (pos < trace.length) {
    const nl = indexOf(trace, "\n", pos)
    const [reqLen, respLen] = decoder.decode(trace.subarray(pos, nl)).split(" ").map(Number)
    pos = nl + 1
    const request = trace.subarray(pos, pos + reqLen!)
    pos += reqLen!
    const response = trace.subarray(pos, pos + respLen!)
    pos += respLen!
    const headEnd = indexOf(response, "\r\n\r\n", 0)
    const head = decoder.decode(response.subarray(0, headEnd)).split("\r\n")
    const status = Number(head[0]!.split(" ")[1])
    const headers: Record<string, string> = {}
    for (const line of head.slice(1)) {
      const colon = line.indexOf(":")
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const raw = response.subarray(headEnd + 4)
    const body = headers["transfer-encoding"]?.toLowerCase() === "chunked" ? dechunk(raw) : raw
    out.push({ request, status, headers, body })
  }
  return out
}
