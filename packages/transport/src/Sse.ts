/**
 * Server-sent events: bytes → events, following the WHATWG event-stream rules (LF, CR and CRLF
 * line ends, comments, multi-line `data`, `event`, `id`, `retry`, a leading BOM). A UTF-8
 * character split across network reads stays intact: its first bytes wait for the next read.
 *
 * The parser is linear: each read is scanned once with native `indexOf`, and only the unfinished
 * tail of the last line is carried over (joined once, when the line ends). A whole read's events
 * come out as one array, so a `Stream` pays per read, not per event.
 *
 * Two things keep it fast in a long-running process, not only in a fresh one:
 * - Reads are decoded with a non-streaming `TextDecoder` (Node's simdutf path, about 4x the
 *   streaming one, which goes through ICU); the decoder holds back an unfinished trailing UTF-8
 *   sequence itself.
 * - Events and the per-read arrays are made with `new`, never with `{}` / `[]` literals. V8
 *   "pretenures" a literal's allocation site once its objects are seen to outlive a few young
 *   collections, which they do while a slow stream's events wait in a `Stream`; from then on
 *   every event of every stream is allocated in the old generation, and the short-lived events of
 *   a fast stream cost scavenges and full collections (measured: 3x slower decoding once other
 *   streams had run in the process). Constructor calls have no such site.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface SseEvent {
  /** The `event:` field; undefined when absent (the spec's default type is "message"). */
  readonly event: string | undefined
  readonly data: string
  readonly id: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Decoder {
  /** Feeds one network read; returns the events it completed. */
  readonly feed: (bytes: Uint8Array) => Array<SseEvent>
  /** Ends the input; returns a final event if the stream ended without its blank line. */
  readonly end: () => Array<SseEvent>
  /** Bytes of the event being assembled (for the max-event-size guard). */
  readonly pendingBytes: () => number
  /** Set when the last feed contained only comments / keep-alives and no event field. */
  readonly sawOnlyComments: () => boolean
}

/**
 * Thrown by `feed` when one event grows past `maxEventBytes`; the transport maps it to
 * `ResponseDecodeError`.
 * @since 0.1.0
 * @category errors
 */
export class EventTooLarge extends Error {
  /** Events completed in the same read before the oversized one. */
  events: ReadonlyArray<SseEvent> = []
  constructor(readonly limit: number) {
    super(`an SSE event exceeded ${limit} bytes`)
  }
}

/** An event made by a constructor call, so it has no pretenurable allocation site (see above). */
class DecodedEvent implements SseEvent {
  constructor(
    readonly event: string | undefined,
    readonly data: string,
    readonly id: string | undefined
  ) {}
}

/** A fresh array for one read's events; `new Array` rather than `[]` for the reason above. */
const events = (): Array<SseEvent> =>
  // biome-ignore lint/style/useArrayLiterals: a `[]` literal's allocation site can be pretenured (module doc)
  new Array<SseEvent>()

/**
 * Where the unfinished UTF-8 sequence at the end of `b` starts, or `b.length` when it ends on a
 * character boundary. Only a lead byte in the last 3 bytes can still be waiting for more. Cutting
 * before any lead byte is safe even if the bytes after it turn out to be invalid: decoding them
 * together with the next read gives the same replacement characters a streaming decoder would.
 */
const completeUpTo = (b: Uint8Array): number => {
  const n = b.length
  if (n === 0 || b[n - 1]! < 0x80) return n
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = b[i]!
    if (c < 0x80) return n
    if (c >= 0xc0) return n - i < (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) ? i : n
  }
  return n
}

