/**
 * Way 3's application code: a support-ticket triage that depends only on the `Aiu` tag, so tests
 * can run it over `@aiu/testing` layers (see test/support-bot.test.ts) and production over
 * `AiuLive.layer`.
 */
import * as Aiu from "@aiu/client/Aiu"
import type { AiuError } from "@aiu/core/AiuError"
import * as Message from "@aiu/core/Message"
import * as Effect from "effect/Effect"

export interface Triage {
  readonly reply: string
  readonly escalate: boolean
}

export const triage = (ticket: { readonly id: string; readonly customer: string; readonly text: string }) =>
  Effect.gen(function* () {
    const response = yield* Aiu.chat(
      {
        model: "support",
        messages: [
          Message.system("You triage support tickets. Start with ESCALATE if a human must answer."),
          Message.user(ticket.text)
        ],
        temperature: 0
      },
      { fallbacks: ["support-backup"], metadata: { feature: "triage", customer: ticket.customer, ticket: ticket.id } }
    )
    const escalate = response.text.startsWith("ESCALATE")
    return {
      reply: escalate ? response.text.slice("ESCALATE".length).trim() : response.text,
      escalate
    } satisfies Triage
  }) satisfies Effect.Effect<Triage, AiuError, Aiu.Aiu>
