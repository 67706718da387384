import * as fs from "node:fs"
import type { Reporter, TestModule } from "vitest/node"

/**
 * Prints the one plain line CI reads (`N passed, N failed, N skipped`) after vitest's own summary,
 * and writes it to `AIU_TEST_SUMMARY_FILE` when set so `.ci/run` can repeat it as its last line.
 */
export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
      // A file that failed to load has no tests but is still a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++
    }
    failed += unhandledErrors.length
    const line = `${passed} passed, ${failed} failed, ${skipped} skipped`
    process.stdout.write(`\n${line}\n`)
    const file = process.env.AIU_TEST_SUMMARY_FILE
    if (file) fs.writeFileSync(file, `${line}\n`)
  }
}
