/**
 * A `Backend` that calls `undici.request` directly: no web streams, no `Response` objects, so a
 * call costs about a quarter of Node's built-in `fetch` (perf-baseline.md). undici's own header
 * and body timers are switched off: the transport's deadlines own those phases. Only connecting
 * is left to undici (`connect.timeout`), the one phase it can see and we cannot.
 */
import { Agent, type Dispatcher, getGlobalDispatcher, request } from "undici"
import { type Backend, BackendError, type BodyReader, type RawResponse } from "./backend.js"

const DEFAULT_CONNECT_MS = 10_000
const HIGH_WATER = 1024 * 1024
const EMPTY = new Uint8Array(0)

const describe: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed while sending",
  UND_ERR_SOCKET: "the connection closed"
}

const errorOf = (e: unknown, signal: AbortSignal): BackendError => {
  if (signal.aborted) return new BackendError("aborted", "the request was aborted")
  const code = (e as { code?: unknown } | null)?.code
  const message = e instanceof Error ? e.message : String(e)
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new BackendError("connect-timeout", message)
  // Node's messages embed the peer address; the code says what happened without it.
  return new BackendError("network", typeof code === "string" ? (describe[code] ?? code) : message)
}

const flatHeaders = (h: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  for (const k in h) {
    if (typeof h[k] !== "string") {
      const out: Record<string, string> = {}
      for (const [name, v] of Object.entries(h)) if (v !== undefined) out[name] = Array.isArray(v) ? v.join(", ") : v
      return out
    }
  }
  return h as Record<string, string>
}

export interface Options {
  /** A dispatcher to send through (a proxy agent, a mock); default undici's global one. */
  readonly dispatcher?: Dispatcher
}

export const make = (options?: Options): Backend => {
  const agents = new Map<number, Dispatcher>()
  const dispatcherFor = (connectMs: number | undefined): Dispatcher => {
    if (options?.dispatcher !== undefined) return options.dispatcher
    const ms = connectMs ?? DEFAULT_CONNECT_MS
    if (ms === DEFAULT_CONNECT_MS) return getGlobalDispatcher()
    let agent = agents.get(ms)
    if (agent === undefined) {
      agent = new Agent({ connect: { timeout: ms } })
      agents.set(ms, agent)
    }
    return agent
  }

  return {
    async send(req, signal) {
      let res: Dispatcher.ResponseData
      try {
        res = await request(req.url, {
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body ?? null,
          signal,
          dispatcher: dispatcherFor(req.connectTimeoutMs),
          headersTimeout: 0,
          bodyTimeout: 0
        })
      } catch (e) {
        throw errorOf(e, signal)
      }
      const body = res.body
      let consumed = false
      const response: RawResponse = {
        status: res.statusCode,
        headers: flatHeaders(res.headers),
        text: async () => {
          consumed = true
          try {
            return await body.text()
          } catch (e) {
            throw errorOf(e, signal)
          }
        },
        reader: (): BodyReader => {
          consumed = true
          // Flowing mode into our own queue: every byte received before a socket error is kept
          // (a destroyed Readable drops its internal buffer), and backpressure is a pause/resume
          // around a high-water mark.
          const queue: Array<Uint8Array> = []
          let head = 0
          let queued = 0
          let paused = false
          let ended = false
          let failed: BackendError | undefined
          let waiter: (() => void) | undefined
          const notify = () => {
            const w = waiter
            waiter = undefined
            w?.()
          }
          body.on("data", (chunk: Uint8Array) => {
            queue.push(chunk)
            queued += chunk.byteLength
            if (queued > HIGH_WATER && !paused) {
              paused = true
              body.pause()
            }
            notify()
          })
          body.on("end", () => {
            ended = true
            notify()
          })
          body.on("error", (e) => {
            failed = errorOf(e, signal)
            notify()
          })
          return {
            read() {
              if (head === queue.length) return null
              const chunk = queue[head]!
              queue[head++] = EMPTY
              if (head === queue.length) {
                queue.length = 0
                head = 0
              }
              queued -= chunk.byteLength
              if (paused && queued < HIGH_WATER / 2) {
                paused = false
                body.resume()
              }
              return chunk
            },
            ended: () => ended && head === queue.length,
            failed: () => (head === queue.length ? failed : undefined),
            wait(f) {
              waiter = f
            }
          }
        },
        close() {
          if (!body.destroyed && (!consumed || !body.readableEnded)) body.destroy()
        }
      }
      return response
    }
  }
}
