/**
 * Every Anthropic recording in @aiu/testing's fixtures/anthropic (copied from ../shared/fixtures,
 * see its README) served byte for byte by the fake server over loopback, whole and re-split: the
 * exact text, reasoning (with signature), tool calls, finish reason, usage and request id.
 */
import type { ChatRequest, ChatResponse } from "@aiu/core/Chat"
import * as StreamChunk from "@aiu/core/StreamChunk"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { fixture, fixtureText, jsonReply, once, setup, splits, sseReply } from "./utils/harness.js"

const request: ChatRequest = { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] }

/** Streams the body under every split; returns each run's chunks and folded response. */
const streamed = (bytes: Uint8Array, headers?: Record<string, string>, req: ChatRequest = request) =>
  Effect.forEach(splits(bytes), ({ name, pieces }) =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/messages", sseReply(pieces, headers))
      const chunks = [...(yield* Stream.runCollect(provider.chatStream(req)))]
      const response = yield* StreamChunk.collect(Stream.fromIterable(chunks), req.model)
      const sent = server.requests[0]!
      assert.strictEqual((sent.json as { stream?: boolean }).stream, true)
      assert.strictEqual(sent.headers["x-api-key"], "test-anthropic-key")
      assert.strictEqual(sent.headers["anthropic-version"], "2023-06-01")
      return { name, chunks, response }
    }).pipe(Effect.scoped)
  )

const assertUsage = (response: ChatResponse, input: number, output: number, name: string) =>
  assert.deepStrictEqual(
    response.usage,
    {
      inputTokens: input,
      outputTokens: output,
      totalTokens: input + output,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0
    },
    name
  )

