/**
 * Spawns the bundled `aiu` command as a user would, with a clean environment (no inherited keys or
 * AIU_* settings) plus what the test gives, and collects its output as bytes.
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const binPath = fileURLToPath(new URL("../../bin/aiu.mjs", import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly stdoutBytes: Buffer
}

export const tempHome = () => mkdtempSync(join(tmpdir(), "aiu-cli-test-"))

export const runCli = (
  args: ReadonlyArray<string>,
  options?: { readonly env?: Record<string, string>; readonly input?: string; readonly timeoutMs?: number }
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NO_COLOR: "1",
      ...options?.env
    }
    if (env.AIU_HOME === undefined) env.AIU_HOME = tempHome()
    const child = spawn(process.execPath, [binPath, ...args], { env, stdio: ["pipe", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    child.stdout.on("data", (d: Buffer) => out.push(d))
    child.stderr.on("data", (d: Buffer) => err.push(d))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`aiu ${args.join(" ")} did not finish within ${options?.timeoutMs ?? 20_000} ms`))
    }, options?.timeoutMs ?? 20_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      const stdoutBytes = Buffer.concat(out)
      resolve({ code, stdout: stdoutBytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), stdoutBytes })
    })
    child.stdin.end(options?.input ?? "")
  })
