#!/usr/bin/env node
// The installed `aiu` command: runs the esbuild bundle (fast start-up), built by `pnpm build`.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bundle = fileURLToPath(new URL("../dist/aiu.mjs", import.meta.url))
if (!existsSync(bundle)) {
  process.stderr.write("error: ConfigError: the aiu CLI is not built; run 'pnpm build' in the repository first\n")
  process.exit(1)
}
await import(bundle)
