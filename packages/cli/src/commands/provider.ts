/**
 * `aiu provider add|list|remove`: the options. The work is in handlers/provider.ts, loaded on use.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const handlers = () => import("../handlers/provider.js")

const json = Options.boolean("json").pipe(Options.withDescription("print JSON"))
const limit = (name: string, description: string) =>
  Options.integer(name).pipe(Options.optional, Options.withDescription(description))

export const addOptions = {
  id: Args.text({ name: "id" }).pipe(Args.withDescription("provider id, e.g. openai or groq")),
  type: Options.text("type").pipe(
    Options.optional,
    Options.withDescription("openai, anthropic, google, mistral, cohere, ollama, azure-openai or openai-compatible")
  ),
  baseUrl: Options.text("base-url").pipe(Options.optional, Options.withDescription("the API base URL")),
  key: Options.text("key").pipe(Options.optional, Options.withDescription("an API key to store (prefer --key-stdin)")),
  keyStdin: Options.boolean("key-stdin").pipe(Options.withDescription("read the API key from stdin")),
  alias: Options.text("alias").pipe(Options.optional, Options.withDescription("key alias (default: default)")),
  rpm: limit("rpm", "requests per minute"),
  tpm: limit("tpm", "tokens per minute")
}

const add = Command.make("add", addOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.add(args))
).pipe(Command.withDescription("register or update a provider (and store its key)"))

const list = Command.make("list", { json }, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.list(args))
).pipe(Command.withDescription("list registered providers"))

const remove = Command.make("remove", { id: Args.text({ name: "id" }) }, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.remove(args))
).pipe(Command.withDescription("remove a provider"))

export const command = Command.make("provider").pipe(
  Command.withDescription("manage providers: add, list, remove"),
  Command.withSubcommands([add, list, remove])
)
