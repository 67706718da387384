/**
 * Core, the transport on its fetch layer and every provider adapter must run on edge runtimes:
 * bundled for a neutral platform, nothing may import a Node built-in.
 */
import { build } from "esbuild"
import { builtinModules } from "node:module"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const builtins = new Set(builtinModules)

const adapters = readdirSync(join(root, "packages")).filter(
  (d) => d.startsWith("provider-") && existsSync(join(root, "packages", d, "src", "index.ts"))
)

/** Bundles `imports`, resolved from the package folder `dir`, and lists the Node built-ins reached. */
const bundle = async (dir: string, imports: ReadonlyArray<string>) => {
  const nodeImports: Array<string> = []
  const entry = imports.map((m, i) => `export * as m${i} from "${m}"`).join("\n")
  await build({
    stdin: { contents: entry, resolveDir: join(root, "packages", dir), loader: "ts" },
    bundle: true,
    write: false,
    platform: "neutral",
    format: "esm",
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    logLevel: "silent",
    plugins: [
      {
        name: "no-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            const bare = args.path.startsWith("node:") ? args.path.slice(5) : args.path
            if (args.path.startsWith("node:") || builtins.has(bare.split("/")[0] ?? "")) {
              nodeImports.push(`${args.path} (from ${args.importer.replace(root, "")})`)
              return { path: args.path, external: true }
            }
            return undefined
          })
        }
      }
    ]
  })
  return nodeImports
}

describe("edge runtimes", () => {
  it("core and the fetch transport bundle with no Node built-in", async () => {
    expect(await bundle("transport", ["@aiu/core", "./src/HttpTransport.ts"])).toEqual([])
  }, 60_000)

  it.each(adapters)(
    "%s bundles with no Node built-in",
    async (adapter) => {
      expect(await bundle(adapter, ["./src/index.ts"])).toEqual([])
    },
    60_000
  )
})
