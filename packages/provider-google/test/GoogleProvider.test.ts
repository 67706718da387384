import type * as AiuError from "@aiu/core/AiuError"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Google from "@aiu/testing/fake/google"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as GoogleProvider from "../src/GoogleProvider.js"
import { once, setup } from "./utils/harness.js"

const generate = (model = "gemini-2.5-flash") => `/v1beta/models/${model}:generateContent`
const streamGenerate = (model = "gemini-2.5-flash") => `/v1beta/models/${model}:streamGenerateContent`

const weather = {
  name: "weather",
  description: "Weather by city",
  parameters: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: { location: { type: "string" }, unit: { type: ["string", "null"], enum: ["c", "f", null] } },
    required: ["location"],
    additionalProperties: false
  }
}

const failureOf = <A>(exit: Exit.Exit<A, AiuError.ProviderFailure>): AiuError.ProviderFailure => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

describe("GoogleProvider", () => {
  it.live("chat: x-goog-api-key header (never ?key=), systemInstruction, model role, generationConfig", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        generate(),
        Google.response({
          parts: [{ text: "Bonjour !" }],
          usage: { promptTokenCount: 20, candidatesTokenCount: 4, cachedContentTokenCount: 6 }
        })
      )
      const response = yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [
          { role: "system", content: "Answer in French." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Bonjour." },
          { role: "user", content: [{ type: "text", text: "Again" }] }
        ],
        temperature: 0.3,
        topP: 0.8,
        topK: 5,
        maxOutputTokens: 20,
        stop: ["END"],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2
      })
      assert.strictEqual(response.text, "Bonjour !")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.id, "fakeResponse0001")
      // No request-id header from Gemini: the responseId stands in for it.
      assert.strictEqual(response.requestId, "fakeResponse0001")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 20,
        outputTokens: 4,
        totalTokens: 24,
        cachedInputTokens: 6
      })
      const sent = server.requests[0]!
      assert.strictEqual(sent.url, generate())
      assert.strictEqual(sent.headers["x-goog-api-key"], "test-gemini-key")
      assert.notInclude(sent.url, "key=")
      assert.deepStrictEqual(sent.json, {
        contents: [
          { role: "user", parts: [{ text: "Hello" }] },
          { role: "model", parts: [{ text: "Bonjour." }] },
          { role: "user", parts: [{ text: "Again" }] }
        ],
        systemInstruction: { parts: [{ text: "Answer in French." }] },
        generationConfig: {
          temperature: 0.3,
          topP: 0.8,
          topK: 5,
          maxOutputTokens: 20,
          stopSequences: ["END"],
          seed: 7,
          presencePenalty: 0.1,
          frequencyPenalty: 0.2
        }
      })
    }).pipe(Effect.scoped)
  )

  it.live("image and file input: data: URL and base64 → inlineData, URLs → fileData", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", generate(), Google.response({ parts: [{ text: "a cat" }] }))
      yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", url: "data:image/jpeg;base64,/9j/AAAA" },
              { type: "image", data: "iVBORw0KGgo=" },
              {
                type: "image",
                url: "https://generativelanguage.googleapis.com/v1beta/files/abc",
                mediaType: "image/png"
              },
              { type: "file", mediaType: "application/pdf", data: "JVBERi0=" }
            ]
          }
        ]
      })
      assert.deepStrictEqual((server.requests[0]!.json as { contents: Array<{ parts: unknown }> }).contents[0]!.parts, [
        { text: "What is this?" },
        { inlineData: { mimeType: "image/jpeg", data: "/9j/AAAA" } },
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
        { fileData: { mimeType: "image/png", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
        { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }
      ])
    }).pipe(Effect.scoped)
  )

  it.live("tools: OpenAPI-subset parameters, function-calling modes, parallel calls, results by name", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        generate(),
        Google.response({
          parts: [
            { functionCall: { name: "weather", args: { location: "Paris" } } },
            { functionCall: { name: "weather", args: { location: "Oslo" } } }
          ],
          responseId: "resp9"
        })
      )
      const response = yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "Weather in Paris and Oslo?" }],
        tools: [weather],
        toolChoice: "auto"
      })
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual(response.rawFinishReason, "STOP")
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "aiu_call_resp9_0", name: "weather", arguments: '{"location":"Paris"}' },
        { type: "tool-call", id: "aiu_call_resp9_1", name: "weather", arguments: '{"location":"Oslo"}' }
      ])
      const first = server.requests[0]!.json as Record<string, unknown>
      assert.deepStrictEqual(first.tools, [
        {
          functionDeclarations: [
            {
              name: "weather",
              description: "Weather by city",
              parameters: {
                type: "object",
                properties: {
                  location: { type: "string" },
                  unit: { nullable: true, type: "string", enum: ["c", "f"] }
                },
                required: ["location"]
              }
            }
          ]
        }
      ])
      assert.deepStrictEqual(first.toolConfig, { functionCallingConfig: { mode: "AUTO" } })

      yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [
          { role: "user", content: "Weather in Paris and Oslo?" },
          { role: "assistant", content: response.content },
          {
            role: "tool",
            content: [
              { type: "tool-result", toolCallId: "aiu_call_resp9_0", content: '{"temp":18}' },
              { type: "tool-result", toolCallId: "aiu_call_resp9_1", content: "cold", isError: true }
            ]
          }
        ],
        tools: [weather],
        toolChoice: { type: "tool", name: "weather" }
      })
      const second = server.requests[1]!.json as Record<string, unknown>
      assert.deepStrictEqual(second.contents, [
        { role: "user", parts: [{ text: "Weather in Paris and Oslo?" }] },
        {
          role: "model",
          parts: [
            { functionCall: { name: "weather", args: { location: "Paris" } } },
            { functionCall: { name: "weather", args: { location: "Oslo" } } }
          ]
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "weather", response: { temp: 18 } } },
            { functionResponse: { name: "weather", response: { error: "cold" } } }
          ]
        }
      ])
      assert.deepStrictEqual(second.toolConfig, {
        functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] }
      })
      for (const [choice, mode] of [
        ["none", "NONE"],
        ["required", "ANY"]
      ] as const) {
        server.reset()
        server.route("POST", generate(), Google.response({ parts: [{ text: "ok" }] }))
        yield* provider.chat({
          model: "gemini-2.5-flash",
          messages: [{ role: "user", content: "x" }],
          tools: [weather],
          toolChoice: choice
        })
        assert.deepStrictEqual((server.requests[0]!.json as Record<string, unknown>).toolConfig, {
          functionCallingConfig: { mode }
        })
      }
    }).pipe(Effect.scoped)
  )

  it.live("structured output: responseMimeType + responseSchema (OpenAPI subset) by default; JSON mode", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", generate(), Google.response({ parts: [{ text: '{"city":"Paris"}' }] }))
      const response = yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: {
          type: "json-schema",
          name: "answer",
          schema: {
            type: "object",
            properties: { city: { type: "string", const: "Paris" } },
            required: ["city"],
            additionalProperties: false
          }
        }
      })
      assert.deepStrictEqual(JSON.parse(response.text), { city: "Paris" })
      assert.deepStrictEqual((server.requests[0]!.json as Record<string, unknown>).generationConfig, {
        responseMimeType: "application/json",
        responseSchema: {
          type: "object",
          properties: { city: { type: "string", enum: ["Paris"] } },
          required: ["city"]
        }
      })
      yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "x" }],
        responseFormat: { type: "json" }
      })
      assert.deepStrictEqual((server.requests[1]!.json as Record<string, unknown>).generationConfig, {
        responseMimeType: "application/json"
      })
    }).pipe(Effect.scoped)
  )

  it.live("thinking: budget / level / includeThoughts; thoughts and signatures come back and go back", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        generate(),
        Google.response({
          parts: [
            { text: "Considering the weather tool.", thought: true },
            { functionCall: { name: "weather", args: { location: "Paris" } }, thoughtSignature: "sig-call" }
          ],
          usage: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 40 },
          responseId: "r1"
        })
      )
      const response = yield* provider.chat({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "Weather?" }],
        tools: [weather],
        reasoning: { budgetTokens: 2048 }
      })
      assert.strictEqual(response.reasoning, "Considering the weather tool.")
      assert.deepStrictEqual(response.content, [
        { type: "reasoning", text: "Considering the weather tool." },
        { type: "reasoning", text: "", signature: "sig-call" },
        { type: "tool-call", id: "aiu_call_r1_0", name: "weather", arguments: '{"location":"Paris"}' }
      ])
      assert.deepStrictEqual(response.usage, {
        inputTokens: 10,
        outputTokens: 45,
        totalTokens: 55,
        reasoningTokens: 40
      })
      assert.deepStrictEqual((server.requests[0]!.json as { generationConfig: unknown }).generationConfig, {
        thinkingConfig: { thinkingBudget: 2048, includeThoughts: true }
      })

      server.route("POST", generate("gemini-3-pro-preview"), Google.response({ parts: [{ text: "Sunny." }] }))
      yield* provider.chat({
        model: "gemini-3-pro-preview",
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: response.content },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "aiu_call_r1_0", content: "sunny" }] }
        ],
        tools: [weather],
        reasoning: { effort: "low", includeThoughts: false }
      })
      const next = server.requests[1]!
      assert.strictEqual(next.url, generate("gemini-3-pro-preview"))
      const body = next.json as { contents: Array<unknown>; generationConfig: unknown }
      assert.deepStrictEqual(body.contents[1], {
        role: "model",
        parts: [{ functionCall: { name: "weather", args: { location: "Paris" } }, thoughtSignature: "sig-call" }]
      })
      assert.deepStrictEqual(body.contents[2], {
        role: "user",
        parts: [{ functionResponse: { name: "weather", response: { result: "sunny" } } }]
      })
      assert.deepStrictEqual(body.generationConfig, {
        thinkingConfig: { thinkingLevel: "low", includeThoughts: false }
      })
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: thoughts, a signature, text; MAX_TOKENS → length; usage from the last chunk", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const usage = { promptTokenCount: 7, candidatesTokenCount: 3, thoughtsTokenCount: 12 }
      server.route(
        "POST",
        streamGenerate(),
        Google.stream([
          Google.responseObject({
            parts: [{ text: "Thinking...", thought: true }],
            usage: { promptTokenCount: 7, thoughtsTokenCount: 12 }
          }),
          Google.responseObject({ parts: [{ text: "Hello", thoughtSignature: "sig-1" }], usage }),
          Google.responseObject({ parts: [{ text: " world" }], usage, finishReason: "MAX_TOKENS" })
        ])
      )
      const chunks = [
        ...(yield* Stream.runCollect(
          provider.chatStream({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] })
        ))
      ]
      assert.deepStrictEqual(chunks[0], {
        type: "metadata",
        id: "fakeResponse0001",
        model: "gemini-2.5-flash",
        requestId: "fakeResponse0001"
      })
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), "gemini-2.5-flash")
      assert.strictEqual(response.text, "Hello world")
      assert.deepStrictEqual(response.content[0], { type: "reasoning", text: "Thinking...", signature: "sig-1" })
      assert.strictEqual(response.finishReason, "length")
      assert.deepStrictEqual(response.usage, { inputTokens: 7, outputTokens: 15, totalTokens: 22, reasoningTokens: 12 })
      assert.strictEqual(server.requests[0]!.url, `${streamGenerate()}?alt=sse`)
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: SAFETY → content-filter; a stream without finishReason is StreamInterrupted", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", streamGenerate(), Google.textStream(["Some", " text"], { finishReason: "SAFETY" }))
      const r = yield* StreamChunk.collect(
        provider.chatStream({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] }),
        "m"
      )
      assert.strictEqual(r.finishReason, "content-filter")
      assert.strictEqual(r.rawFinishReason, "SAFETY")

      server.reset()
      server.route("POST", streamGenerate(), Google.stream([Google.responseObject({ parts: [{ text: "cut" }] })]))
      const error = failureOf(
        yield* Effect.exit(
          Stream.runDrain(
            provider.chatStream({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] })
          )
        )
      )
      assert.strictEqual(error._tag, "StreamInterrupted")
    }).pipe(Effect.scoped)
  )

  it.live("chat: a blocked prompt is ContentFiltered; candidate SAFETY is finish content-filter", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", generate(), {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Google.blockedPrompt("PROHIBITED_CONTENT"))
      })
      const error = failureOf(
        yield* Effect.exit(provider.chat({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(error._tag, "ContentFiltered")
      assert.include(error.message, "PROHIBITED_CONTENT")
      server.reset()
      server.route("POST", generate(), Google.response({ parts: [], finishReason: "SAFETY" }))
      const r = yield* provider.chat({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] })
      assert.strictEqual(r.finishReason, "content-filter")
    }).pipe(Effect.scoped)
  )

  it.live("embed: batches of 100 (the API maximum), order kept, outputDimensionality and taskType", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1beta/models/gemini-embedding-001:batchEmbedContents", Google.batchEmbed)
      const input = Array.from({ length: 250 }, (_, i) => "x".repeat(i % 7) + `text ${i}`)
      const response = yield* provider.embed({
        model: "gemini-embedding-001",
        input,
        dimensions: 4,
        inputType: "query"
      })
      assert.strictEqual(response.embeddings.length, 250)
      assert.deepStrictEqual(
        server.requests.map((r) => (r.json as { requests: Array<unknown> }).requests.length).sort((a, b) => b - a),
        [100, 100, 50]
      )
      input.forEach((text, i) => {
        assert.deepStrictEqual(
          response.embeddings[i],
          [0, 1, 2, 3].map((d) => ((text.length + d) % 10) / 10)
        )
      })
      const one = (server.requests[0]!.json as { requests: Array<unknown> }).requests[0]
      assert.deepStrictEqual(Object.keys(one as object).sort(), [
        "content",
        "model",
        "outputDimensionality",
        "taskType"
      ])
      assert.strictEqual((one as { model: string }).model, "models/gemini-embedding-001")
      assert.strictEqual((one as { taskType: string }).taskType, "RETRIEVAL_QUERY")
      assert.strictEqual(server.requests[0]!.headers["x-goog-api-key"], "test-gemini-key")
    }).pipe(Effect.scoped)
  )

  it.live("listModels follows nextPageToken", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const all = Array.from({ length: 2100 }, (_, i) => ({ name: `models/gemini-test-${i}` }))
      server.route("GET", "/v1beta/models", Google.models(all))
      const models = yield* provider.listModels()
      assert.strictEqual(models.length, 2100)
      assert.strictEqual(server.requests.length, 3)
      assert.deepStrictEqual(models[2099]?.kinds, ["chat"])
      assert.strictEqual(models[0]?.id, "google:gemini-test-0")
    }).pipe(Effect.scoped)
  )

  it.live("errors: daily quota → QuotaExceeded, per-minute → RateLimited, bad key (400) → AuthenticationError", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const cases = [
        [Google.wire.error("quota", { requestId: "" }), "QuotaExceeded"],
        [Google.wire.error("rate-limit", { requestId: "" }), "RateLimited"],
        [Google.wire.error("auth", { requestId: "" }), "AuthenticationError"],
        [Google.wire.error("context-length", { requestId: "" }), "ContextLengthExceeded"],
        [Google.wire.error("overloaded", { requestId: "" }), "ProviderOverloaded"],
        [
          Google.error(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),
          "PermissionDenied"
        ],
        [Google.error(504, "DEADLINE_EXCEEDED", "Deadline exceeded"), "ProviderError"]
      ] as const
      for (const [reply, tag] of cases) {
        server.reset()
        server.route("POST", generate(), reply)
        const error = failureOf(
          yield* Effect.exit(
            provider.chat({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] }, once)
          )
        )
        assert.strictEqual(error._tag, tag)
      }
    }).pipe(Effect.scoped)
  )

  it.live("keys: per-call key overrides; a missing key names GEMINI_API_KEY and sends nothing", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", generate(), Google.response({ parts: [{ text: "ok" }] }))
      yield* provider.chat(
        { model: "gemini-2.5-flash", messages: [{ role: "user", content: "x" }] },
        { apiKey: Redacted.make("per-call") }
      )
      assert.strictEqual(server.requests[0]!.headers["x-goog-api-key"], "per-call")
      const { provider: keyless, server: s2 } = yield* setup({ apiKey: undefined })
      const calls: ReadonlyArray<Effect.Effect<unknown, AiuError.ProviderFailure>> = [
        keyless.chat({ model: "m", messages: [{ role: "user", content: "x" }] }),
        keyless.embed({ model: "m", input: ["x"] }),
        keyless.listModels()
      ]
      for (const call of calls) {
        const error = failureOf(yield* Effect.exit(call))
        assert.strictEqual(error._tag, "AuthenticationError")
        assert.include(error.message, "GEMINI_API_KEY")
        assert.include(error.message, "aiu keys add google --key-stdin")
      }
      assert.strictEqual(s2.requests.length, 0)
    }).pipe(Effect.scoped)
  )

  it.live(
    "options: bad providerOptions.google is InvalidRequest; bad settings / a ?key= base URL are ConfigErrors",
    () =>
      Effect.gen(function* () {
        const { provider } = yield* setup()
        const error = failureOf(
          yield* Effect.exit(
            provider.chat({
              model: "gemini-2.5-flash",
              messages: [{ role: "user", content: "x" }],
              providerOptions: { google: { thinkingLevel: "extreme" } }
            })
          )
        )
        assert.strictEqual(
          error._tag === "InvalidRequest" ? error.param : undefined,
          "providerOptions.google.thinkingLevel"
        )
        for (const config of [
          { id: "google", settings: { embedBatchSize: 500 } },
          { id: "google", baseUrl: "https://generativelanguage.googleapis.com/v1beta?key=abc" }
        ]) {
          const exit = yield* Effect.exit(GoogleProvider.make(config).pipe(Effect.provide(NodeHttpTransport.layer())))
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            const e = Cause.failureOption(exit.cause)
            assert.strictEqual(Option.isSome(e) ? e.value._tag : undefined, "ConfigError")
          }
        }
        const image = failureOf(
          yield* Effect.exit(provider.generateImage({ model: "imagen-4.0-generate-001", prompt: "x" }))
        )
        assert.strictEqual(image._tag, "UnsupportedOperation")
      }).pipe(Effect.scoped)
  )

  it("descriptor", () => {
    assert.strictEqual(GoogleProvider.descriptor.type, "google")
    assert.strictEqual(GoogleProvider.descriptor.defaultBaseUrl, "https://generativelanguage.googleapis.com/v1beta")
    assert.strictEqual(GoogleProvider.descriptor.apiKeyEnv, "GEMINI_API_KEY")
    assert.strictEqual(GoogleProvider.descriptor.baseUrlEnv, "GEMINI_BASE_URL")
    assert.isTrue(GoogleProvider.descriptor.requiresKey)
  })
})
