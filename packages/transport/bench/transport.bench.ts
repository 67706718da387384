/**
 * The transport benchmark (a command, not a test): `pnpm bench transport`, or run this file with
 * `node --import tsx packages/transport/bench/transport.bench.ts` to print the table and write
 * `bench/results.json`. The fake provider runs in its own process (bench/server.ts); every figure
 * is the client process's CPU (`process.cpuUsage`) or memory, medians of interleaved rounds, and
 * the ratios are to raw `fetch` in the same run (perf-baseline.md explains why).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { createParser } from "eventsource-parser"
import { request as undiciRequest } from "undici"
import type * as HttpTransport from "../src/HttpTransport.js"
import * as NodeHttpTransport from "../src/NodeHttpTransport.js"
import * as Sse from "../src/Sse.js"

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

const startServer = () =>
  new Promise<{ url: string; child: ChildProcess }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${here}server.ts`], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf("\n")
      if (nl >= 0) resolve({ url: out.slice(0, nl).trim(), child })
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)))
  })

const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc")
  const f = vm.runInNewContext("gc") as (() => void) | undefined
  return typeof f === "function" ? f : () => {}
})()

/** Appends to the list under `key`, creating it. */
const add = (into: Record<string, Array<number>>, key: string, value: number) => {
  const list = into[key] ?? []
  list.push(value)
  into[key] = list
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const cpuOf = async (run: () => Promise<void>) => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await run()
  const c = process.cpuUsage(c0)
  return { cpuUs: c.user + c.system, wallMs: performance.now() - t0 }
}

/** Runs `total` calls with `concurrency` workers. */
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

const only = process.env.AIU_BENCH_ONLY
const section = (name: string) => only === undefined || only.split(",").includes(name)
const t00 = performance.now()
const progress = (what: string) =>
  process.stderr.write(`[transport bench ${((performance.now() - t00) / 1000).toFixed(1)}s] ${what}\n`)

const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
const headers = { "content-type": "application/json", authorization: "Bearer sk-bench-not-a-key" }

const Completion = Schema.Struct({
  id: Schema.String,
  choices: Schema.Array(Schema.Struct({ message: Schema.Struct({ content: Schema.String }) }))
})

