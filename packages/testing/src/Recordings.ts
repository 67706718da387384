/**
 * Loading recorded provider traffic and replaying it through the fake server byte for byte.
 *
 * Formats (see `fixtures/README.md`, "Framing legend"):
 * - `*.httprr` (langchaingo): `httprr trace v1`, then per exchange `<req-bytes> <resp-bytes>\n`
 *   and exactly that many raw bytes of request and response. Parsed by byte counts; a response
 *   with `Transfer-Encoding: chunked` is de-chunked.
 * - `*.yaml` (VCR cassettes): `interactions[]` of `{request, response}`; bodies are
 *   `body.string` (raw text or `!!binary`, gunzipped when the recorded headers say gzip) or
 *   `parsed_body` (re-rendered JSON, structurally exact only).
 * - `*.chunks.txt` (vercel): NDJSON of SSE payloads, re-framed per provider.
 * - `*.sse`, `*.json`: bodies to serve unchanged.
 *
 * Replies can be re-split at seeded random byte positions (a multi-byte character may be cut),
 * to prove decoders do not depend on network chunk boundaries.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"
import * as Yaml from "yaml"
import type { FakeServer, Reply } from "./FakeProviderServer.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  /** Lowercased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  /** True when the body is a re-rendering (VCR `parsed_body`), not the bytes sent. */
  readonly bodyIsParsed?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RecordedResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The payload after transfer- and content-coding were removed. */
  readonly body: Uint8Array
  readonly bodyIsParsed?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Exchange {
  readonly request: RecordedRequest
  readonly response: RecordedResponse
}

const utf8 = new TextDecoder("utf-8")
const encoder = new TextEncoder()

/**
 * The body as text (UTF-8).
 * @since 0.1.0
 * @category getters
 */
export const text = (body: Uint8Array): string => utf8.decode(body)

/**
 * The body parsed as JSON.
 * @since 0.1.0
 * @category getters
 */
export const json = (body: Uint8Array): unknown => JSON.parse(utf8.decode(body))

// -----------------------------------------------------------------------------
// httprr
// -----------------------------------------------------------------------------

const indexOfByte = (bytes: Uint8Array, byte: number, from: number) => {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === byte) return i
  return -1
}

/** Reads a start line and header lines (ending in CRLF or LF) up to the blank line. */
const parseHead = (bytes: Uint8Array) => {
  let pos = 0
  const lines: Array<string> = []
  for (;;) {
    const nl = indexOfByte(bytes, 0x0a, pos)
    if (nl < 0) throw new Error("httprr: unterminated header block")
    let end = nl
    if (end > pos && bytes[end - 1] === 0x0d) end--
    const line = utf8.decode(bytes.subarray(pos, end))
    pos = nl + 1
    if (line.length === 0) break
    lines.push(line)
  }
  const [start = "", ...rest] = lines
  const headers: Record<string, string> = {}
  for (const l of rest) {
    const i = l.indexOf(":")
    if (i < 0) continue
    const name = l.slice(0, i).trim().toLowerCase()
    const value = l.slice(i + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  return { start, headers, body: bytes.subarray(pos) }
}

/**
 * Removes HTTP/1.1 chunked transfer-coding (hex size lines, optional extensions, final `0`).
 * @since 0.1.0
 * @category parsers
 */
export const dechunk = (bytes: Uint8Array): Uint8Array => {
  const parts: Array<Uint8Array> = []
  let pos = 0
  for (;;) {
    const nl = indexOfByte(bytes, 0x0a, pos)
    if (nl < 0) throw new Error("chunked body: missing chunk-size line")
    const sizeLine = utf8.decode(bytes.subarray(pos, nl)).replace(/\r$/, "").split(";")[0]!.trim()
    const size = Number.parseInt(sizeLine, 16)
    if (!Number.isFinite(size)) throw new Error(`chunked body: bad chunk size ${JSON.stringify(sizeLine)}`)
    pos = nl + 1
    if (size === 0) break
    parts.push(bytes.subarray(pos, pos + size))
    pos += size
    if (bytes[pos] === 0x0d) pos++
    if (bytes[pos] === 0x0a) pos++
  }
  return concat(parts)
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0
  for (const p of parts) n += p.byteLength
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.byteLength
  }
  return out
}

const decodeContent = (headers: Record<string, string>, body: Uint8Array): Uint8Array => {
  const encoding = headers["content-encoding"]?.toLowerCase()
  if (encoding === "gzip" && body[0] === 0x1f && body[1] === 0x8b) return new Uint8Array(Zlib.gunzipSync(body))
  if (encoding === "br") return new Uint8Array(Zlib.brotliDecompressSync(body))
  if (encoding === "deflate") return new Uint8Array(Zlib.inflateSync(body))
  return body
}

/**
 * Parses an httprr trace into exchanges, by byte counts.
 * @since 0.1.0
 * @category parsers
 */
export const parseHttprr = (bytes: Uint8Array): Array<Exchange> => {
  const firstNl = indexOfByte(bytes, 0x0a, 0)
  const magic = utf8.decode(bytes.subarray(0, firstNl)).trim()
  if (magic !== "httprr trace v1") throw new Error(`not an httprr trace: ${JSON.stringify(magic)}`)
  let pos = firstNl + 1
  const out: Array<Exchange> = []
  while (pos < bytes.length) {
    const nl = indexOfByte(bytes, 0x0a, pos)
    if (nl < 0) break
    const counts = utf8.decode(bytes.subarray(pos, nl)).trim()
    if (counts.length === 0) {
      pos = nl + 1
      continue
    }
    const match = /^(\d+) (\d+)$/.exec(counts)
    if (match === null) throw new Error(`httprr: bad record header ${JSON.stringify(counts)} at byte ${pos}`)
    const reqLen = Number(match[1])
    const resLen = Number(match[2])
    pos = nl + 1
    const reqBytes = bytes.subarray(pos, pos + reqLen)
    pos += reqLen
    const resBytes = bytes.subarray(pos, pos + resLen)
    pos += resLen
    if (reqBytes.length !== reqLen || resBytes.length !== resLen) throw new Error("httprr: truncated record")
    const req = parseHead(reqBytes)
    const res = parseHead(resBytes)
    const [method = "GET", url = "/"] = req.start.split(" ")
    const status = Number(res.start.split(" ")[1])
    let body: Uint8Array = res.body
    if (res.headers["transfer-encoding"]?.toLowerCase().includes("chunked")) body = dechunk(body)
    body = decodeContent(res.headers, body)
    out.push({
      request: { method, url, headers: req.headers, body: req.body },
      response: { status, headers: res.headers, body }
    })
  }
  return out
}

// -----------------------------------------------------------------------------
// VCR yaml
// -----------------------------------------------------------------------------

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)

