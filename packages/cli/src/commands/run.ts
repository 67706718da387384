/**
 * `aiu run chat|embed|image`: the options. The work is in handlers/run.ts, loaded on use, so
 * parsing the command line (and `--help`) does not load the HTTP stack, storage or catalog.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

const handlers = () => import("../handlers/run.js")

const model = Options.text("model").pipe(
  Options.withAlias("m"),
  Options.withDescription("provider:model, e.g. openai:gpt-4o-mini")
)
const keyAlias = Options.text("key-alias").pipe(
  Options.optional,
  Options.withDescription("which stored key to use (default: default)")
)
const json = Options.boolean("json").pipe(Options.withDescription("print one JSON object when done"))

const seconds = (name: string, description: string) =>
  Options.float(name).pipe(
    Options.filterMap(
      (n) => (n > 0 ? Option.some(n) : Option.none()),
      `--${name} must be a positive number of seconds`
    ),
    Options.optional,
    Options.withDescription(description)
  )

export const chatOptions = {
  model,
  input: Options.text("input").pipe(
    Options.withAlias("i"),
    Options.withDescription("the prompt; '-' reads it from stdin")
  ),
  system: Options.text("system").pipe(Options.optional, Options.withDescription("a system prompt")),
  temperature: Options.float("temperature").pipe(Options.optional),
  maxTokens: Options.integer("max-tokens").pipe(Options.optional, Options.withDescription("maximum output tokens")),
  keyAlias,
  timeout: seconds("timeout", "bound the whole request (seconds)"),
  idleTimeout: seconds("idle-timeout", "bound the silence between stream chunks (seconds)"),
  noStream: Options.boolean("no-stream").pipe(Options.withDescription("wait for the whole answer")),
  json
}

export const embedOptions = {
  model,
  input: Options.text("input").pipe(
    Options.withAlias("i"),
    Options.repeated,
    Options.withDescription("a text to embed (repeatable)")
  ),
  dimensions: Options.integer("dimensions").pipe(Options.optional),
  keyAlias,
  json
}

export const imageOptions = {
  model,
  prompt: Options.text("prompt").pipe(Options.withAlias("p")),
  out: Options.file("out").pipe(Options.withDescription("where to write the image (png)")),
  size: Options.text("size").pipe(Options.optional),
  keyAlias,
  json
}

const chat = Command.make("chat", chatOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.chat(args))
).pipe(Command.withDescription("send one prompt to a chat model and print the answer"))

const embed = Command.make("embed", embedOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.embed(args))
).pipe(Command.withDescription("embed texts and print the vectors"))

const image = Command.make("image", imageOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.image(args))
).pipe(Command.withDescription("generate an image from a prompt"))

export const command = Command.make("run").pipe(
  Command.withDescription("run a model: chat, embed or image"),
  Command.withSubcommands([chat, embed, image])
)
