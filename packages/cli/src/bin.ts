/**
 * Entry point of the bundled `aiu` command.
 */
import { runMain } from "./Cli.js"
import { decorated } from "./Output.js"

// @effect/cli renders help and usage errors with ANSI styles through console.log/console.error.
// When the output is piped or NO_COLOR is set, strip them: no colour unless a terminal wants it.
// (Answers are written with process.stdout.write and are never touched.)
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const ansi = /\x1b\[[0-9;]*m/g
if (!decorated() || process.stdout.isTTY !== true) {
  for (const name of ["log", "error", "info", "warn"] as const) {
    const original = console[name].bind(console)
    console[name] = (...args: Array<unknown>) =>
      original(...args.map((a) => (typeof a === "string" ? a.replace(ansi, "") : a)))
  }
}

runMain(process.argv)
