/**
 * What `aiu models list|refresh|show` do (the options are declared in commands/models.ts). Loaded
 * only when one of them runs. Listings come from the model registry's tiers (memory, Redis when
 * configured, the database, the provider API) merged with the bundled catalog, so listed models
 * show context windows and prices. Answers go to stdout; progress goes to stderr.
 */
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as AiuError from "@aiu/core/AiuError"
import * as ModelId from "@aiu/core/ModelId"
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Keyring from "@aiu/keyring/Keyring"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as ProviderRepository from "@aiu/storage/ProviderRepository"
import type * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { listOptions, refreshOptions, showOptions } from "../commands/models.js"
import * as MainLayer from "../MainLayer.js"
import * as Output from "../Output.js"
import { table } from "./table.js"

type Args<O extends Command.Command.Config> = Command.Command.ParseConfig<O>

interface Failure {
  readonly _tag: string
  readonly message: string
}

// -----------------------------------------------------------------------------
// Which providers
// -----------------------------------------------------------------------------

/**
 * Without `--provider`: registered providers, and built-in ones that can answer (a key in the
 * keyring or the environment, or no key needed and a base URL given).
 */
const defaultProviders = Effect.gen(function* () {
  const registry = yield* ProviderRegistry.ProviderRegistry
  const registered = new Set((yield* (yield* ProviderRepository.ProviderRepository).list).map((p) => p.id))
  const keys = yield* Effect.orElseSucceed((yield* Keyring.Keyring).list(), () => [])
  const withKey = new Set(keys.filter((k) => k.status === "active").map((k) => k.provider))
  const ids: Array<string> = []
  for (const settings of yield* registry.list) {
    const entry = yield* Effect.either(registry.get(settings.id))
    if (Either.isLeft(entry)) continue
    const { descriptor, hasDefaultKey } = entry.right
    const baseUrlGiven = descriptor.baseUrlEnv !== undefined && (process.env[descriptor.baseUrlEnv] ?? "").trim() !== ""
    const usable =
      registered.has(settings.id) ||
      withKey.has(settings.id) ||
      hasDefaultKey === true ||
      (!descriptor.requiresKey && baseUrlGiven)
    if (usable) ids.push(settings.id)
  }
  return ids.sort()
})

/** An explicit provider that needs a key and has none fails with KeyNotFound (and its hint). */
const requireKey = (id: string) =>
  Effect.gen(function* () {
    const entry = yield* (yield* ProviderRegistry.ProviderRegistry).get(id)
    if (!entry.descriptor.requiresKey || entry.hasDefaultKey === true) return
    const key = yield* Effect.either((yield* Keyring.Keyring).get(id))
    if (Either.isRight(key)) return
    const envName = entry.descriptor.apiKeyEnv
    return yield* Effect.fail(
      new AiuError.KeyNotFound({
        message: `no API key for provider '${id}' in the keyring${envName ? ` or ${envName}` : ""}`,
        provider: id
      })
    )
  })

const providerIds = (provider: Option.Option<string>, needKey: boolean) =>
  Option.match(provider, {
    onNone: () => defaultProviders,
    onSome: (id) => (needKey ? Effect.as(requireKey(id), [id]) : Effect.succeed([id]))
  })

// -----------------------------------------------------------------------------
// Formatting
// -----------------------------------------------------------------------------

const tokens = (n: number | undefined) =>
  n === undefined
    ? "-"
    : n >= 1_000_000
      ? `${Number((n / 1_000_000).toFixed(2))}M`
      : n >= 1000
        ? `${Number((n / 1000).toFixed(1))}k`
        : String(n)

const usd = (n: number | undefined) => (n === undefined ? "-" : `$${Number(n.toFixed(4))}`)

const features = (m: ModelInfo) =>
  [
    m.tools === true ? "tools" : undefined,
    m.structuredOutput === true ? "json" : undefined,
    m.reasoning === true ? "reasoning" : undefined,
    m.inputModalities?.includes("image") === true ? "vision" : undefined,
    m.available === false ? "unavailable" : undefined,
    m.deprecation !== undefined ? `deprecated:${m.deprecation}` : undefined
  ]
    .filter((f) => f !== undefined)
    .join(" ")

