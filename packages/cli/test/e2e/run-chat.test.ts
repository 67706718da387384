/**
 * `aiu run chat` end to end: the bundled CLI as a spawned process against the fake OpenAI server
 * on 127.0.0.1.
 */
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as OpenAi from "@aiu/testing/fake/openai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { runCli } from "../utils/runCli.js"

let server: FakeProviderServer.FakeServer
const env = () => ({ OPENAI_API_KEY: "sk-test-0000", OPENAI_BASE_URL: `${server.url}/v1` })
/** The chat request (the model registry may also list the provider's models first). */
const chatRequest = () => server.requests.find((r) => r.path === "/v1/chat/completions")

beforeAll(async () => {
  server = await FakeProviderServer.start()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

describe("aiu run chat", () => {
  it("streams the reply byte-exact, even with multi-byte characters split across network chunks", async () => {
    const text = "Grüße — 日本語 🎉 done"
    // One SSE event whose bytes are cut in the middle of a multi-byte character, sent as
    // separate writes with a pause so they arrive as separate network reads.
    const events = OpenAi.streamEvents(["Grüße — ", "日本語 🎉", " done"], {
      usage: { prompt_tokens: 3, completion_tokens: 7 }
    })
    const bytes = Buffer.from(events.join(""), "utf8")
    const cut = bytes.indexOf(Buffer.from("本", "utf8")) + 1
    const emoji = bytes.indexOf(Buffer.from("🎉", "utf8")) + 2
    server.route("POST", "/v1/chat/completions", {
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: [bytes.subarray(0, cut), bytes.subarray(cut, emoji), bytes.subarray(emoji)],
      chunkDelayMs: 30
    })
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi"], { env: env() })
    expect(result.stderr).not.toContain("error:")
    expect(result.code).toBe(0)
    expect(result.stdoutBytes.equals(Buffer.from(text, "utf8"))).toBe(true)
    // The usage line goes to stderr, never into the answer.
    expect(result.stderr).toContain("3 in / 7 out tokens")
    const sent = chatRequest()
    expect(sent?.headers.authorization).toBe("Bearer sk-test-0000")
    expect(sent?.json).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }]
    })
  })

  it("--json prints the object CLI.md describes, with the usage the server reported", async () => {
    server.route(
      "POST",
      "/v1/chat/completions",
      OpenAi.stream(["Hello", ", world"], { usage: { prompt_tokens: 11, completion_tokens: 4 } })
    )
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi", "--json"], {
      env: env()
    })
    expect(result.code).toBe(0)
    const out = JSON.parse(result.stdout)
    expect(out).toMatchObject({
      provider: "openai",
      text: "Hello, world",
      finishReason: "stop",
      usage: { inputTokens: 11, outputTokens: 4, totalTokens: 15 },
      toolCalls: [],
      requestId: "req_fake_0001"
    })
    expect(typeof out.model).toBe("string")
    expect(typeof out.latencyMs).toBe("number")
    expect("costUsd" in out).toBe(true)
    expect(result.stderr).toBe("")
  })

  it("--no-stream and --input - read the prompt from stdin and print the whole answer", async () => {
    server.route("POST", "/v1/chat/completions", OpenAi.echoChat)
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "-", "--no-stream"], {
      env: env(),
      input: "from stdin"
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("You said: from stdin")
    expect(chatRequest()?.json).toMatchObject({ messages: [{ role: "user", content: "from stdin" }] })
    expect((chatRequest()?.json as { stream?: boolean } | undefined)?.stream).not.toBe(true)
  })

  it("a bad model id exits 2 with one line saying what a good id looks like", async () => {
    const result = await runCli(["run", "chat", "--model", "gpt-4o-mini", "--input", "hi"], { env: env() })
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
    expect(result.stderr).toMatch(/^error: InvalidModelId: .*provider:model/)
    expect(result.stdout).toBe("")
  })

  it("a missing key exits 1 with a hint and no stack trace", async () => {
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi"], {
      env: { OPENAI_BASE_URL: `${server.url}/v1` }
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: KeyNotFound: .*aiu keys add openai --key-stdin/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(chatRequest()).toBeUndefined()
  })

  it("a provider error exits 1 as one line naming its tag, and never echoes the key", async () => {
    server.route(
      "POST",
      "/v1/chat/completions",
      OpenAi.error(401, "Incorrect API key provided: sk-test-0000.", {
        type: "invalid_request_error",
        code: "invalid_api_key"
      })
    )
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi"], { env: env() })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: AuthenticationError: /)
    expect(result.stderr).not.toContain("sk-test-0000")
  })

  it("an unknown flag exits 2", async () => {
    const result = await runCli(["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi", "--bogus"], {
      env: env()
    })
    expect(result.code).toBe(2)
  })

  it("--idle-timeout ends a stalled stream with a Timeout error and exit 1", async () => {
    const events = OpenAi.streamEvents(["partial"])
    server.route("POST", "/v1/chat/completions", {
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: events.slice(0, 2),
      stall: true
    })
    const result = await runCli(
      ["run", "chat", "--model", "openai:gpt-4o-mini", "--input", "hi", "--idle-timeout", "0.5"],
      { env: env() }
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("partial")
    expect(result.stderr).toMatch(/^error: Timeout: /m)
  })
})
