/**
 * The `aiu` command tree (CLI.md is its contract) and the top-level error handling: one line
 * `error: <Tag>: <message>` on stderr, exit 1 for failed operations and 2 for command-line
 * mistakes, no stack trace unless AIU_LOG_LEVEL=debug.
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as keys from "./commands/keys.js"
import * as models from "./commands/models.js"
import * as provider from "./commands/provider.js"
import * as run from "./commands/run.js"
import * as usage from "./commands/usage.js"
import * as Output from "./Output.js"

export const version = "0.1.0"

export const aiu = Command.make("aiu").pipe(
  Command.withDescription("one typed interface to every AI model provider"),
  Command.withSubcommands([run.command, models.command, provider.command, keys.command, usage.command])
)

const logLevel = (): LogLevel.LogLevel => {
  switch ((process.env.AIU_LOG_LEVEL ?? "warn").toLowerCase()) {
    case "debug":
      return LogLevel.Debug
    case "info":
      return LogLevel.Info
    case "error":
      return LogLevel.Error
    case "none":
      return LogLevel.None
    default:
      return LogLevel.Warning
  }
}

/** Logs go to stderr (stdout carries answers), pretty or JSON per AIU_LOG_FORMAT. */
const loggerLayer = Layer.merge(
  Logger.replace(
    Logger.defaultLogger,
    process.env.AIU_LOG_FORMAT === "json"
      ? Logger.withConsoleError(Logger.jsonLogger)
      : Logger.withConsoleError(Logger.logfmtLogger)
  ),
  Logger.minimumLogLevel(logLevel())
)

const isTagged = (u: unknown): u is { readonly _tag: string; readonly message: string } =>
  typeof u === "object" &&
  u !== null &&
  typeof (u as { _tag?: unknown })._tag === "string" &&
  typeof (u as { message?: unknown }).message === "string"

export const main = (argv: ReadonlyArray<string>) =>
  Command.run(aiu, { name: "aiu", version })(argv).pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) {
        const error = failure.value
        // @effect/cli has already printed the usage problem.
        if (ValidationError.isValidationError(error))
          return Effect.sync(() => {
            process.exitCode = Output.ExitCode.usage
          })
        if (isTagged(error)) return Output.printError(error)
      }
      if (Cause.isInterruptedOnly(cause)) {
        return Effect.sync(() => {
          process.exitCode = 130
        })
      }
      const detail = logLevel() === LogLevel.Debug ? `\n${Cause.pretty(cause)}` : ""
      const squashed = Cause.squash(cause)
      const message = squashed instanceof Error ? squashed.message : String(squashed)
      return Output.printError({ _tag: "Defect", message: `${message}${detail}` })
    }),
    Effect.provide(Layer.merge(NodeContext.layer, loggerLayer))
  )

export const runMain = (argv: ReadonlyArray<string>) =>
  NodeRuntime.runMain(main(argv), { disableErrorReporting: true, disablePrettyLogger: true })
