/**
 * The benchmark's fake provider, run in its own process so its CPU never counts as the client's.
 * Prints its base URL on the first stdout line.
 *   POST /v1/chat/completions          a small chat.completion JSON
 *   POST /v1/stream?n=N&delay=D        N chat.completion.chunk SSE events, one write each, D ms apart
 */
import { FakeProviderServer } from "@aiu/testing"

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 }
})

const chunk = (i: number) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }]
  })}\n\n`

const server = await FakeProviderServer.start()
server.route("POST", "/v1/chat/completions", {
  status: 200,
  headers: { "content-type": "application/json", "x-request-id": "req_bench" },
  body: completion
})
server.route("POST", "/v1/stream", (req) => {
  const q = new URL(req.url, "http://x").searchParams
  const n = Number(q.get("n") ?? "1000")
  const delay = Number(q.get("delay") ?? "0")
  return {
    status: 200,
    headers: { "content-type": "text/event-stream", "x-request-id": "req_bench" },
    body: [...Array.from({ length: n }, (_, i) => chunk(i)), "data: [DONE]\n\n"],
    ...(delay > 0 ? { chunkDelayMs: delay } : {})
  }
})
// The recorder keeps every request; the bench sends hundreds of thousands.
setInterval(() => {
  server.requests.length = 0
  server.aborted.length = 0
}, 1000).unref()
process.stdout.write(`${server.url}\n`)