/** A JSON row: CLI.md's fields first (`id`, `provider`, `model`, `kinds`, …), then the rest. */
const jsonRow = (m: ModelInfo) => {
  const { id, provider, model, kinds, ...rest } = m
  return { id, provider, model, kinds, ...rest }
}

// -----------------------------------------------------------------------------
// refresh (also `list --refresh`)
// -----------------------------------------------------------------------------

const refreshEach = (ids: ReadonlyArray<string>, quiet: boolean) =>
  Effect.gen(function* () {
    const registry = yield* ModelRegistry.ModelRegistry
    const results: Array<ModelRegistry.RefreshResult> = []
    const failures: Array<Failure> = []
    const mark = (ok: boolean) => (Output.decorated() ? (ok ? "✓" : "✗") : ok ? "ok" : "failed")
    for (const id of ids) {
      const spin = quiet ? undefined : Output.spinner(`refreshing ${id}…`)
      const result = yield* Effect.either(registry.refresh(id)).pipe(Effect.ensuring(Effect.sync(() => spin?.stop())))
      if (Either.isRight(result)) {
        const r = result.right
        results.push(r)
        if (!quiet) {
          const available = r.models.filter((m) => m.available !== false).length
          const updated = r.changed.length > 0 ? `, ${r.changed.length} updated` : ""
          yield* Output.stderr(
            `${mark(true)} ${id}: ${available} models (${r.added.length} added, ${r.removed.length} removed, ${r.unchanged + r.changed.length} unchanged${updated})\n`
          )
        }
      } else {
        failures.push(result.left)
        if (!quiet) yield* Output.stderr(`${mark(false)} ${id}: ${result.left._tag}: ${result.left.message}\n`)
      }
    }
    return { results, failures }
  })

export const refresh = (args: Args<typeof refreshOptions>) =>
  Effect.gen(function* () {
    const ids = yield* providerIds(args.provider, true)
    if (ids.length === 0) {
      return yield* Effect.fail(
        new Output.UsageError(
          "no provider to refresh: add a key ('aiu keys add <provider> --key-stdin') or pass --provider"
        )
      )
    }
    const { results, failures } = yield* refreshEach(ids, args.json)
    const total = (f: (r: ModelRegistry.RefreshResult) => number) => results.reduce((n, r) => n + f(r), 0)
    if (args.json) {
      yield* Output.printJson(
        results.map((r) => ({
          provider: r.provider,
          fetchedAt: r.fetchedAt.toISOString(),
          models: r.models.filter((m) => m.available !== false).length,
          added: r.added,
          removed: r.removed,
          changed: r.changed,
          unchanged: r.unchanged
        }))
      )
    } else {
      const n = ids.length
      yield* Output.stdout(
        `refreshed ${results.length} of ${n} provider${n === 1 ? "" : "s"}: ${total((r) => r.added.length)} added, ${total((r) => r.removed.length)} removed, ${total((r) => r.unchanged + r.changed.length)} unchanged\n`
      )
    }
    const first = failures[0]
    if (first !== undefined) return yield* Effect.fail(first)
  }).pipe(Effect.provide(MainLayer.services))

// -----------------------------------------------------------------------------
// list
// -----------------------------------------------------------------------------

export const list = (args: Args<typeof listOptions>) =>
  Effect.gen(function* () {
    const ids = yield* providerIds(args.provider, args.refresh)
    if (args.refresh) {
      const { failures } = yield* refreshEach(ids, args.json)
      const first = failures[0]
      if (first !== undefined && failures.length === ids.length) return yield* Effect.fail(first)
    }
    const registry = yield* ModelRegistry.ModelRegistry
    // One provider at a time, so one failing provider does not hide the others' models.
    const perProvider = yield* Effect.forEach(
      ids,
      (id) =>
        Effect.either(
          registry.find({
            provider: id,
            ...(Option.isSome(args.kind) ? { kind: args.kind.value } : {}),
            ...(args.all ? { includeUnavailable: true } : {})
          })
        ),
      { concurrency: 4 }
    )
    const found: Array<ModelInfo> = []
    const failed: Array<Failure> = []
    for (const result of perProvider) {
      if (Either.isRight(result)) found.push(...result.right)
      else failed.push(result.left)
    }
    const firstFailure = failed[0]
    if (firstFailure !== undefined && failed.length === perProvider.length) return yield* Effect.fail(firstFailure)
    for (const f of failed) yield* Output.stderr(`warning: skipped: ${f._tag}: ${f.message}\n`)
    if (args.json) return yield* Output.printJson(found.map(jsonRow))
    if (found.length === 0) {
      return yield* Output.stderr(
        ids.length === 0 ? "no provider configured: add a key or pass --provider\n" : "no models match\n"
      )
    }
    yield* Output.stdout(
      table(
        ["ID", "KINDS", "CONTEXT", "MAX OUT", "IN/MTOK", "OUT/MTOK", "FEATURES"],
        found.map((m) => [
          m.id,
          m.kinds.join(","),
          tokens(m.contextWindow),
          tokens(m.maxOutputTokens),
          usd(m.inputPricePerMTok),
          usd(m.outputPricePerMTok),
          features(m)
        ])
      )
    )
  }).pipe(Effect.provide(MainLayer.services))

