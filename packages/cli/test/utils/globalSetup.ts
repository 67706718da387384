import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup() {
  const dir = fileURLToPath(new URL("../..", import.meta.url))
  execFileSync(process.execPath, ["build.mjs"], { cwd: dir, stdio: "inherit" })
}
