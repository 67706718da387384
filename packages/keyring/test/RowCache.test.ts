import * as Keyring from "@aiu/keyring/Keyring"
import * as MasterKey from "@aiu/keyring/MasterKey"
import * as ApiKeyRepository from "@aiu/storage/ApiKeyRepository"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const master = Redacted.make(new Uint8Array(32).fill(5))

describe("Keyring row cache", () => {
  it.effect("another process's revocation shows after the TTL; this keyring's writes at once", () =>
    Effect.gen(function* () {
      const repo = ApiKeyRepository.makeMemory()
      const deps = Layer.merge(Layer.succeed(ApiKeyRepository.ApiKeyRepository, repo), MasterKey.layerKey(master))
      const here = yield* Effect.provide(Keyring.makeWith({ cacheTtl: "1 second" }), deps)
      const there = yield* Effect.provide(Keyring.makeWith({ cacheTtl: 0 }), deps)
      yield* here.save("openai", Redacted.make("k-1"))
      assert.strictEqual(Redacted.value(yield* here.get("openai")), "k-1")
      yield* there.revoke("openai")
      // Still the cached sealed row: within the TTL.
      assert.strictEqual(Redacted.value(yield* here.get("openai")), "k-1")
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Effect.flip(here.get("openai")))._tag, "KeyNotFound")
      yield* here.save("openai", Redacted.make("k-2"))
      assert.strictEqual(Redacted.value(yield* here.get("openai")), "k-2")
      yield* here.rotate("openai", Redacted.make("k-3"))
      assert.strictEqual(Redacted.value(yield* here.get("openai")), "k-3")
      yield* here.revoke("openai")
      assert.strictEqual((yield* Effect.flip(here.get("openai")))._tag, "KeyNotFound")
    })
  )
})
