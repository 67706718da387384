import { describe, expect, it } from "vitest"
import { runCli } from "../utils/runCli.js"

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
})
