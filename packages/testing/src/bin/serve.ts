/**
 * Runs the fake provider server as its own process, for the demo and the benchmarks:
 *   node --import tsx packages/testing/src/bin/serve.ts [--port N]
 * Prints one line `listening <url>` on stdout when ready; stops on SIGTERM / SIGINT.
 *
 * It speaks the OpenAI format under /v1 (chat completions echoing the prompt, streamed or whole;
 * models; embeddings), and answers `POST /v1/bench/stream?chunks=N&delayMs=D` with N SSE chunks.
 */
import * as FakeProviderServer from "../FakeProviderServer.js"
import * as OpenAi from "../fake/openai.js"

const portArg = process.argv.indexOf("--port")
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0

const server = await FakeProviderServer.start({ port })
// The benchmarks send thousands of requests; do not keep them all in memory.
const keep = server.requests
setInterval(() => keep.splice(0, keep.length), 1000).unref()

server.route("POST", "/v1/chat/completions", OpenAi.echoChat)
server.route(
  "GET",
  "/v1/models",
  OpenAi.models(["gpt-4o-mini", "gpt-4o", "gpt-4.1", "o3-mini", "text-embedding-3-small", "dall-e-3"])
)
server.route("POST", "/v1/embeddings", (request) => {
  const body = (request.json ?? {}) as { input?: string | Array<string>; model?: string; dimensions?: number }
  const inputs = typeof body.input === "string" ? [body.input] : (body.input ?? [])
  const dims = body.dimensions ?? 8
  return {
    status: 200,
    headers: { "content-type": "application/json", "x-request-id": "req_fake_embed" },
    body: JSON.stringify({
      object: "list",
      data: inputs.map((text, index) => ({
        object: "embedding",
        index,
        // A deterministic vector derived from the text, so the same input embeds the same way.
        embedding: Array.from({ length: dims }, (_, i) => Math.sin(text.length * (i + 1) + index))
      })),
      model: body.model ?? "text-embedding-3-small",
      usage: { prompt_tokens: inputs.join(" ").length, total_tokens: inputs.join(" ").length }
    })
  }
})
server.route("POST", "/v1/bench/stream", (request) => {
  const url = new URL(request.url, server.url)
  const chunks = Number(url.searchParams.get("chunks") ?? "1000")
  const delayMs = Number(url.searchParams.get("delayMs") ?? "0")
  const pieces = Array.from({ length: chunks }, (_, i) => `tok${i} `)
  return OpenAi.stream(pieces, delayMs > 0 ? { chunkDelayMs: delayMs } : {})
})

process.stdout.write(`listening ${server.url}\n`)

const stop = () => {
  void server.close().then(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