// -----------------------------------------------------------------------------
// show
// -----------------------------------------------------------------------------

export const show = (args: Args<typeof showOptions>) =>
  // A malformed id is a command-line error, found before any setup.
  Effect.zipRight(ModelId.parse(args.model), showModel(args))

const showModel = (args: Args<typeof showOptions>) =>
  Effect.gen(function* () {
    const registry = yield* ModelRegistry.ModelRegistry
    const info = yield* registry.findOne(args.model)
    const entry = Option.getOrUndefined(registry.catalog.get(info.id))
    const price = Option.getOrUndefined(registry.catalog.price(info.id))
    if (args.json) {
      return yield* Output.printJson({
        ...jsonRow(info),
        ...(entry?.cacheWritePricePerMTok !== undefined
          ? { cacheWritePricePerMTok: entry.cacheWritePricePerMTok }
          : {}),
        ...(entry?.priceTiers !== undefined ? { priceTiers: entry.priceTiers } : {}),
        ...(entry?.releaseDate !== undefined ? { releaseDate: entry.releaseDate } : {}),
        ...(entry?.knowledgeCutoff !== undefined ? { knowledgeCutoff: entry.knowledgeCutoff } : {}),
        ...(entry?.deprecated === true ? { deprecated: true } : {}),
        metadataSource: entry?.source ?? "provider"
      })
    }
    const perMTok = (n: number | undefined) => (n === undefined ? undefined : `${usd(n)} / MTok`)
    const lines: Array<readonly [string, string | undefined]> = [
      ["id", info.id],
      ["name", info.name],
      ["kinds", info.kinds.join(", ")],
      ["available", info.available === false ? "no (the provider no longer lists it)" : "yes"],
      ["context window", info.contextWindow?.toLocaleString("en-US")],
      ["max output", info.maxOutputTokens?.toLocaleString("en-US")],
      ["input", perMTok(info.inputPricePerMTok)],
      ["output", perMTok(info.outputPricePerMTok)],
      ["cached input", perMTok(info.cachedInputPricePerMTok)],
      ["cache write", perMTok(entry?.cacheWritePricePerMTok)],
      [
        "long context",
        price?.tiers
          ?.map(
            (t) =>
              `above ${tokens(t.aboveInputTokens)} input tokens: ${usd(t.inputPricePerMTok)} in, ${usd(t.outputPricePerMTok)} out`
          )
          .join("; ")
      ],
      ["input modalities", info.inputModalities?.join(", ")],
      ["output modalities", info.outputModalities?.join(", ")],
      ["features", features(info)],
      ["released", entry?.releaseDate],
      ["knowledge cutoff", entry?.knowledgeCutoff],
      ["deprecation", info.deprecation ?? (entry?.deprecated === true ? "deprecated" : undefined)],
      ["owned by", info.ownedBy],
      [
        "metadata",
        entry === undefined ? "the provider's listing only (not in the catalog)" : `catalog (${entry.source})`
      ]
    ]
    const known = lines.filter((l): l is readonly [string, string] => l[1] !== undefined && l[1] !== "")
    const width = Math.max(...known.map(([k]) => k.length))
    yield* Output.stdout(`${known.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`)
  }).pipe(Effect.provide(MainLayer.services))
