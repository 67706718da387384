/**
 * `aiu provider`, `aiu keys` and `aiu usage` end to end: the bundled CLI spawned as a process
 * against a fresh AIU_HOME (SQLite database and master.key created on first use). No key may
 * appear in any output, in the database files (including -wal) or in the export bundle.
 */
import * as Database from "@aiu/storage/Database"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import { type CliResult, runCli, tempHome } from "../utils/runCli.js"

const secrets = [
  "gsk_e2eSecretGroqKey000000000000000001",
  "sk-proj-e2eSecretOpenAiKey0000000001",
  "sk-proj-e2eSecretOpenAiKey0000000002",
  "sk-ant-e2eSecretAnthropicKey00000001"
]
const encodings = secrets.flatMap((s) => [s, Buffer.from(s).toString("base64"), Buffer.from(s).toString("hex")])

const outputs: Array<CliResult> = []
const cli = async (home: string, args: ReadonlyArray<string>, input?: string, env: Record<string, string> = {}) => {
  const result = await runCli(args, {
    env: { AIU_HOME: home, ...env },
    ...(input !== undefined ? { input } : {}),
    timeoutMs: 60_000
  })
  outputs.push(result)
  return result
}

const expectNoSecrets = (text: string, where: string) => {
  for (const e of encodings) expect(text.includes(e), `${where} contains a secret`).toBe(false)
}

