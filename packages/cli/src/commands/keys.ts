/**
 * `aiu keys add|list|rotate|revoke|export|import`: the options. The work is in handlers/keys.ts,
 * loaded on use. Keys are never printed.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const handlers = () => import("../handlers/keys.js")

const provider = Args.text({ name: "provider" }).pipe(Args.withDescription("provider id, e.g. openai"))
const alias = Options.text("alias").pipe(Options.optional, Options.withDescription("key alias (default: default)"))
const keyOptions = {
  provider,
  key: Options.text("key").pipe(Options.optional, Options.withDescription("the API key (prefer --key-stdin)")),
  keyStdin: Options.boolean("key-stdin").pipe(Options.withDescription("read the API key from stdin")),
  alias
}
export { keyOptions }

const add = Command.make("add", keyOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.add(args))
).pipe(Command.withDescription("store a provider's API key"))

const list = Command.make(
  "list",
  { json: Options.boolean("json").pipe(Options.withDescription("print JSON")) },
  (args) => Effect.flatMap(Effect.promise(handlers), (h) => h.list(args))
).pipe(Command.withDescription("list stored keys (metadata and fingerprints only)"))

const rotate = Command.make("rotate", keyOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.rotate(args))
).pipe(Command.withDescription("replace a key: the new one becomes active, the old one revoked"))

const revoke = Command.make("revoke", { provider, alias }, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.revoke(args))
).pipe(Command.withDescription("revoke a key"))

const exportKeys = Command.make(
  "export",
  { out: Options.file("out").pipe(Options.withDescription("where to write the encrypted bundle")) },
  (args) => Effect.flatMap(Effect.promise(handlers), (h) => h.exportKeys(args))
).pipe(Command.withDescription("write every active key to an encrypted bundle"))

const importKeys = Command.make("import", { file: Args.file({ name: "file", exists: "yes" }) }, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.importKeys(args))
).pipe(Command.withDescription("import the keys of an encrypted bundle"))

export const command = Command.make("keys").pipe(
  Command.withDescription("manage API keys: add, list, rotate, revoke, export, import"),
  Command.withSubcommands([add, list, rotate, revoke, exportKeys, importKeys])
)
