/**
 * The client benchmark (a command, not a test): `node --import tsx packages/client/bench/client.bench.ts`
 * prints the table and writes `bench/results.json`; `pnpm bench` imports `run()`.
 *
 * `Aiu.chat` / `Aiu.chatStream` — the whole client: keyring decrypt per call, model registry with
 * the price catalog, undici transport, OpenAI adapter, spans, metrics, events, and a usage row per
 * call written to SQLite (WAL file in a temp folder) — beside raw `fetch`, raw `undici.request`,
 * the `openai` SDK, the Vercel AI SDK and `@effect/ai-openai`'s chat-completions client, all
 * against one fake OpenAI server running in its own process (this file with `--server`).
 * Every figure is the client process's CPU (`process.cpuUsage`) or memory; medians of
 * interleaved rounds; ratios to raw `fetch` in the same run.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Aiu from "@aiu/client/Aiu"
import * as AiuEvents from "@aiu/client/AiuEvents"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as Message from "@aiu/core/Message"
import * as Keyring from "@aiu/keyring/Keyring"
import * as Catalog from "@aiu/model-registry/Catalog"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as OpenAiProvider from "@aiu/provider-openai/OpenAiProvider"
import * as Database from "@aiu/storage/Database"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { createOpenAI } from "@ai-sdk/openai"
import * as OpenAiClient from "@effect/ai-openai/OpenAiClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { generateText, streamText } from "ai"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import OpenAI from "openai"
import { request as undiciRequest } from "undici"

export interface Row {
  suite: string
  name: string
  value: number
  unit: string
  ratio?: number
  target?: string
}

const here = fileURLToPath(new URL(".", import.meta.url))
const root = fileURLToPath(new URL("../../..", import.meta.url))
const KEY = "sk-bench-not-a-real-key-0000000000000000"
const MODEL = "gpt-4o-mini"

// =============================================================================
// The fake server (child process): chat completions, whole or streamed; the scenario is chosen by
// the `x-bench-chunks` / `x-bench-delay` request headers so every client can ask for it.
// =============================================================================

const serve = async () => {
  const completion = JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello from the bench.", refusal: null },
        logprobs: null,
        finish_reason: "stop"
      }
    ],
    usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 },
    system_fingerprint: "fp_bench"
  })
  const base = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18"
  }
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`
  const chunk = (i: number) =>
    event({ ...base, choices: [{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }] })
  const head = event({
    ...base,
    choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]
  })
  const tail =
    event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) +
    event({ ...base, choices: [], usage: { prompt_tokens: 8, completion_tokens: 1000, total_tokens: 1008 } }) +
    "data: [DONE]\n\n"
  const models = JSON.stringify({
    object: "list",
    data: [{ id: MODEL, object: "model", created: 1, owned_by: "system" }]
  })
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const server = Http.createServer((req, res) => {
    const pieces: Array<Buffer> = []
    req.on("data", (d: Buffer) => pieces.push(d))
    req.on("end", async () => {
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(models)
        return
      }
      const body = JSON.parse(Buffer.concat(pieces).toString("utf8") || "{}") as { stream?: boolean }
      if (!body.stream) {
        res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench" }).end(completion)
        return
      }
      const n = Number(req.headers["x-bench-chunks"] ?? "1000")
      const delay = Number(req.headers["x-bench-delay"] ?? "0")
      res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_bench" })
      res.write(head)
      if (delay === 0) {
        // 50 events per write: a few large socket reads, as a fast provider delivers them
        for (let i = 0; i < n; i += 50) {
          res.write(Array.from({ length: Math.min(50, n - i) }, (_, j) => chunk(i + j)).join(""))
        }
      } else {
        for (let i = 0; i < n; i++) {
          if (res.destroyed) return
          res.write(chunk(i))
          await sleep(delay)
        }
      }
      res.end(tail)
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    if (address !== null && typeof address === "object") process.stdout.write(`http://127.0.0.1:${address.port}\n`)
  })
}

const startServer = () =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${here}client.bench.ts`, "--server"], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf("\n")
      if (nl >= 0) resolve({ url: out.slice(0, nl).trim(), stop: () => child.kill() })
    })
    child.once("error", reject)
  })

// =============================================================================
// Measurement helpers
// =============================================================================

const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc")
  const f = vm.runInNewContext("gc") as (() => void) | undefined
  return typeof f === "function" ? f : () => {}
})()

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const cpuOf = async (f: () => Promise<void>) => {
  const c0 = process.cpuUsage()
  await f()
  const c = process.cpuUsage(c0)
  return c.user + c.system
}

const load = (call: () => Promise<unknown>, total: number, concurrency: number) => async () => {
  let next = 0
  const worker = async () => {
    while (next < total) {
      next++
      await call()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const t00 = performance.now()
const progress = (what: string) =>
  process.stderr.write(`[client bench ${((performance.now() - t00) / 1000).toFixed(1)}s] ${what}\n`)

const add = (map: Record<string, Array<number>>, key: string, value: number) => {
  const list = map[key] ?? []
  list.push(value)
  map[key] = list
}

const r2 = (x: number) => Math.round(x * 100) / 100

// =============================================================================
// The clients
// =============================================================================

/** The fields of a `chat.completion.chunk` this bench reads (as `@effect/ai-openai` decodes them). */
const ChatChunk = Schema.Struct({
  choices: Schema.Array(
    Schema.Struct({ delta: Schema.optional(Schema.Struct({ content: Schema.optional(Schema.NullOr(Schema.String)) })) })
  )
})

