/**
 * `aiu run chat|embed|image` with every provider type, each registered with `aiu provider add`
 * (base URL and a key sealed in the keyring), against the fake server speaking that provider's
 * wire format on 127.0.0.1. The bundled CLI runs as a spawned process.
 */
import type * as Conformance from "@aiu/testing/Conformance"
import * as FakeAnthropic from "@aiu/testing/fake/anthropic"
import * as FakeCohere from "@aiu/testing/fake/cohere"
import * as FakeGoogle from "@aiu/testing/fake/google"
import * as FakeMistral from "@aiu/testing/fake/mistral"
import * as FakeOllama from "@aiu/testing/fake/ollama"
import * as FakeOpenAi from "@aiu/testing/fake/openai"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempHome } from "../utils/runCli.js"

interface Case {
  readonly type: string
  readonly id: string
  /** Path appended to the fake server's URL for `--base-url`. */
  readonly base: string
  readonly model: string
  readonly embeddingModel?: string
  readonly image?: { readonly path: string; readonly model: string }
  readonly wire: Conformance.Wire
  readonly authHeader: string
  /** False when responses carry no request id header (Gemini: the response id stands in). */
  readonly requestIds?: false
}

const azureWire = FakeOpenAi.makeWire({
  chatPath: (model) => `/openai/deployments/${model}/chat/completions`,
  embedPath: (model) => `/openai/deployments/${model}/embeddings`,
  modelsPath: "/openai/models",
  authHeader: (key) => ["api-key", key]
})

const cases: ReadonlyArray<Case> = [
  {
    type: "openai",
    id: "openai",
    base: "/v1",
    model: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    image: { path: "/v1/images/generations", model: "gpt-image-1" },
    wire: FakeOpenAi.wire,
    authHeader: "authorization"
  },
  {
    type: "anthropic",
    id: "anthropic",
    base: "/v1",
    model: "claude-sonnet-4-5",
    wire: FakeAnthropic.wire,
    authHeader: "x-api-key"
  },
  {
    type: "google",
    id: "google",
    base: "/v1beta",
    model: "gemini-2.5-flash",
    embeddingModel: "gemini-embedding-001",
    wire: FakeGoogle.wire,
    requestIds: false,
    authHeader: "x-goog-api-key"
  },
  {
    type: "mistral",
    id: "mistral",
    base: "/v1",
    model: "mistral-small-latest",
    embeddingModel: "mistral-embed",
    wire: FakeMistral.wire,
    authHeader: "authorization"
  },
  {
    type: "cohere",
    id: "cohere",
    base: "",
    model: "command-a-03-2025",
    embeddingModel: "embed-v4.0",
    wire: FakeCohere.wire,
    authHeader: "authorization"
  },
  {
    type: "ollama",
    id: "my-ollama",
    base: "",
    model: "llama3.2:3b",
    embeddingModel: "nomic-embed-text",
    wire: FakeOllama.wire,
    authHeader: "authorization"
  },
  {
    type: "azure-openai",
    id: "azure",
    base: "",
    model: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    image: { path: "/openai/deployments/dall-e-3/images/generations", model: "dall-e-3" },
    wire: azureWire,
    authHeader: "api-key"
  },
  {
    type: "openai-compatible",
    id: "local-vllm",
    base: "/v1",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    wire: FakeOpenAi.wire,
    authHeader: "authorization"
  }
]

const key = "sk-e2e-every-provider-0000000001"
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64"
)

let server: FakeProviderServer.FakeServer
beforeAll(async () => {
  server = await FakeProviderServer.start()
})
afterAll(() => server.close())

const route = (r: Conformance.Route, reply: FakeProviderServer.Reply) => server.route(r.method, r.path, reply)

