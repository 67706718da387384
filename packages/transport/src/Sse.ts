/**
 * Server-sent events: bytes → events, following the WHATWG event-stream rules (LF, CR and CRLF
 * line ends, comments, multi-line `data`, `event`, `id`, `retry`, a leading BOM). UTF-8 is decoded
 * with a streaming `TextDecoder`, so a character split across network reads stays intact.
 *
 * The parser is linear: each read is scanned once with native `indexOf`, and only the unfinished
 * tail of the last line is carried over (joined once, when the line ends). A whole read's events come out as one array, so a `Stream` pays per read, not
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

  // One `data:` line per event is the common case: held in `first`, the array only for more.
  let first = ""
  const dispatch = (out: Array<SseEvent>) => {
    if (hasData) {
      out.push({ event: eventType, data: data.length === 0 ? first : `${first}\n${data.join("\n")}`, id: lastId })
      if (data.length > 0) data = []
      hasData = false
    }
    eventType = undefined
    pending = 0
  }
  const pushData = (value: string) => {
    if (hasData) data.push(value)
    else {
      first = value
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
    if (l.startsWith("data:")) {
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

  const isData = (chunk: string, i: number) =>
    chunk.charCodeAt(i) === 100 &&
    chunk.charCodeAt(i + 1) === 97 &&
    chunk.charCodeAt(i + 2) === 116 &&
    chunk.charCodeAt(i + 3) === 97 &&
    chunk.charCodeAt(i + 4) === 58

  /**
   * Splits a decoded read into lines with native `indexOf`. A read without any line end only
   * grows the tail (a rope, no copy, no re-scan); otherwise tail and read are joined once and
   * scanned from the start, so every byte is looked at a bounded number of times: linear.
   */
  const scan = (input: string, out: Array<SseEvent>) => {
    let chunk = input
    let pos = 0
    if (tail.length > 0) {
      if (input.indexOf("\n") === -1 && input.indexOf("\r") === -1) {
        tail += input
        if (tail.length + pending > maxEventBytes) throw new EventTooLarge(maxEventBytes)
        return
      }
      chunk = tail + input
      tail = ""
    } else if (lastWasCR) {
      if (chunk.charCodeAt(0) === 10) pos = 1
    }
    lastWasCR = false
    const n = chunk.length
    if (chunk.indexOf("\r", pos) === -1) {
      // LF only: the shape of every provider's stream.
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
            out.push({ event: eventType, data: value, id: lastId })
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
      let cr = chunk.indexOf("\r", pos)
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
