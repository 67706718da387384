/**
 * Every OpenAI recording in @aiu/testing/fixtures replayed through the fake server byte for byte
 * (whole and re-split at random points), decoding to the exact text, tool calls, finish reason and
 * usage it contains; where the recorded request body is exact, the adapter must send the same JSON.
 */
import type * as Chat from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { failure, KEY, SEEDS, setup } from "./utils.js"

const json = (path: string) => JSON.parse(Recordings.text(Recordings.read(path))) as unknown

const getCapital = {
  name: "get_capital",
  description: "",
  parameters: {
    additionalProperties: false,
    properties: { country: { type: "string" } },
    required: ["country"],
    type: "object"
  },
  strict: true
}

it.layer(NodeHttpTransport.layer())("OpenAI recordings", (it) => {
  describe("chat completions stream (langchaingo httprr)", () => {
    const [exchange] = Recordings.loadHttprr("openai/chat/langchaingo.TestClient_CreateChatCompletionStream.httprr")
    const recorded = Recordings.json(exchange!.request.body)

    for (const seed of [undefined, ...SEEDS]) {
      it.scoped(`decodes text, usage and finish${seed === undefined ? "" : ` (re-split, seed ${seed})`}`, () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup()
          server.route(
            "POST",
            "/v1/chat/completions",
            Recordings.toReply(exchange!.response, seed === undefined ? undefined : { seed })
          )
          const chunks = yield* Stream.runCollect(
            provider.chatStream({
              model: "gpt-3.5-turbo",
              messages: [{ role: "user", content: "Count from 1 to 5" }],
              maxOutputTokens: 50,
              temperature: 0
            })
          )
          const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), "gpt-3.5-turbo")
          assert.strictEqual(response.text, "1, 2, 3, 4, 5")
          assert.strictEqual(response.finishReason, "stop")
          assert.strictEqual(response.rawFinishReason, "stop")
          assert.deepStrictEqual(response.usage, {
            inputTokens: 14,
            outputTokens: 13,
            totalTokens: 27,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          assert.strictEqual(response.id, "chatcmpl-C6bjxzOr3Oz1rTiafksd6himIit3q")
          assert.strictEqual(response.model, "gpt-3.5-turbo-0125")
          assert.strictEqual(response.requestId, "req_87b8e5a94cce414688e29d59b127eb67")
          // the request is the recorded one, field for field
          const sent = server.requests[0]!
          assert.deepStrictEqual(sent.json, recorded)
          assert.strictEqual(sent.headers.authorization, `Bearer ${KEY}`)
          assert.match(sent.headers["content-type"] ?? "", /^application\/json/)
          assert.strictEqual(sent.headers.accept, "text/event-stream")
          // the last chunk is the finish, with the usage
          const last = [...chunks].at(-1)
          assert.strictEqual(last?.type, "finish")
        })
      )
    }
  })

  describe("streamed tool call and follow-up (pydantic-ai cassette)", () => {
    const [call1, call2] = Recordings.loadVcr("openai/chat/pydantic-ai.test_run_stream_sync_streams_real_model.yaml")
    const request: Chat.ChatRequest = {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the capital of the UK? Use the tool, then answer." }],
      tools: [getCapital],
      toolChoice: "auto"
    }

    for (const seed of [undefined, ...SEEDS]) {
      it.scoped(`assembles the tool call, sends the result back${seed === undefined ? "" : ` (seed ${seed})`}`, () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup()
          const opts = seed === undefined ? undefined : { seed }
          server.script("POST", "/v1/chat/completions", [
            Recordings.toReply(call1!.response, opts),
            Recordings.toReply(call2!.response, opts)
          ])
          const chunks = [...(yield* Stream.runCollect(provider.chatStream(request)))]
          const first = yield* StreamChunk.collect(Stream.fromIterable(chunks), request.model)
          assert.deepStrictEqual(first.toolCalls, [
            {
              type: "tool-call",
              id: "call_ZR5UUuTt3pf61kjwAJIYdVMj",
              name: "get_capital",
              arguments: '{"country":"UK"}'
            }
          ])
          assert.strictEqual(first.finishReason, "tool-calls")
          assert.strictEqual(first.text, "")
          assert.deepStrictEqual(first.usage, {
            inputTokens: 53,
            outputTokens: 15,
            totalTokens: 68,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          // start, deltas and end all name the same call
          const types = chunks.map((c) => c.type).filter((t) => t.startsWith("tool-call"))
          assert.strictEqual(types[0], "tool-call-start")
          assert.strictEqual(types.at(-1), "tool-call-end")
          assert.strictEqual(types.filter((t) => t === "tool-call-delta").length, 5)
          assert.deepStrictEqual(server.requests[0]!.json, Recordings.json(call1!.request.body))

          const second = yield* StreamChunk.collect(
            provider.chatStream({
              ...request,
              messages: [
                ...request.messages,
                { role: "assistant", content: first.toolCalls },
                {
                  role: "tool",
                  content: [{ type: "tool-result", toolCallId: first.toolCalls[0]!.id, content: "London" }]
                }
              ]
            }),
            request.model
          )
          assert.strictEqual(second.text, "The capital of the UK is London.")
          assert.strictEqual(second.finishReason, "stop")
          assert.deepStrictEqual(second.usage, {
            inputTokens: 78,
            outputTokens: 9,
            totalTokens: 87,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          // the cassette's body is a YAML re-rendering: structurally exact
          assert.deepStrictEqual(server.requests[1]!.json, Recordings.json(call2!.request.body))
        })
      )
    }
  })

  it.scoped("non-streaming tool call (langchaingo TestFunctionCall)", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("openai/chat/langchaingo.TestFunctionCall.httprr")
      const { server, provider } = yield* setup()
      server.route("POST", "/v1/chat/completions", Recordings.toReply(exchange!.response))
      const response = yield* provider.chat({
        model: "gpt-3.5-turbo",
        messages: [{ role: "user", content: "What is the weather like in Boston?" }],
        tools: [
          {
            name: "getCurrentWeather",
            description: "Get the current weather in a given location",
            parameters: {
              type: "object",
              properties: {
                location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
                unit: { type: "string", enum: ["celsius", "fahrenheit"] }
              },
              required: ["location"]
            }
          }
        ],
        temperature: 0
      })
      assert.deepStrictEqual(response.toolCalls, [
        {
          type: "tool-call",
          id: "call_olc8qHf1RDItRqwuEBNjsu3B",
          name: "getCurrentWeather",
          arguments: '{"location":"Boston"}'
        }
      ])
      assert.strictEqual(response.text, "")
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual(response.rawFinishReason, "tool_calls")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 81,
        outputTokens: 14,
        totalTokens: 95,
        cachedInputTokens: 0,
        reasoningTokens: 0
      })
      assert.strictEqual(response.requestId, "req_b0e29abccfdc4d798f989feba1d6262b")
      assert.deepStrictEqual(server.requests[0]!.json, Recordings.json(exchange!.request.body))
    })
  )

  it.scoped("non-streaming text with full usage (vercel openai-text.json)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const body = Recordings.read("openai/chat/vercel.openai-text.json")
      server.route("POST", "/v1/chat/completions", Recordings.bodyReply(body, "application/json"))
      const response = yield* provider.chat({
        model: "gpt-4.1-nano",
        messages: [{ role: "user", content: "Invent a holiday" }]
      })
      const wire = json("openai/chat/vercel.openai-text.json") as {
        choices: Array<{ message: { content: string } }>
      }
      assert.strictEqual(response.text, wire.choices[0]!.message.content)
      assert.isTrue(response.text.includes("darkness\u2014mirroring"))
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.model, "gpt-4.1-nano-2025-04-14")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 16,
        outputTokens: 363,
        totalTokens: 379,
        cachedInputTokens: 0,
        reasoningTokens: 0
      })
    })
  )

  it.scoped("400 unsupported_parameter → InvalidRequest naming the parameter", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/chat/completions",
        Recordings.bodyReply(
          Recordings.read("openai/chat/vercel.reasoning-model-legacy-parameter-error.json"),
          "application/json",
          {
            status: 400,
            headers: { "x-request-id": "req_err_1" }
          }
        )
      )
      const error = yield* failure(provider.chat({ model: "o3-mini", messages: [{ role: "user", content: "hi" }] }))
      assert.strictEqual(error._tag, "InvalidRequest")
      if (error._tag !== "InvalidRequest") return
      assert.strictEqual(error.param, "max_tokens")
      assert.strictEqual(error.status, 400)
      assert.strictEqual(error.requestId, "req_err_1")
      assert.include(error.message, "max_completion_tokens")
    })
  )
})
