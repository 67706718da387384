/**
 * `aiu models list|refresh|show`: the options. The work is in handlers/models.ts, loaded on use,
 * so parsing the command line (and `--help`) loads neither the catalog nor the database.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const handlers = () => import("../handlers/models.js")

const provider = Options.text("provider").pipe(
  Options.withAlias("p"),
  Options.optional,
  Options.withDescription("only this provider id (default: every provider with a key, and registered ones)")
)
const json = Options.boolean("json").pipe(Options.withDescription("print JSON"))

export const listOptions = {
  provider,
  kind: Options.text("kind").pipe(
    Options.withAlias("k"),
    Options.optional,
    Options.withDescription("chat, embedding, image, audio-speech, audio-transcription, moderation or rerank")
  ),
  refresh: Options.boolean("refresh").pipe(Options.withDescription("fetch the live listings first")),
  all: Options.boolean("all").pipe(Options.withDescription("also show catalog models the provider no longer lists")),
  json
}

export const refreshOptions = { provider, json }

export const showOptions = {
  model: Args.text({ name: "provider:model" }).pipe(Args.withDescription("e.g. openai:gpt-4o-mini")),
  json
}

const list = Command.make("list", listOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.list(args))
).pipe(Command.withDescription("list models with context windows, prices and features"))

const refresh = Command.make("refresh", refreshOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.refresh(args))
).pipe(Command.withDescription("fetch the providers' live model listings and save them"))

const show = Command.make("show", showOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.show(args))
).pipe(Command.withDescription("show everything known about one model"))

export const command = Command.make("models").pipe(
  Command.withDescription("list, refresh and inspect models"),
  Command.withSubcommands([list, refresh, show])
)
