// Bundles the CLI into one ESM file so `aiu` starts fast (no TypeScript loader, one module graph
// read from disk). Native and optional modules stay external and resolve from node_modules.
import { copyFileSync, rmSync } from "node:fs"
import { build } from "esbuild"

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
  // better-sqlite3 is a native addon; pg-native and the others are optional peers never installed.
  external: [
    "better-sqlite3",
    "pg-native",
    "lmdb",
    "msgpackr-extract",
    "bufferutil",
    "utf-8-validate",
    "@parcel/watcher"
  ],
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: 'import { createRequire as __aiuCreateRequire } from "node:module"; const require = __aiuCreateRequire(import.meta.url);'
  }
})

// The bundle carries the model catalog (models.dev and LiteLLM data, MIT): ship its notice with it.
copyFileSync("../model-registry/data/NOTICE", "dist/NOTICE-model-catalog")
