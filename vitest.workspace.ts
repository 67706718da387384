// The one list of test projects (DESIGN.md names this file). vitest.config.ts reads it into
// `test.projects`, which is vitest 3.2's non-deprecated spelling of the same thing.
export default ["packages/*", "examples"]
