/**
 * What `aiu keys add|list|rotate|revoke|export|import` do (options in commands/keys.ts). Keys are
 * read as `Redacted` and never printed; listings show metadata and fingerprints only.
 */
import * as Keyring from "@aiu/keyring/Keyring"
import type * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import type { keyOptions } from "../commands/keys.js"
import * as MainLayer from "../MainLayer.js"
import * as Output from "../Output.js"
import { requireKey } from "./secrets.js"
import { table, when } from "./table.js"

type Args<O extends Command.Command.Config> = Command.Command.ParseConfig<O>

const layer = MainLayer.keyring.pipe(Layer.provideMerge(MainLayer.storage))
const aliasOf = (alias: Option.Option<string>) => Option.getOrElse(alias, () => "default")

const describe = (verb: string, info: Keyring.KeyInfo) =>
  Output.stdout(
    `${verb} key ${info.provider}/${info.alias} (version ${info.version}, fingerprint ${info.fingerprint})\n`
  )

export const add = (args: Args<typeof keyOptions>) =>
  Effect.gen(function* () {
    const key = yield* requireKey(args.key, args.keyStdin)
    const keyring = yield* Keyring.Keyring
    yield* describe("stored", yield* keyring.save(args.provider, key, aliasOf(args.alias)))
  }).pipe(Effect.provide(layer))

export const rotate = (args: Args<typeof keyOptions>) =>
  Effect.gen(function* () {
    const key = yield* requireKey(args.key, args.keyStdin)
    const keyring = yield* Keyring.Keyring
    yield* describe("rotated to", yield* keyring.rotate(args.provider, key, aliasOf(args.alias)))
  }).pipe(Effect.provide(layer))

export const revoke = (args: { readonly provider: string; readonly alias: Option.Option<string> }) =>
  Effect.gen(function* () {
    const keyring = yield* Keyring.Keyring
    yield* keyring.revoke(args.provider, aliasOf(args.alias))
    yield* Output.stdout(`revoked key ${args.provider}/${aliasOf(args.alias)}\n`)
  }).pipe(Effect.provide(layer))

export const list = (args: { readonly json: boolean }) =>
  Effect.gen(function* () {
    const keys = yield* (yield* Keyring.Keyring).list()
    if (args.json) {
      return yield* Output.printJson(
        keys.map((k) => ({
          provider: k.provider,
          alias: k.alias,
          version: k.version,
          status: k.status,
          fingerprint: k.fingerprint,
          createdAt: k.createdAt.toISOString(),
          rotatedAt: k.rotatedAt?.toISOString() ?? null,
          revokedAt: k.revokedAt?.toISOString() ?? null
        }))
      )
    }
    if (keys.length === 0) return yield* Output.stderr("no keys stored: run 'aiu keys add <provider> --key-stdin'\n")
    yield* Output.stdout(
      table(
        ["PROVIDER", "ALIAS", "VERSION", "STATUS", "CREATED", "ROTATED", "FINGERPRINT"],
        keys.map((k) => [
          k.provider,
          k.alias,
          String(k.version),
          k.status,
          when(k.createdAt),
          when(k.rotatedAt),
          k.fingerprint
        ])
      )
    )
  }).pipe(Effect.provide(layer))

const fileError = (operation: string, path: string) => (cause: unknown) =>
  new FileError(`${operation} ${path}: ${(cause as NodeJS.ErrnoException).code ?? "failed"}`)

/** A bundle file that cannot be written or read (exit 1). */
export class FileError {
  readonly _tag = "FileError"
  constructor(readonly message: string) {}
}

export const exportKeys = (args: { readonly out: string }) =>
  Effect.gen(function* () {
    const bundle = yield* (yield* Keyring.Keyring).export()
    // The bundle is encrypted, but it is still nobody else's business: owner-only, like master.key.
    yield* Effect.try({
      try: () => Fs.writeFileSync(args.out, `${bundle}\n`, { mode: 0o600 }),
      catch: fileError("cannot write", args.out)
    })
    const count = (yield* (yield* Keyring.Keyring).list()).filter((k) => k.status === "active").length
    yield* Output.stdout(`exported ${count} active key${count === 1 ? "" : "s"} to ${args.out}\n`)
  }).pipe(Effect.provide(layer))

export const importKeys = (args: { readonly file: string }) =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => Fs.readFileSync(args.file, "utf8"),
      catch: fileError("cannot read", args.file)
    })
    const imported = yield* (yield* Keyring.Keyring).import(text.trim())
    for (const info of imported) yield* describe("imported", info)
    yield* Output.stdout(`imported ${imported.length} key${imported.length === 1 ? "" : "s"} from ${args.file}\n`)
  }).pipe(Effect.provide(layer))