export default async function run(): Promise<Array<Row>> {
  const rows: Array<Row> = []
  const { url, child } = await startServer()
  try {
    const transport = await Effect.runPromise(NodeHttpTransport.make())
    const chatUrl = `${url}/v1/chat/completions`
    const req: HttpTransport.HttpRequest = {
      provider: "bench",
      operation: "chat",
      url: chatUrl,
      headers: { authorization: headers.authorization },
      body: JSON.parse(body) as unknown
    }

    // ---- non-streaming requests, client CPU per call --------------------------------------
    const clients: Record<string, () => Promise<unknown>> = {
      fetch: async () => {
        const r = await fetch(chatUrl, { method: "POST", headers, body })
        return r.json()
      },
      undici: async () => {
        const r = await undiciRequest(chatUrl, { method: "POST", headers, body })
        return r.body.json()
      },
      "HttpTransport.request": () => Effect.runPromise(transport.request(req, Completion))
    }
    if (section("request")) progress("requests: warm-up")
    if (section("request")) for (const [, call] of Object.entries(clients)) await load(call, 2500, 8)() // warm-up
    for (const concurrency of section("request") ? [1, 64] : []) {
      progress(`requests: c=${concurrency}`)
      const n = concurrency === 1 ? 2000 : 4000
      const per: Record<string, Array<number>> = {}
      for (let round = 0; round < 3; round++) {
        for (const [name, call] of Object.entries(clients)) {
          gc()
          const { cpuUs } = await cpuOf(load(call, n, concurrency))
          add(per, name, cpuUs / n)
        }
      }
      const base = median(per.fetch!)
      for (const [name, xs] of Object.entries(per)) {
        const m = median(xs)
        rows.push({
          suite: `request c=${concurrency}`,
          name,
          value: Math.round(m * 10) / 10,
          unit: "µs CPU/call",
          ratio: Math.round((m / base) * 100) / 100,
          ...(name === "HttpTransport.request" ? { target: "≤1.0x fetch" } : {})
        })
      }
    }

    // ---- one 1,000-chunk stream: wall and CPU -----------------------------------------------
    const streamUrl = (n: number, delay = 0) => `${url}/v1/stream?n=${n}&delay=${delay}`
    let onEvent = () => {}
    const naiveFetch = async (u: string) => {
      const r = await fetch(u, { method: "POST", headers, body })
      const reader = r.body!.getReader()
      const dec = new TextDecoder()
      let buf = ""
      let count = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buf += dec.decode(value, { stream: true })
        const parts = buf.split("\n\n")
        buf = parts.pop()!
        for (const p of parts) {
          const data = p.slice(6)
          if (data !== "[DONE]") {
            JSON.parse(data)
            count++
            onEvent()
          }
        }
      }
      return count
    }
    const naiveUndici = async (u: string) => {
      const r = await undiciRequest(u, { method: "POST", headers, body })
      const dec = new TextDecoder()
      let buf = ""
      let count = 0
      for await (const value of r.body) {
        buf += dec.decode(value as Uint8Array, { stream: true })
        const parts = buf.split("\n\n")
        buf = parts.pop()!
        for (const p of parts) {
          const data = p.slice(6)
          if (data !== "[DONE]") {
            JSON.parse(data)
            count++
          }
        }
      }
      return count
    }
    const viaTransport = (u: string) =>
      Effect.runPromise(
        Effect.scoped(
          Effect.flatMap(transport.sse({ ...req, operation: "chatStream", url: u }), (r) => {
            let count = 0
            return Stream.runForEachChunk(r.events, (chunk) =>
              Effect.sync(() => {
                for (const e of Chunk.toReadonlyArray(chunk)) {
                  if (e.data !== "[DONE]") {
                    JSON.parse(e.data)
                    count++
                    onEvent()
                  }
                }
              })
            ).pipe(Effect.map(() => count))
          })
        )
      )
    const streamClients: Record<string, (u: string) => Promise<number>> = {
      "fetch + naive split": naiveFetch,
      "undici + naive split": naiveUndici,
      "HttpTransport.sse": viaTransport
    }
    if (section("stream")) {
      progress("1,000-chunk stream")
      for (const [, f] of Object.entries(streamClients)) for (let i = 0; i < 10; i++) await f(streamUrl(1000))
      const cpu: Record<string, Array<number>> = {}
      const wall: Record<string, Array<number>> = {}
      for (let round = 0; round < 10; round++) {
        for (const [name, f] of Object.entries(streamClients)) {
          const { cpuUs, wallMs } = await cpuOf(async () => {
            const n = await f(streamUrl(1000))
            if (n !== 1000) throw new Error(`${name}: ${n} events`)
          })
          add(cpu, name, cpuUs / 1000)
          add(wall, name, wallMs)
        }
      }
      const baseCpu = median(cpu["fetch + naive split"]!)
      const baseWall = median(wall["fetch + naive split"]!)
      for (const name of Object.keys(streamClients)) {
        const c = median(cpu[name]!)
        const w = median(wall[name]!)
        const target = name === "HttpTransport.sse" ? { target: "≤1.5x fetch" } : {}
        rows.push({
          suite: "1,000-chunk stream",
          name: `${name} CPU`,
          value: Math.round(c * 100) / 100,
          unit: "ms CPU",
          ratio: Math.round((c / baseCpu) * 100) / 100,
          ...target
        })
        rows.push({
          suite: "1,000-chunk stream",
          name: `${name} wall`,
          value: Math.round(w * 100) / 100,
          unit: "ms wall",
          ratio: Math.round((w / baseWall) * 100) / 100
        })
      }
    }

    // ---- 500 concurrent 100-chunk streams: CPU and memory per stream --------------------------
    if (section("concurrent")) {
      progress("500 concurrent streams")
      const concurrentClients: Record<string, (u: string) => Promise<number>> = {
        "fetch + naive split": naiveFetch,
        "HttpTransport.sse": viaTransport
      }
      const results: Record<string, { cpu: Array<number>; mem: Array<number> }> = {}
      for (let round = 0; round < 2; round++) {
        for (const [name, f] of Object.entries(concurrentClients)) {
          gc()
          gc()
          const m0 = process.memoryUsage()
          const base0 = m0.heapUsed + m0.arrayBuffers
          // Retained memory per open stream: measured once every stream has delivered 20 of its
          // 100 events (all 500 are open), after a full GC so garbage does not count.
          let events = 0
          let retained = 0
          let measured = false
          onEvent = () => {
            events++
            if (!measured && events >= 500 * 20) {
              measured = true
              gc()
              const m = process.memoryUsage()
              retained = m.heapUsed + m.arrayBuffers - base0
            }
          }
          const { cpuUs } = await cpuOf(async () => {
            const counts = await Promise.all(Array.from({ length: 500 }, () => f(streamUrl(100, 10))))
            if (counts.some((c) => c !== 100)) throw new Error(`${name}: lost events`)
          })
          onEvent = () => {}
          const peak = retained
          const r = results[name] ?? { cpu: [], mem: [] }
          results[name] = r
          r.cpu.push(cpuUs / 500 / 1000)
          r.mem.push(peak / 500 / 1024)
        }
      }
      const baseCpu = median(results["fetch + naive split"]!.cpu)
      const baseMem = median(results["fetch + naive split"]!.mem)
      for (const [name, r] of Object.entries(results)) {
        const c = median(r.cpu)
        const m = median(r.mem)
        const t = name === "HttpTransport.sse"
        rows.push({
          suite: "500 × 100-chunk streams",
          name: `${name} CPU`,
          value: Math.round(c * 100) / 100,
          unit: "ms CPU/stream",
          ratio: Math.round((c / baseCpu) * 100) / 100
        })
        rows.push({
          suite: "500 × 100-chunk streams",
          name: `${name} memory`,
          value: Math.round(m),
          unit: "KB/stream",
          ratio: Math.round((m / baseMem) * 100) / 100,
          ...(t ? { target: "≤1.5x fetch" } : {})
        })
      }
    }
  } finally {
    child.kill()
  }

  // ---- SSE decode throughput ----------------------------------------------------------------
  if (section("decode")) {
    progress("SSE decode")
    const enc = new TextEncoder()
    const parts: Array<string> = []
    let size = 0
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const e = `data: ${JSON.stringify({ id: "chatcmpl-x", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: `token ${i} ` }, finish_reason: null }] })}\n\n`
      parts.push(e)
      size += e.length
    }
    const whole = enc.encode(parts.join(""))
    const perEvent = parts.map((p) => enc.encode(p))
    const slices = (n: number) => {
      const out: Array<Uint8Array> = []
      for (let i = 0; i < whole.length; i += n) out.push(whole.subarray(i, i + n))
      return out
    }
    const readings: Record<string, Array<Uint8Array>> = {
      "1 event/read": perEvent,
      "4 KiB reads": slices(4096),
      "64 KiB reads": slices(65536)
    }
    const decoders: Record<string, (chunks: ReadonlyArray<Uint8Array>) => number> = {
      "aiu Sse": (chunks) => {
        const d = Sse.makeDecoder()
        let n = 0
        for (const c of chunks) n += d.feed(c).length
        return n + d.end().length
      },
      "eventsource-parser 3.1.1": (chunks) => {
        let n = 0
        const p = createParser({ onEvent: () => void n++ })
        const dec = new TextDecoder()
        for (const c of chunks) p.feed(dec.decode(c, { stream: true }))
        return n
      }
    }
    // Both decoders must produce the same events (not only as many), or the speeds mean nothing.
    // Checked once per reading, outside the timed rounds.
    const sameEvents = (chunks: ReadonlyArray<Uint8Array>) => {
      const d = Sse.makeDecoder()
      const ours = chunks.flatMap((c) => d.feed(c)).concat(d.end())
      const theirs: Array<Sse.SseEvent> = []
      const p = createParser({ onEvent: (e) => void theirs.push({ event: e.event, data: e.data, id: e.id }) })
      const dec = new TextDecoder()
      for (const c of chunks) p.feed(dec.decode(c, { stream: true }))
      return (
        ours.length === theirs.length &&
        ours.every((e, i) => e.event === theirs[i]!.event && e.data === theirs[i]!.data && e.id === theirs[i]!.id)
      )
    }
    const mb = whole.length / 1024 / 1024
    for (const [reading, chunks] of Object.entries(readings)) {
      if (!sameEvents(chunks)) throw new Error(`SSE decode, ${reading}: the decoders' events differ`)
      const speeds: Record<string, Array<number>> = {}
      // Best of 11 interleaved rounds (order alternating): on a shared machine the fastest round is the least disturbed.
      for (let round = 0; round < 11; round++) {
        const order = Object.entries(decoders)
        if (round % 2 === 1) order.reverse()
        for (const [name, f] of order) {
          const t0 = performance.now()
          const n = f(chunks)
          const s = (performance.now() - t0) / 1000
          if (n !== parts.length) throw new Error(`${name}: ${n} of ${parts.length} events`)
          add(speeds, name, mb / s)
        }
      }
      const base = Math.max(...speeds["eventsource-parser 3.1.1"]!)
      for (const [name, xs] of Object.entries(speeds)) {
        const v = Math.max(...xs)
        rows.push({
          suite: `SSE decode, ${reading}`,
          name,
          value: Math.round(v),
          unit: "MB/s",
          ratio: Math.round((v / base) * 100) / 100,
          ...(name === "aiu Sse" ? { target: "≥1.0x eventsource-parser" } : {})
        })
      }
    }
  }
  return rows
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run()
  console.table(rows)
  writeFileSync(`${here}results.json`, `${JSON.stringify(rows, null, 2)}\n`)
}
