/**
 * Bundles a worker script into one CommonJS file so that twenty child processes start in a
 * fraction of a second each instead of compiling TypeScript at start-up. better-sqlite3 stays
 * external (it loads a native addon) and is found through NODE_PATH.
 */
import * as esbuild from "esbuild"
import { createRequire } from "node:module"
import * as Path from "node:path"

const require = createRequire(import.meta.url)

/** The folder holding better-sqlite3, as @effect/sql-sqlite-node resolves it. */
const nativeModules = (): string => {
  const fromSqlite = createRequire(require.resolve("@effect/sql-sqlite-node/SqliteClient"))
  const entry = fromSqlite.resolve("better-sqlite3")
  return entry.slice(0, entry.lastIndexOf(`${Path.sep}better-sqlite3${Path.sep}`))
}

export const bundleWorker = async (entry: string, outDir: string) => {
  const outfile = Path.join(outDir, `${Path.basename(entry, ".ts")}.cjs`)
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["better-sqlite3", "pg-native"],
    logLevel: "error"
  })
  return { file: outfile, env: { NODE_PATH: nativeModules() } }
}
