/**
 * The seam between the transport's resilience logic and an HTTP implementation. Kept callback-
 * and Promise-shaped on purpose: the hot path wraps one `send` in one `Effect.async`, and a stream
 * body is pulled with `read()` (whatever the socket buffered, in one piece) so a stream pays per
 * network read, not per event. Two implementations: `undici.ts` (Node) and `fromHttpClient` here
 * (any `@effect/platform` HttpClient: fetch on edge runtimes, browsers, Deno, Bun).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

export interface RawRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly connectTimeoutMs: number | undefined
}

/** A pull-style view of a response body. */
export interface BodyReader {
  /** Everything buffered so far, or null when nothing is. */
  readonly read: () => Uint8Array | null
  readonly ended: () => boolean
  /** The read error, once the body failed. */
  readonly failed: () => BackendError | undefined
  /** Calls `f` once, the next time `read`, `ended` or `failed` may have changed. */
  readonly wait: (f: () => void) => void
}

export interface RawResponse {
  readonly status: number
  /** Lowercased names. */
  readonly headers: Readonly<Record<string, string>>
  readonly text: () => Promise<string>
  readonly reader: () => BodyReader
  /** Releases the response; aborts the request when the body was not fully read. */
  readonly close: () => void
}

/** Why a request or a body read failed, before any mapping to the error union. */
export class BackendError {
  readonly _tag = "BackendError"
  constructor(
    readonly kind: "connect-timeout" | "network" | "aborted",
    readonly message: string
  ) {}
}

export interface Backend {
  /**
   * Sends, and calls back once: `onResponse` at the response headers, or `onError`. Returns a
   * function that aborts the request (until the headers; then `RawResponse.close` does). Callbacks
   * rather than a Promise and an `AbortSignal`: a request in flight holds no promise reactions and
   * no `AbortController` (an event target, with its listener), only what the HTTP client needs.
   */
  readonly send: (
    request: RawRequest,
    onResponse: (response: RawResponse) => void,
    onError: (error: BackendError) => void
  ) => () => void
}

const backendError = (cause: unknown, fallback: BackendError["kind"] = "network"): BackendError =>
  cause instanceof BackendError
    ? cause
    : new BackendError(fallback, cause instanceof Error ? cause.message : String(cause))

/** A `Backend` over an `@effect/platform` HttpClient. */
export const fromHttpClient = (client: HttpClient.HttpClient, runtime: Runtime.Runtime<never>): Backend => {
  const runPromise = Runtime.runPromise(runtime)
  const runFork = Runtime.runFork(runtime)
  const open = async (req: RawRequest, signal: AbortSignal): Promise<RawResponse> => {
    const scope = Effect.runSync(Scope.make())
    let r = HttpClientRequest.make(req.method as "GET")(req.url).pipe(HttpClientRequest.setHeaders(req.headers))
    if (req.body !== undefined) r = HttpClientRequest.bodyText(r, req.body, "application/json")
    const response = await runPromise(Scope.extend(HttpClient.withScope(client).execute(r), scope), { signal }).catch(
      (e: unknown) => {
        Effect.runFork(Scope.close(scope, Exit.void))
        throw backendError(e, signal.aborted ? "aborted" : "network")
      }
    )
    const close = () => Effect.runFork(Scope.close(scope, Exit.void))
    return {
      status: response.status,
      headers: response.headers as Record<string, string>,
      text: () =>
        runPromise(response.text).then(
          (t) => {
            close()
            return t
          },
          (e: unknown) => {
            close()
            throw backendError(e)
          }
        ),
      reader() {
        const buffered: Array<Uint8Array> = []
        let ended = false
        let failed: BackendError | undefined
        let waiter: (() => void) | undefined
        const notify = () => {
          const w = waiter
          waiter = undefined
          w?.()
        }
        const fiber = runFork(
          Stream.runForEachChunk(response.stream, (chunk) =>
            Effect.sync(() => {
              for (const b of Chunk.toReadonlyArray(chunk)) buffered.push(b)
              notify()
            })
          ).pipe(
            Effect.matchEffect({
              onFailure: (e) =>
                Effect.sync(() => {
                  failed = backendError(e)
                  notify()
                }),
              onSuccess: () =>
                Effect.sync(() => {
                  ended = true
                  notify()
                })
            })
          )
        )
        Scope.addFinalizer(scope, Effect.asVoid(Effect.fork(fiber.interruptAsFork(fiber.id())))).pipe(Effect.runSync)
        return {
          read() {
            if (buffered.length === 0) return null
            if (buffered.length === 1) return buffered.pop()!
            const size = buffered.reduce((n, b) => n + b.byteLength, 0)
            const out = new Uint8Array(size)
            let o = 0
            for (const b of buffered) {
              out.set(b, o)
              o += b.byteLength
            }
            buffered.length = 0
            return out
          },
          ended: () => ended && buffered.length === 0,
          failed: () => failed,
          wait(f) {
            waiter = f
          }
        }
      },
      close
    }
  }
  return {
    send(req, onResponse, onError) {
      // The platform client takes a signal; this path is for runtimes without undici.
      const controller = new AbortController()
      open(req, controller.signal).then(onResponse, onError)
      return () => controller.abort()
    }
  }
}
