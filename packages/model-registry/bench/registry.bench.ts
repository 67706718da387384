/**
 * `pnpm bench registry`: ModelRegistry lookups on a warm memory tier.
 *
 * - findOne: a warm listing of one provider (the bundled OpenAI catalog, 133 models), 200k
 *   lookups in one running fiber (per-call cost) and with one `Effect.runSync` per call.
 * - find: a 2,000-model catalog over 16 providers, every model listed, typical filters.
 */
import type { ModelInfo } from "@aiu/core/ModelInfo"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Catalog from "../src/Catalog.js"
import type * as ModelQuery from "../src/ModelQuery.js"
import * as ModelRegistry from "../src/ModelRegistry.js"
import * as ModelSource from "../src/ModelSource.js"

interface Row {
  suite: string
  name: string
  value: number
  unit: string
  target?: string
}

const listed = (entries: ReadonlyArray<Catalog.CatalogEntry>): Array<ModelInfo> =>
  entries.map((e) => ({ id: e.id, provider: e.provider, model: e.model, kinds: [] }))

const scope = Effect.runSync(Scope.make())

const buildRegistry = (listings: Record<string, ReadonlyArray<ModelInfo>>, catalog?: Catalog.Service) =>
  Effect.runSync(
    Layer.buildWithScope(
      ModelRegistry.layerMemory(catalog ? { catalog } : {}).pipe(Layer.provide(ModelSource.layerRecord(listings))),
      scope
    )
  )

const time = (iterations: number, body: () => void): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) body()
  return Number(process.hrtime.bigint() - start) / iterations
}

export default async function run(): Promise<Array<Row>> {
  const rows: Array<Row> = []

  // --- findOne ---------------------------------------------------------------
  const bundled = Catalog.bundled()
  const openai = bundled.byProvider("openai")
  const context = buildRegistry({ openai: listed(openai) })
  const registry = await Effect.runPromise(Effect.provide(ModelRegistry.ModelRegistry, context))
  const ids = openai.map((e) => e.id)
  await Effect.runPromise(registry.findOne(ids[0] ?? "openai:gpt-4o"))

  const n = 200_000
  const loop = Effect.gen(function* () {
    for (let i = 0; i < n; i++) yield* registry.findOne(ids[i % ids.length] ?? "")
  })
  for (let warm = 0; warm < 3; warm++) await Effect.runPromise(loop)
  const start = process.hrtime.bigint()
  await Effect.runPromise(loop)
  const perCallNs = Number(process.hrtime.bigint() - start) / n
  rows.push({
    suite: "model-registry",
    name: "findOne, warm memory tier (in a running fiber)",
    value: perCallNs / 1000,
    unit: "µs/op",
    target: "< 5 µs"
  })
  // Reference on the same machine and moment (the host may be loaded): starting a fiber at all
  // (`Effect.runSync(Effect.succeed(x))` is short-cut by the runtime, so it would not be a fair reference).
  const baselineNs = time(100_000, () => {
    Effect.runSync(Effect.suspend(() => Effect.succeed(1)))
  })
  rows.push({
    suite: "model-registry",
    name: "reference: Effect.runSync(Effect.suspend(() => Effect.succeed(1)))",
    value: baselineNs / 1000,
    unit: "µs/op"
  })
  for (let i = 0; i < 20_000; i++) Effect.runSync(registry.findOne(ids[i % ids.length] ?? ""))
  const runSyncNs = time(100_000, () => {
    Effect.runSync(registry.findOne("openai:gpt-4o-mini"))
  })
  rows.push({
    suite: "model-registry",
    name: "findOne, warm memory tier (one Effect.runSync per call, fiber start included)",
    value: runSyncNs / 1000,
    unit: "µs/op"
  })

  // --- find over 2,000 models -----------------------------------------------
  const base = Catalog.bundledEntries()
  const entries: Array<Catalog.CatalogEntry> = []
  for (let i = 0; entries.length < 2000; i++) {
    const e = base[i % base.length]
    if (e === undefined) break
    const provider = `p${String(i % 16).padStart(2, "0")}`
    entries.push({ ...e, id: `${provider}:${e.model}#${i}`, provider, model: `${e.model}#${i}` })
  }
  const big = Catalog.make({ entries })
  const listings: Record<string, Array<ModelInfo>> = {}
  for (const e of entries) {
    const list = listings[e.provider] ?? []
    list.push({ id: e.id, provider: e.provider, model: e.model, kinds: [] })
    listings[e.provider] = list
  }
  const bigContext = buildRegistry(listings, big)
  const bigRegistry = await Effect.runPromise(Effect.provide(ModelRegistry.ModelRegistry, bigContext))
  const total = (await Effect.runPromise(bigRegistry.all)).length

  const queries: Array<[string, ModelQuery.ModelQuery]> = [
    [
      "find: chat, ≥100k context, tools, input ≤ $5",
      { kind: "chat", minContextWindow: 100_000, tools: true, maxInputPrice: 5 }
    ],
    ["find: name glob 'gpt-4*', sorted by input price", { name: "gpt-4*", sortBy: "inputPrice" }],
    ["find: one provider, image input", { provider: "p03", imageInput: true }]
  ]
  for (const [name, query] of queries) {
    for (let i = 0; i < 200; i++) Effect.runSync(bigRegistry.find(query))
    let count = 0
    const ns = time(2000, () => {
      count = Effect.runSync(bigRegistry.find(query)).length
    })
    rows.push({
      suite: "model-registry",
      name: `${name} (${count} of ${total} models)`,
      value: ns / 1e6,
      unit: "ms/op",
      target: "< 1 ms"
    })
  }
  await Effect.runPromise(Scope.close(scope, Exit.void))
  return rows
}
