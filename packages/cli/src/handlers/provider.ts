/**
 * What `aiu provider add|list|remove` do (options in commands/provider.ts).
 */
import * as Keyring from "@aiu/keyring/Keyring"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import * as ProviderRepository from "@aiu/storage/ProviderRepository"
import type * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { addOptions } from "../commands/provider.js"
import * as MainLayer from "../MainLayer.js"
import * as Output from "../Output.js"
import { readKey } from "./secrets.js"
import { table } from "./table.js"

type Args<O extends Command.Command.Config> = Command.Command.ParseConfig<O>

/** The built-in provider types (CLI.md). */
export const types = [
  "openai",
  "anthropic",
  "google",
  "mistral",
  "cohere",
  "ollama",
  "azure-openai",
  "openai-compatible"
] as const

const storage = MainLayer.storage

export const add = (args: Args<typeof addOptions>) =>
  Effect.gen(function* () {
    const key = yield* readKey(args.key, args.keyStdin)
    const type = Option.getOrElse(args.type, () => args.id)
    if (!(types as ReadonlyArray<string>).includes(type)) {
      return yield* Effect.fail(
        new Output.UsageError(
          Option.isSome(args.type)
            ? `unknown provider type '${type}': use one of ${types.join(", ")}`
            : `'${args.id}' is not a built-in type: add --type (one of ${types.join(", ")})`
        )
      )
    }
    for (const [name, value] of [
      ["--rpm", args.rpm],
      ["--tpm", args.tpm]
    ] as const) {
      if (Option.isSome(value) && value.value <= 0)
        return yield* Effect.fail(new Output.UsageError(`${name} must be positive`))
    }
    if (Option.isSome(args.baseUrl) && !URL.canParse(args.baseUrl.value)) {
      return yield* Effect.fail(new Output.UsageError(`--base-url '${args.baseUrl.value}' is not a URL`))
    }
    const repo = yield* ProviderRepository.ProviderRepository
    // An update keeps what the command line does not change.
    const existing = Option.getOrUndefined(yield* repo.get(args.id))
    const baseUrl = Option.getOrElse(args.baseUrl, () => existing?.baseUrl)
    const rpm = Option.getOrElse(args.rpm, () => existing?.rpm)
    const tpm = Option.getOrElse(args.tpm, () => existing?.tpm)
    const row = yield* repo.upsert({
      id: args.id,
      type,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(rpm !== undefined ? { rpm } : {}),
      ...(tpm !== undefined ? { tpm } : {}),
      settings: existing?.settings ?? {}
    })
    yield* Output.stdout(`${existing ? "updated" : "added"} provider ${row.id} (${row.type})\n`)
    if (Option.isSome(key)) {
      const info = yield* Effect.flatMap(Keyring.Keyring, (k) =>
        k.save(
          row.id,
          key.value,
          Option.getOrElse(args.alias, () => "default")
        )
      ).pipe(Effect.provide(MainLayer.keyring))
      yield* Output.stdout(
        `stored key ${info.provider}/${info.alias} (version ${info.version}, fingerprint ${info.fingerprint})\n`
      )
    }
  }).pipe(Effect.provide(storage))

export const list = (args: { readonly json: boolean }) =>
  Effect.gen(function* () {
    const providers = yield* (yield* ProviderRepository.ProviderRepository).list
    // Counting keys needs no master key: only metadata is read.
    const keys = yield* (yield* ApiKeyRepository.ApiKeyRepository).list
    const rows = providers.map((p) => ({
      id: p.id,
      type: p.type,
      baseUrl: p.baseUrl ?? null,
      rpm: p.rpm ?? null,
      tpm: p.tpm ?? null,
      activeKeys: keys.filter((k) => k.providerId === p.id && k.status === "active").length,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString()
    }))
    if (args.json) return yield* Output.printJson(rows)
    if (rows.length === 0) return yield* Output.stderr("no providers registered: run 'aiu provider add <id>'\n")
    yield* Output.stdout(
      table(
        ["ID", "TYPE", "BASE URL", "RPM", "TPM", "ACTIVE KEYS"],
        rows.map((r) => [
          r.id,
          r.type,
          r.baseUrl ?? "-",
          String(r.rpm ?? "-"),
          String(r.tpm ?? "-"),
          String(r.activeKeys)
        ])
      )
    )
  }).pipe(Effect.provide(storage))

export const remove = (args: { readonly id: string }) =>
  Effect.gen(function* () {
    const removed = yield* (yield* ProviderRepository.ProviderRepository).remove(args.id)
    if (!removed) return yield* Effect.fail(new ProviderNotFound(`no provider '${args.id}' is registered`))
    yield* Output.stdout(`removed provider ${args.id}\n`)
  }).pipe(Effect.provide(storage))

/** Removing an id that is not registered: the operation failed (exit 1). */
export class ProviderNotFound {
  readonly _tag = "ProviderNotFound"
  constructor(readonly message: string) {}
}
