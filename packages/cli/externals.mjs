// What esbuild leaves out of a bundle of this workspace's code (the CLI build and the benchmark
// runner): better-sqlite3 is a native addon that resolves from node_modules; pg-native and the
// others are optional peers never installed.
export const externals = [
  "better-sqlite3",
  "pg-native",
  "lmdb",
  "msgpackr-extract",
  "bufferutil",
  "utf-8-validate",
  "@parcel/watcher"
]