type Scenario = { readonly chunks: number; readonly delay: number }
type ChatClient = () => Promise<unknown>
type StreamClient = (s: Scenario) => Promise<number>

const naiveSse = (onText: (s: string) => void) => {
  let buf = ""
  let count = 0
  return {
    feed: (text: string) => {
      buf += text
      const parts = buf.split("\n\n")
      buf = parts.pop()!
      for (const p of parts) {
        const data = p.slice(6)
        if (data !== "[DONE]") {
          const json = JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }
          const t = json.choices[0]?.delta?.content
          if (t) {
            onText(t)
            count++
          }
        }
      }
    },
    count: () => count
  }
}

const makeClients = async (url: string, dbFile: string) => {
  const chatUrl = `${url}/v1/chat/completions`
  const body = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }] })
  const headers = { "content-type": "application/json", authorization: `Bearer ${KEY}` }
  const sHeaders = (s: Scenario) => ({ "x-bench-chunks": String(s.chunks), "x-bench-delay": String(s.delay) })
  const streamBody = JSON.stringify({
    model: MODEL,
    messages: [{ role: "user", content: "hi" }],
    stream: true,
    stream_options: { include_usage: true }
  })

  // ---- aiu: the production composition with SQLite usage logging ----------------------------
  const events = AiuEvents.layerDefault
  const transport = NodeHttpTransport.layer()
  const providers = ProviderRegistry.layer({
    descriptors: [OpenAiProvider.descriptor],
    providers: [{ id: "openai", type: "openai", baseUrl: `${url}/v1` }]
  }).pipe(Layer.provide(transport))
  const keyring = Layer.tap(Keyring.layerMemory, (ctx) =>
    Context.get(ctx, Keyring.Keyring).save("openai", Redacted.make(KEY))
  )
  const models = ModelRegistry.layerMemory().pipe(
    Layer.provide(ProviderRegistry.layerModelSource),
    Layer.provide(Catalog.layerBundled),
    Layer.provide(Layer.merge(providers, keyring))
  )
  const usage = UsageStore.layer.pipe(Layer.provide(Database.layerSqlite({ filename: dbFile })))
  const aiuLayer = Aiu.layer().pipe(
    Layer.provideMerge(Layer.mergeAll(providers, keyring, models, usage, events)),
    Layer.provide(Logger.remove(Logger.defaultLogger))
  )
  const aiuRuntime = ManagedRuntime.make(aiuLayer)
  const aiu = await aiuRuntime.runPromise(Aiu.Aiu)
  // The same client with the usage log kept in memory: the client's own cost, without SQLite's.
  const memRuntime = ManagedRuntime.make(
    Aiu.layer().pipe(
      Layer.provideMerge(Layer.mergeAll(providers, keyring, models, UsageStore.layerMemory, events)),
      Layer.provide(Logger.remove(Logger.defaultLogger))
    )
  )
  const aiuMem = await memRuntime.runPromise(Aiu.Aiu)
  const request = { model: `openai:${MODEL}`, messages: [Message.user("hi")] }

  // ---- @effect/ai-openai chat-completions client ---------------------------------------------
  const effectRuntime = ManagedRuntime.make(
    OpenAiClient.layer({ apiKey: Redacted.make(KEY), apiUrl: `${url}/v1` }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
  const effectClient = await effectRuntime.runPromise(OpenAiClient.OpenAiClient)

  const openai = new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 })
  const vercel = createOpenAI({ apiKey: KEY, baseURL: `${url}/v1` })

  const chat: Record<string, ChatClient> = {
    fetch: async () => (await fetch(chatUrl, { method: "POST", headers, body })).json(),
    undici: async () => (await undiciRequest(chatUrl, { method: "POST", headers, body })).body.json(),
    openai: () => openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
    "ai-sdk": () => generateText({ model: vercel.chat(MODEL), prompt: "hi", maxRetries: 0 }),
    "effect-chat": () =>
      effectRuntime.runPromise(
        effectClient.client.createChatCompletion({ model: MODEL, messages: [{ role: "user", content: "hi" }] })
      ),
    "Aiu.chat": () => aiuRuntime.runPromise(aiu.chat(request)),
    "Aiu.chat (memory log)": () => memRuntime.runPromise(aiuMem.chat(request))
  }

  const stream: Record<string, StreamClient> = {
    fetch: async (s) => {
      const r = await fetch(chatUrl, { method: "POST", headers: { ...headers, ...sHeaders(s) }, body: streamBody })
      const dec = new TextDecoder()
      const p = naiveSse(() => {})
      for await (const v of r.body as unknown as AsyncIterable<Uint8Array>) p.feed(dec.decode(v, { stream: true }))
      return p.count()
    },
    undici: async (s) => {
      const r = await undiciRequest(chatUrl, {
        method: "POST",
        headers: { ...headers, ...sHeaders(s) },
        body: streamBody
      })
      const dec = new TextDecoder()
      const p = naiveSse(() => {})
      for await (const v of r.body) p.feed(dec.decode(v as Uint8Array, { stream: true }))
      return p.count()
    },
    openai: async (s) => {
      const st = await openai.chat.completions.create(
        {
          model: MODEL,
          messages: [{ role: "user", content: "hi" }],
          stream: true,
          stream_options: { include_usage: true }
        },
        { headers: sHeaders(s) }
      )
      let n = 0
      for await (const c of st) if (c.choices[0]?.delta?.content) n++
      return n
    },
    "ai-sdk": async (s) => {
      const r = streamText({ model: vercel.chat(MODEL), prompt: "hi", headers: sHeaders(s), maxRetries: 0 })
      let n = 0
      for await (const t of r.textStream) if (t.length > 0) n++
      return n
    },
    "effect-chat": (s) =>
      effectRuntime.runPromise(
        effectClient
          .streamRequest(
            HttpClientRequest.post("/chat/completions").pipe(
              HttpClientRequest.setHeaders(sHeaders(s)),
              HttpClientRequest.bodyUnsafeJson({
                model: MODEL,
                messages: [{ role: "user", content: "hi" }],
                stream: true
              })
            ),
            ChatChunk
          )
          .pipe(Stream.runFold(0, (n, c) => (c.choices[0]?.delta?.content ? n + 1 : n)))
      ),
    "Aiu.chatStream": (s) =>
      aiuRuntime.runPromise(
        aiu
          .chatStream(request, { headers: sHeaders(s) })
          .pipe(Stream.runFold(0, (n, c) => (c.type === "text-delta" ? n + 1 : n)))
      )
  }

  const dispose = async () => {
    await aiuRuntime.dispose()
    await memRuntime.dispose()
    await effectRuntime.dispose()
  }
  return { chat, stream, dispose, aiuRuntime }
}

