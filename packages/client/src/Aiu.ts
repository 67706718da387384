/**
 * The `Aiu` client: one typed entry point to every provider.
 *
 * `chat`, `chatStream`, `embed` and `generateImage` take a request whose `model` is a model id
 * (`openai:gpt-4o-mini`) or a configured alias (`fast`). For each call the client:
 *
 * 1. runs the middleware (first = outermost),
 * 2. resolves the alias, checks the model policy and the budgets (`PolicyDenied`, `BudgetExceeded`),
 * 3. looks the provider up in the `ProviderRegistry` and the model in the `ModelRegistry` (prices),
 * 4. reads the key from the `Keyring` (as `Redacted`, for this call only),
 * 5. calls the adapter (the transport does rate limits, retries, timeouts, circuit breaking),
 * 6. on a retryable failure, an overload or a rate limit, tries the next model of `fallbacks`,
 * 7. records each attempt: a `UsageStore` row with tokens and cost (written off the caller's
 *    path), metrics, an `AiuEvents` event, a log line and a span (`Aiu.chat` with one child span
 *    per attempt, GenAI semantic-convention attributes).
 *
 * A stream's record is written when it ends, fails or is interrupted by its consumer, with the
 * time to first token. Streams fall back to the next model only before their first chunk.
 *
 * @since 0.1.0
 */
import type { AiuError, InvalidModelId } from "@aiu/core/AiuError"
import type { ChatRequest, ChatResponse } from "@aiu/core/Chat"
import type { EmbedRequest, EmbedResponse } from "@aiu/core/Embedding"
import type { ImageRequest, ImageResponse } from "@aiu/core/Image"
import type { ModelId } from "@aiu/core/ModelId"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as Keyring from "@aiu/keyring/Keyring"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { AiuEvents } from "./AiuEvents.js"
import * as Budget from "./Budget.js"
import type { CallOptions } from "./CallOptions.js"
import * as internal from "./internal/aiu.js"
import type { Middleware } from "./Middleware.js"
import * as Policy from "./Policy.js"
import { ProviderRegistry } from "./ProviderRegistry.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ResolvedModel {
  readonly modelId: ModelId
  readonly provider: string
  readonly model: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly chat: (request: ChatRequest, options?: CallOptions) => Effect.Effect<ChatResponse, AiuError>
  readonly chatStream: (request: ChatRequest, options?: CallOptions) => Stream.Stream<StreamChunk, AiuError>
  readonly embed: (request: EmbedRequest, options?: CallOptions) => Effect.Effect<EmbedResponse, AiuError>
  readonly generateImage: (request: ImageRequest, options?: CallOptions) => Effect.Effect<ImageResponse, AiuError>
  /** An alias or model id to `provider:model`. */
  readonly resolve: (model: string) => Effect.Effect<ResolvedModel, InvalidModelId>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Aiu extends Context.Tag("@aiu/client/Aiu")<Aiu, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `{ fast: "openai:gpt-4o-mini" }`: names usable wherever a model id is. */
  readonly aliases?: Readonly<Record<string, string>> | undefined
  /** Options every call starts from (per-call options win; metadata is merged). */
  readonly defaults?: CallOptions | undefined
  readonly middleware?: ReadonlyArray<Middleware> | undefined
  readonly budgets?: ReadonlyArray<Budget.Budget> | undefined
  readonly policy?: Policy.Policy | undefined
  /** Fail with the registry's error when a model is unknown to it (default: call it, cost unknown). */
  readonly requireKnownModel?: boolean | undefined
}

/**
 * The services `make` and `layer` need.
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | ProviderRegistry
  | Keyring.Keyring
  | ModelRegistry.ModelRegistry
  | UsageStore.UsageStore
  | AiuEvents

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, never, Requirements> =>
  Effect.gen(function* () {
    const providers = yield* ProviderRegistry
    const keys = yield* Keyring.Keyring
    const models = yield* ModelRegistry.ModelRegistry
    const usage = yield* UsageStore.UsageStore
    const events = yield* AiuEvents
    return internal.make({ providers, keys, models, usage, events }, options ?? {})
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Aiu, never, Requirements> => Layer.effect(Aiu, make(options))

/**
 * Options from configuration, merged over `options`: `AIU_ALIASES` (`fast=openai:gpt-4o-mini,…`
 * or a JSON object), `AIU_BUDGETS` (JSON array, see `Budget.fromConfig`), `AIU_ALLOW_MODELS` and
 * `AIU_DENY_MODELS` (comma-separated patterns).
 * @since 0.1.0
 * @category constructors
 */
export const optionsFromConfig: Config.Config<Options> = Config.all({
  aliases: Config.option(Config.string("AIU_ALIASES")),
  budgets: Budget.fromConfig,
  policy: Policy.fromConfig
}).pipe(
  Config.map(({ aliases, budgets, policy }) => {
    const out: { -readonly [K in keyof Options]: Options[K] } = {}
    if (Option.isSome(aliases)) out.aliases = parseAliases(aliases.value)
    if (budgets.length > 0) out.budgets = budgets
    if (policy.allow !== undefined || policy.deny !== undefined) out.policy = policy
    return out
  })
)

const parseAliases = (text: string): Record<string, string> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (parsed !== null && typeof parsed === "object") {
        const out: Record<string, string> = {}
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v
        return out
      }
    } catch {
      return {}
    }
  }
  const out: Record<string, string> = {}
  for (const pair of trimmed.split(",")) {
    const at = pair.indexOf("=")
    if (at > 0) out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim()
  }
  return out
}

/**
 * `layer` with `optionsFromConfig` merged over `options` (configuration wins for what it sets;
 * budgets from both are kept).
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options?: Options): Layer.Layer<Aiu, never, Requirements> =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.orElseSucceed(optionsFromConfig, (): Options => ({})),
      (fromConfig) =>
        layer({
          ...options,
          ...fromConfig,
          aliases: { ...options?.aliases, ...fromConfig.aliases },
          budgets: [...(options?.budgets ?? []), ...(fromConfig.budgets ?? [])]
        })
    )
  )

// -----------------------------------------------------------------------------
// Accessors
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category accessors
 */
export const chat = (request: ChatRequest, options?: CallOptions): Effect.Effect<ChatResponse, AiuError, Aiu> =>
  Effect.flatMap(Aiu, (aiu) => aiu.chat(request, options))

/**
 * @since 0.1.0
 * @category accessors
 */
export const chatStream = (request: ChatRequest, options?: CallOptions): Stream.Stream<StreamChunk, AiuError, Aiu> =>
  Stream.unwrap(Effect.map(Aiu, (aiu) => aiu.chatStream(request, options)))

/**
 * @since 0.1.0
 * @category accessors
 */
export const embed = (request: EmbedRequest, options?: CallOptions): Effect.Effect<EmbedResponse, AiuError, Aiu> =>
  Effect.flatMap(Aiu, (aiu) => aiu.embed(request, options))

/**
 * @since 0.1.0
 * @category accessors
 */
export const generateImage = (
  request: ImageRequest,
  options?: CallOptions
): Effect.Effect<ImageResponse, AiuError, Aiu> => Effect.flatMap(Aiu, (aiu) => aiu.generateImage(request, options))
