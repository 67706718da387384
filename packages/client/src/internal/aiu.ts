import * as AiuError from "@aiu/core/AiuError"
import type * as CoreCallOptions from "@aiu/core/CallOptions"
import type { ChatRequest, ChatResponse } from "@aiu/core/Chat"
import type { EmbedRequest, EmbedResponse } from "@aiu/core/Embedding"
import type { ImageRequest, ImageResponse } from "@aiu/core/Image"
import * as ModelId from "@aiu/core/ModelId"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Provider from "@aiu/core/Provider"
import * as ScopedStream from "@aiu/core/ScopedStream"
import * as Redaction from "@aiu/core/Redaction"
import { Accumulator, type StreamChunk } from "@aiu/core/StreamChunk"
import * as CoreUsage from "@aiu/core/Usage"
import * as GenAi from "@aiu/observability/GenAi"
import * as Metrics from "@aiu/observability/Metrics"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as Channel from "effect/Channel"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type { Options, ResolvedModel, Service } from "../Aiu.js"
import type * as AiuEvents from "../AiuEvents.js"
import { AiuEvent } from "../AiuEvents.js"
import * as Budget from "../Budget.js"
import { type CallOptions, merge } from "../CallOptions.js"
import * as Middleware from "../Middleware.js"
import * as Policy from "../Policy.js"
import type * as ProviderRegistry from "../ProviderRegistry.js"
import { costOf } from "./cost.js"

/** The services the client reads, as it uses them. */
export interface Deps {
  readonly providers: ProviderRegistry.Service
  readonly keys: {
    readonly get: (provider: string, alias?: string) => Effect.Effect<Redacted.Redacted<string>, AiuError.AiuError>
  }
  readonly models: {
    readonly findOne: (modelId: string) => Effect.Effect<ModelInfo, AiuError.AiuError>
  }
  readonly usage: UsageStore.Service
  readonly events: AiuEvents.Service
}

type Operation = "chat" | "stream" | "embed" | "image"

interface Attempt {
  readonly info: AiuEvents.RequestInfo
  readonly entry: ProviderRegistry.Entry
  readonly modelInfo: ModelInfo | undefined
  readonly callOptions: CoreCallOptions.CallOptions
  readonly startNanos: bigint
  readonly startMillis: number
  /** What the preparation learned, for the attempt's span (see `resolvedAttributes`). */
  readonly attributes: Record<string, unknown>
}

interface Outcome {
  readonly status: "ok" | "error"
  readonly error?: AiuError.AiuError | undefined
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly reasoningTokens: number
  readonly ttftMs?: number | undefined
  readonly requestId?: string | undefined
  readonly willFallback?: boolean | undefined
  readonly cancelled?: { readonly chunks: number } | undefined
  /** The full usage, when the provider reported one (cache writes count in the cost). */
  readonly usage?: CoreUsage.Usage | undefined
}

/** Worth trying the next model of the fallback list. */
export const canFallback = (error: AiuError.AiuError): boolean =>
  AiuError.isRetryable(error) ||
  error._tag === "RateLimited" ||
  error._tag === "ProviderOverloaded" ||
  (error._tag === "ProviderError" && error.shortCircuited === true)

const errorMessage = (e: AiuError.AiuError) => Redaction.redactString(e.message)

const toCoreOptions = (options: CallOptions, keyAlias: string, apiKey: Redacted.Redacted<string> | undefined) => {
  const out: { -readonly [K in keyof CoreCallOptions.CallOptions]: CoreCallOptions.CallOptions[K] } = { keyAlias }
  if (apiKey !== undefined) out.apiKey = apiKey
  if (options.headers !== undefined) out.headers = options.headers
  if (options.timeout !== undefined || options.timeouts !== undefined) {
    out.timeouts = {
      ...options.timeouts,
      ...(options.timeout !== undefined ? { total: options.timeout } : {})
    }
  }
  if (options.retries !== undefined || options.retry !== undefined) {
    out.retry = { ...options.retry, ...(options.retries !== undefined ? { maxRetries: options.retries } : {}) }
  }
  return out
}

/**
 * An error whose message echoes the key it was sent with (some servers quote the key they
 * rejected) is rebuilt with the key masked. Cheap when it does not: one `includes`.
 */
