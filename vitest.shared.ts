import { defineConfig } from "vitest/config"

// Shared by every package's vitest.config.ts: one place for the test layout.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
