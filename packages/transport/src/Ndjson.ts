/**
 * Newline-delimited JSON: bytes → lines → parsed values (Ollama streams NDJSON). UTF-8 safe
 * across reads, linear in the input, blank lines and a trailing line without newline tolerated.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Decoder {
  /** Feeds one read; returns the complete lines it finished (not yet parsed). */
  readonly feed: (bytes: Uint8Array) => Array<string>
  readonly end: () => Array<string>
}

/**
 * Thrown when a single line grows past the limit.
 * @since 0.1.0
 * @category errors
 */
export class LineTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`an NDJSON line exceeded ${limit} bytes`)
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeDecoder = (options?: { readonly maxLineBytes?: number }): Decoder => {
  const max = options?.maxLineBytes ?? 128 * 1024 * 1024
  const text = new TextDecoder("utf-8")
  let tail = ""
  const scan = (chunk: string, out: Array<string>) => {
    let start = 0
    for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", start)) {
      let l = tail + chunk.slice(start, i)
      tail = ""
      if (l.endsWith("\r")) l = l.slice(0, -1)
      if (l.trim().length > 0) out.push(l)
      start = i + 1
    }
    tail += chunk.slice(start)
    if (tail.length > max) throw new LineTooLarge(max)
  }
  return {
    feed(bytes) {
      const out: Array<string> = []
      scan(text.decode(bytes, { stream: true }), out)
      return out
    },
    end() {
      const out: Array<string> = []
      scan(text.decode(), out)
      if (tail.trim().length > 0) out.push(tail.endsWith("\r") ? tail.slice(0, -1) : tail)
      tail = ""
      return out
    }
  }
}
