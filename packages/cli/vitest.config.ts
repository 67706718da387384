import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: "cli",
      // The end-to-end tests spawn the real bundled CLI: build it once before they run.
      globalSetup: ["./test/utils/globalSetup.ts"]
    }
  })
)