export const scrubError = <E extends AiuError.AiuError>(error: E, apiKey: Redacted.Redacted<string> | undefined): E => {
  if (apiKey === undefined) return error
  const secret = Redacted.value(apiKey)
  if (secret.length < 4) return error
  const json = JSON.stringify(error)
  if (!json.includes(secret) && !json.includes(btoa(secret))) return error
  // `message` is not an own enumerable property of an Error: copy it by hand.
  const fields: Record<string, unknown> = { message: Redaction.redactKnown(error.message, [secret]) }
  for (const [k, v] of Object.entries(error)) {
    if (k !== "_tag" && v !== undefined) fields[k] = typeof v === "string" ? Redaction.redactKnown(v, [secret]) : v
  }
  const Ctor = error.constructor as new (fields: Record<string, unknown>) => E
  try {
    return new Ctor(fields)
  } catch {
    // Not expected (the fields came from a valid error); never hand the key back regardless.
    return new AiuError.ProviderError({
      message: Redaction.redactKnown(error.message, [secret]),
      ...("provider" in error && typeof error.provider === "string" ? { provider: error.provider } : {})
    }) as unknown as E
  }
}

/**
 * `Effect.makeSpanScoped` with the scope given rather than read from the context, so a stream's
 * scope need not be provided (a context swap) just for its spans. Ends as `makeSpanScoped`'s does:
 * with the scope's exit, at the clock's time unless tracer timing is off.
 */
const makeSpanIn = (scope: Scope.Scope, name: string, options: Tracer.SpanOptions): Effect.Effect<Tracer.Span> =>
  // Uninterruptible, as `makeSpanScoped`: a span made is a span whose end is registered.
  Effect.uninterruptible(
    Effect.flatMap(Effect.makeSpan(name, options), (span) => {
      flatten(span)
      return Effect.as(
        Scope.addFinalizerExit(scope, (exit) =>
          Effect.flatMap(FiberRef.get(FiberRef.currentTracerTimingEnabled), (timing) =>
            Effect.clockWith((clock) =>
              Effect.sync(() => {
                if (span.status._tag !== "Ended") span.end(timing ? clock.unsafeCurrentTimeNanos() : BigInt(0), exit)
              })
            )
          )
        ),
        span
      )
    })
  )

/**
 * Effect's tracer builds a span's ids one hex digit at a time, so each id is a chain of rope
 * strings (about 45 objects for a root span's two ids); a stream's span lives as long as the stream.
 * Reading a character makes V8 flatten the string in place, leaving one flat string per id
 * (measured: ~1 KB less held per open stream).
 */
const flatten = (span: Tracer.Span): void => {
  span.spanId.charCodeAt(0)
  span.traceId.charCodeAt(0)
}

/** What an attempt's span says from its start; the preparation adds the rest (`Attempt.attributes`). */
const resolvedAttributes = (resolved: ResolvedModel, operation: Operation, index: number): Record<string, unknown> => ({
  [GenAi.Attr.providerName]: resolved.provider,
  [GenAi.Attr.operationName]: GenAi.operationName(operation),
  [GenAi.Attr.requestModel]: resolved.model,
  [GenAi.Attr.modelId]: resolved.modelId,
  [GenAi.Attr.attempt]: index + 1
})

const requestAttributes = (request: ChatRequest): Record<string, unknown> => {
  const a: Record<string, unknown> = {}
  if (request.temperature !== undefined) a[GenAi.Attr.requestTemperature] = request.temperature
  if (request.topP !== undefined) a[GenAi.Attr.requestTopP] = request.topP
  if (request.maxOutputTokens !== undefined) a[GenAi.Attr.requestMaxTokens] = request.maxOutputTokens
  if (request.seed !== undefined) a[GenAi.Attr.requestSeed] = request.seed
  if (request.stop !== undefined) a[GenAi.Attr.requestStopSequences] = request.stop
  return a
}

const contentOf = (request: ChatRequest): string =>
  Redaction.redactString(JSON.stringify(Redaction.redactDeep(request.messages)))

