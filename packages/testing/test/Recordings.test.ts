import { assert, describe, it } from "@effect/vitest"
import * as Zlib from "node:zlib"
import * as Effect from "effect/Effect"
import * as FakeProviderServer from "../src/FakeProviderServer.js"
import * as Recordings from "../src/Recordings.js"

const concat = (parts: ReadonlyArray<Uint8Array>) => Buffer.concat(parts.map((p) => Buffer.from(p)))

describe("Recordings", () => {
  it("httprr: parses by byte counts; headers lowercased; body length as recorded", () => {
    const [ex, ...rest] = Recordings.loadHttprr("openai/chat/langchaingo.TestClient_CreateChatCompletionStream.httprr")
    assert.strictEqual(rest.length, 0)
    assert.strictEqual(ex!.request.method, "POST")
    assert.strictEqual(ex!.request.url, "https://api.openai.com/v1/chat/completions")
    assert.strictEqual(ex!.request.headers.authorization, "Bearer test-api-key")
    assert.strictEqual(ex!.response.status, 200)
    assert.strictEqual(ex!.response.body.byteLength, Number(ex!.response.headers["content-length"]))
    assert.strictEqual(ex!.response.headers["x-ratelimit-reset-requests"], "6ms")
    assert.isTrue(Recordings.text(ex!.response.body).endsWith("data: [DONE]\n\n"))
  })

  it("httprr: HTTP/1.1 chunked transfer-coding is removed (Ollama NDJSON)", () => {
    const [ex] = Recordings.loadHttprr("ollama/langchaingo.TestClient_GenerateChatStream.httprr")
    assert.include(ex!.response.headers["transfer-encoding"], "chunked")
    const lines = Recordings.text(ex!.response.body)
      .split("\n")
      .filter((l) => l.length > 0)
    const parsed = lines.map((l) => JSON.parse(l) as { done: boolean })
    assert.isTrue(parsed.at(-1)!.done)
    assert.isTrue(parsed.slice(0, -1).every((p) => p.done === false))
  })

  it("dechunk handles chunk extensions and CRLF", () => {
    const raw = new TextEncoder().encode("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    assert.strictEqual(Recordings.text(Recordings.dechunk(raw)), "hello world")
  })

  it("VCR: gzip !!binary bodies decode to exactly the derived body files", () => {
    const [gemini] = Recordings.loadVcr("google/llm-gemini.test_cli_gemini_models.yaml")
    assert.deepStrictEqual(
      Buffer.from(gemini!.response.body),
      Buffer.from(Recordings.read("google/llm-gemini.test_cli_gemini_models.body.json"))
    )
    const [thinking] = Recordings.loadVcr("anthropic/pydantic-ai.test_anthropic_model_thinking_part_stream.yaml")
    assert.deepStrictEqual(
      Buffer.from(thinking!.response.body),
      Buffer.from(Recordings.read("anthropic/pydantic-ai.test_anthropic_model_thinking_part_stream.body.sse"))
    )
  })

  it("VCR: a synthetic gzip body round-trips; parsed_body is marked as re-rendered", () => {
    const payload = '{"ok":true,"text":"h\u00e9llo"}'
    const b64 = Zlib.gzipSync(Buffer.from(payload)).toString("base64")
    const source = [
      "interactions:",
      "- request:",
      "    method: POST",
      "    uri: https://x/v1/a",
      "    headers:",
      "      Content-Type:",
      "      - application/json",
      "    parsed_body:",
      "      a: 1",
      "  response:",
      "    status:",
      "      code: 201",
      "      message: Created",
      "    headers:",
      "      Content-Encoding:",
      "      - gzip",
      "    body:",
      "      string: !!binary |",
      `        ${b64}`,
      "version: 1",
      ""
    ].join("\n")
    const [ex] = Recordings.parseVcr(source)
    assert.strictEqual(ex!.response.status, 201)
    assert.strictEqual(Recordings.text(ex!.response.body), payload)
    assert.strictEqual(Recordings.text(ex!.request.body), '{"a":1}')
    assert.isTrue(ex!.request.bodyIsParsed)
    assert.strictEqual(ex!.request.headers["content-type"], "application/json")
  })

  it("chunks.txt framing follows the legend", () => {
    const src = '{"type":"a","x":1}\n{"type":"b"}\n'
    assert.strictEqual(
      Recordings.chunksToSse(src, "data-done"),
      'data: {"type":"a","x":1}\n\ndata: {"type":"b"}\n\ndata: [DONE]\n\n'
    )
    assert.strictEqual(
      Recordings.chunksToSse(src, "named"),
      'event: a\ndata: {"type":"a","x":1}\n\nevent: b\ndata: {"type":"b"}\n\n'
    )
    assert.strictEqual(
      Recordings.chunksToSse(src, "data-crlf"),
      'data: {"type":"a","x":1}\r\n\r\ndata: {"type":"b"}\r\n\r\n'
    )
  })

  it("resplit: pieces concatenate to the original, deterministic per seed, seed 0 = bytes", () => {
    const bytes = new TextEncoder().encode("héllo 👋 世界 — data: [DONE]\r\n\r\n")
    for (const seed of [1, 2, 99]) {
      const a = Recordings.resplit(bytes, seed)
      assert.deepStrictEqual(concat(a), Buffer.from(bytes))
      assert.deepStrictEqual(
        Recordings.resplit(bytes, seed).map((p) => p.length),
        a.map((p) => p.length)
      )
      assert.isAbove(a.length, 1)
    }
    assert.strictEqual(Recordings.resplit(bytes, 0).length, bytes.length)
  })

  it("toReply drops transfer headers and keeps the rest", () => {
    const reply = Recordings.toReply(
      {
        status: 200,
        headers: {
          "content-length": "3",
          "transfer-encoding": "chunked",
          "content-encoding": "gzip",
          "x-request-id": "r"
        },
        body: new Uint8Array([1, 2, 3])
      },
      { seed: 0 }
    )
    assert.deepStrictEqual(reply.headers, { "x-request-id": "r" })
    assert.strictEqual((reply.body as ReadonlyArray<Uint8Array>).length, 3)
  })

  it.scoped("script: serves a recording's exchanges in order, byte for byte over loopback", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      const exchanges = Recordings.loadHttprr("openai-compatible/langchaingo.TestOpenRouterStreaming.httprr")
      Recordings.script(server, exchanges, { seed: 4 })
      const fetchOnce = () =>
        Effect.promise(async () => {
          const r = await fetch(`${server.url}/api/v1/chat/completions`, { method: "POST", body: "{}" })
          return { status: r.status, body: new Uint8Array(await r.arrayBuffer()) }
        })
      const first = yield* fetchOnce()
      const second = yield* fetchOnce()
      assert.strictEqual(first.status, 200)
      assert.deepStrictEqual(Buffer.from(first.body), Buffer.from(exchanges[0]!.response.body))
      assert.strictEqual(second.status, 429)
      assert.deepStrictEqual(Buffer.from(second.body), Buffer.from(exchanges[1]!.response.body))
    })
  )
})
