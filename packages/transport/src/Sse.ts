/**
 * Server-sent events: bytes → events, following the WHATWG event-stream rules (LF, CR and CRLF
 * line ends, comments, multi-line `data`, `event`, `id`, `retry`, a leading BOM). UTF-8 is decoded
 * with a streaming `TextDecoder`, so a character split across network reads stays intact.
 *
 * The parser is linear: each read is scanned once, and only the unfinished tail of the last line
 * is carried over. A whole read's events come out as one array, so a `Stream` pays per read, not
 * per event.
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

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeDecoder = (options?: { readonly maxEventBytes?: number }): Decoder => {
  const maxEventBytes = options?.maxEventBytes ?? 128 * 1024 * 1024
  const text = new TextDecoder("utf-8")
  let tail = "" // an unfinished line carried over from the previous read
  let bomChecked = false
  let lastWasCR = false // a CR ended the previous read: a leading LF in this one belongs to it
  let data: Array<string> = []
  let hasData = false
  let eventType: string | undefined
  let lastId: string | undefined
  let pending = 0
  let onlyComments = true

  const dispatch = (out: Array<SseEvent>) => {
    if (hasData) {
      out.push({ event: eventType, data: data.length === 1 ? data[0]! : data.join("\n"), id: lastId })
    }
    data = []
    hasData = false
    eventType = undefined
    pending = 0
  }

  const line = (l: string, out: Array<SseEvent>) => {
    if (l.length === 0) {
      dispatch(out)
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
        data.push(value)
        hasData = true
        pending += value.length
        if (pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
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

  const scan = (chunk: string, out: Array<SseEvent>) => {
    let start = 0
    const n = chunk.length
    if (lastWasCR && n > 0 && chunk.charCodeAt(0) === 10) start = 1
    lastWasCR = false
    for (let i = start; i < n; i++) {
      const c = chunk.charCodeAt(i)
      if (c === 10 || c === 13) {
        const piece = chunk.slice(start, i)
        const full = tail.length > 0 ? tail + piece : piece
        tail = ""
        line(full, out)
        if (c === 13) {
          if (i + 1 < n) {
            if (chunk.charCodeAt(i + 1) === 10) i++
          } else {
            lastWasCR = true
          }
        }
        start = i + 1
      }
    }
    if (start < n) {
      tail = tail + chunk.slice(start)
      if (tail.length + pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
    }
  }

  return {
    feed(bytes) {
      onlyComments = true
      let chunk = text.decode(bytes, { stream: true })
      if (!bomChecked && chunk.length > 0) {
        bomChecked = true
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
      }
      const out: Array<SseEvent> = []
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
      const out: Array<SseEvent> = []
      const rest = text.decode()
      if (rest.length > 0) scan(rest, out)
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