describe("Anthropic recordings", () => {
  it.live("langchaingo TestClient_CreateMessageStream.httprr: padded JSON, spaced ping, request-id header", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("anthropic/langchaingo.TestClient_CreateMessageStream.httprr")
      const recorded = exchange!.response
      assert.strictEqual(recorded.headers["request-id"], "req_011CSFCEDW38yAyCenJvnwn8")
      for (const { name, pieces } of splits(recorded.body)) {
        const { chunks, response } = yield* Effect.gen(function* () {
          const { provider, server } = yield* setup()
          server.route("POST", "/v1/messages", { ...Recordings.toReply(recorded), body: pieces })
          const chunks = [...(yield* Stream.runCollect(provider.chatStream(request)))]
          return { chunks, response: yield* StreamChunk.collect(Stream.fromIterable(chunks), request.model) }
        }).pipe(Effect.scoped)
        assert.strictEqual(response.text, "1\n2\n3\n4\n5", name)
        assert.strictEqual(response.id, "msg_01Ju7oPaDmjgrhWq8gNP4AUj")
        assert.strictEqual(response.model, "claude-3-opus-20240229")
        assert.strictEqual(response.requestId, "req_011CSFCEDW38yAyCenJvnwn8")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "end_turn")
        assertUsage(response, 15, 13, name)
        assert.deepStrictEqual(
          chunks.filter((c) => c.type === "text-delta").map((c) => c.text),
          ["1", "\n2\n3", "\n4\n5"]
        )
        assert.strictEqual(chunks[0]?.type, "metadata")
        assert.strictEqual(chunks[chunks.length - 1]?.type, "finish")
      }
    })
  )

  it.live("vercel anthropic-text.chunks.txt framed as named SSE", () =>
    Effect.gen(function* () {
      const body = Recordings.loadChunks("anthropic/vercel.anthropic-text.chunks.txt", "named")
      for (const { name, response } of yield* streamed(body)) {
        assert.strictEqual(
          response.text,
          "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
          name
        )
        assert.strictEqual(response.id, "msg_01QC4g3HwBThD4BaNtBckFDJ")
        assert.strictEqual(response.model, "claude-sonnet-4-5-20250929")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.requestId, "req_recording")
        assertUsage(response, 12, 30, name)
      }
    })
  )

  it.live("vercel anthropic-json-tool.1.chunks.txt: tool_use with an empty first fragment → one tool call", () =>
    Effect.gen(function* () {
      const body = Recordings.loadChunks("anthropic/vercel.anthropic-json-tool.1.chunks.txt", "named")
      for (const { name, chunks, response } of yield* streamed(body)) {
        assert.deepStrictEqual(
          response.toolCalls,
          [
            {
              type: "tool-call",
              id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
              name: "json",
              arguments: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}'
            }
          ],
          name
        )
        assert.strictEqual(response.text, "")
        assert.strictEqual(response.finishReason, "tool-calls")
        assert.strictEqual(response.model, "claude-haiku-4-5-20251001")
        assertUsage(response, 849, 47, name)
        assert.deepStrictEqual(
          chunks.filter((c) => c.type.startsWith("tool-call")).map((c) => c.type),
          ["tool-call-start", "tool-call-delta", "tool-call-delta", "tool-call-end"]
        )
      }
    })
  )

  it.live("vercel anthropic-json-tool.1.chunks.txt as structured output: the `json` tool's input is the text", () =>
    Effect.gen(function* () {
      const body = Recordings.loadChunks("anthropic/vercel.anthropic-json-tool.1.chunks.txt", "named")
      const req: ChatRequest = {
        ...request,
        responseFormat: {
          type: "json-schema",
          name: "weather",
          schema: { type: "object", properties: { elements: { type: "array" } }, required: ["elements"] }
        }
      }
      for (const { name, chunks, response } of yield* streamed(body, undefined, req)) {
        assert.strictEqual(
          response.text,
          '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}',
          name
        )
        assert.deepStrictEqual(JSON.parse(response.text), {
          elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }]
        })
        assert.deepStrictEqual(response.toolCalls, [])
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "tool_use")
        assert.isFalse(chunks.some((c) => c.type.startsWith("tool-call")))
      }
    })
  )

  it.live("pydantic-ai thinking stream (.body.sse): reasoning deltas, signature, then text", () =>
    Effect.gen(function* () {
      const body = fixture("pydantic-ai.test_anthropic_model_thinking_part_stream.body.sse")
      // The derived body is the cassette's interaction 0, unchanged.
      const [exchange] = Recordings.loadVcr("anthropic/pydantic-ai.test_anthropic_model_thinking_part_stream.yaml")
      assert.deepStrictEqual(exchange!.response.body, body)
      for (const { name, chunks, response } of yield* streamed(body)) {
        assert.strictEqual(
          response.reasoning,
          "This is a straightforward question about pedestrian safety. I should provide clear, helpful advice about how to safely cross a street. This is basic safety information that could help prevent accidents.",
          name
        )
        const thinking = response.content[0]
        assert.strictEqual(thinking?.type, "reasoning")
        if (thinking?.type === "reasoning") {
          assert.strictEqual(thinking.signature?.length, 504)
          assert.isTrue(thinking.signature?.startsWith("EvMCCkYICxgCKkCHP2cSuEdcJK/0rFwqES/ecn+"))
          assert.isTrue(thinking.signature?.endsWith("XsYeb1vgb7wwzDvP/UhjfQYAQ=="))
        }
        assert.strictEqual(
          response.text,
          "Here are the basic steps for safely crossing the street:\n\n**At intersections with traffic lights:**\n- Wait for the pedestrian \"Walk\" signal\n- Look both ways before stepping into the street\n- Make eye contact with drivers when possible\n- Stay alert for turning vehicles\n\n**At intersections without signals:**\n- Use crosswalks when available\n- Stop at the curb and look left, right, then left again\n- Wait for a clear gap in traffic\n- Walk briskly but don't run\n- Keep looking for traffic as you cross\n\n**General safety tips:**\n- Put away phones and remove headphones\n- Wear bright or reflective clothing in low light\n- Never assume drivers see you\n- Avoid crossing between parked cars\n- Walk facing traffic when there's no sidewalk\n\n**In busy urban areas:**\n- Follow pedestrian signals strictly\n- Be extra cautious of cyclists in bike lanes\n- Watch for buses and large vehicles with blind spots\n\nThe key is to be visible, alert, and predictable in your movements. Always prioritize safety over speed when crossing streets.",
          name
        )
        assert.strictEqual(response.model, "claude-sonnet-4-20250514")
        assert.strictEqual(response.finishReason, "stop")
        assertUsage(response, 43, 282, name)
        const reasoningDeltas = chunks.filter((c) => c.type === "reasoning-delta")
        // 13 non-empty thinking deltas plus the signature delta; the empty thinking_delta is skipped.
        assert.strictEqual(reasoningDeltas.length, 14)
      }
    })
  )

  it.live("llm-anthropic tool-call stream (gzip VCR): a no-argument tool → arguments {}", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadVcr("anthropic/llm-anthropic.test_stream_events_tool_calls.yaml")
      const recorded = exchange!.response
      assert.strictEqual(recorded.headers["request-id"], "req_011CZknMJt3GegSmXXNdzLJB")
      for (const { name, pieces } of splits(recorded.body)) {
        const response = yield* Effect.gen(function* () {
          const { provider, server } = yield* setup()
          server.route("POST", "/v1/messages", { ...Recordings.toReply(recorded), body: pieces })
          return yield* StreamChunk.collect(provider.chatStream(request), request.model)
        }).pipe(Effect.scoped)
        assert.deepStrictEqual(
          response.toolCalls,
          [
            { type: "tool-call", id: "toolu_01CzN6riCPqw4pVSuTd9Dwn7", name: "pelican_name_generator", arguments: "{}" }
          ],
          name
        )
        assert.strictEqual(response.finishReason, "tool-calls")
        assert.strictEqual(response.requestId, "req_011CZknMJt3GegSmXXNdzLJB")
        assert.strictEqual(response.id, "msg_01BnVamfF7ccY9Qt3nZHAyaG")
        assertUsage(response, 543, 40, name)
      }
    })
  )

  it.live("vercel anthropic-text.json (non-streaming)", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/messages", jsonReply(fixture("vercel.anthropic-text.json")))
      const response = yield* provider.chat(request)
      assert.strictEqual(
        response.text,
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?"
      )
      assert.strictEqual(response.id, "msg_01VdEjxAP5ahtHKrrRdNBteQ")
      assert.strictEqual(response.model, "claude-sonnet-4-5-20250929")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.requestId, "req_recording")
      assertUsage(response, 12, 29, "json")
      assert.isUndefined((server.requests[0]!.json as { stream?: boolean }).stream)
    }).pipe(Effect.scoped)
  )

  it.live(
    "vercel anthropic-json-tool.1.json: tool_use input object → arguments JSON; as structured output → text",
    () =>
      Effect.gen(function* () {
        const { provider, server } = yield* setup()
        server.route("POST", "/v1/messages", jsonReply(fixture("vercel.anthropic-json-tool.1.json")))
        const expected = {
          elements: [
            { location: "San Francisco", temperature: -5, condition: "snowy" },
            { location: "London", temperature: 0, condition: "snowy" },
            { location: "Paris", temperature: 23, condition: "cloudy" },
            { location: "Berlin", temperature: -9, condition: "snowy" }
          ]
        }
        const asTool = yield* provider.chat(request)
        assert.strictEqual(asTool.finishReason, "tool-calls")
        assert.strictEqual(asTool.toolCalls.length, 1)
        assert.strictEqual(asTool.toolCalls[0]?.id, "toolu_01Q9ExVZnzZj7E2QQYHYtNUa")
        assert.deepStrictEqual(JSON.parse(asTool.toolCalls[0]!.arguments), expected)
        assertUsage(asTool, 1151, 87, "json")

        const asJson = yield* provider.chat({ ...request, responseFormat: { type: "json" } })
        assert.deepStrictEqual(JSON.parse(asJson.text), expected)
        assert.deepStrictEqual(asJson.toolCalls, [])
        assert.strictEqual(asJson.finishReason, "stop")
        const sent = server.requests[1]!.json as { tools: Array<{ name: string }>; tool_choice: unknown }
        assert.deepStrictEqual(
          sent.tools.map((t) => t.name),
          ["json"]
        )
        assert.deepStrictEqual(sent.tool_choice, { type: "tool", name: "json" })
      }).pipe(Effect.scoped)
  )

  it.live("pydantic-ai model-name 404 → ModelNotFound with the body's request_id", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadVcr("anthropic/pydantic-ai.test_model_name_suggestion-anthropic.yaml")
      const { provider, server } = yield* setup()
      server.route("POST", "/v1/messages", Recordings.toReply(exchange!.response))
      const exit = yield* Effect.exit(provider.chat({ ...request, model: "claude-sonet-4-5" }, once))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        const error = exit.cause.error
        assert.strictEqual(error._tag, "ModelNotFound")
        if (error._tag === "ModelNotFound") {
          assert.strictEqual(error.model, "claude-sonet-4-5")
          assert.strictEqual(error.status, 404)
          assert.strictEqual(error.requestId, "req_011CdufXo8Y2LVfY2veyuQWG")
        }
      } else assert.fail("expected a typed failure")
      assert.strictEqual(
        fixtureText("pydantic-ai.test_model_name_suggestion-anthropic.yaml").includes("not_found_error"),
        true
      )
    }).pipe(Effect.scoped)
  )
})