const vcrHeaders = (h: unknown): Record<string, string> => {
  const out: Record<string, string> = {}
  if (!isObj(h)) return out
  for (const [k, v] of Object.entries(h)) {
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(", ") : String(v)
  }
  return out
}

const vcrBody = (holder: Obj, headers: Record<string, string>): { body: Uint8Array; parsed: boolean } => {
  const b = holder.body
  const raw = isObj(b) ? b.string : b
  if (raw instanceof Uint8Array) return { body: decodeContent(headers, raw), parsed: false }
  if (typeof raw === "string") return { body: encoder.encode(raw), parsed: false }
  if (holder.parsed_body !== undefined)
    return { body: encoder.encode(JSON.stringify(holder.parsed_body)), parsed: true }
  return { body: new Uint8Array(0), parsed: false }
}

/**
 * Parses a VCR cassette (`!!binary` bodies are decoded, gzip is removed).
 * @since 0.1.0
 * @category parsers
 */
export const parseVcr = (source: string): Array<Exchange> => {
  const doc: unknown = Yaml.parse(source)
  const interactions = isObj(doc) && Array.isArray(doc.interactions) ? doc.interactions : []
  return interactions.filter(isObj).map((i) => {
    const req = isObj(i.request) ? i.request : {}
    const res = isObj(i.response) ? i.response : {}
    const reqHeaders = vcrHeaders(req.headers)
    const resHeaders = vcrHeaders(res.headers)
    const reqBody = vcrBody(req, reqHeaders)
    const resBody = vcrBody(res, resHeaders)
    const status = isObj(res.status) ? Number(res.status.code) : Number(res.status ?? 200)
    return {
      request: {
        method: String(req.method ?? "GET"),
        url: String(req.uri ?? req.url ?? "/"),
        headers: reqHeaders,
        body: reqBody.body,
        ...(reqBody.parsed ? { bodyIsParsed: true } : {})
      },
      response: { status, headers: resHeaders, body: resBody.body, ...(resBody.parsed ? { bodyIsParsed: true } : {}) }
    }
  })
}

// -----------------------------------------------------------------------------
// vercel chunks.txt
// -----------------------------------------------------------------------------

/**
 * How to frame NDJSON payloads as SSE:
 * - `data-done`: `data: <line>\n\n` per line, then `data: [DONE]\n\n` (OpenAI Chat, Mistral,
 *   Groq, DeepSeek, Azure);
 * - `named`: `event: <json.type>\ndata: <line>\n\n`, no `[DONE]` (Anthropic, OpenAI Responses,
 *   Cohere v2);
 * - `data-crlf`: `data: <line>\r\n\r\n`, no `[DONE]` (Gemini `alt=sse`).
 * @since 0.1.0
 * @category models
 */
export type Framing = "data-done" | "named" | "data-crlf"

/**
 * The SSE body for a vercel `*.chunks.txt` file, per the fixtures README legend.
 * @since 0.1.0
 * @category parsers
 */
