import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { runCli } from "../utils/runCli.js"

const bundle = fileURLToPath(new URL("../../dist/aiu.mjs", import.meta.url))

describe("aiu --help", () => {
  it("prints the command tree without colour when piped, and exits 0", async () => {
    const result = await runCli(["--help"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("aiu")
    expect(result.stdout).toContain("run")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
    expect(result.stdout).not.toMatch(/\x1b\[/)
  })

  it("--version prints the version", async () => {
    const result = await runCli(["--version"])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it("help pages printed from the build's cache are exactly what the command tree renders", async () => {
    for (const path of [[], ["run", "chat"], ["keys", "add"], ["models", "list"], ["usage", "log"]]) {
      const cached = await runCli([...path, "--help"])
      const rendered = execFileSync(process.execPath, [bundle, ...path, "--help"], {
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
        encoding: "utf8"
      })
      expect(cached.code).toBe(0)
      expect(cached.stdout).toBe(rendered)
    }
  })
})
