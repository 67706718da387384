/**
 * Ready-made fault replies for the fake provider server: status sequences (with `Retry-After`
 * and `x-should-retry`), malformed JSON, bodies split mid-character, slow drips, streams that drop
 * or stall. Each returns plain `Reply` values for `FakeServer.script` / `route`.
 *
 * @since 0.1.0
 */
import type { Reply } from "./FakeProviderServer.js"

const encoder = new TextEncoder()

/**
 * A JSON reply.
 * @since 0.1.0
 * @category constructors
 */
export const json = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/**
 * One reply per status, in order (for `script`); each an error body unless 2xx.
 * @since 0.1.0
 * @category constructors
 */
export const statuses = (
  codes: ReadonlyArray<number>,
  options?: { readonly headers?: Readonly<Record<string, string>>; readonly ok?: unknown }
): Array<Reply> =>
  codes.map((status) =>
    status >= 200 && status < 300
      ? json(status, options?.ok ?? { ok: true })
      : json(status, { error: { message: `fake ${status}`, type: "fake_error", code: null } }, options?.headers)
  )

/**
 * A 200 whose body is not valid JSON.
 * @since 0.1.0
 * @category constructors
 */
export const malformedJson = (): Reply => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: '{"id": "x", "choices": [ {"index": 0,'
})

/**
 * The UTF-8 bytes of `text` cut into pieces of `size` bytes, ignoring character boundaries (so
 * multi-byte characters straddle pieces).
 * @since 0.1.0
 * @category constructors
 */
export const splitBytes = (text: string, size: number): Array<Uint8Array> => {
  const bytes = encoder.encode(text)
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += Math.max(1, size)) out.push(bytes.subarray(i, i + Math.max(1, size)))
  return out
}

/**
 * Cuts the UTF-8 bytes of `text` inside every multi-byte character: each character's bytes are
 * split after its first byte.
 * @since 0.1.0
 * @category constructors
 */
export const splitMidCharacter = (text: string): Array<Uint8Array> => {
  const bytes = encoder.encode(text)
  const out: Array<Uint8Array> = []
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    // A lead byte of a multi-byte sequence (11xxxxxx): cut right after it.
    if ((bytes[i]! & 0xc0) === 0xc0) {
      out.push(bytes.subarray(start, i + 1))
      start = i + 1
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start))
  return out
}

/**
 * An event stream served a few bytes at a time with a pause between pieces.
 * @since 0.1.0
 * @category constructors
 */
export const drip = (text: string, options: { readonly bytes: number; readonly delayMs: number }): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream" },
  body: splitBytes(text, options.bytes),
  chunkDelayMs: options.delayMs
})

/**
 * An event stream that sends `pieces`, then drops the connection after `after` of them.
 * @since 0.1.0
 * @category constructors
 */
export const dropAfter = (pieces: ReadonlyArray<string | Uint8Array>, after: number): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream" },
  body: pieces,
  dropAfter: after
})

/**
 * An event stream that sends `pieces` and then neither ends nor sends anything more; with
 * `keepAliveMs` it keeps writing SSE comments (bytes but no events).
 * @since 0.1.0
 * @category constructors
 */
export const stall = (pieces: ReadonlyArray<string | Uint8Array>, keepAliveMs?: number): Reply => ({
  status: 200,
  headers: { "content-type": "text/event-stream" },
  body: pieces.length === 0 ? [] : pieces,
  stall: true,
  ...(keepAliveMs !== undefined ? { keepAliveMs } : {})
})
