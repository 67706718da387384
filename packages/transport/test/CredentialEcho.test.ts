/**
 * A provider that echoes the request's key in an error body must not get it into our errors,
 * whatever the key looks like.
 */
import * as FakeProviderServer from "@aiu/testing/FakeProviderServer"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const secret = "plain-looking-credential-42"

describe("credential echo", () => {
  it.scoped("a key echoed in an error body is masked before any mapper sees it", () =>
    Effect.gen(function* () {
      const server = yield* FakeProviderServer.make()
      server.route("POST", "/v1/chat", {
        status: 401,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}.`, code: "invalid_api_key" } })
      })
      const transport = yield* HttpTransport.HttpTransport
      let seen = ""
      const error = yield* Effect.flip(
        transport.request(
          {
            provider: "openai",
            operation: "chat",
            url: `${server.url}/v1/chat`,
            headers: { authorization: `Bearer ${secret}`, "x-api-key": secret },
            body: {},
            mapError: (info) => {
              seen = info.body + JSON.stringify(info.json)
              return undefined
            }
          },
          Schema.Unknown
        )
      )
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.notInclude(error.message, secret)
      assert.include(error.message, "Incorrect API key provided")
      assert.notInclude(seen, secret)
    }).pipe(Effect.provide(NodeHttpTransport.layer()))
  )
})
