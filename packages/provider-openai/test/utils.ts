import * as AiuError from "@aiu/core/AiuError"
import type { AdapterConfig } from "@aiu/core/Provider"
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as OpenAiProvider from "../src/OpenAiProvider.js"

export const KEY = "test-api-key"

/** A fake server and an OpenAI adapter pointed at it (`/v1` like the real API). */
export const setup = (config?: Partial<AdapterConfig>) =>
  Effect.gen(function* () {
    const server = yield* FakeProviderServer.make()
    const provider = yield* OpenAiProvider.make({
      id: "openai",
      baseUrl: `${server.url}/v1`,
      apiKey: Redacted.make(KEY),
      ...config
    })
    return { server, provider }
  })

/** The failure of an effect, asserting it failed with an AiuError. */
export const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
    const e = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    if (!AiuError.isAiuError(e)) throw new Error(`expected an AiuError, got ${String(exit.cause)}`)
    return e
  })

/** Seeds for re-splitting recorded bodies: 0 = one byte per piece, the rest random cuts. */
export const SEEDS = [0, 1, 2, 3, 42, 1337] as const