describe.each(cases)("aiu with a registered $type provider", (c) => {
  const home = tempHome()
  const cli = (args: ReadonlyArray<string>, input?: string) =>
    runCli(args, { env: { AIU_HOME: home }, ...(input !== undefined ? { input } : {}), timeoutMs: 60_000 })

  it("provider add stores the base URL and the key; run chat streams and prints JSON", async () => {
    const added = await cli(
      ["provider", "add", c.id, "--type", c.type, "--base-url", `${server.url}${c.base}`, "--key-stdin"],
      `${key}\n`
    )
    expect(added.stderr).toBe("")
    expect(added.code).toBe(0)

    const usage = { input: 12, output: 7 }
    route(
      c.wire.chatRoute({ model: c.model, stream: true }),
      c.wire.textStream({ model: c.model, pieces: [`Hello from `, `${c.type} ✓`], usage, requestId: "req_e2e_stream" })
    )
    const streamed = await cli(["run", "chat", "--model", `${c.id}:${c.model}`, "--input", "hi"])
    expect(streamed.stderr).not.toContain("error:")
    expect(streamed.code).toBe(0)
    expect(streamed.stdout).toBe(`Hello from ${c.type} ✓`)
    const sent = server.requests.filter(
      (r) => r.path === c.wire.chatRoute({ model: c.model, stream: true }).path.replace("*", "")
    )
    const last = sent[sent.length - 1]
    const [authName] = c.wire.authHeader(key)
    expect(authName).toBe(c.authHeader)
    expect(JSON.stringify(last?.headers)).toContain(key)
    expect(last?.url).not.toContain(key)
    // The stream's usage record: its tokens and time to first token come from the chunks the
    // adapter shows the client as it makes them (each adapter opens its stream for the client).
    const logged = await cli(["usage", "log", "--limit", "1", "--json"])
    expect(logged.code).toBe(0)
    const [record] = JSON.parse(logged.stdout)
    expect(record).toMatchObject({
      provider: c.id,
      operation: "stream",
      status: "ok",
      inputTokens: 12,
      outputTokens: 7,
      ...(c.requestIds !== false ? { requestId: "req_e2e_stream" } : {})
    })
    expect(record.ttftMs).toBeGreaterThanOrEqual(0)

    route(
      c.wire.chatRoute({ model: c.model, stream: false }),
      c.wire.text({ model: c.model, text: `Whole answer from ${c.type}`, usage, requestId: "req_e2e_whole" })
    )
    const whole = await cli(["run", "chat", "--model", `${c.id}:${c.model}`, "--input", "hi", "--no-stream", "--json"])
    expect(whole.code).toBe(0)
    const out = JSON.parse(whole.stdout)
    expect(out.text).toBe(`Whole answer from ${c.type}`)
    expect(out.provider).toBe(c.id)
    expect(out.usage).toMatchObject({ inputTokens: 12, outputTokens: 7 })
    for (const text of [added.stdout, streamed.stderr, logged.stdout, whole.stdout, whole.stderr])
      expect(text).not.toContain(key)
  })

  it.skipIf(c.embeddingModel === undefined)("run embed returns one vector per input", async () => {
    const model = c.embeddingModel!
    const embedRoute = c.wire.embedRoute!({ model })
    route(
      embedRoute,
      c.wire.embeddings!({
        model,
        vectors: [
          [0.1, 0.2, 0.3],
          [0.4, 0.5, 0.6]
        ],
        inputTokens: 4
      })
    )
    const result = await cli([
      "run",
      "embed",
      "--model",
      `${c.id}:${model}`,
      "--input",
      "one",
      "--input",
      "two",
      "--json"
    ])
    expect(result.stderr).not.toContain("error:")
    expect(result.code).toBe(0)
    const out = JSON.parse(result.stdout)
    expect(out.embeddings).toEqual([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6]
    ])
  })

  it.skipIf(c.image === undefined)("run image writes the generated image", async () => {
    const image = c.image!
    server.route("POST", image.path, {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        created: 1_700_000_000,
        data: [{ b64_json: png.toString("base64"), revised_prompt: "a red dot" }]
      })
    })
    const out = Path.join(home, "out.png")
    const result = await cli(["run", "image", "--model", `${c.id}:${image.model}`, "--prompt", "a dot", "--out", out])
    expect(result.stderr).not.toContain("error:")
    expect(result.code).toBe(0)
    expect(Fs.readFileSync(out).equals(png)).toBe(true)
  })
})
