/**
 * `aiu usage [--since] [--by] [--json]` and `aiu usage log`: the options. The work is in
 * handlers/usage.ts, loaded on use.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const handlers = () => import("../handlers/usage.js")

const json = Options.boolean("json").pipe(Options.withDescription("print JSON"))

export const summaryOptions = {
  since: Options.text("since").pipe(
    Options.optional,
    Options.withDescription("a duration back from now (30m, 24h, 7d) or a date (2026-11-01)")
  ),
  by: Options.choice("by", ["provider", "model", "day"]).pipe(
    Options.withDefault("provider" as const),
    Options.withDescription("group by provider, model or day")
  ),
  json
}

const log = Command.make(
  "log",
  {
    limit: Options.integer("limit").pipe(Options.withDefault(20), Options.withDescription("how many requests")),
    json
  },
  (args) => Effect.flatMap(Effect.promise(handlers), (h) => h.log(args))
).pipe(Command.withDescription("the newest request logs, one per request"))

export const command = Command.make("usage", summaryOptions, (args) =>
  Effect.flatMap(Effect.promise(handlers), (h) => h.summary(args))
).pipe(
  Command.withDescription("requests, errors, tokens, cost and latency per provider, model or day"),
  Command.withSubcommands([log])
)
