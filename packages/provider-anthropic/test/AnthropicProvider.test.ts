import * as AiuError from "@aiu/core/AiuError"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Anthropic from "@aiu/testing/fake/anthropic"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as AnthropicProvider from "../src/AnthropicProvider.js"
import { once, setup } from "./utils/harness.js"

const weather = {
  name: "weather",
  description: "Weather by city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] }
}

/** The typed failure of an exit, or a test failure. */
const failureOf = <A>(exit: Exit.Exit<A, AiuError.ProviderFailure>): AiuError.ProviderFailure => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

describe("AnthropicProvider", () => {
  it.live("chat: x-api-key + anthropic-version, system hoisted, multi-turn, sampling, wire body", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.message({
          content: [{ type: "text", text: "Bonjour !" }],
          usage: { input_tokens: 20, output_tokens: 4, cache_read_input_tokens: 6, cache_creation_input_tokens: 2 }
        })
      )
      const response = yield* provider.chat({
        model: "claude-sonnet-4-5",
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
        user: "user-42"
      })
      assert.strictEqual(response.text, "Bonjour !")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.rawFinishReason, "end_turn")
      assert.strictEqual(response.id, "msg_fake0001")
      assert.strictEqual(response.requestId, Anthropic.requestId)
      assert.deepStrictEqual(response.usage, {
        inputTokens: 28,
        outputTokens: 4,
        totalTokens: 32,
        cachedInputTokens: 6,
        cacheWriteInputTokens: 2
      })
      const sent = server.requests[0]!
      assert.strictEqual(sent.url, "/v1/messages")
      assert.strictEqual(sent.headers["x-api-key"], "test-anthropic-key")
      assert.strictEqual(sent.headers["anthropic-version"], "2023-06-01")
      assert.isUndefined(sent.headers.authorization)
      assert.deepStrictEqual(sent.json, {
        model: "claude-sonnet-4-5",
        max_tokens: 20,
        messages: [
          { role: "user", content: [{ type: "text", text: "Hello" }] },
          { role: "assistant", content: [{ type: "text", text: "Bonjour." }] },
          { role: "user", content: [{ type: "text", text: "Again" }] }
        ],
        system: [{ type: "text", text: "Answer in French." }],
        temperature: 0.3,
        top_p: 0.8,
        top_k: 5,
        stop_sequences: ["END"],
        metadata: { user_id: "user-42" }
      })
    }).pipe(Effect.scoped)
  )

  it.live("max_tokens defaults to 4096 (or settings.defaultMaxTokens); seed is a warning", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup({
        settings: { defaultMaxTokens: 1234, beta: ["files-api-2025-04-14"] }
      })
      server.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "ok" }] }))
      const response = yield* provider.chat({ model: "m", messages: [{ role: "user", content: "x" }], seed: 7 })
      assert.deepStrictEqual(response.warnings, ["seed is not supported by Anthropic; ignored"])
      const sent = server.requests[0]!
      assert.strictEqual((sent.json as { max_tokens: number }).max_tokens, 1234)
      assert.strictEqual(sent.headers["anthropic-beta"], "files-api-2025-04-14")

      const { provider: plain, server: s2 } = yield* setup()
      s2.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "ok" }] }))
      yield* plain.chat({ model: "m", messages: [{ role: "user", content: "x" }] })
      assert.strictEqual((s2.requests[0]!.json as { max_tokens: number }).max_tokens, 4096)
    }).pipe(Effect.scoped)
  )

  it.live("image input: https URL, data: URL and base64 data; PDF as a document", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "a cat" }] }))
      yield* provider.chat({
        model: "m",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", url: "https://example.com/cat.png" },
              { type: "image", url: "data:image/jpeg;base64,/9j/AAAA" },
              { type: "image", data: "iVBORw0KGgo=" },
              { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "doc.pdf" }
            ]
          }
        ]
      })
      const content = (server.requests[0]!.json as { messages: Array<{ content: unknown }> }).messages[0]!.content
      assert.deepStrictEqual(content, [
        { type: "text", text: "What is this?" },
        { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
        { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/AAAA" } },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
          title: "doc.pdf"
        }
      ])
    }).pipe(Effect.scoped)
  )

  it.live("tools: definitions, tool choice variants, parallel calls, tool results sent back", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.message({
          content: [
            { type: "text", text: "Checking both." },
            { type: "tool_use", id: "toolu_1", name: "weather", input: { location: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "weather", input: { location: "Oslo" } }
          ]
        })
      )
      const response = yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "Weather in Paris and Oslo?" }],
        tools: [weather],
        toolChoice: "auto"
      })
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.strictEqual(response.text, "Checking both.")
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "toolu_1", name: "weather", arguments: '{"location":"Paris"}' },
        { type: "tool-call", id: "toolu_2", name: "weather", arguments: '{"location":"Oslo"}' }
      ])
      const first = server.requests[0]!.json as Record<string, unknown>
      assert.deepStrictEqual(first.tools, [
        { name: "weather", description: "Weather by city", input_schema: weather.parameters }
      ])
      assert.deepStrictEqual(first.tool_choice, { type: "auto" })

      // The follow-up turn: assistant tool calls and tool results (merged into one user message).
      yield* provider.chat({
        model: "m",
        messages: [
          { role: "user", content: "Weather in Paris and Oslo?" },
          { role: "assistant", content: response.content },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", content: "18C" }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_2", content: "oops", isError: true }] }
        ],
        tools: [weather],
        toolChoice: "required",
        parallelToolCalls: false
      })
      const second = server.requests[1]!.json as Record<string, unknown>
      assert.deepStrictEqual(second.messages, [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Oslo?" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking both." },
            { type: "tool_use", id: "toolu_1", name: "weather", input: { location: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "weather", input: { location: "Oslo" } }
          ]
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
            { type: "tool_result", tool_use_id: "toolu_2", content: "oops", is_error: true }
          ]
        }
      ])
      assert.deepStrictEqual(second.tool_choice, { type: "any", disable_parallel_tool_use: true })

      for (const [choice, wire] of [
        ["none", { type: "none" }],
        [
          { type: "tool", name: "weather" },
          { type: "tool", name: "weather" }
        ]
      ] as const) {
        server.reset()
        server.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "ok" }] }))
        yield* provider.chat({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          tools: [weather],
          toolChoice: choice
        })
        assert.deepStrictEqual((server.requests[0]!.json as Record<string, unknown>).tool_choice, wire)
      }
    }).pipe(Effect.scoped)
  )

  it.live("structured output: forced `json` tool by default, output_config.format in native mode", () =>
    Effect.gen(function* () {
      const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.message({ content: [{ type: "tool_use", id: "toolu_9", name: "json", input: { city: "Paris" } }] })
      )
      const response = yield* provider.chat({
        model: "m",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: { type: "json-schema", name: "answer", schema }
      })
      assert.strictEqual(response.text, '{"city":"Paris"}')
      assert.strictEqual(response.finishReason, "stop")
      assert.deepStrictEqual(response.toolCalls, [])
      const sent = server.requests[0]!.json as Record<string, unknown>
      assert.deepStrictEqual(sent.tools, [
        { name: "json", description: 'Respond with a JSON object matching the "answer" schema.', input_schema: schema }
      ])
      assert.deepStrictEqual(sent.tool_choice, { type: "tool", name: "json" })

      const { provider: native, server: s2 } = yield* setup({ settings: { structuredOutput: "native" } })
      s2.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: '{"city":"Paris"}' }] }))
      const r2 = yield* native.chat({
        model: "m",
        messages: [{ role: "user", content: "Capital of France?" }],
        responseFormat: { type: "json-schema", name: "answer", schema }
      })
      assert.strictEqual(r2.text, '{"city":"Paris"}')
      const sent2 = s2.requests[0]!.json as Record<string, unknown>
      assert.deepStrictEqual(sent2.output_config, { format: { type: "json_schema", schema } })
      assert.isUndefined(sent2.tools)
    }).pipe(Effect.scoped)
  )

  it.live(
    "thinking: budget from reasoning, max_tokens grows by it; thinking blocks and redacted thinking round-trip",
    () =>
      Effect.gen(function* () {
        const { provider, server } = yield* setup()
        server.route(
          "POST",
          "/v1/messages",
          Anthropic.message({
            content: [
              { type: "thinking", thinking: "Let me think.", signature: "sig-abc" },
              { type: "redacted_thinking", data: "opaque-xyz" },
              { type: "text", text: "42" }
            ],
            usage: { input_tokens: 10, output_tokens: 50 }
          })
        )
        const response = yield* provider.chat({
          model: "claude-sonnet-4-5",
          messages: [{ role: "user", content: "Meaning of life?" }],
          maxOutputTokens: 1000,
          temperature: 0.5,
          reasoning: { budgetTokens: 2048 }
        })
        assert.strictEqual(response.text, "42")
        assert.strictEqual(response.reasoning, "Let me think.")
        assert.deepStrictEqual(response.content.slice(0, 2), [
          { type: "reasoning", text: "Let me think.", signature: "sig-abc" },
          { type: "reasoning", text: "", redacted: "opaque-xyz" }
        ])
        assert.deepStrictEqual(response.warnings, ["temperature is not supported with thinking; ignored"])
        const sent = server.requests[0]!.json as Record<string, unknown>
        assert.deepStrictEqual(sent.thinking, { type: "enabled", budget_tokens: 2048 })
        assert.strictEqual(sent.max_tokens, 3048)
        assert.isUndefined(sent.temperature)

        yield* provider.chat({
          model: "claude-sonnet-4-5",
          messages: [
            { role: "user", content: "Meaning of life?" },
            { role: "assistant", content: response.content },
            { role: "user", content: "Why?" }
          ],
          reasoning: { effort: "low" }
        })
        const next = server.requests[1]!.json as { messages: Array<{ content: unknown }>; thinking: unknown }
        assert.deepStrictEqual(next.thinking, { type: "enabled", budget_tokens: 2048 })
        assert.deepStrictEqual(next.messages[1]!.content, [
          { type: "thinking", thinking: "Let me think.", signature: "sig-abc" },
          { type: "redacted_thinking", data: "opaque-xyz" },
          { type: "text", text: "42" }
        ])
      }).pipe(Effect.scoped)
  )

  it.live(
    "providerOptions.anthropic: thinking override, effort, beta, service tier; a bad field is InvalidRequest",
    () =>
      Effect.gen(function* () {
        const { provider, server } = yield* setup()
        server.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "ok" }] }))
        yield* provider.chat({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          providerOptions: {
            anthropic: { thinking: { type: "adaptive" }, effort: "high", beta: ["a-1", "b-2"], serviceTier: "auto" }
          }
        })
        const sent = server.requests[0]!
        assert.deepStrictEqual((sent.json as Record<string, unknown>).thinking, { type: "adaptive" })
        assert.deepStrictEqual((sent.json as Record<string, unknown>).output_config, { effort: "high" })
        assert.strictEqual((sent.json as Record<string, unknown>).service_tier, "auto")
        assert.strictEqual(sent.headers["anthropic-beta"], "a-1,b-2")

        const error = failureOf(
          yield* Effect.exit(
            provider.chat({
              model: "m",
              messages: [{ role: "user", content: "x" }],
              providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: -1 } } }
            })
          )
        )
        assert.strictEqual(error._tag, "InvalidRequest")
        if (error._tag === "InvalidRequest")
          assert.strictEqual(error.param, "providerOptions.anthropic.thinking.budgetTokens")
        assert.strictEqual(server.requests.length, 1)
      }).pipe(Effect.scoped)
  )

  it.live("chatStream: metadata first, text deltas, usage, finish; request id from `request-id`", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.textStream(["Hel", "lo", " there"], { usage: { input_tokens: 9, output_tokens: 3 } })
      )
      const chunks = [
        ...(yield* Stream.runCollect(provider.chatStream({ model: "m", messages: [{ role: "user", content: "hi" }] })))
      ]
      assert.deepStrictEqual(chunks[0], {
        type: "metadata",
        id: "msg_fake0001",
        model: "claude-sonnet-4-5-20250929",
        requestId: Anthropic.requestId
      })
      assert.deepStrictEqual(
        chunks.filter((c) => c.type === "text-delta").map((c) => c.text),
        ["Hel", "lo", " there"]
      )
      const usage = { inputTokens: 9, outputTokens: 3, totalTokens: 12, cachedInputTokens: 0, cacheWriteInputTokens: 0 }
      assert.deepStrictEqual(chunks.slice(-2), [
        { type: "usage", usage },
        { type: "finish", finishReason: "stop", rawFinishReason: "end_turn", usage }
      ])
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: ends at message_stop though the server keeps the connection open, and closes it", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream(Anthropic.streamEvents({ blocks: [{ type: "text", pieces: ["Hel", "lo"] }] }), { stall: true })
      )
      const chunks = [
        ...(yield* Stream.runCollect(provider.chatStream({ model: "m", messages: [{ role: "user", content: "hi" }] })))
      ]
      assert.deepStrictEqual(
        chunks.filter((c) => c.type === "text-delta").map((c) => c.text),
        ["Hel", "lo"]
      )
      assert.strictEqual(chunks.at(-1)?.type, "finish")
      yield* Effect.promise(() => server.awaitAborted(1, 5_000))
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: thinking with signature, redacted thinking, parallel tool calls assembled", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream(
          Anthropic.streamEvents({
            blocks: [
              { type: "thinking", pieces: ["Two ", "cities."], signature: "sig-1" },
              { type: "text", pieces: ["Looking up."] },
              { type: "tool_use", id: "toolu_a", name: "weather", pieces: ['{"loca', 'tion":"Paris"}'] },
              { type: "tool_use", id: "toolu_b", name: "weather", pieces: ['{"location":"Oslo"}'] }
            ],
            usage: { input_tokens: 30, output_tokens: 60 }
          })
        )
      )
      const chunks = [
        ...(yield* Stream.runCollect(
          provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }], tools: [weather] })
        ))
      ]
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), "m")
      assert.strictEqual(response.reasoning, "Two cities.")
      assert.deepStrictEqual(response.content[0], { type: "reasoning", text: "Two cities.", signature: "sig-1" })
      assert.strictEqual(response.text, "Looking up.")
      assert.deepStrictEqual(response.toolCalls, [
        { type: "tool-call", id: "toolu_a", name: "weather", arguments: '{"location":"Paris"}' },
        { type: "tool-call", id: "toolu_b", name: "weather", arguments: '{"location":"Oslo"}' }
      ])
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.deepStrictEqual(
        chunks.filter((c) => c.type.startsWith("tool-call")).map((c) => [c.type, "index" in c ? c.index : -1]),
        [
          ["tool-call-start", 0],
          ["tool-call-delta", 0],
          ["tool-call-delta", 0],
          ["tool-call-end", 0],
          ["tool-call-start", 1],
          ["tool-call-delta", 1],
          ["tool-call-end", 1]
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: a mid-stream `event: error` overloaded_error → ProviderOverloaded after the text so far", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const events = Anthropic.streamEvents({ blocks: [{ type: "text", pieces: ["Partial"] }], truncate: true })
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream([...events, Anthropic.errorEvent("overloaded_error", "Overloaded")])
      )
      const seen: Array<string> = []
      const exit = yield* Effect.exit(
        Stream.runForEach(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }), (c) =>
          Effect.sync(() => {
            if (c.type === "text-delta") seen.push(c.text)
          })
        )
      )
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ProviderOverloaded")
      assert.strictEqual(
        AiuError.format(error as AiuError.AiuError),
        "ProviderOverloaded: anthropic: Overloaded (overloaded_error)"
      )
      assert.strictEqual(error._tag === "ProviderOverloaded" ? error.requestId : undefined, Anthropic.requestId)
      assert.deepStrictEqual(seen, ["Partial"])
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: other in-stream error types map too (api_error → ProviderError)", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream([Anthropic.errorEvent("api_error", "Internal server error")])
      )
      const error = failureOf(
        yield* Effect.exit(
          Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
        )
      )
      assert.strictEqual(error._tag, "ProviderError")
    }).pipe(Effect.scoped)
  )

  it.live("chatStream: a stream that ends before message_stop is StreamInterrupted; a dropped connection too", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream(Anthropic.streamEvents({ blocks: [{ type: "text", pieces: ["a", "b"] }], truncate: true }))
      )
      const error = failureOf(
        yield* Effect.exit(
          Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
        )
      )
      assert.strictEqual(error._tag, "StreamInterrupted")

      server.reset()
      server.route(
        "POST",
        "/v1/messages",
        Anthropic.stream(Anthropic.streamEvents({ blocks: [{ type: "text", pieces: ["a", "b", "c"] }] }), {
          dropAfter: 3
        })
      )
      const dropped = failureOf(
        yield* Effect.exit(
          Stream.runDrain(provider.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
        )
      )
      assert.strictEqual(dropped._tag, "StreamInterrupted")
    }).pipe(Effect.scoped)
  )

  it.live("errors: status + body → the union (context length, spend limits, overloaded 529, rate limit, auth)", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const cases = [
        [
          Anthropic.error(400, "invalid_request_error", "prompt is too long: 212000 tokens > 200000 maximum"),
          "ContextLengthExceeded"
        ],
        [
          Anthropic.error(400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API."),
          "QuotaExceeded"
        ],
        [
          Anthropic.error(
            400,
            "invalid_request_error",
            "input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000"
          ),
          "ContextLengthExceeded"
        ],
        [Anthropic.error(400, "invalid_request_error", "messages: field required"), "InvalidRequest"],
        [Anthropic.error(401, "authentication_error", "invalid x-api-key"), "AuthenticationError"],
        [Anthropic.error(402, "billing_error", "Payment required"), "QuotaExceeded"],
        [Anthropic.error(403, "permission_error", "no access"), "PermissionDenied"],
        [Anthropic.error(404, "not_found_error", "model: claude-nope"), "ModelNotFound"],
        [
          Anthropic.error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."),
          "InvalidRequest"
        ],
        [
          Anthropic.error(429, "rate_limit_error", "You have reached your specified API usage limits."),
          "QuotaExceeded"
        ],
        [
          Anthropic.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", {
            "retry-after": "7"
          }),
          "RateLimited"
        ],
        [Anthropic.error(500, "api_error", "Internal server error"), "ProviderError"],
        [Anthropic.error(529, "overloaded_error", "Overloaded"), "ProviderOverloaded"],
        [{ status: 529, body: "" }, "ProviderOverloaded"]
      ] as const
      for (const [reply, tag] of cases) {
        server.reset()
        server.route("POST", "/v1/messages", reply)
        const error = failureOf(
          yield* Effect.exit(provider.chat({ model: "m", messages: [{ role: "user", content: "x" }] }, once))
        )
        assert.strictEqual(error._tag, tag, JSON.stringify(reply.body))
        if (reply.body !== "")
          assert.strictEqual("requestId" in error ? error.requestId : undefined, Anthropic.requestId)
        if (error._tag === "RateLimited") assert.deepStrictEqual(error.retryAfter, Duration.seconds(7))
        if (error._tag === "ModelNotFound") assert.strictEqual(error.model, "claude-nope")
      }
    }).pipe(Effect.scoped)
  )

  it.live("a per-call key overrides the configured key; a missing key names ANTHROPIC_API_KEY and sends nothing", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/messages", Anthropic.message({ content: [{ type: "text", text: "ok" }] }))
      yield* provider.chat(
        { model: "m", messages: [{ role: "user", content: "x" }] },
        { apiKey: Redacted.make("per-call") }
      )
      assert.strictEqual(server.requests[0]?.headers["x-api-key"], "per-call")

      const { provider: keyless, server: s2 } = yield* setup({ apiKey: undefined })
      const error = failureOf(
        yield* Effect.exit(keyless.chat({ model: "m", messages: [{ role: "user", content: "x" }] }))
      )
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.include(error.message, "ANTHROPIC_API_KEY")
      assert.include(error.message, "aiu keys add anthropic --key-stdin")
      const streamError = failureOf(
        yield* Effect.exit(
          Stream.runDrain(keyless.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }))
        )
      )
      assert.strictEqual(streamError._tag, "AuthenticationError")
      assert.strictEqual(s2.requests.length, 0)
    }).pipe(Effect.scoped)
  )

  it.live("listModels follows has_more / after_id; ModelInfo from the listing", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      const all: Array<Anthropic.Model> = Array.from({ length: 2503 }, (_, i) => ({
        id: `claude-test-${i}`,
        max_input_tokens: 200000,
        max_tokens: 64000
      }))
      all[0] = {
        id: "claude-sonnet-4-5-20250929",
        display_name: "Claude Sonnet 4.5",
        max_input_tokens: 200000,
        max_tokens: 64000
      }
      server.route("GET", "/v1/models", Anthropic.models(all))
      const models = yield* provider.listModels()
      assert.strictEqual(models.length, 2503)
      assert.deepStrictEqual(
        server.requests.map((r) => r.url),
        [
          "/v1/models?limit=1000",
          "/v1/models?limit=1000&after_id=claude-test-999",
          "/v1/models?limit=1000&after_id=claude-test-1999"
        ]
      )
      assert.deepStrictEqual(models[0], {
        id: "anthropic:claude-sonnet-4-5-20250929",
        provider: "anthropic",
        model: "claude-sonnet-4-5-20250929",
        kinds: ["chat"],
        inputModalities: ["text", "image", "pdf"],
        outputModalities: ["text"],
        tools: true,
        structuredOutput: true,
        reasoning: true,
        name: "Claude Sonnet 4.5",
        createdAt: "2025-09-29T00:00:00Z",
        contextWindow: 200000,
        maxOutputTokens: 64000
      })
      assert.strictEqual(server.requests[0]!.headers["x-api-key"], "test-anthropic-key")
    }).pipe(Effect.scoped)
  )

  it.live("embed and generateImage are UnsupportedOperation; capabilities say so", () =>
    Effect.gen(function* () {
      const { provider } = yield* setup()
      const embed = failureOf(yield* Effect.exit(provider.embed({ model: "m", input: ["x"] })))
      assert.strictEqual(embed._tag, "UnsupportedOperation")
      const image = failureOf(yield* Effect.exit(provider.generateImage({ model: "m", prompt: "x" })))
      assert.strictEqual(image._tag, "UnsupportedOperation")
      assert.deepStrictEqual(provider.info.capabilities, {
        chat: true,
        chatStream: true,
        embed: false,
        generateImage: false,
        listModels: true,
        tools: true,
        structuredOutput: true,
        reasoning: true,
        imageInput: true
      })
    }).pipe(Effect.scoped)
  )

  it.live("config: a bad setting or base URL is a ConfigError naming the field", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.exit(
        AnthropicProvider.make({ id: "anthropic", settings: { defaultMaxTokens: "lots" } }).pipe(
          Effect.provide(NodeHttpTransport.layer())
        )
      )
      assert.isTrue(Exit.isFailure(bad))
      if (Exit.isFailure(bad)) {
        const e = Cause.failureOption(bad.cause)
        assert.isTrue(Option.isSome(e))
        if (Option.isSome(e)) {
          assert.strictEqual(e.value._tag, "ConfigError")
          assert.strictEqual(e.value.key, "settings.defaultMaxTokens")
        }
      }
      const url = yield* Effect.exit(
        AnthropicProvider.make({ id: "anthropic", baseUrl: "not a url" }).pipe(
          Effect.provide(NodeHttpTransport.layer())
        )
      )
      assert.isTrue(Exit.isFailure(url))
    })
  )

  it("descriptor", () => {
    assert.strictEqual(AnthropicProvider.descriptor.type, "anthropic")
    assert.strictEqual(AnthropicProvider.descriptor.defaultBaseUrl, "https://api.anthropic.com/v1")
    assert.strictEqual(AnthropicProvider.descriptor.apiKeyEnv, "ANTHROPIC_API_KEY")
    assert.strictEqual(AnthropicProvider.descriptor.baseUrlEnv, "ANTHROPIC_BASE_URL")
    assert.isTrue(AnthropicProvider.descriptor.requiresKey)
  })
})
