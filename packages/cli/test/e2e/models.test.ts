/**
 * `aiu models list|refresh|show` end to end: the bundled CLI as a spawned process against the
 * fake OpenAI server on 127.0.0.1, with its SQLite database in a fresh AIU_HOME.
 */
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as OpenAi from "@aiu/testing/fake/openai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { runCli, tempHome } from "../utils/runCli.js"

/** Each run spawns the bundled CLI and opens a fresh SQLite database: allow for a loaded machine. */
const timeoutMs = 60_000

let server: FakeProviderServer.FakeServer
let home: string
const env = () => ({ OPENAI_API_KEY: "sk-test-0000", OPENAI_BASE_URL: `${server.url}/v1`, AIU_HOME: home })
const listings = () => server.requests.filter((r) => r.path === "/v1/models").length

beforeAll(async () => {
  server = await FakeProviderServer.start()
})
afterAll(() => server.close())
beforeEach(() => {
  server.reset()
  home = tempHome()
})

interface Row {
  readonly id: string
  readonly provider: string
  readonly model: string
  readonly kinds: ReadonlyArray<string>
  readonly contextWindow?: number
  readonly inputPricePerMTok?: number
  readonly outputPricePerMTok?: number
  readonly available?: boolean
}

describe("aiu models", { timeout: 300_000 }, () => {
  it("list --json: the live listing merged with catalog metadata, then served from the database", async () => {
    server.route("GET", "/v1/models", OpenAi.models(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "acme-ft-1"]))
    const first = await runCli(["models", "list", "--provider", "openai", "--json"], { env: env(), timeoutMs })
    expect(first.stderr).not.toContain("error:")
    expect(first.code).toBe(0)
    const rows = JSON.parse(first.stdout) as Array<Row>
    expect(rows.map((r) => r.id)).toEqual([
      "openai:acme-ft-1",
      "openai:gpt-4o",
      "openai:gpt-4o-mini",
      "openai:text-embedding-3-small"
    ])
    expect(rows[1]).toMatchObject({
      provider: "openai",
      model: "gpt-4o",
      kinds: ["chat"],
      contextWindow: 128000,
      maxOutputTokens: 16384,
      inputPricePerMTok: 2.5,
      outputPricePerMTok: 10
    })
    expect(rows[3]?.kinds).toEqual(["embedding"])
    expect(rows[0]?.inputPricePerMTok).toBeUndefined()
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test-0000")
    expect(listings()).toBe(1)

    // a second process reads the fresh listing from the database
    const second = await runCli(["models", "list", "--provider", "openai", "--kind", "embedding"], {
      env: env(),
      timeoutMs
    })
    expect(second.code).toBe(0)
    expect(second.stdout).toContain("openai:text-embedding-3-small")
    expect(second.stdout).not.toContain("openai:gpt-4o ")
    expect(listings()).toBe(1)

    // --refresh goes to the provider even though the stored listing is fresh
    const third = await runCli(["models", "list", "--provider", "openai", "--refresh", "--json"], {
      env: env(),
      timeoutMs
    })
    expect(third.code).toBe(0)
    expect(JSON.parse(third.stdout)).toHaveLength(4)
    expect(listings()).toBe(2)
  })

  it("refresh: one-line summary of added, removed and unchanged models", async () => {
    server.route("GET", "/v1/models", OpenAi.models(["gpt-4o", "gpt-4o-mini"]))
    // without --provider: every provider with a key (here only OPENAI_API_KEY is set)
    const first = await runCli(["models", "refresh"], { env: env(), timeoutMs })
    expect(first.code).toBe(0)
    expect(first.stdout).toBe("refreshed 1 of 1 provider: 2 added, 0 removed, 0 unchanged\n")
    server.route("GET", "/v1/models", OpenAi.models(["gpt-4o-mini", "o3"]))
    const second = await runCli(["models", "refresh", "--provider", "openai"], { env: env(), timeoutMs })
    expect(second.code).toBe(0)
    expect(second.stdout).toBe("refreshed 1 of 1 provider: 1 added, 1 removed, 1 unchanged\n")
    expect(second.stderr).toContain("openai: 2 models")
    expect(listings()).toBe(2)
    const listed = await runCli(["models", "list", "--provider", "openai", "--json"], { env: env(), timeoutMs })
    expect((JSON.parse(listed.stdout) as Array<Row>).map((r) => r.model)).toEqual(["gpt-4o-mini", "o3"])
    const all = await runCli(["models", "list", "--provider", "openai", "--all", "--json"], { env: env(), timeoutMs })
    const gone = (JSON.parse(all.stdout) as Array<Row>).find((r) => r.model === "gpt-4o")
    expect(gone?.available).toBe(false)
  })

  it("show: every known field, as text and as JSON", async () => {
    server.route("GET", "/v1/models", OpenAi.models(["gpt-4o-mini"]))
    const text = await runCli(["models", "show", "openai:gpt-4o-mini"], { env: env(), timeoutMs })
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("context window     128,000")
    expect(text.stdout).toMatch(/input\s+\$0\.15 \/ MTok/)
    expect(text.stdout).toMatch(/cached input\s+\$0\.075 \/ MTok/)
    const json = await runCli(["models", "show", "openai:gpt-4o-mini", "--json"], { env: env(), timeoutMs })
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: "openai:gpt-4o-mini",
      contextWindow: 128000,
      inputPricePerMTok: 0.15,
      outputPricePerMTok: 0.6,
      cachedInputPricePerMTok: 0.075,
      tools: true,
      available: true
    })
  })

  it("errors: unknown model (1), bad id (2), provider down with no data names the provider (1), no key (1)", async () => {
    server.route("GET", "/v1/models", OpenAi.models(["gpt-4o"]))
    const unknown = await runCli(["models", "show", "openai:gpt-4o-maxi"], { env: env(), timeoutMs })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(
      /^error: ModelNotFound: model 'openai:gpt-4o-maxi' is not listed by provider 'openai'/m
    )
    const bad = await runCli(["models", "show", "gpt-4o"], { env: env(), timeoutMs })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("error: InvalidModelId:")

    home = tempHome()
    server.route("GET", "/v1/models", OpenAi.error(503, "The server is overloaded", { type: "server_error" }))
    const down = await runCli(["models", "list", "--provider", "openai"], { env: env(), timeoutMs })
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/error: \w+: could not list the models of provider 'openai'/)

    const noKey = await runCli(["models", "refresh", "--provider", "openai"], {
      env: { OPENAI_BASE_URL: `${server.url}/v1`, AIU_HOME: home },
      timeoutMs
    })
    expect(noKey.code).toBe(1)
    expect(noKey.stderr).toContain("error: KeyNotFound:")
    expect(noKey.stderr).not.toContain("sk-")
  })
})