export const chunksToSse = (source: string, framing: Framing): string => {
  const lines = source.split("\n").filter((l) => l.trim().length > 0)
  let out = ""
  for (const line of lines) {
    if (framing === "named") {
      const type = (JSON.parse(line) as { type?: unknown }).type
      out += `event: ${String(type)}\ndata: ${line}\n\n`
    } else if (framing === "data-crlf") out += `data: ${line}\r\n\r\n`
    else out += `data: ${line}\n\n`
  }
  if (framing === "data-done") out += "data: [DONE]\n\n"
  return out
}

// -----------------------------------------------------------------------------
// fixtures on disk
// -----------------------------------------------------------------------------

/**
 * The `fixtures/` folder of `@aiu/testing` (recordings copied in with their provenance).
 * @since 0.1.0
 * @category constants
 */
export const fixturesDir: string = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../fixtures")

/**
 * Reads a fixture file; relative paths resolve against `fixturesDir`.
 * @since 0.1.0
 * @category loaders
 */
export const read = (path: string): Uint8Array =>
  new Uint8Array(Fs.readFileSync(Path.isAbsolute(path) ? path : Path.join(fixturesDir, path)))

/**
 * @since 0.1.0
 * @category loaders
 */
export const loadHttprr = (path: string): Array<Exchange> => parseHttprr(read(path))

/**
 * @since 0.1.0
 * @category loaders
 */
export const loadVcr = (path: string): Array<Exchange> => parseVcr(text(read(path)))

/**
 * A recorded SSE body from a vercel `*.chunks.txt` file, framed for the provider.
 * @since 0.1.0
 * @category loaders
 */
export const loadChunks = (path: string, framing: Framing): Uint8Array =>
  encoder.encode(chunksToSse(text(read(path)), framing))

// -----------------------------------------------------------------------------
// replay
// -----------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32), so a failing split can be reproduced from its seed. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Cuts bytes at seeded random positions into at most `maxPieces` pieces (UTF-8 characters and
 * CRLF pairs may be cut; that is the point). `seed` 0 cuts after every byte.
 * @since 0.1.0
 * @category replay
 */
export const resplit = (bytes: Uint8Array, seed: number, maxPieces = 64): Array<Uint8Array> => {
  if (bytes.length <= 1) return [bytes]
  if (seed === 0) return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))
  const random = prng(seed)
  const cuts = new Set<number>()
  const want = Math.min(bytes.length - 1, Math.max(1, Math.floor(random() * maxPieces)))
  while (cuts.size < want) cuts.add(1 + Math.floor(random() * (bytes.length - 1)))
  const sorted = [...cuts].sort((a, b) => a - b)
  const out: Array<Uint8Array> = []
  let prev = 0
  for (const c of sorted) {
    out.push(bytes.subarray(prev, c))
    prev = c
  }
  out.push(bytes.subarray(prev))
  return out
}

/** Hop-by-hop and coding headers that no longer describe the replayed body. */
const dropped = new Set(["content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"])

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayOptions {
  /** Re-split the body at seeded random points (0 = one byte per piece). */
  readonly seed?: number
  readonly maxPieces?: number
  /** Extra or overriding headers. */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A fake-server reply that serves a recorded response: its status, its headers (minus the ones
 * describing the old transfer), its body bytes unchanged.
 * @since 0.1.0
 * @category replay
 */
export const toReply = (response: RecordedResponse, options?: ReplayOptions): Reply => {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(response.headers)) if (!dropped.has(k)) headers[k] = v
  Object.assign(headers, options?.headers)
  return {
    status: response.status,
    headers,
    body: options?.seed !== undefined ? resplit(response.body, options.seed, options.maxPieces) : response.body
  }
}

/**
 * A reply serving a bare body (`*.sse`, `*.json`, framed `*.chunks.txt`).
 * @since 0.1.0
 * @category replay
 */
export const bodyReply = (
  body: Uint8Array | string,
  contentType: string,
  options?: ReplayOptions & { readonly status?: number }
): Reply =>
  toReply(
    {
      status: options?.status ?? 200,
      headers: { "content-type": contentType },
      body: typeof body === "string" ? encoder.encode(body) : body
    },
    options
  )

/**
 * The path (and query) of a recorded URL, to route the fake server on.
 * @since 0.1.0
 * @category replay
 */
export const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname
  } catch {
    return url.split("?")[0] ?? url
  }
}

/**
 * Scripts every exchange of a recording on the fake server, in order, on its recorded method
 * and path (`mapPath` rewrites the path, e.g. to add the server's prefix).
 * @since 0.1.0
 * @category replay
 */
export const script = (
  server: FakeServer,
  exchanges: ReadonlyArray<Exchange>,
  options?: ReplayOptions & { readonly mapPath?: (path: string) => string }
): void => {
  for (const e of exchanges) {
    const path = pathOf(e.request.url)
    server.script(e.request.method, options?.mapPath ? options.mapPath(path) : path, [toReply(e.response, options)])
  }
}