export const make = (deps: Deps, options: Options): Service => {
  const aliases = options.aliases ?? {}
  const budgets = options.budgets ?? []
  const policy = options.policy
  const middleware = options.middleware ?? []

  const resolve = (name: string): Effect.Effect<ResolvedModel, AiuError.InvalidModelId> =>
    Effect.suspend(() => {
      const target = aliases[name] ?? name
      return Either.match(ModelId.parseEither(target), {
        onLeft: (e) =>
          Effect.fail(
            aliases[name] === undefined && !name.includes(":")
              ? new AiuError.InvalidModelId({
                  message: `${e.message} (no alias '${name}' is configured${Object.keys(aliases).length > 0 ? `; aliases: ${Object.keys(aliases).join(", ")}` : ""})`,
                  input: e.input
                })
              : e
          ),
        onRight: (id) => Effect.succeed({ modelId: id, ...ModelId.parts(id) })
      })
    })

  const checkBudgets = (subject: Budget.Subject, nowMillis: number): Effect.Effect<void, AiuError.BudgetExceeded> => {
    const applicable = budgets.filter((b) => Budget.appliesTo(b, subject))
    if (applicable.length === 0) return Effect.void
    return Effect.forEach(applicable, (b) => Budget.check(b, deps.usage, nowMillis), { discard: true }).pipe(
      Effect.catchTag("StorageError", (e) =>
        Effect.logWarning("aiu budget check skipped: usage store unavailable", e.message)
      ),
      Effect.tapError((e) =>
        Effect.zipRight(
          deps.events.publish(
            AiuEvent.BudgetExceeded({
              budget: e.budget,
              limit: e.limit,
              used: e.used,
              unit: e.unit,
              modelId: subject.modelId
            })
          ),
          Metrics.increment(Metrics.budgetRejections, { reason: "budget", provider: subject.provider })
        )
      )
    )
  }

  const checkPolicy = (modelId: string, provider: string): Effect.Effect<void, AiuError.PolicyDenied> =>
    policy === undefined
      ? Effect.void
      : Policy.check(policy, modelId).pipe(
          Effect.tapError((e) =>
            Effect.zipRight(
              deps.events.publish(AiuEvent.PolicyDenied({ policy: e.policy ?? "models", modelId })),
              Metrics.increment(Metrics.budgetRejections, { reason: "policy", provider })
            )
          )
        )

  /** Everything before the adapter call: policy, provider, budgets, model info, key. */
  const prepare = (
    resolved: ResolvedModel,
    index: number,
    operation: Operation,
    options: CallOptions
  ): Effect.Effect<Attempt, AiuError.AiuError> =>
    Effect.gen(function* () {
      const keyAlias = options.keyAlias ?? "default"
      const metadata = options.metadata ?? {}
      yield* checkPolicy(resolved.modelId, resolved.provider)
      const entry = yield* deps.providers.get(resolved.provider)
      const startMillis = yield* Clock.currentTimeMillis
      yield* checkBudgets({ modelId: resolved.modelId, provider: resolved.provider, keyAlias, metadata }, startMillis)
      const modelInfo = yield* deps.models.findOne(resolved.modelId).pipe(
        Effect.map((info): ModelInfo | undefined => info),
        Effect.catchAll((e) =>
          options_.requireKnownModel === true
            ? Effect.fail(e)
            : Effect.as(
                Effect.logDebug("aiu model not in registry; no price known", resolved.modelId, e._tag),
                undefined
              )
        )
      )
      const apiKey =
        options.apiKey ??
        (yield* deps.keys.get(resolved.provider, keyAlias).pipe(
          Effect.map((k): Redacted.Redacted<string> | undefined => k),
          Effect.catchTag("KeyNotFound", (e) =>
            entry.descriptor.requiresKey === false || entry.hasDefaultKey === true
              ? Effect.succeed(undefined)
              : Effect.fail(e)
          )
        ))
      // Time-ordered, so usage rows are appended to the primary-key index (see UsageStore.makeId).
      const id = UsageStore.makeId(startMillis)
      const info: AiuEvents.RequestInfo = {
        id,
        operation,
        modelId: resolved.modelId,
        provider: resolved.provider,
        model: resolved.model,
        keyAlias,
        attempt: index + 1,
        metadata
      }
      const startNanos = yield* Clock.currentTimeNanos
      yield* deps.events.publish(AiuEvent.RequestStarted({ request: info, time: new Date(startMillis) }))
      return {
        info,
        entry,
        modelInfo,
        callOptions: toCoreOptions(options, keyAlias, apiKey),
        startNanos,
        startMillis,
        attributes: {
          [GenAi.Attr.system]: entry.descriptor.type,
          [GenAi.Attr.keyAlias]: keyAlias,
          [GenAi.Attr.requestId]: id
        }
      }
    })
  const options_ = options

  /** Usage record, metrics, event and log of one finished attempt. Never fails, never waits. */
  const finish = (attempt: Attempt, outcome: Outcome, span: Tracer.Span | undefined): Effect.Effect<void> =>
    Effect.gen(function* () {
      const endNanos = yield* Clock.currentTimeNanos
      const latencyMs = Number(endNanos - attempt.startNanos) / 1e6
      const costUsd =
        outcome.status === "ok" || outcome.inputTokens + outcome.outputTokens > 0
          ? costOf(
              attempt.modelInfo,
              outcome.usage ??
                CoreUsage.make({
                  inputTokens: outcome.inputTokens,
                  outputTokens: outcome.outputTokens,
                  cachedInputTokens: outcome.cachedInputTokens
                })
            )
          : undefined
      const info = attempt.info
      const error = outcome.error
      const metadata: Record<string, string> = { ...info.metadata }
      if (info.attempt > 1) metadata["aiu.attempt"] = String(info.attempt)
      if (outcome.willFallback) metadata["aiu.fallback"] = "next"
      if (outcome.cancelled) {
        metadata["aiu.outcome"] = "cancelled"
        metadata["aiu.chunks"] = String(outcome.cancelled.chunks)
      }
      const record: { -readonly [K in keyof UsageStore.UsageRecord]: UsageStore.UsageRecord[K] } = {
        id: info.id,
        time: new Date(attempt.startMillis),
        operation: info.operation,
        provider: info.provider,
        model: info.model,
        keyAlias: info.keyAlias,
        status: outcome.status,
        inputTokens: outcome.inputTokens,
        outputTokens: outcome.outputTokens,
        cachedInputTokens: outcome.cachedInputTokens,
        reasoningTokens: outcome.reasoningTokens,
        latencyMs,
        attempts: error !== undefined && "attempts" in error && error.attempts !== undefined ? error.attempts : 1,
        metadata
      }
      if (error !== undefined) record.errorTag = error._tag
      if (outcome.ttftMs !== undefined) record.ttftMs = outcome.ttftMs
      if (costUsd !== undefined) record.costUsd = costUsd
      const requestId = outcome.requestId ?? (error !== undefined && "requestId" in error ? error.requestId : undefined)
      if (requestId !== undefined) record.requestId = requestId
      yield* deps.usage.append(record)
      yield* Metrics.recordCall({
        provider: info.provider,
        model: info.model,
        operation: info.operation,
        outcome: outcome.status,
        errorTag: error?._tag,
        latencyMs,
        ttftMs: outcome.ttftMs,
        inputTokens: outcome.inputTokens,
        outputTokens: outcome.outputTokens,
        costUsd
      })
      if (span !== undefined) {
        span.attribute(GenAi.Attr.usageInputTokens, outcome.inputTokens)
        span.attribute(GenAi.Attr.usageOutputTokens, outcome.outputTokens)
        if (outcome.cachedInputTokens > 0) span.attribute(GenAi.Attr.cachedInputTokens, outcome.cachedInputTokens)
        if (outcome.reasoningTokens > 0) span.attribute(GenAi.Attr.reasoningTokens, outcome.reasoningTokens)
        if (costUsd !== undefined) span.attribute(GenAi.Attr.costUsd, costUsd)
        if (outcome.ttftMs !== undefined) span.attribute(GenAi.Attr.ttftMs, outcome.ttftMs)
        if (requestId !== undefined) span.attribute(GenAi.Attr.responseId, requestId)
        if (error !== undefined) span.attribute(GenAi.Attr.errorType, error._tag)
      }
      const minimum = yield* FiberRef.get(FiberRef.currentMinimumLogLevel)
      const logging = LogLevel.lessThanEqual(minimum, outcome.willFallback ? LogLevel.Warning : LogLevel.Debug)
      const annotations = {
        requestId: info.id,
        provider: info.provider,
        model: info.model,
        attempt: info.attempt,
        latencyMs: Math.round(latencyMs * 100) / 100
      }
      if (error !== undefined) {
        if (outcome.willFallback)
          yield* Metrics.increment(Metrics.retries, { provider: info.provider, reason: "fallback" })
        yield* deps.events.publish(
          AiuEvent.RequestFailed({
            request: info,
            latencyMs,
            errorTag: error._tag,
            message: errorMessage(error),
            willFallback: outcome.willFallback === true
          })
        )
        yield* (
          outcome.willFallback
            ? Effect.logWarning(
                `aiu ${info.operation} failed, trying the next model`,
                `${error._tag}: ${errorMessage(error)}`
              )
            : Effect.logDebug(`aiu ${info.operation} failed`, `${error._tag}: ${errorMessage(error)}`)
        ).pipe(Effect.annotateLogs(annotations))
      } else if (outcome.cancelled) {
        yield* deps.events.publish(
          AiuEvent.StreamCancelled({ request: info, latencyMs, chunks: outcome.cancelled.chunks })
        )
        if (logging)
          yield* Effect.logDebug("aiu stream cancelled by the consumer").pipe(Effect.annotateLogs(annotations))
      } else {
        yield* deps.events.publish(
          AiuEvent.RequestFinished({
            request: info,
            latencyMs,
            ttftMs: outcome.ttftMs,
            inputTokens: outcome.inputTokens,
            outputTokens: outcome.outputTokens,
            costUsd,
            requestId
          })
        )
        if (logging) yield* Effect.logDebug(`aiu ${info.operation} finished`).pipe(Effect.annotateLogs(annotations))
      }
    })

  const failed = (error: AiuError.AiuError, willFallback: boolean): Outcome => ({
    status: "error",
    error,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    willFallback
  })

  const withTotal = <A, E extends AiuError.AiuError>(
    effect: Effect.Effect<A, E>,
    attempt: Attempt,
    options: CallOptions
  ): Effect.Effect<A, E | AiuError.Timeout> =>
    options.timeout === undefined
      ? effect
      : Effect.timeoutFail(effect, {
          duration: options.timeout,
          onTimeout: () =>
            new AiuError.Timeout({
              message: `${attempt.info.provider} ${attempt.info.operation}: no answer within ${Duration.format(Duration.decode(options.timeout!))}`,
              provider: attempt.info.provider,
              phase: "total",
              timeout: Duration.decode(options.timeout!)
            })
        })

  /**
   * Runs `call` against the model and then each fallback, recording every attempt. Each attempt's
   * span is the parent of its work (key, budgets, the provider's request); its own parent is
   * `parent` when given, else the span in the fiber's context.
   */
  const runEffect = <A>(
    operation: Operation,
    model: string,
    options: CallOptions,
    call: (attempt: Attempt, resolved: ResolvedModel) => Effect.Effect<A, AiuError.AiuError>,
    outcomeOf: (a: A) => Outcome,
    annotate: (a: A, span: Tracer.Span, attempt: Attempt) => void,
    parent: Tracer.AnySpan | undefined,
    extraAttributes?: Record<string, unknown>
  ): Effect.Effect<A, AiuError.AiuError> => {
    const candidates = [model, ...(options.fallbacks ?? [])]
    const spanOptions = (resolved: ResolvedModel, index: number) => ({
      kind: "client" as const,
      captureStackTrace: false,
      ...(parent !== undefined ? { parent } : {}),
      attributes: { ...resolvedAttributes(resolved, operation, index), ...extraAttributes }
    })
    const loop = (index: number): Effect.Effect<A, AiuError.AiuError> =>
      Effect.gen(function* () {
        const resolved = yield* resolve(candidates[index]!)
        const hasNext = index + 1 < candidates.length
        // A failure before the provider is called (policy, budget, key) ends the call: no fallback.
        let prepared = false
        const result = yield* Effect.either(
          Effect.useSpan(`Aiu.${operation}.attempt`, spanOptions(resolved, index), (span) =>
            Effect.flatMap(prepare(resolved, index, operation, options), (attempt) => {
              prepared = true
              for (const key in attempt.attributes) span.attribute(key, attempt.attributes[key])
              // A provider's error never carries the key out, whatever the operation.
              return withTotal(
                Effect.mapError(call(attempt, resolved), (e) => scrubError(e, attempt.callOptions.apiKey)),
                attempt,
                options
              ).pipe(
                Effect.tap((a) => {
                  annotate(a, span, attempt)
                  return finish(attempt, outcomeOf(a), span)
                }),
                Effect.tapError((e) => finish(attempt, failed(e, hasNext && canFallback(e)), span)),
                Effect.onInterrupt(() => finish(attempt, { ...failed(interruptedError(attempt), false) }, span))
              )
            }).pipe(Effect.withParentSpan(span))
          )
        )
        if (Either.isRight(result)) return result.right
        if (prepared && hasNext && canFallback(result.left)) return yield* loop(index + 1)
        return yield* Effect.fail(result.left)
      })
    return loop(0)
  }

  const interruptedError = (attempt: Attempt) =>
    new AiuError.StreamInterrupted({
      message: `${attempt.info.provider} ${attempt.info.operation}: interrupted by the caller`,
      provider: attempt.info.provider,
      errorType: "interrupted"
    })

  const chatOutcome = (r: ChatResponse): Outcome => ({
    status: "ok",
    inputTokens: r.usage.inputTokens,
    outputTokens: r.usage.outputTokens,
    cachedInputTokens: r.usage.cachedInputTokens ?? 0,
    reasoningTokens: r.usage.reasoningTokens ?? 0,
    requestId: r.requestId,
    usage: r.usage
  })

  const annotateChat = (capture: boolean, request: ChatRequest) => (r: ChatResponse, span: Tracer.Span) => {
    span.attribute(GenAi.Attr.responseModel, r.model)
    span.attribute(GenAi.Attr.responseFinishReasons, [r.finishReason])
    if (capture) {
      span.attribute(GenAi.Attr.prompt, contentOf(request))
      span.attribute(GenAi.Attr.completion, Redaction.redactString(r.text))
    }
  }

  /** The call without middleware; `parent` is the call's span when it is not in the context. */
  const coreChatUnder = (
    request: ChatRequest,
    context: Middleware.Context,
    parent: Tracer.AnySpan | undefined
  ): Effect.Effect<ChatResponse, AiuError.AiuError> =>
    Effect.flatMap(GenAi.CaptureContent, (capture) =>
      runEffect(
        "chat",
        request.model,
        context.options,
        (attempt, resolved) => attempt.entry.provider.chat({ ...request, model: resolved.model }, attempt.callOptions),
        chatOutcome,
        annotateChat(capture, request),
        parent,
        requestAttributes(request)
      )
    )

  const coreChat = (request: ChatRequest, context: Middleware.Context) => coreChatUnder(request, context, undefined)

  /**
   * Opens one streaming attempt, instrumented, in `scope` (its span ends with it);
   * `state.delivered` tells the fallback logic whether output went out.
   */
  const openAttempt = (
    scope: Scope.Scope,
    request: ChatRequest,
    resolved: ResolvedModel,
    index: number,
    options: CallOptions,
    parent: Tracer.AnySpan,
    state: { delivered: number },
    hasNext: boolean,
    capture: boolean
  ): Effect.Effect<Stream.Stream<StreamChunk, AiuError.AiuError>, AiuError.AiuError> =>
    Effect.flatMap(
      // Opened before the preparation, as a chat attempt's: a refusal (policy, budget, key) is a
      // failed attempt span, ended with the scope.
      makeSpanIn(scope, "Aiu.stream.attempt", {
        kind: "client",
        parent,
        attributes: { ...resolvedAttributes(resolved, "stream", index), ...requestAttributes(request) },
        captureStackTrace: false
      }),
      (span) =>
        // One context for the preparation and the provider's opening: the scope the provider
        // opens its response in, and the attempt span as the parent of their spans (a key read
        // from storage, a budget query, an adapter's own spans). One swap, not one per service.
        Effect.provide(
          attemptUnder(scope, span, request, resolved, index, options, state, hasNext, capture),
          Context.make(Tracer.ParentSpan, span).pipe(Context.add(Scope.Scope, scope))
        )
    )

  /** The attempt, in its span, with the scope and the span in the context. */
  const attemptUnder = (
    scope: Scope.Scope,
    span: Tracer.Span,
    request: ChatRequest,
    resolved: ResolvedModel,
    index: number,
    options: CallOptions,
    state: { delivered: number },
    hasNext: boolean,
    capture: boolean
  ): Effect.Effect<Stream.Stream<StreamChunk, AiuError.AiuError>, AiuError.AiuError, Scope.Scope> =>
    Effect.gen(function* () {
      const attempt = yield* prepare(resolved, index, "stream", options)
      for (const key in attempt.attributes) span.attribute(key, attempt.attributes[key])
      if (capture) span.attribute(GenAi.Attr.prompt, contentOf(request))
      const clock = yield* Effect.clock
      const acc = new Accumulator()
      let chunks = 0
      let ttftMs: number | undefined
      let ended = false
      let error: AiuError.AiuError | undefined
      let recorded = false
      const record = (): Effect.Effect<void> => {
        if (recorded) return Effect.void
        recorded = true
        const usage = acc.usage
        const base = {
          inputTokens: usage?.inputTokens ?? 0,
          outputTokens: usage?.outputTokens ?? 0,
          cachedInputTokens: usage?.cachedInputTokens ?? 0,
          reasoningTokens: usage?.reasoningTokens ?? 0,
          ttftMs,
          requestId: acc.requestId,
          usage
        }
        if (acc.model !== undefined) span.attribute(GenAi.Attr.responseModel, acc.model)
        if (acc.id !== undefined) span.attribute("gen_ai.response.id", acc.id)
        span.attribute(GenAi.Attr.chunks, chunks)
        if (error !== undefined) {
          return finish(
            attempt,
            { ...base, status: "error", error, willFallback: state.delivered === 0 && hasNext && canFallback(error) },
            span
          )
        }
        if (ended) {
          if (acc.finish !== undefined) span.attribute(GenAi.Attr.responseFinishReasons, [acc.finish.finishReason])
          if (capture) span.attribute(GenAi.Attr.completion, Redaction.redactString(acc.text))
          return finish(attempt, { ...base, status: "ok" }, span)
        }
        return finish(attempt, { ...base, status: "ok", cancelled: { chunks } }, span)
      }
      // Every chunk is seen as the provider makes it (no stream stage of the client's own: each
      // costs a channel step and allocations per network read).
      const onChunk = (c: StreamChunk) => {
        // The text is only kept when it goes on the span: accumulated, every delta would make an
        // object and a string that live until the next read, long enough to be promoted.
        if (capture || (c.type !== "text-delta" && c.type !== "reasoning-delta")) acc.add(c)
        if (ttftMs === undefined && c.type !== "metadata") {
          ttftMs = Number(clock.unsafeCurrentTimeNanos() - attempt.startNanos) / 1e6
        }
        chunks++
        state.delivered++
      }
      const onFailure = (e: AiuError.ProviderFailure): AiuError.AiuError => {
        error = scrubError(e, attempt.callOptions.apiKey)
        return error
      }
      const provider = attempt.entry.provider
      // The record is written when the attempt's scope closes: the stream ended, failed or was
      // interrupted, or the opening was refused or interrupted. (It runs before the span ends:
      // finalizers run last-added first.) One finalizer for every way an attempt ends, rather
      // than an `onExit` around the opening and an `ensuring` around the stream: those sit on
      // the fiber's stack while the provider answers and while the stream runs.
      yield* Scope.addFinalizer(scope, Effect.suspend(record))
      const opened = yield* Effect.mapError(
        Provider.openChatStream(provider, { ...request, model: resolved.model }, attempt.callOptions, onChunk),
        onFailure
      )
      // Failure mapping and the end are sequential channel steps around the opened stream, not
      // stages its chunks pass through.
      const watched = Stream.fromChannel(
        Channel.zipRight(
          Channel.mapError(Stream.toChannel(opened), onFailure),
          Channel.fromEffect(
            Effect.sync(() => {
              ended = true
            })
          )
        )
      )
      // A provider without `openChatStream` sends its request when the stream runs, outside this
      // context: its spans get the attempt's as parent through the stream's context (replacing
      // the context is a cheap channel step; `Stream.provideService` would be a flatMap stage).
      return provider.openChatStream !== undefined
        ? watched
        : Stream.provideContext(watched, Context.add(yield* Effect.context<never>(), Tracer.ParentSpan, span))
    })

  const coreStream = (
    request: ChatRequest,
    context: Middleware.Context
  ): Stream.Stream<StreamChunk, AiuError.AiuError> =>
    // The scope is handed down, not provided: the attempt provides it with its span, in one swap.
    ScopedStream.unwrapScopedWith((scope) =>
      Effect.gen(function* () {
        const capture = yield* GenAi.CaptureContent
        const options = context.options
        const candidates = [request.model, ...(options.fallbacks ?? [])]
        const outer = yield* makeSpanIn(scope, "Aiu.chatStream", {
          kind: "client",
          attributes: { [GenAi.Attr.modelId]: request.model, [GenAi.Attr.operationName]: "chat" },
          captureStackTrace: false
        })
        const state = { delivered: 0 }
        // Without fallbacks the only attempt opens in this scope: no stream stages of its own.
        if (candidates.length === 1) {
          const resolved = yield* resolve(request.model)
          return yield* openAttempt(scope, request, resolved, 0, options, outer, state, false, capture)
        }
        const attemptAt = (index: number): Stream.Stream<StreamChunk, AiuError.AiuError> =>
          ScopedStream.unwrapScopedWith((attemptScope) =>
            Effect.flatMap(resolve(candidates[index]!), (resolved) =>
              openAttempt(
                attemptScope,
                request,
                resolved,
                index,
                options,
                outer,
                state,
                index + 1 < candidates.length,
                capture
              )
            )
          ).pipe(
            Stream.catchAll((e) =>
              state.delivered === 0 && index + 1 < candidates.length && canFallback(e)
                ? attemptAt(index + 1)
                : Stream.fail(e)
            )
          )
        return attemptAt(0)
      })
    )

  const chatWith = Middleware.composeChat(middleware, coreChat)
  const streamWith = Middleware.composeStream(middleware, coreStream)
  const defaults = options.defaults

  // Spans without a captured stack (`Effect.fn` and a default span take two `new Error()` per call,
  // more CPU than the rest of the span): the span names say where they come from. With chat
  // middleware the call's span is put in the fiber's context, so the middleware's own spans nest
  // under it; without, only the attempts need it and name it as their parent (putting a span in
  // the context is 25 of its 36 run-loop steps).
  const chatMiddleware = middleware.some((m) => m.chat !== undefined)
  const chat = (request: ChatRequest, callOptions?: CallOptions) => {
    const context: Middleware.Context = { operation: "chat", options: merge(defaults, callOptions) }
    const spanOptions = { attributes: { [GenAi.Attr.modelId]: request.model }, captureStackTrace: false }
    return chatMiddleware
      ? Effect.withSpan(chatWith(request, context), "Aiu.chat", spanOptions)
      : Effect.useSpan("Aiu.chat", spanOptions, (span) => coreChatUnder(request, context, span))
  }

  const chatStream = (request: ChatRequest, callOptions?: CallOptions): Stream.Stream<StreamChunk, AiuError.AiuError> =>
    streamWith(request, { operation: "stream", options: merge(defaults, callOptions) })

  // Neither has middleware: the call's span is named as the attempts' parent, not put in the context.
  const embed = (request: EmbedRequest, callOptions?: CallOptions) =>
    Effect.useSpan("Aiu.embed", { captureStackTrace: false }, (span) =>
      runEffect(
        "embed",
        request.model,
        merge(defaults, callOptions),
        (attempt, resolved) => attempt.entry.provider.embed({ ...request, model: resolved.model }, attempt.callOptions),
        (r: EmbedResponse): Outcome => ({
          status: "ok",
          inputTokens: r.usage.inputTokens,
          outputTokens: 0,
          cachedInputTokens: 0,
          reasoningTokens: 0,
          requestId: r.requestId
        }),
        (r, attemptSpan) => attemptSpan.attribute(GenAi.Attr.responseModel, r.model),
        span
      )
    )

  const generateImage = (request: ImageRequest, callOptions?: CallOptions) =>
    Effect.useSpan("Aiu.generateImage", { captureStackTrace: false }, (span) =>
      runEffect(
        "image",
        request.model,
        merge(defaults, callOptions),
        (attempt, resolved) =>
          attempt.entry.provider.generateImage({ ...request, model: resolved.model }, attempt.callOptions),
        (r: ImageResponse): Outcome => ({
          status: "ok",
          inputTokens: r.usage?.inputTokens ?? 0,
          outputTokens: r.usage?.outputTokens ?? 0,
          cachedInputTokens: 0,
          reasoningTokens: 0,
          requestId: r.requestId
        }),
        (r, attemptSpan) => attemptSpan.attribute(GenAi.Attr.responseModel, r.model),
        span
      )
    )

  return { chat, chatStream, embed, generateImage, resolve }
}
