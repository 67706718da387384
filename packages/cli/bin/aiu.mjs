#!/usr/bin/env node
// The installed `aiu` command: runs the esbuild bundle (fast start-up), built by `pnpm build`.
// Help pages and the version were rendered by that build; they are printed straight from disk.
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const dist = new URL("../dist/", import.meta.url)
const args = process.argv.slice(2)
const last = args[args.length - 1]
const cached =
  args.length === 1 && last === "--version"
    ? "version"
    : (last === "--help" || last === "-h") && args.slice(0, -1).every((a) => /^[a-z]+$/.test(a))
      ? args.length === 1
        ? "aiu"
        : args.slice(0, -1).join("_")
      : undefined
if (cached !== undefined) {
  const file = new URL(`help/${cached}.txt`, dist)
  if (existsSync(file)) {
    process.stdout.write(readFileSync(file))
    process.exit(0)
  }
}

const bundle = fileURLToPath(new URL("aiu.mjs", dist))
if (!existsSync(bundle)) {
  process.stderr.write("error: ConfigError: the aiu CLI is not built; run 'pnpm build' in the repository first\n")
  process.exit(1)
}
await import(bundle)