const isData = (chunk: string, i: number) =>
  chunk.charCodeAt(i) === 100 &&
  chunk.charCodeAt(i + 1) === 97 &&
  chunk.charCodeAt(i + 2) === 116 &&
  chunk.charCodeAt(i + 3) === 97 &&
  chunk.charCodeAt(i + 4) === 58

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeDecoder = (options?: { readonly maxEventBytes?: number }): Decoder => {
  const maxEventBytes = options?.maxEventBytes ?? 128 * 1024 * 1024
  // Never called with `{ stream: true }` (that leaves Node's fast path for good); BOMs are ours.
  const text = new TextDecoder("utf-8", { ignoreBOM: true })
  let held: Uint8Array | undefined // an unfinished UTF-8 sequence from the end of the last read
  // Up to two leading U+FEFF are dropped: the one UTF-8 decoding strips and the one the event-stream
  // parser ignores (what the streaming decoder plus the parser's own check did before).
  let boms = 2
  let tail = "" // an unfinished line carried over from the previous read
  let lastWasCR = false // a CR ended the previous read: a leading LF in this one belongs to it
  let data = ""
  let hasData = false
  let eventType: string | undefined
  let lastId: string | undefined
  let pending = 0
  let onlyComments = true

  const dispatch = (out: Array<SseEvent>) => {
    if (hasData) {
      out.push(new DecodedEvent(eventType, data, lastId))
      data = ""
      hasData = false
    }
    eventType = undefined
    pending = 0
  }
  const pushData = (value: string) => {
    // Joined as it comes (a rope in V8, flattened once when read): linear in the event's size.
    if (hasData) data = `${data}\n${value}`
    else {
      data = value
      hasData = true
    }
    pending += value.length
    if (pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
  }

  const line = (l: string, out: Array<SseEvent>) => {
    if (l.length === 0) {
      dispatch(out)
      return
    }
    // The hot case first: `data:` lines are nearly all of a provider stream.
    if (isData(l, 0)) {
      onlyComments = false
      pushData(l.charCodeAt(5) === 32 ? l.slice(6) : l.slice(5))
      return
    }
    const colon = l.indexOf(":")
    if (colon === 0) return // comment / keep-alive
    onlyComments = false
    let field: string
    let value: string
    if (colon < 0) {
      field = l
      value = ""
    } else {
      field = l.slice(0, colon)
      value = l.charCodeAt(colon + 1) === 32 ? l.slice(colon + 2) : l.slice(colon + 1)
    }
    switch (field) {
      case "data":
        pushData(value)
        return
      case "event":
        eventType = value
        return
      case "id":
        if (!value.includes("\0")) lastId = value
        return
      default:
        // `retry:` only tunes reconnection, which a one-shot API call never does: ignored, and in
        // particular it must not pause or reset the stream.
        return
    }
  }

  /**
   * Splits a decoded read into lines with native `indexOf`. A read without any line end only
   * grows the tail (a rope, no copy, no re-scan); otherwise the tail's line is completed with the
   * read's first line and the rest of the read is scanned in place, so every character is looked
   * at a bounded number of times: linear.
   */
  const scan = (chunk: string, out: Array<SseEvent>) => {
    const n = chunk.length
    if (n === 0) return // (an empty read must not forget a CR that ended the previous one)
    let pos = 0
    if (lastWasCR) {
      lastWasCR = false
      if (chunk.charCodeAt(0) === 10) pos = 1
    }
    // One search for CR over the whole read: none (every provider's stream) means the LF loop.
    let cr = chunk.indexOf("\r", pos)
    if (tail.length > 0) {
      const lf = chunk.indexOf("\n")
      const end = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr
      if (end === -1) {
        tail += chunk
        if (tail.length + pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
        return
      }
      const l = tail + chunk.slice(0, end)
      tail = ""
      pos = end + 1
      if (end === cr) {
        if (pos === n) lastWasCR = true
        else if (chunk.charCodeAt(pos) === 10) pos++
        cr = chunk.indexOf("\r", pos)
      }
      line(l, out)
    }
    if (cr === -1) {
      let lf = chunk.indexOf("\n", pos)
      while (lf !== -1) {
        if (lf === pos) {
          dispatch(out)
        } else if (isData(chunk, pos)) {
          onlyComments = false
          const value = chunk.slice(chunk.charCodeAt(pos + 5) === 32 ? pos + 6 : pos + 5, lf)
          if (!hasData && chunk.charCodeAt(lf + 1) === 10) {
            // A one-line event and its blank line: dispatch straight away.
            if (value.length > maxEventBytes) throw new EventTooLarge(maxEventBytes)
            out.push(new DecodedEvent(eventType, value, lastId))
            eventType = undefined
            pending = 0
            pos = lf + 2
            lf = chunk.indexOf("\n", pos)
            continue
          }
          pushData(value)
        } else {
          line(chunk.slice(pos, lf), out)
        }
        pos = lf + 1
        lf = chunk.indexOf("\n", pos)
      }
    } else {
      let lf = chunk.indexOf("\n", pos)
      while (pos < n) {
        if (cr !== -1 && cr < pos) cr = chunk.indexOf("\r", pos)
        if (lf !== -1 && lf < pos) lf = chunk.indexOf("\n", pos)
        let end: number
        let next: number
        if (lf !== -1 && (cr === -1 || lf < cr)) {
          end = lf
          next = lf + 1
        } else if (cr !== -1) {
          end = cr
          if (cr + 1 < n) {
            next = chunk.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
          } else {
            next = cr + 1
            lastWasCR = true
          }
        } else {
          break
        }
        line(chunk.slice(pos, end), out)
        pos = next
      }
    }
    if (pos < n) {
      tail = chunk.slice(pos)
      if (tail.length + pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
    }
  }

  /** Bytes → text, holding back an unfinished trailing UTF-8 sequence for the next read. */
  const decode = (read: Uint8Array): string => {
    let bytes = read
    if (held !== undefined) {
      // Rare (a multi-byte character across reads): one copy of this read.
      bytes = new Uint8Array(held.length + read.length)
      bytes.set(held)
      bytes.set(read, held.length)
      held = undefined
    }
    const upTo = completeUpTo(bytes)
    if (upTo < bytes.length) held = bytes.slice(upTo) // a copy: the caller may reuse its buffer
    let chunk = text.decode(upTo < bytes.length ? bytes.subarray(0, upTo) : bytes)
    while (boms > 0 && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1)
        boms--
      } else boms = 0
    }
    return chunk
  }

  return {
    feed(bytes) {
      onlyComments = true
      const chunk = decode(bytes)
      const out = events()
      try {
        scan(chunk, out)
      } catch (e) {
        // The events this read completed before the oversized one are still valid.
        if (e instanceof EventTooLarge) e.events = out
        throw e
      }
      return out
    },
    end() {
      const out = events()
      if (held !== undefined) {
        // A truncated character at the very end decodes to U+FFFD, as a flushing decoder's would.
        const rest = text.decode(held)
        held = undefined
        scan(rest, out)
      }
      if (tail.length > 0) {
        const l = tail
        tail = ""
        line(l, out)
      }
      dispatch(out)
      return out
    },
    pendingBytes: () => pending + tail.length,
    sawOnlyComments: () => onlyComments
  }
}

/**
 * Decodes a whole body at once (tests, recordings).
 * @since 0.1.0
 * @category constructors
 */
export const decodeAll = (bytes: Uint8Array | ReadonlyArray<Uint8Array>): Array<SseEvent> => {
  const decoder = makeDecoder()
  const out: Array<SseEvent> = []
  for (const b of bytes instanceof Uint8Array ? [bytes] : bytes) out.push(...decoder.feed(b))
  out.push(...decoder.end())
  return out
}
