/**
 * The transport: one attempt = one `Effect.async` around a backend `send`, guarded by the circuit
 * breaker and a deadline; attempts repeated by the `RetryPolicy` schedule under the retry budget
 * and the call's total deadline; the keyed limiter in front; the body decoded (JSON + Schema) or
 * opened as an event stream. Errors leave as the core union, with the number of attempts.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as CircuitBreaker from "../CircuitBreaker.js"
import type { ErrorInfo, HttpRequest, Options, Response, Service, StreamResponse } from "../HttpTransport.js"
import * as Ndjson from "../Ndjson.js"
import * as RateLimit from "../RateLimit.js"
import { parseGoogleRetryDelayMs, parseRetryAfterMs, parseShouldRetry } from "../RetryAfter.js"
import * as RetryBudget from "../RetryBudget.js"
import * as RetryObserver from "../RetryObserver.js"
import * as RetryPolicy from "../RetryPolicy.js"
import * as Sse from "../Sse.js"
import * as Timeouts from "../Timeouts.js"
import { type Backend, type BackendError, fromHttpClient, type RawRequest, type RawResponse } from "./backend.js"
import * as Deadlines from "./deadlines.js"
import * as EventStream from "./eventStream.js"
import { generic, quotaExceeded } from "./statusErrors.js"

export const fetchClientLayer = FetchHttpClient.layer

const requestIdHeaders = ["x-request-id", "request-id", "apim-request-id", "x-goog-request-id", "x-amzn-requestid"]

/** The values of the request's credential headers (without a `Bearer ` prefix). */
const credentialsOf = (req: HttpRequest): Array<string> => {
  const out: Array<string> = []
  for (const [name, value] of Object.entries({ ...req.headers, ...req.options?.headers })) {
    if (!Redaction.isSecretHeader(name)) continue
    const v = value.replace(/^Bearer\s+/i, "").trim()
    if (v.length >= 4) out.push(v)
  }
  return out
}

const scrubCredentials = (req: HttpRequest, text: string): string => {
  const secrets = credentialsOf(req)
  return secrets.length === 0 || text.length === 0 ? text : Redaction.redactKnown(text, secrets)
}

export const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined => {
  for (const name of requestIdHeaders) {
    const v = headers[name]
    if (v !== undefined && v !== "") return v
  }
  return undefined
}

const MAX_ERROR_BODY = 64 * 1024

const withRequestId = (requestId: string | undefined) => (requestId !== undefined ? { requestId } : {})
const withAttempts = (attempts: number | undefined) => (attempts !== undefined ? { attempts } : {})

const label = (req: HttpRequest) => `${req.provider} ${req.operation}`

// `attempts` is given once the response has been opened (how many attempts that took), so an
// error after the body started says so too.
const decodeError = (req: HttpRequest, what: string, requestId: string | undefined, attempts?: number) =>
  new AiuError.ResponseDecodeError({
    message: `${label(req)}: ${Redaction.redactString(what)}`,
    provider: req.provider,
    ...withRequestId(requestId),
    ...withAttempts(attempts)
  })

const interrupted = (req: HttpRequest, what: string, requestId: string | undefined, attempts?: number) =>
  new AiuError.StreamInterrupted({
    message: `${label(req)}: stream broke after it started: ${Redaction.redactString(what)}`,
    provider: req.provider,
    ...withRequestId(requestId),
    ...withAttempts(attempts)
  })

const timeoutError = (
  req: HttpRequest,
  phase: AiuError.TimeoutPhase,
  limitMs: number,
  requestId?: string | undefined,
  attempts?: number
) =>
  new AiuError.Timeout({
    message: `${label(req)}: ${Timeouts.describe(phase, limitMs)}`,
    provider: req.provider,
    phase,
    timeout: Duration.millis(limitMs),
    ...withRequestId(requestId),
    ...withAttempts(attempts)
  })

const sendFailure = (req: HttpRequest, e: BackendError, timeouts: Timeouts.Resolved): AiuError.ProviderFailure =>
  e.kind === "connect-timeout"
    ? timeoutError(req, "connect", timeouts.connectMs ?? 10_000)
    : new AiuError.NetworkError({
        message: `${label(req)}: request failed before a response (${Redaction.redactString(e.message)})`,
        provider: req.provider
      })