describe("aiu provider and aiu keys", () => {
  it("register providers, store, rotate, revoke, export and import keys; never print or store a key", async () => {
    const home = tempHome()
    const groq = await cli(
      home,
      [
        "provider",
        "add",
        "groq",
        "--type",
        "openai-compatible",
        "--base-url",
        "https://api.groq.com/openai/v1",
        "--rpm",
        "30",
        "--key-stdin"
      ],
      `${secrets[0]}\n`
    )
    expect(groq.stderr).toBe("")
    expect(groq.code).toBe(0)
    expect(groq.stdout).toContain("added provider groq (openai-compatible)")
    expect(groq.stdout).toMatch(/stored key groq\/default \(version 1, fingerprint [0-9a-f]{16}\)/)
    expect(Fs.statSync(Path.join(home, "master.key")).mode & 0o777).toBe(0o600)

    expect((await cli(home, ["provider", "add", "openai", "--key", secrets[1]!])).code).toBe(0)
    const custom = await cli(home, ["provider", "add", "my-llm"])
    expect(custom.code).toBe(2)
    expect(custom.stderr).toMatch(/^error: UsageError: 'my-llm' is not a built-in type/)
    expect((await cli(home, ["provider", "add", "openai", "--key", "x", "--key-stdin"], "y")).code).toBe(2)

    const providers = JSON.parse((await cli(home, ["provider", "list", "--json"])).stdout)
    expect(providers).toEqual([
      expect.objectContaining({
        id: "groq",
        type: "openai-compatible",
        baseUrl: "https://api.groq.com/openai/v1",
        rpm: 30,
        tpm: null,
        activeKeys: 1
      }),
      expect.objectContaining({ id: "openai", type: "openai", baseUrl: null, activeKeys: 1 })
    ])
    const pretty = await cli(home, ["provider", "list"])
    expect(pretty.stdout.split("\n")[0]).toMatch(/^ID\s+TYPE\s+BASE URL\s+RPM\s+TPM\s+ACTIVE KEYS$/)

    expect((await cli(home, ["keys", "add", "anthropic", "--key-stdin", "--alias", "ci"], secrets[3])).code).toBe(0)
    const missingKey = await cli(home, ["keys", "add", "anthropic"])
    expect(missingKey.code).toBe(2)
    expect(missingKey.stderr).toContain("error: UsageError: the key is missing")

    const rotated = await cli(home, ["keys", "rotate", "openai", "--key-stdin"], secrets[2])
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toMatch(/rotated to key openai\/default \(version 2/)
    const keys = JSON.parse((await cli(home, ["keys", "list", "--json"])).stdout) as Array<Record<string, unknown>>
    expect(keys.map((k) => [k.provider, k.alias, k.version, k.status])).toEqual([
      ["anthropic", "ci", 1, "active"],
      ["groq", "default", 1, "active"],
      ["openai", "default", 1, "revoked"],
      ["openai", "default", 2, "active"]
    ])
    expect(keys[2]!.rotatedAt).not.toBeNull()
    for (const k of keys) expect(k.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect((await cli(home, ["keys", "list"])).stdout).toMatch(
      /^PROVIDER\s+ALIAS\s+VERSION\s+STATUS\s+CREATED\s+ROTATED\s+FINGERPRINT\n/
    )

    const bundle = Path.join(home, "keys.bundle")
    const exported = await cli(home, ["keys", "export", "--out", bundle])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toContain("exported 3 active keys")
    expect(Fs.statSync(bundle).mode & 0o777).toBe(0o600)

    expect((await cli(home, ["keys", "revoke", "anthropic", "--alias", "ci"])).code).toBe(0)
    const again = await cli(home, ["keys", "revoke", "anthropic", "--alias", "ci"])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error: KeyNotFound: no active key for anthropic \(alias ci\)/)

    const truncated = Path.join(home, "truncated.bundle")
    Fs.writeFileSync(truncated, Fs.readFileSync(bundle, "utf8").slice(0, 120))
    const bad = await cli(home, ["keys", "import", truncated])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(
      /^error: DecryptionFailed: key bundle: not valid JSON \(truncated\?\); nothing was imported/
    )

    const imported = await cli(home, ["keys", "import", bundle])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain("imported 3 keys")
    const afterImport = JSON.parse((await cli(home, ["keys", "list", "--json"])).stdout) as Array<
      Record<string, unknown>
    >
    expect(
      afterImport
        .filter((k) => k.status === "active")
        .map((k) => `${k.provider}/${k.alias}`)
        .sort()
    ).toEqual(["anthropic/ci", "groq/default", "openai/default"])

    const locked = await cli(home, ["keys", "export", "--out", Path.join(home, "x")], undefined, {
      AIU_MASTER_KEY: Buffer.alloc(32, 3).toString("base64")
    })
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(/^error: KeyringLocked: /)

    expect((await cli(home, ["provider", "remove", "groq"])).code).toBe(0)
    expect(
      JSON.parse((await cli(home, ["provider", "list", "--json"])).stdout).map((p: { id: string }) => p.id)
    ).toEqual(["openai"])
    const gone = await cli(home, ["provider", "remove", "groq"])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toMatch(/^error: ProviderNotFound: /)

    for (const r of outputs) {
      expectNoSecrets(r.stdout, "stdout")
      expectNoSecrets(r.stderr, "stderr")
    }
    for (const f of Fs.readdirSync(home)) {
      expectNoSecrets(Fs.readFileSync(Path.join(home, f)).toString("latin1"), f)
    }
  }, 240_000)
})

describe("aiu usage", () => {
  it("aggregates and logs the recorded requests", async () => {
    const home = tempHome()
    const base = Date.UTC(2026, 10, 20, 12)
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const ctx = yield* Layer.build(
            UsageStore.layer.pipe(Layer.provide(Database.layerSqlite({ filename: Path.join(home, "aiu.db") })))
          )
          const store = ctx.unsafeMap.get(UsageStore.UsageStore.key) as UsageStore.Service
          for (let i = 0; i < 10; i++) {
            yield* store.append({
              id: `req-${i}`,
              time: new Date(base + i * 3_600_000 * 6),
              operation: "chat",
              provider: i < 6 ? "openai" : "anthropic",
              model: i < 6 ? "gpt-4o-mini" : "claude-sonnet-4-5",
              keyAlias: "default",
              status: i === 3 ? "error" : "ok",
              ...(i === 3 ? { errorTag: "RateLimited" } : {}),
              inputTokens: 100,
              outputTokens: 10,
              cachedInputTokens: 0,
              reasoningTokens: 0,
              latencyMs: (i + 1) * 100,
              costUsd: 0.001,
              requestId: `req_${i}`,
              attempts: 1,
              metadata: {}
            })
          }
        })
      )
    )
    const byProvider = await cli(home, ["usage", "--json"])
    expect(byProvider.code).toBe(0)
    const rows = JSON.parse(byProvider.stdout) as Array<Record<string, number | string>>
    expect(rows.map((r) => ({ ...r, costUsd: Math.round((r.costUsd as number) * 1e6) }))).toEqual([
      {
        provider: "anthropic",
        requests: 4,
        errors: 0,
        inputTokens: 400,
        outputTokens: 40,
        costUsd: 4000,
        p50LatencyMs: 800,
        p95LatencyMs: 1000
      },
      {
        provider: "openai",
        requests: 6,
        errors: 1,
        inputTokens: 600,
        outputTokens: 60,
        costUsd: 6000,
        p50LatencyMs: 300,
        p95LatencyMs: 600
      }
    ])
    const byDay = JSON.parse((await cli(home, ["usage", "--by", "day", "--since", "2026-11-21", "--json"])).stdout)
    expect(byDay.map((r: { day: string; requests: number }) => [r.day, r.requests])).toEqual([
      ["2026-11-21", 4],
      ["2026-11-22", 4]
    ])
    const byModel = await cli(home, ["usage", "--by", "model"])
    expect(byModel.stdout.split("\n")[0]).toMatch(
      /^PROVIDER\s+MODEL\s+REQUESTS\s+ERRORS\s+IN TOKENS\s+OUT TOKENS\s+COST\s+P50\s+P95$/
    )
    expect(byModel.stdout).toContain("claude-sonnet-4-5")
    const badSince = await cli(home, ["usage", "--since", "last tuesday"])
    expect(badSince.code).toBe(2)
    expect(badSince.stderr).toContain("error: UsageError: --since 'last tuesday'")
    const badBy = await cli(home, ["usage", "--by", "week"])
    expect(badBy.code).toBe(2)

    const log = JSON.parse((await cli(home, ["usage", "log", "--limit", "2", "--json"])).stdout)
    expect(log.map((r: { id: string }) => r.id)).toEqual(["req-9", "req-8"])
    expect(log[0]).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      status: "ok",
      time: "2026-11-22T18:00:00.000Z"
    })
    const pretty = await cli(home, ["usage", "log"])
    expect(pretty.stdout.split("\n")[0]).toMatch(/^TIME\s+OPERATION\s+MODEL/)
    expect(pretty.stdout).toContain("error RateLimited")
  }, 120_000)
})
