import * as Redaction from "@aiu/core/Redaction"
import { assert, describe, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"

// Key-shaped fakes, written in two pieces so secret scanners do not flag the repository.
const openaiKey = "sk-proj-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
const anthropicKey = "sk-ant-api03-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
const googleKey = "AIza" + "SyAbCdEfGhIjKlMnOpQrStUvWxYz012345678"

describe("Redaction", () => {
  it("masks credential headers, whatever their case", () => {
    const out = Redaction.redactHeaders({
      Authorization: `Bearer ${openaiKey}`,
      "x-api-key": anthropicKey,
      "X-Goog-Api-Key": googleKey,
      "api-key": "azure-secret",
      "content-type": "application/json"
    })
    assert.deepStrictEqual(out, {
      Authorization: "<redacted>",
      "x-api-key": "<redacted>",
      "X-Goog-Api-Key": "<redacted>",
      "api-key": "<redacted>",
      "content-type": "application/json"
    })
  })

  it("masks key query parameters and URL passwords", () => {
    assert.strictEqual(
      Redaction.redactUrl("https://x.test/v1beta/models?key=SECRET123&alt=sse"),
      "https://x.test/v1beta/models?key=<redacted>&alt=sse"
    )
    assert.strictEqual(
      Redaction.redactUrl("postgres://user:hunter2@127.0.0.1:5432/db"),
      "postgres://user:<redacted>@127.0.0.1:5432/db"
    )
  })

  it("masks key-shaped strings in free text but keeps model and request ids", () => {
    const text = `bad key ${openaiKey} and ${anthropicKey} and ${googleKey}; model gpt-4o-mini-2024-07-18 req_123abc`
    const out = Redaction.redactString(text)
    for (const k of [openaiKey, anthropicKey, googleKey]) assert.notInclude(out, k)
    assert.include(out, "gpt-4o-mini-2024-07-18")
    assert.include(out, "req_123abc")
    assert.strictEqual(
      Redaction.redactString(`Authorization: Bearer abc.def-ghi_jkl`),
      "Authorization: Bearer <redacted>"
    )
  })

  it("masks known secrets and their base64 form", () => {
    const secret = "plain-looking-secret"
    const out = Redaction.redactKnown(`a ${secret} b ${btoa(secret)}`, [Redacted.make(secret)])
    assert.notInclude(out, secret)
    assert.notInclude(out, btoa(secret))
  })

  it("redactDeep masks Redacted values, secret-named fields and key shapes", () => {
    const out = Redaction.redactDeep({
      apiKey: "whatever",
      nested: { token: "t", value: Redacted.make("s"), note: `key ${openaiKey}` },
      list: [openaiKey]
    })
    assert.deepStrictEqual(out, {
      apiKey: "<redacted>",
      nested: { token: "<redacted>", value: "<redacted>", note: "key <redacted>" },
      list: ["<redacted>"]
    })
  })
})
