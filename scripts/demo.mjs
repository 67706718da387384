#!/usr/bin/env node
// The main job, end to end on this machine with no internet: builds the CLI if needed, starts the
// fake provider server on 127.0.0.1 (a LOCAL STAND-IN for OpenAI, not a real model), and runs the
// real `aiu` CLI and library against it on the embedded default (SQLite under AIU_HOME).
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const bin = join(root, "packages/cli/bin/aiu.mjs")
if (!existsSync(join(root, "packages/cli/dist/aiu.mjs"))) {
  spawnSync("pnpm", ["build"], { cwd: root, stdio: "inherit" })
}

const server = spawn(process.execPath, ["--import", "tsx", join(root, "packages/testing/src/bin/serve.ts")], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"]
})
const url = await new Promise((resolve, reject) => {
  let out = ""
  server.stdout.on("data", (d) => {
    out += d
    const m = /listening (\S+)/.exec(out)
    if (m) resolve(m[1])
  })
  server.on("exit", (code) => reject(new Error(`fake server exited with ${code}`)))
})

const home = process.env.AIU_HOME ?? mkdtempSync(join(tmpdir(), "aiu-demo-"))
// No provider variables: the key is sealed in the keyring and the URL lives in the provider table.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, AIU_HOME: home }
console.log(`\n== aiu demo: the provider here is a local stand-in on ${url}, not a real model ==`)
console.log(`== embedded default: SQLite and master.key under AIU_HOME=${home} ==\n`)

let failed = 0
const step = (title, args, input, expected = 0) => {
  console.log(`$ aiu ${args.join(" ")}${input !== undefined ? `   (stdin: ${JSON.stringify(input)})` : ""}`)
  const r = spawnSync(process.execPath, [bin, ...args], {
    env,
    input,
    stdio: [input === undefined ? "ignore" : "pipe", "inherit", "inherit"]
  })
  if (r.status !== expected) {
    failed++
    console.log(`   ^ ${title}: exited with ${r.status}, expected ${expected}`)
  }
  console.log("")
}

// An obvious fake key: the stand-in accepts anything. It goes in through stdin and is never printed.
step(
  "register the provider and seal its key",
  ["provider", "add", "openai", "--base-url", `${url}/v1`, "--key-stdin"],
  "sk-demo-local-0000\n"
)
step("list providers", ["provider", "list"])
step("list keys (fingerprints only)", ["keys", "list"])
step("discover models (live listing merged with the bundled catalog)", ["models", "refresh", "--provider", "openai"])
step("show one model's metadata", ["models", "show", "openai:gpt-4o-mini"])
step("stream a chat answer", [
  "run",
  "chat",
  "--model",
  "openai:gpt-4o-mini",
  "--input",
  "Hello from aiu — ünïcödé survives streaming ✓"
])
step("the same, as JSON", ["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "Give me JSON", "--json"])
step(
  "prompt from stdin, whole answer",
  ["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "-", "--no-stream"],
  "a prompt read from stdin"
)
step("embeddings", [
  "run",
  "embed",
  "--model",
  "openai:text-embedding-3-small",
  "--input",
  "first text",
  "--input",
  "second text"
])
step(
  "a bad model id is a clear error (exit 2)",
  ["run", "chat", "--model", "gpt-4o-mini", "--input", "hi"],
  undefined,
  2
)
step("usage and cost by model", ["usage", "--by", "model"])
step("the request log", ["usage", "log", "--limit", "5"])

server.kill("SIGTERM")
console.log(
  failed === 0 ? "demo finished: every step behaved as expected" : `demo: ${failed} step(s) did not behave as expected`
)
process.exit(failed === 0 ? 0 : 1)