// =============================================================================
// The run
// =============================================================================

const targets: Record<string, string> = {
  "Aiu.chat": "≤1.3x fetch",
  "Aiu.chat (memory log)": "≤1.3x fetch",
  "Aiu.chatStream": "≤2x fetch"
}

export default async function run(): Promise<Array<Row>> {
  const rows: Array<Row> = []
  const { url, stop } = await startServer()
  const dir = mkdtempSync(Path.join(tmpdir(), "aiu-bench-"))
  const clients = await makeClients(url, Path.join(dir, "aiu.db"))
  // Fail fast when a client cannot speak to the fake server: drop it and say so.
  const broken = new Set<string>()
  for (const [name, call] of Object.entries(clients.chat)) {
    try {
      await call()
    } catch (e) {
      broken.add(`chat:${name}`)
      progress(`chat ${name} fails against the fake server, skipped: ${String(e).slice(0, 200)}`)
    }
  }
  for (const [name, call] of Object.entries(clients.stream)) {
    try {
      const n = await call({ chunks: 10, delay: 0 })
      if (n !== 10) throw new Error(`${n} of 10 chunks`)
    } catch (e) {
      broken.add(`stream:${name}`)
      progress(`stream ${name} fails against the fake server, skipped: ${String(e).slice(0, 200)}`)
    }
  }
  if (process.env.AIU_BENCH_PROBE) {
    for (const [name, call] of Object.entries(clients.chat)) {
      const t0 = performance.now()
      await load(call, 100, 1)()
      progress(`probe ${name}: ${((performance.now() - t0) / 100).toFixed(2)} ms/call wall`)
    }
    for (const [name, f] of Object.entries(clients.stream)) {
      const t0 = performance.now()
      await f({ chunks: 1000, delay: 0 })
      progress(`probe stream ${name}: ${(performance.now() - t0).toFixed(1)} ms wall`)
    }
  }
  const chat = Object.entries(clients.chat).filter(([n]) => !broken.has(`chat:${n}`))
  const stream = Object.entries(clients.stream).filter(([n]) => !broken.has(`stream:${n}`))
  const push = (suite: string, name: string, value: number, base: number, unit: string, digits = 1) =>
    rows.push({
      suite,
      name,
      value: Math.round(value * 10 ** digits) / 10 ** digits,
      unit,
      ratio: r2(value / base),
      ...(targets[name] !== undefined && suite !== "paced stream" ? { target: targets[name] } : {}),
      ...(suite === "500 concurrent streams" && name === "Aiu.chatStream" ? { target: "≤1.5x fetch" } : {})
    })
  try {
    // ---- CPU per call ------------------------------------------------------------------------
    // A few thousand calls each first, so every client is measured with its code optimised.
    progress("chat: warm-up")
    for (const [, call] of chat) await load(call, 2000, 8)()
    for (const [concurrency, n, rounds] of [
      [1, 300, 5],
      [64, 600, 3]
    ] as const) {
      progress(`chat: c=${concurrency}`)
      const per: Record<string, Array<number>> = {}
      for (let round = 0; round < rounds; round++) {
        for (const [name, call] of chat) {
          gc()
          const cpu = await cpuOf(load(call, n, concurrency))
          add(per, name, cpu / n)
        }
      }
      const base = median(per.fetch!)
      for (const [name] of chat) push(`CPU/call c=${concurrency}`, name, median(per[name]!), base, "µs CPU/call")
    }

    // ---- one 1,000-chunk stream -----------------------------------------------------------------
    progress("1,000-chunk stream")
    const big: Scenario = { chunks: 1000, delay: 0 }
    for (const [, f] of stream) for (let i = 0; i < 5; i++) await f(big)
    const cpu: Record<string, Array<number>> = {}
    // Eight streams per sample, five samples: one stream is 10-40 ms of CPU, where a single GC
    // pause moved the ratio by half.
    const perSample = 8
    for (let round = 0; round < 5; round++) {
      for (const [name, f] of stream) {
        gc()
        let n = 0
        const c = await cpuOf(async () => {
          for (let i = 0; i < perSample; i++) n = await f(big)
        })
        if (n !== 1000) throw new Error(`${name}: ${n} of 1000 chunks`)
        add(cpu, name, c / 1000 / perSample)
      }
    }
    const base1000 = median(cpu.fetch!)
    for (const [name] of stream) push("1,000-chunk stream", name, median(cpu[name]!), base1000, "ms CPU", 2)

    // ---- paced stream: CPU per chunk (100 chunks, 5 ms apart, 20 at once) ------------------------
    progress("paced streams")
    const paced: Scenario = { chunks: 100, delay: 5 }
    const perChunk: Record<string, Array<number>> = {}
    for (let round = 0; round < 2; round++) {
      for (const [name, f] of stream) {
        gc()
        const c = await cpuOf(async () => {
          await Promise.all(Array.from({ length: 20 }, () => f(paced)))
        })
        add(perChunk, name, c / (20 * 100))
      }
    }
    const basePaced = median(perChunk.fetch!)
    for (const [name] of stream) push("paced stream", name, median(perChunk[name]!), basePaced, "µs CPU/chunk")

    // ---- 500 concurrent streams: memory per stream ------------------------------------------------
    progress("500 concurrent streams")
    const held: Scenario = { chunks: 100, delay: 10 }
    const mem: Record<string, Array<number>> = {}
    // The slowest clients (ai-sdk, effect-chat) are left out here to keep the run near 3 minutes.
    const heldClients = stream.filter(([name]) => ["fetch", "undici", "openai", "Aiu.chatStream"].includes(name))
    let failedStreams = 0
    for (let round = 0; round < 2; round++) {
      for (const [name, f] of heldClients) {
        gc()
        gc()
        const m0 = process.memoryUsage()
        const base0 = m0.heapUsed + m0.arrayBuffers
        let peak = 0
        const sampler = setInterval(() => {
          const m = process.memoryUsage()
          peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base0)
        }, 20)
        const counts = await Promise.all(Array.from({ length: 500 }, () => f(held).catch(() => -1)))
        clearInterval(sampler)
        const failed = counts.filter((c) => c !== 100).length
        if (failed > 0) progress(`${name}: ${failed} of 500 streams failed (connection closed), round ${round}`)
        failedStreams += failed
        add(mem, name, peak / 500 / 1024)
      }
    }
    rows.push({
      suite: "500 concurrent streams",
      name: "streams that failed (all clients)",
      value: failedStreams,
      unit: "streams"
    })
    const baseMem = median(mem.fetch!)
    for (const [name] of heldClients) push("500 concurrent streams", name, median(mem[name]!), baseMem, "KB/stream", 0)

    // The usage log really was written.
    const written = await clients.aiuRuntime.runPromise(
      Effect.flatMap(UsageStore.UsageStore, (s) => Effect.zipRight(s.flush, s.stats))
    )
    rows.push({ suite: "usage log (SQLite)", name: "rows written", value: written.written, unit: "rows" })
    rows.push({ suite: "usage log (SQLite)", name: "rows dropped", value: written.dropped, unit: "rows" })
    for (const b of broken) rows.push({ suite: "skipped", name: b, value: 0, unit: "fails against the fake server" })
  } finally {
    await clients.dispose()
    stop()
    rmSync(dir, { recursive: true, force: true })
  }
  progress("done")
  return rows
}

if (process.argv.includes("--server")) {
  await serve()
} else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run()
  console.table(rows)
  writeFileSync(`${here}results.json`, `${JSON.stringify(rows, null, 2)}\n`)
  process.exit(0)
}