const toRaw = (req: HttpRequest, timeouts: Timeouts.Resolved): RawRequest | AiuError.InvalidRequest => {
  let body: string | undefined
  if (req.body !== undefined) {
    try {
      body = JSON.stringify(req.body)
    } catch (e) {
      return new AiuError.InvalidRequest({
        message: `${label(req)}: request body is not JSON-serialisable (${Redaction.redactString(String(e))})`,
        provider: req.provider
      })
    }
  }
  const extra = req.options?.headers
  const headers: Record<string, string> =
    extra !== undefined ? { ...req.headers, ...extra } : req.headers !== undefined ? { ...req.headers } : {}
  if (body !== undefined && headers["content-type"] === undefined && headers["Content-Type"] === undefined) {
    headers["content-type"] = "application/json"
  }
  return {
    method: req.method ?? (body === undefined ? "GET" : "POST"),
    url: req.url,
    headers,
    body,
    connectTimeoutMs: timeouts.connectMs
  }
}

interface Settings {
  readonly retry: RetryPolicy.Resolved
  readonly timeouts: Timeouts.Resolved
}

export const makeWithBackend = (backend: Backend, options?: Options): Effect.Effect<Service, never, never> =>
  Effect.gen(function* () {
    const deadlines = yield* Deadlines.make
    const maxEventBytes = options?.maxEventBytes ?? 128 * 1024 * 1024
    // A CircuitBreaker service in context wins (one breaker shared by several transports);
    // otherwise each transport has its own, unless switched off.
    const provided = Option.getOrUndefined(yield* Effect.serviceOption(CircuitBreaker.CircuitBreaker))
    const breaker =
      provided ?? (options?.circuitBreaker === false ? undefined : yield* CircuitBreaker.make(options?.circuitBreaker))
    const limiter = Option.getOrUndefined(yield* Effect.serviceOption(RateLimit.RateLimit))
    const retryObserver = Option.getOrUndefined(yield* Effect.serviceOption(RetryObserver.RetryObserver))
    const budget = options?.retryBudget === false ? RetryBudget.unlimited : RetryBudget.make(options?.retryBudget)

    // Settings per provider are resolved once; a call with its own retry / timeout options pays
    // for one more merge.
    const perProvider = new Map<string, Settings>()
    const settingsOf = (req: HttpRequest): Settings => {
      let s = perProvider.get(req.provider)
      if (s === undefined) {
        const p = options?.providers?.[req.provider]
        s = {
          retry: RetryPolicy.resolve(options?.retry, p?.retry),
          timeouts: Timeouts.resolve(options?.timeouts, p?.timeouts)
        }
        perProvider.set(req.provider, s)
      }
      const call = req.options
      if (call?.retry === undefined && call?.timeouts === undefined) return s
      return {
        retry: call.retry === undefined ? s.retry : mergeRetry(s, call),
        timeouts: call.timeouts === undefined ? s.timeouts : mergeTimeouts(s, call)
      }
    }
    const mergeRetry = (s: Settings, call: NonNullable<HttpRequest["options"]>) => {
      const r = call.retry!
      return {
        maxRetries: r.maxRetries ?? s.retry.maxRetries,
        baseDelayMs: r.baseDelay !== undefined ? Duration.toMillis(r.baseDelay) : s.retry.baseDelayMs,
        maxDelayMs: r.maxDelay !== undefined ? Duration.toMillis(r.maxDelay) : s.retry.maxDelayMs,
        maxRetryAfterMs: r.maxRetryAfter !== undefined ? Duration.toMillis(r.maxRetryAfter) : s.retry.maxRetryAfterMs
      }
    }
    const mergeTimeouts = (s: Settings, call: NonNullable<HttpRequest["options"]>) => {
      const t = call.timeouts!
      const base = s.timeouts
      const pick = (d: Duration.DurationInput | undefined, fallback: number | undefined) => {
        if (d === undefined) return fallback
        const duration = Duration.decode(d)
        return Duration.isFinite(duration) ? Duration.toMillis(duration) : undefined
      }
      return {
        connectMs: pick(t.connect, base.connectMs),
        firstByteMs: pick(t.firstByte, base.firstByteMs),
        idleMs: pick(t.idle, base.idleMs),
        idleEventMs: pick(t.idleEvent, base.idleEventMs),
        totalMs: pick(t.total, base.totalMs)
      }
    }

    /** Reads a non-2xx response into a classified failure. */
    const failResponse = (req: HttpRequest, res: RawResponse, s: Settings) =>
      Effect.flatMap(readText(req, res, s, undefined), (text) => {
        // A provider may echo the credential back ("Incorrect API key provided: …"), whatever
        // its shape: mask the request's own credential values before any mapper reads the body,
        // so no error message, log or span built from it can carry the key.
        const body = scrubCredentials(req, text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text)
        let json: unknown
        try {
          json = body.length > 0 ? JSON.parse(body) : undefined
        } catch {
          json = undefined
        }
        const headers = res.headers
        const retryAfterMs = parseRetryAfterMs(headers, deadlines.now()) ?? parseGoogleRetryDelayMs(json)
        const info: ErrorInfo = {
          provider: req.provider,
          operation: req.operation,
          status: res.status,
          headers,
          body,
          json,
          requestId: requestIdOf(headers),
          retryAfterMs
        }
        const error = quotaExceeded(info) ?? req.mapError?.(info) ?? generic(info)
        // A wait the adapter read from the response itself (Anthropic's exhausted bucket's reset,
        // when no retry-after came) is the server's wait too: the retry waits for it rather than
        // spending a request on the backoff.
        const mapped = AiuError.retryAfter(error)
        const delayMs = retryAfterMs ?? (mapped !== undefined ? Duration.toMillis(mapped) : undefined)
        return Effect.fail(
          RetryPolicy.applyCeiling(RetryPolicy.classify(error, res.status, parseShouldRetry(headers), delayMs), s.retry)
        )
      }).pipe(
        Effect.catchTag("Interrupted", (e) => Effect.fail(RetryPolicy.classify(e.error, undefined, false, undefined)))
      )

    /** Reads a whole body within the idle limit (and the total deadline). */
    const readText = (req: HttpRequest, res: RawResponse, s: Settings, totalAt: number | undefined) =>
      Effect.async<string, { readonly _tag: "Interrupted"; readonly error: AiuError.ProviderFailure }>((resume) => {
        const requestId = requestIdOf(res.headers)
        const now = deadlines.now()
        const idleAt = s.timeouts.idleMs !== undefined ? now + s.timeouts.idleMs : Number.POSITIVE_INFINITY
        const at = Math.min(idleAt, totalAt ?? Number.POSITIVE_INFINITY)
        let settled = false
        const timer =
          at === Number.POSITIVE_INFINITY
            ? undefined
            : deadlines.at(at, () => {
                if (settled) return
                settled = true
                res.close()
                const error =
                  at === idleAt
                    ? timeoutError(req, "idle", s.timeouts.idleMs!, requestId)
                    : timeoutError(req, "total", s.timeouts.totalMs!, requestId)
                resume(Effect.fail({ _tag: "Interrupted", error }))
              })
        res.text().then(
          (text) => {
            if (settled) return
            settled = true
            if (timer !== undefined) deadlines.cancel(timer)
            resume(Effect.succeed(text))
          },
          (e: BackendError) => {
            if (settled) return
            settled = true
            if (timer !== undefined) deadlines.cancel(timer)
            resume(Effect.fail({ _tag: "Interrupted", error: interrupted(req, e.message, requestId) }))
          }
        )
        return Effect.sync(() => {
          if (settled) return
          settled = true
          if (timer !== undefined) deadlines.cancel(timer)
          res.close()
        })
      })

    /** What an attempt's failure tells the breaker (after the attempt was admitted). */
    const recordFailure = (req: HttpRequest, f: RetryPolicy.Failure): Effect.Effect<void> =>
      breaker === undefined
        ? Effect.void
        : breaker.record(req.provider, CircuitBreaker.isUnhealthy(f.error) ? "failure" : "success", f.error)

    /** An attempt's failure, told to the breaker first. */
    const failAttempt = (req: HttpRequest, f: RetryPolicy.Failure): Effect.Effect<never, RetryPolicy.Failure> =>
      breaker === undefined ? Effect.fail(f) : Effect.zipRight(recordFailure(req, f), Effect.fail(f))

    /**
     * One attempt, up to a 2xx response's headers. The breaker hears the outcome from here, in
     * the effect the attempt resumes with (or its canceler: an interrupted attempt is neutral),
     * not from combinators around the attempt: those would sit on the fiber's stack, with their
     * closures, for as long as the server takes to answer — with hundreds of requests opening at
     * once, long enough to be promoted to the old generation.
     */
    const sendOnce = (
      req: HttpRequest,
      raw: RawRequest,
      s: Settings,
      totalAt: number | undefined
    ): Effect.Effect<RawResponse, RetryPolicy.Failure> =>
      Effect.async<RawResponse, RetryPolicy.Failure>((resume) => {
        let abort: (() => void) | undefined
        const now = deadlines.now()
        const fbAt = s.timeouts.firstByteMs !== undefined ? now + s.timeouts.firstByteMs : Number.POSITIVE_INFINITY
        const at = Math.min(fbAt, totalAt ?? Number.POSITIVE_INFINITY)
        let settled = false
        const timer =
          at === Number.POSITIVE_INFINITY
            ? undefined
            : deadlines.at(at, () => {
                if (settled) return
                settled = true
                abort?.()
                const error =
                  at === fbAt
                    ? timeoutError(req, "first-byte", s.timeouts.firstByteMs!)
                    : timeoutError(req, "total", s.timeouts.totalMs!)
                resume(failAttempt(req, RetryPolicy.classify(error, undefined, undefined, undefined)))
              })
        abort = backend.send(
          raw,
          (res) => {
            if (settled) return res.close()
            settled = true
            if (timer !== undefined) deadlines.cancel(timer)
            const outcome =
              res.status >= 200 && res.status < 300
                ? breaker === undefined
                  ? Effect.succeed(res)
                  : Effect.as(breaker.record(req.provider, "success"), res)
                : breaker === undefined
                  ? failResponse(req, res, s)
                  : failResponse(req, res, s).pipe(
                      Effect.tapError((f) => recordFailure(req, f)),
                      // Interrupted while reading the error body: no verdict.
                      Effect.onInterrupt(() => breaker.record(req.provider, "neutral"))
                    )
            const limits =
              limiter !== undefined && req.serverLimits !== undefined
                ? req.serverLimits(res.headers, deadlines.now())
                : undefined
            resume(
              limits === undefined
                ? outcome
                : Effect.zipRight(
                    limiter!.observe({ provider: req.provider, keyAlias: req.options?.keyAlias }, limits),
                    outcome
                  )
            )
          },
          (e: BackendError) => {
            if (settled) return
            settled = true
            if (timer !== undefined) deadlines.cancel(timer)
            resume(
              failAttempt(req, RetryPolicy.classify(sendFailure(req, e, s.timeouts), undefined, undefined, undefined))
            )
          }
        )
        return Effect.suspend(() => {
          if (settled) return Effect.void
          settled = true
          if (timer !== undefined) deadlines.cancel(timer)
          abort?.()
          return breaker === undefined ? Effect.void : breaker.record(req.provider, "neutral")
        })
      })

    const retryReason = (e: AiuError.ProviderFailure) =>
      "status" in e && typeof e.status === "number" ? `${e._tag} ${e.status}` : e._tag

    /**
     * Attempts with retries, breaker, budget and deadline, up to a 2xx response's headers, with the
     * number of attempts that took.
     */
    const open = (
      req: HttpRequest,
      s: Settings,
      totalAt: number | undefined
    ): Effect.Effect<{ readonly res: RawResponse; readonly attempts: number }, AiuError.ProviderFailure> =>
      Effect.suspend(() => {
        const raw = toRaw(req, s.timeouts)
        if (raw instanceof AiuError.InvalidRequest) return Effect.fail(raw)
        let attempts = 0
        let spent = 0
        const once = Effect.suspend(() => {
          attempts++
          return sendOnce(req, raw, s, totalAt)
        })
        // Admitted, then sent; the attempt itself reports its outcome to the breaker.
        const guarded =
          breaker === undefined
            ? once
            : Effect.zipRight(
                Effect.mapError(breaker.admit(req.provider), (e) =>
                  RetryPolicy.classify(e, undefined, undefined, undefined)
                ),
                once
              )
        const allow = (f: RetryPolicy.Failure, delay: Duration.Duration) => {
          if (totalAt !== undefined && deadlines.now() + Duration.toMillis(delay) >= totalAt) return false
          const cost = budget.take(req.provider, f.error._tag === "Timeout")
          if (cost === undefined) return false
          spent += cost
          return true
        }
        const onRetry =
          retryObserver === undefined
            ? undefined
            : (f: RetryPolicy.Failure, delay: Duration.Duration) =>
                retryObserver.retryScheduled({
                  provider: req.provider,
                  operation: req.operation,
                  attempt: attempts,
                  delayMs: Duration.toMillis(delay),
                  reason: retryReason(f.error),
                  serverRequested: f.delayMs !== undefined
                })
        const logFailed = (f: RetryPolicy.Failure) =>
          Effect.logDebug(`${label(req)}: attempt ${attempts} failed, may retry`).pipe(
            Effect.annotateLogs({ provider: req.provider, error: f.error._tag })
          )
        const logged = Effect.tapError(guarded, (f) => (f.retry ? logFailed(f) : Effect.void))
        // The schedule is only built once an attempt has failed with a retryable error: most calls
        // succeed at once and should not pay for a schedule driver, nor for a logging stage around
        // the first attempt (its failure is logged here). The schedule's first input is that
        // failure, replayed, so it decides exactly as if it had run from the start.
        const retried =
          s.retry.maxRetries === 0
            ? guarded
            : Effect.catchAll(guarded, (first) => {
                if (!first.retry) return Effect.fail(first)
                let replay: RetryPolicy.Failure | undefined = first
                const again = Effect.suspend(() => {
                  if (replay === undefined) return logged
                  const f = replay
                  replay = undefined
                  return Effect.fail(f)
                })
                return Effect.zipRight(
                  logFailed(first),
                  Effect.retry(again, RetryPolicy.schedule(s.retry, allow, onRetry))
                )
              })
        return retried.pipe(
          Effect.mapBoth({
            onFailure: (f) => RetryPolicy.withAttempts(f.error, attempts),
            onSuccess: (res) => {
              budget.succeeded(req.provider, spent)
              return { res, attempts }
            }
          })
        )
      })

    const limited = <A, E, R>(req: HttpRequest, effect: Effect.Effect<A, E, R>) =>
      limiter === undefined || !limiter.limits(req.provider)
        ? effect
        : Effect.zipRight(
            limiter.acquire({ provider: req.provider, keyAlias: req.options?.keyAlias }, req.estimatedTokens),
            effect
          )

    const totalAtOf = (s: Settings) =>
      s.timeouts.totalMs !== undefined ? deadlines.now() + s.timeouts.totalMs : undefined

    const request = <A, I>(req: HttpRequest, schema: Schema.Schema<A, I, never>) => {
      // Synchronous decoding: a response schema has no effects, and the Either path costs a
      // fraction of running the decoder as an Effect.
      const decode = Schema.decodeUnknownEither(schema)
      // A leaf span: nothing inside opens a span, so it is not made the parent of what runs
      // inside (`Effect.withSpan` does that by swapping the fiber's context, which cost more than
      // twice the span itself: 25 of a span's 36 run-loop steps).
      return Effect.useSpan(
        "HttpTransport.request",
        {
          attributes:
            req.model === undefined
              ? { "aiu.provider": req.provider, "aiu.operation": req.operation }
              : { "aiu.provider": req.provider, "aiu.operation": req.operation, "gen_ai.request.model": req.model },
          kind: "client",
          // A stack capture per call (new Error()) costs more than the rest of the span.
          captureStackTrace: false
        },
        () => requestUntraced(req, decode)
      )
    }

    const requestUntraced = <A>(
      req: HttpRequest,
      decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>
    ): Effect.Effect<Response<A>, AiuError.ProviderFailure> =>
      limited(
        req,
        Effect.suspend(() => {
          const s = settingsOf(req)
          const totalAt = totalAtOf(s)
          return Effect.flatMap(open(req, s, totalAt), ({ res, attempts }) => {
            const requestId = requestIdOf(res.headers)
            return readText(req, res, s, totalAt).pipe(
              Effect.mapError((e) => RetryPolicy.withAttempts(e.error, attempts)),
              Effect.flatMap((text) => {
                let json: unknown
                try {
                  json = JSON.parse(text)
                } catch {
                  return Effect.fail(decodeError(req, "response body is not JSON", requestId, attempts))
                }
                const decoded = decode(json)
                return Either.isRight(decoded)
                  ? Effect.succeed<Response<A>>({
                      status: res.status,
                      headers: res.headers,
                      requestId,
                      body: decoded.right
                    })
                  : Effect.fail(
                      decodeError(
                        req,
                        `unexpected response shape: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
                        requestId,
                        attempts
                      )
                    )
              })
            )
          })
        })
      )

    const stream = <A>(
      req: HttpRequest,
      framer: (requestId: string | undefined) => EventStream.Framer<A>,
      decodeFailure: (e: unknown) => string
    ): Effect.Effect<StreamResponse<A>, AiuError.ProviderFailure, Scope.Scope> =>
      limited(
        req,
        Effect.suspend(() => {
          const s = settingsOf(req)
          const totalAt = totalAtOf(s)
          // Opening (connect, retries, waiting for the headers) stays interruptible: a consumer
          // that gives up while a stream opens aborts the request instead of waiting for it. The
          // response is closed by a finalizer on the scope, added in the same uninterruptible
          // step as the opening ends. Not `Effect.acquireRelease`: it keeps the opening fiber's
          // `FiberRefs` to restore around the release, and diffs and patches them when it runs
          // (measured: 17 KB more allocated than `Scope.addFinalizer` in isolation, ~40 KB less
          // for an aiu chat stream without it; the references held for the stream's life), for a
          // release that only closes a socket.
          return Effect.uninterruptible(
            Effect.flatMap(Effect.scope, (scope) =>
              Effect.tap(Effect.interruptible(open(req, s, totalAt)), ({ res }) =>
                Scope.addFinalizer(scope, Effect.sync(res.close))
              )
            )
          ).pipe(
            Effect.map(({ res, attempts }): StreamResponse<A> => {
              const requestId = requestIdOf(res.headers)
              const options: EventStream.Options<A> = {
                reader: res.reader(),
                framer: () => framer(requestId),
                deadlines,
                idleMs: s.timeouts.idleMs,
                idleEventMs: s.timeouts.idleEventMs,
                totalAt,
                timeout: (phase) =>
                  timeoutError(
                    req,
                    phase,
                    phase === "idle"
                      ? s.timeouts.idleMs!
                      : phase === "idle-event"
                        ? s.timeouts.idleEventMs!
                        : s.timeouts.totalMs!,
                    requestId,
                    attempts
                  ),
                readError: (e) => interrupted(req, e.kind === "aborted" ? "aborted" : e.message, requestId, attempts),
                decodeError: (e) => decodeError(req, decodeFailure(e), requestId, attempts),
                close: res.close
              }
              return {
                status: res.status,
                headers: res.headers,
                requestId,
                events: EventStream.make(options),
                mapEvents: (mapper) => EventStream.make(options, mapper)
              }
            })
          )
        })
      )

    const sse = (req: HttpRequest) =>
      stream(
        req,
        () => {
          const decoder = Sse.makeDecoder({ maxEventBytes })
          const feed = (b: Uint8Array) => {
            try {
              return decoder.feed(b)
            } catch (e) {
              throw e instanceof Sse.EventTooLarge ? new EventStream.PartialFailure(e.events, e) : e
            }
          }
          return { feed, end: decoder.end }
        },
        (e) => (e instanceof Error ? e.message : String(e))
      )

    /** Parses lines one by one so the good lines before a bad one are still delivered. */
    const parseLines = (lines: ReadonlyArray<string>): Array<unknown> => {
      const out: Array<unknown> = []
      for (const l of lines) {
        try {
          out.push(JSON.parse(l))
        } catch (e) {
          throw new EventStream.PartialFailure(out, e)
        }
      }
      return out
    }

    const ndjson = (req: HttpRequest) =>
      stream(
        req,
        () => {
          const decoder = Ndjson.makeDecoder({ maxLineBytes: maxEventBytes })
          return { feed: (b) => parseLines(decoder.feed(b)), end: () => parseLines(decoder.end()) }
        },
        (e) =>
          e instanceof SyntaxError
            ? `a stream line is not JSON (${e.message})`
            : e instanceof Error
              ? e.message
              : String(e)
      )

    const reportUsage = (req: HttpRequest, actualTokens: number) =>
      limiter === undefined
        ? Effect.void
        : limiter.reportUsage(
            { provider: req.provider, keyAlias: req.options?.keyAlias },
            req.estimatedTokens ?? 0,
            actualTokens
          )

    return { request, sse, ndjson, reportUsage }
  })

export const make = (options?: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    // The platform client's own span would carry the full URL and every header; ours carries the
    // provider and operation only.
    const client = HttpClient.withTracerDisabledWhen(yield* HttpClient.HttpClient, () => true)
    const runtime = yield* Effect.runtime<never>()
    return yield* makeWithBackend(fromHttpClient(client, runtime), options)
  })
