/**
 * The Responses API path, replaying the OpenAI Responses recordings.
 */
import type * as Chat from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Recordings from "@aiu/testing/Recordings"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { failure, SEEDS, setup } from "./utils.js"

const getCapital: Chat.ToolDefinition = {
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

const viaResponses = { openai: { api: "responses" } } as const

it.layer(NodeHttpTransport.layer())("OpenAI Responses API", (it) => {
  describe("streamed function call and follow-up (pydantic-ai cassette, event: lines)", () => {
    const [call1, call2] = Recordings.loadVcr("openai/responses/pydantic-ai.test_openai_responses_stream.yaml")
    for (const seed of [undefined, ...SEEDS]) {
      it.scoped(`call, then text${seed === undefined ? "" : ` (seed ${seed})`}`, () =>
        Effect.gen(function* () {
          const { server, provider } = yield* setup()
          const opts = seed === undefined ? undefined : { seed }
          server.script("POST", "/v1/responses", [
            Recordings.toReply(call1!.response, opts),
            Recordings.toReply(call2!.response, opts)
          ])
          const request: Chat.ChatRequest = {
            model: "gpt-4o",
            messages: [{ role: "user", content: "What is the capital of France?" }],
            tools: [getCapital],
            toolChoice: "auto",
            providerOptions: viaResponses
          }
          const first = yield* StreamChunk.collect(provider.chatStream(request), "gpt-4o")
          assert.deepStrictEqual(first.toolCalls, [
            {
              type: "tool-call",
              id: "call_kL0PCQV7M2WMoVX8V8OtYSAL",
              name: "get_capital",
              arguments: '{"country":"France"}'
            }
          ])
          assert.strictEqual(first.finishReason, "tool-calls")
          assert.strictEqual(first.id, "resp_67e554a155508191900ee113293c4c830794405d35281ae2")
          assert.deepStrictEqual(first.usage, {
            inputTokens: 255,
            outputTokens: 16,
            totalTokens: 271,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          const sent = server.requests[0]!.json as Record<string, unknown>
          assert.deepStrictEqual(sent.input, [{ role: "user", content: "What is the capital of France?" }])
          assert.deepStrictEqual(sent.tools, (Recordings.json(call1!.request.body) as Record<string, unknown>).tools)
          assert.strictEqual(sent.stream, true)

          const second = yield* StreamChunk.collect(
            provider.chatStream({
              ...request,
              messages: [
                ...request.messages,
                { role: "assistant", content: first.toolCalls },
                {
                  role: "tool",
                  content: [{ type: "tool-result", toolCallId: first.toolCalls[0]!.id, content: "Paris" }]
                }
              ]
            }),
            "gpt-4o"
          )
          assert.strictEqual(second.text, "The capital of France is Paris.")
          assert.strictEqual(second.finishReason, "stop")
          assert.deepStrictEqual(second.usage, {
            inputTokens: 278,
            outputTokens: 9,
            totalTokens: 287,
            cachedInputTokens: 0,
            reasoningTokens: 0
          })
          const input = (server.requests[1]!.json as { input: Array<Record<string, unknown>> }).input
          assert.deepStrictEqual(input.slice(1), [
            {
              type: "function_call",
              call_id: "call_kL0PCQV7M2WMoVX8V8OtYSAL",
              name: "get_capital",
              arguments: '{"country":"France"}'
            },
            { type: "function_call_output", call_id: "call_kL0PCQV7M2WMoVX8V8OtYSAL", output: "Paris" }
          ])
        })
      )
    }
  })

  it.scoped("current-format text stream (vercel chunks.txt, framed with event: names)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup({ settings: { api: "responses" } })
      const body = Recordings.loadChunks("openai/responses/vercel.openai-pdf-input-file.1.chunks.txt", "named")
      server.route("POST", "/v1/responses", Recordings.bodyReply(body, "text/event-stream", { seed: 5 }))
      const response = yield* StreamChunk.collect(
        provider.chatStream({ model: "gpt-4.1-nano", messages: [{ role: "user", content: "What is in the PDF?" }] }),
        "gpt-4.1-nano"
      )
      assert.strictEqual(response.text, "Dummy PDF file")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.model, "gpt-4.1-nano-2025-04-14")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 44,
        outputTokens: 4,
        totalTokens: 48,
        cachedInputTokens: 0,
        reasoningTokens: 0
      })
    })
  )

  it.scoped("error inside a 200 stream → QuotaExceeded (vercel openai-error chunks)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      const body = Recordings.loadChunks("openai/responses/vercel.openai-error.1.chunks.txt", "named")
      server.route("POST", "/v1/responses", Recordings.bodyReply(body, "text/event-stream"))
      const error = yield* failure(
        Stream.runDrain(
          provider.chatStream({
            model: "gpt-5-nano",
            messages: [{ role: "user", content: "hi" }],
            providerOptions: viaResponses
          })
        )
      )
      assert.strictEqual(error._tag, "QuotaExceeded")
      assert.include(error.message, "exceeded your current quota")
    })
  )

  it.scoped("non-streaming Responses object (vercel json)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/responses",
        Recordings.bodyReply(
          Recordings.read("openai/responses/vercel.openai-pdf-input-file.1.json"),
          "application/json"
        )
      )
      const response = yield* provider.chat({
        model: "gpt-4.1-nano",
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in the PDF?" },
              { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "dummy.pdf" }
            ]
          }
        ],
        maxOutputTokens: 100,
        responseFormat: { type: "json-schema", name: "x", schema: { type: "object" } },
        providerOptions: viaResponses
      })
      assert.strictEqual(response.text, "Dummy PDF file")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.id, "resp_048edf44633e41ae0069d4fe9fabf48194957da2d8582b1c4a")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 44,
        outputTokens: 4,
        totalTokens: 48,
        cachedInputTokens: 0,
        reasoningTokens: 0
      })
      const sent = server.requests[0]!.json as Record<string, unknown>
      assert.deepStrictEqual(sent.input, [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is in the PDF?" },
            { type: "input_file", filename: "dummy.pdf", file_data: "data:application/pdf;base64,JVBERi0=" }
          ]
        }
      ])
      assert.strictEqual(sent.max_output_tokens, 100)
      assert.deepStrictEqual(sent.text, {
        format: { type: "json_schema", name: "x", schema: { type: "object" }, strict: true }
      })
    })
  )

  it.scoped("429 insufficient_quota body → QuotaExceeded (vercel openai-error.1.json)", () =>
    Effect.gen(function* () {
      const { server, provider } = yield* setup()
      server.route(
        "POST",
        "/v1/responses",
        Recordings.bodyReply(Recordings.read("openai/responses/vercel.openai-error.1.json"), "application/json", {
          status: 429
        })
      )
      const error = yield* failure(
        provider.chat(
          { model: "gpt-5-nano", messages: [{ role: "user", content: "hi" }], providerOptions: viaResponses },
          { retry: { maxRetries: 0 } }
        )
      )
      assert.strictEqual(error._tag, "QuotaExceeded")
    })
  )
})
