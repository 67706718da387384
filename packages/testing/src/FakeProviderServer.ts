/**
 * A scriptable fake provider server on 127.0.0.1 (a free port), for tests, the demo and the
 * benchmarks. Each request is matched against routes (method + path, first match wins, scripted
 * one-shot replies before standing routes) and answered with a `Reply` that can inject faults:
 * a status sequence, headers, a delay before headers, a body sent in chunks with pauses, a
 * dropped connection after N chunks, a stall after headers (optionally with keep-alive comments).
 * `Faults.ts` builds the usual fault replies (status sequences, malformed JSON, bytes split
 * mid-character, slow drip).
 *
 * Provider formats live in `fake/<provider>.ts` and produce `Reply` values.
 *
 * @since 0.1.0
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/**
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** Path and query, as received. */
  readonly url: string
  readonly path: string
  /** Lowercased names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** `body` parsed as JSON, when it is JSON. */
  readonly json: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  /** The whole body, or the body in pieces written one by one (strings are UTF-8). */
  readonly body?: string | Uint8Array | ReadonlyArray<string | Uint8Array>
  /** Wait before sending the status line and headers. */
  readonly delayMs?: number
  /** Wait between body pieces. */
  readonly chunkDelayMs?: number
  /** Destroy the socket after this many body pieces (a connection dropped mid-stream). */
  readonly dropAfter?: number
  /** Send headers (and `dropAfter`/all pieces), then never finish the response. */
  readonly stall?: boolean
  /** While stalled, write this SSE comment line every `keepAliveMs` (keep-alives, no events). */
  readonly keepAliveMs?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export type Responder = (request: RecordedRequest) => Reply | Promise<Reply>

/**
 * @since 0.1.0
 * @category models
 */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Every request received, in order. */
  readonly requests: Array<RecordedRequest>
  /** Requests whose socket closed before the reply finished (client aborts). */
  readonly aborted: Array<RecordedRequest>
  /** A standing route. `path` matches exactly, or by prefix when it ends with `*`. */
  readonly route: (method: string, path: string, responder: Responder | Reply) => void
  /** One-shot replies for a route, used in order before its standing responder. */
  readonly script: (method: string, path: string, replies: ReadonlyArray<Reply>) => void
  /** Forget routes, scripts and recorded requests. */
  readonly reset: () => void
  /** Resolves once `count` client aborts were seen (polls; rejects after `timeoutMs`, default 5 s). */
  readonly awaitAborted: (count?: number, timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

interface Route {
  readonly method: string
  readonly path: string
  responder: Responder | undefined
  readonly queue: Array<Reply>
}

const matches = (route: Route, method: string, path: string) =>
  (route.method === "*" || route.method === method) &&
  (route.path.endsWith("*") ? path.startsWith(route.path.slice(0, -1)) : route.path === path)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const toBuffer = (piece: string | Uint8Array) => (typeof piece === "string" ? Buffer.from(piece, "utf8") : piece)

/**
 * Starts a server (plain Promise API, for scripts and non-Effect tests).
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options?: { readonly port?: number }): Promise<FakeServer> => {
  const routes: Array<Route> = []
  const requests: Array<RecordedRequest> = []
  const aborted: Array<RecordedRequest> = []
  const sockets = new Set<import("node:net").Socket>()

  const find = (method: string, path: string) => routes.find((r) => matches(r, method, path))
  const upsert = (method: string, path: string) => {
    let r = routes.find((x) => x.method === method && x.path === path)
    if (!r) {
      r = { method, path, responder: undefined, queue: [] }
      routes.push(r)
    }
    return r
  }

  const server = Http.createServer((req, res) => {
    const pieces: Array<Buffer> = []
    req.on("data", (d: Buffer) => pieces.push(d))
    req.on("end", () => {
      const body = Buffer.concat(pieces).toString("utf8")
      let json: unknown
      try {
        json = body.length > 0 ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const url = req.url ?? "/"
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url,
        path: url.split("?")[0] ?? url,
        headers,
        body,
        json
      }
      requests.push(recorded)
      void respond(recorded, res)
    })
  })

  const respond = async (request: RecordedRequest, res: Http.ServerResponse) => {
    let finished = false
    res.on("close", () => {
      if (!finished) aborted.push(request)
    })
    const route = find(request.method, request.path)
    let reply: Reply
    try {
      const scripted = route?.queue.shift()
      reply =
        scripted ??
        (route?.responder === undefined
          ? {
              status: 404,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ error: { message: `no fake route for ${request.method} ${request.path}` } })
            }
          : await route.responder(request))
    } catch (e) {
      reply = { status: 500, body: JSON.stringify({ error: { message: String(e) } }) }
    }
    if (reply.delayMs) await sleep(reply.delayMs)
    if (res.destroyed) return
    const body = reply.body ?? ""
    const pieces = typeof body === "string" || body instanceof Uint8Array ? [body] : body
    const headers: Record<string, string> = { ...reply.headers }
    const chunked = pieces.length > 1 || reply.stall === true || reply.dropAfter !== undefined
    if (!chunked && headers["content-length"] === undefined) {
      headers["content-length"] = String(toBuffer(pieces[0] ?? "").byteLength)
    }
    res.writeHead(reply.status ?? 200, headers)
    res.flushHeaders()
    let sent = 0
    for (const piece of pieces) {
      if (reply.dropAfter !== undefined && sent >= reply.dropAfter) {
        res.socket?.destroy()
        return
      }
      if (sent > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs)
      if (res.destroyed) return
      // Wait for the write to reach the socket, so a following drop or stall cannot swallow it.
      await new Promise<void>((resolve) => res.write(toBuffer(piece), () => resolve()))
      sent++
    }
    if (reply.dropAfter !== undefined && sent >= reply.dropAfter) {
      res.socket?.destroy()
      return
    }
    if (reply.stall) {
      if (reply.keepAliveMs !== undefined) {
        const timer = setInterval(() => {
          if (res.destroyed) clearInterval(timer)
          else res.write(": keep-alive\n\n")
        }, reply.keepAliveMs)
        res.on("close", () => clearInterval(timer))
      }
      return
    }
    finished = true
    res.end()
  }

  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options?.port ?? 0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    aborted,
    route(method, path, responder) {
      upsert(method, path).responder = typeof responder === "function" ? responder : () => responder
    },
    script(method, path, replies) {
      upsert(method, path).queue.push(...replies)
    },
    reset() {
      routes.length = 0
      requests.length = 0
      aborted.length = 0
    },
    awaitAborted: async (count = 1, timeoutMs = 5_000) => {
      for (let waited = 0; aborted.length < count; waited += 5) {
        if (waited >= timeoutMs) throw new Error(`expected ${count} aborted request(s), saw ${aborted.length}`)
        await sleep(5)
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/**
 * A server for the life of the scope.
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: { readonly port?: number }): Effect.Effect<FakeServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(options)),
    (server) => Effect.promise(() => server.close())
  )
