import { ProviderOverloaded } from "@aiu/core/AiuError"
import type { ChatRequest } from "@aiu/core/Chat"
import * as UsageStore from "@aiu/storage/UsageStore"
import * as TestLayers from "@aiu/testing/TestLayers"
import * as TestProvider from "@aiu/testing/TestProvider"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { triage } from "../src/support-bot.js"

const aiu = { aliases: { support: "primary:test-model", "support-backup": "backup:test-model" } }
const ticket = { id: "T-1", customer: "acme", text: "The invoice total is wrong." }

describe("example 3: application code tested over @aiu/testing layers", () => {
  it.effect("answers a ticket and logs usage tagged with the ticket", () => {
    const primary = TestProvider.make({ id: "primary", replies: [TestProvider.text("We fixed your invoice.")] })
    return Effect.gen(function* () {
      const result = yield* triage(ticket)
      assert.deepStrictEqual(result, { reply: "We fixed your invoice.", escalate: false })
      const sent = primary.calls[0]!.request as ChatRequest
      assert.strictEqual(sent.temperature, 0)
      assert.deepStrictEqual(sent.messages[1], { role: "user", content: ticket.text })
      const [record] = yield* Effect.flatMap(UsageStore.UsageStore, (s) => s.recent(1))
      assert.deepStrictEqual(record!.metadata, { feature: "triage", customer: "acme", ticket: "T-1" })
    }).pipe(Effect.provide(TestLayers.layer({ providers: [primary, TestProvider.make({ id: "backup" })], aiu })))
  })

  it.effect("escalates, and survives the primary model being overloaded", () => {
    const primary = TestProvider.make({
      id: "primary",
      replies: [TestProvider.fail(new ProviderOverloaded({ message: "overloaded", provider: "primary" }))]
    })
    const backup = TestProvider.make({ id: "backup", replies: [TestProvider.text("ESCALATE legal question")] })
    return Effect.gen(function* () {
      const result = yield* triage(ticket)
      assert.deepStrictEqual(result, { reply: "legal question", escalate: true })
      assert.strictEqual(backup.calls.length, 1)
    }).pipe(Effect.provide(TestLayers.layer({ providers: [primary, backup], aiu })))
  })
})
