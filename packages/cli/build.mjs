// Bundles the CLI into one ESM file so `aiu` starts fast (no TypeScript loader, one module graph
// read from disk). Native and optional modules stay external and resolve from node_modules.
import { execFileSync } from "node:child_process"
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import { build } from "esbuild"
import { externals } from "./externals.mjs"

rmSync("dist", { recursive: true, force: true })

await build({
  entryPoints: { aiu: "src/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  // Commands load their heavy layers with import(): split those into chunks read on demand.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  minify: true,
  logLevel: "warning",
  external: externals,
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: 'import { createRequire as __aiuCreateRequire } from "node:module"; const require = __aiuCreateRequire(import.meta.url);'
  }
})

// The bundle carries the model catalog (models.dev and LiteLLM data, MIT): ship its notice with it.
copyFileSync("../model-registry/data/NOTICE", "dist/NOTICE-model-catalog")

// Help pages are pure functions of the command tree: render each one now, with the bundle itself,
// so `aiu … --help` and `aiu --version` print from a file without loading Effect at all (start-up
// is what a CLI is judged by). bin/aiu.mjs falls back to the bundle for anything not cached.
const commandPaths = [
  [],
  ["run"],
  ["run", "chat"],
  ["run", "embed"],
  ["run", "image"],
  ["provider"],
  ["provider", "add"],
  ["provider", "list"],
  ["provider", "remove"],
  ["keys"],
  ["keys", "add"],
  ["keys", "list"],
  ["keys", "rotate"],
  ["keys", "revoke"],
  ["keys", "export"],
  ["keys", "import"],
  ["models"],
  ["models", "list"],
  ["models", "refresh"],
  ["models", "show"],
  ["usage"],
  ["usage", "log"]
]
mkdirSync("dist/help", { recursive: true })
const render = (args) =>
  execFileSync(process.execPath, ["dist/aiu.mjs", ...args], {
    env: { PATH: process.env.PATH, NO_COLOR: "1" },
    encoding: "utf8"
  })
for (const path of commandPaths) {
  try {
    writeFileSync(`dist/help/${path.length === 0 ? "aiu" : path.join("_")}.txt`, render([...path, "--help"]))
  } catch {
    // not a command (any more): served by the bundle
  }
}
writeFileSync("dist/help/version.txt", render(["--version"]))
