/**
 * How the CLI speaks: answers on stdout, everything else (errors, usage lines, the spinner) on
 * stderr; errors as one line `error: <Tag>: <message>`; exit codes 0 / 1 / 2. No colour or spinner
 * when stderr is not a terminal or NO_COLOR is set. Nothing here may print a secret.
 */
import * as AiuError from "@aiu/core/AiuError"
import * as Redaction from "@aiu/core/Redaction"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** Exit codes of CLI.md. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const

/** Errors that mean the command line itself was wrong. */
const usageTags = new Set(["InvalidModelId", "UsageError"])

/** A command-line mistake found by a command handler (not by the argument parser). */
export class UsageError {
  readonly _tag = "UsageError"
  constructor(readonly message: string) {}
}

export const exitCodeOf = (error: { readonly _tag: string }): number =>
  usageTags.has(error._tag) ? ExitCode.usage : ExitCode.failed

const hintOf = (error: AiuError.AiuError): string | undefined => {
  switch (error._tag) {
    case "KeyNotFound":
      return `run 'aiu keys add ${error.provider} --key-stdin'`
    case "AuthenticationError":
      return error.provider
        ? `check the key: 'aiu keys list', or 'aiu keys rotate ${error.provider} --key-stdin'`
        : undefined
    case "KeyringLocked":
      return "set AIU_MASTER_KEY or AIU_PASSPHRASE to the one the keys were saved with"
    case "RateLimited":
      return error.retryAfter
        ? `the provider asks to wait ${Math.ceil(Duration.toMillis(error.retryAfter) / 1000)} s`
        : undefined
    default:
      return undefined
  }
}

/** The one line printed for an error. */
export const formatError = (error: { readonly _tag: string; readonly message: string }): string => {
  const hint = AiuError.isAiuError(error) ? hintOf(error) : undefined
  const attempts = (error as { readonly attempts?: unknown }).attempts
  const tried = typeof attempts === "number" && attempts > 1 ? ` (after ${attempts} attempts)` : ""
  const line = `error: ${error._tag}: ${error.message.replace(/\s*\n\s*/g, " ")}${tried}${hint ? ` (${hint})` : ""}`
  return Redaction.redactKnown(line, environmentSecrets())
}

/**
 * Secrets this process was given through the environment. A provider may echo a key back in an
 * error body ("Incorrect API key provided: …"); whatever its shape, it is masked before printing.
 */
const environmentSecrets = (): Array<string> =>
  Object.entries(process.env)
    .filter(
      ([name, value]) => value !== undefined && /(_API_KEY|_TOKEN|_SECRET|^AIU_MASTER_KEY|^AIU_PASSPHRASE)$/.test(name)
    )
    .map(([, value]) => value!.trim())
    .filter((value) => value.length >= 4)

export const printError = (error: { readonly _tag: string; readonly message: string }) =>
  Effect.sync(() => {
    process.stderr.write(`${formatError(error)}\n`)
    process.exitCode = exitCodeOf(error)
  })

export const stdout = (text: string) => Effect.sync(() => void process.stdout.write(text))
export const stderr = (text: string) => Effect.sync(() => void process.stderr.write(text))

/** JSON on stdout, one document. */
export const printJson = (value: unknown) => stdout(`${JSON.stringify(value, null, 2)}\n`)

/** Whether decorations (colour, spinner) may be written to stderr. */
export const decorated = (): boolean =>
  process.stderr.isTTY === true && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb"

export const dim = (text: string) => (decorated() ? `\x1b[2m${text}\x1b[22m` : text)

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/**
 * A spinner on stderr until `stop` is called (idempotent). A no-op when not decorated.
 */
export const spinner = (label: string): { readonly stop: () => void } => {
  if (!decorated()) return { stop: () => {} }
  let i = 0
  let stopped = false
  const draw = () => process.stderr.write(`\r${frames[i++ % frames.length]} ${label}`)
  draw()
  const timer = setInterval(draw, 80)
  timer.unref()
  return {
    stop: () => {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      process.stderr.write("\r\x1b[K")
    }
  }
}

/** Reads all of stdin as UTF-8 (for `--input -` and `--key-stdin`). */
export const readStdin: Effect.Effect<string> = Effect.async<string>((resume) => {
  const pieces: Array<Buffer> = []
  process.stdin.on("data", (d: Buffer) => pieces.push(d))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(pieces).toString("utf8"))))
  process.stdin.resume()
})
