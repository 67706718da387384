/**
 * `pnpm bench [filter…]`: runs every `packages/<pkg>/bench/*.bench.ts` (or those whose path
 * contains a filter word), each in its own process so one suite's heap and JIT state do not skew
 * the next. Each module's default export returns rows; they are printed as one table and written
 * as JSON to bench-results/latest.json. A benchmark is a command, never a test.
 *
 * Each suite is first compiled with esbuild into one ES module (as an application ships its code,
 * and as the CLI is built) and run by plain `node`: a TypeScript loader in the measured process
 * (tsx) was measured here to double the CPU of Effect's own, untransformed code (running a 3-event
 * `Stream` to the end: ~270 µs under tsx, ~130 µs without), which taxed the Effect-based clients
 * and not `fetch`. Every client of a suite runs in the same compiled process.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs"
import { basename, dirname, join, relative } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"
import { externals } from "../packages/cli/externals.mjs"

export interface BenchRow {
  readonly suite: string
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly ratio?: number
  readonly target?: string
}

const root = fileURLToPath(new URL("..", import.meta.url))
const marker = "@@aiu-bench-rows@@"

/**
 * Compiles one suite with a small entry that runs it and prints its rows. Native and optional
 * modules stay external; the bundle is written to the CLI package's folder, where they resolve
 * (its dependencies include better-sqlite3), while `import.meta.url` keeps naming the suite's own
 * file, so a suite finds its helpers (the fake server it spawns) where they are.
 */
const compile = async (file: string): Promise<string> => {
  const outdir = join(root, "packages", "cli", ".bench-build")
  mkdirSync(outdir, { recursive: true })
  const outfile = join(outdir, `${basename(dirname(dirname(file)))}-${basename(file, ".ts")}.mjs`)
  await build({
    stdin: {
      contents: `import run from ${JSON.stringify(file)}
const rows = await run()
process.stdout.write("\\n${marker}" + JSON.stringify(rows) + "\\n")
process.exit(0)
`,
      resolveDir: dirname(file),
      sourcefile: "bench-entry.ts",
      loader: "ts"
    },
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    define: { "import.meta.url": JSON.stringify(pathToFileURL(file).href) },
    external: externals,
    banner: {
      js: `import { createRequire as __benchCreateRequire } from "node:module"; const require = __benchCreateRequire(${JSON.stringify(pathToFileURL(outfile).href)});`
    }
  })
  return outfile
}

const filters = process.argv.slice(2)
const files: Array<string> = []
for (const pkg of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", pkg, "bench")
  if (!existsSync(dir)) continue
  for (const f of readdirSync(dir)) if (f.endsWith(".bench.ts")) files.push(join(dir, f))
}
const selected = files.filter((f) => filters.length === 0 || filters.some((w) => relative(root, f).includes(w)))
if (selected.length === 0) {
  console.error(`no benchmark matches ${filters.join(" ")} (have: ${files.map((f) => relative(root, f)).join(", ")})`)
  process.exit(2)
}

const all: Array<BenchRow> = []
let failures = 0
for (const file of selected) {
  console.error(`running ${relative(root, file)} …`)
  const bundle = await compile(file)
  const r = spawnSync(process.execPath, ["--expose-gc", bundle], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024
  })
  rmSync(bundle, { force: true })
  const line = r.stdout.split("\n").find((l) => l.startsWith(marker))
  if (r.status !== 0 || !line) {
    failures++
    console.error(`  failed (exit ${r.status})`)
    continue
  }
  all.push(...(JSON.parse(line.slice(marker.length)) as Array<BenchRow>))
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3))
const header = ["suite", "benchmark", "value", "unit", "× baseline", "target"]
const rows = all.map((r) => [
  r.suite,
  r.name,
  fmt(r.value),
  r.unit,
  r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
  r.target ?? ""
])
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const print = (cells: Array<string>) => console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`)
print(header)
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
for (const r of rows) print(r)

mkdirSync(join(root, "bench-results"), { recursive: true })
const out = join(root, "bench-results", "latest.json")
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows: all }, null, 2))
console.error(`\nwrote ${relative(root, out)}`)
process.exit(failures > 0 ? 1 : 0)
