/**
 * Every Gemini recording in @aiu/testing's fixtures/google (copied from ../shared/fixtures, see
 * its README) served byte for byte by the fake server over loopback, whole and re-split: the
 * exact text, thoughts (with signatures), tool calls, finish reason and usage.
 */
import type { ChatRequest } from "@aiu/core/Chat"
import type { StreamChunk } from "@aiu/core/StreamChunk"
import * as StreamChunkModule from "@aiu/core/StreamChunk"
import * as Google from "@aiu/testing/fake/google"
import * as Recordings from "@aiu/testing/Recordings"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { makeMapper } from "../src/internal/streamMapping.js"
import { fixture, jsonReply, once, setup, splits, sseReply } from "./utils/harness.js"

const request: ChatRequest = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }
const streamPath = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"

/** An independent oracle: the text and thoughts of a recorded `alt=sse` body, read naively. */
const oracle = (body: Uint8Array) => {
  let text = ""
  let thoughts = ""
  for (const event of Recordings.text(body).split("\r\n\r\n")) {
    if (!event.startsWith("data: ")) continue
    const payload = JSON.parse(event.slice(6)) as {
      candidates: Array<{ content: { parts: Array<{ text?: string; thought?: boolean }> } }>
    }
    for (const part of payload.candidates[0]!.content.parts) {
      if (part.thought === true) thoughts += part.text ?? ""
      else text += part.text ?? ""
    }
  }
  return { text, thoughts }
}

const streamed = (bytes: Uint8Array) =>
  Effect.forEach(splits(bytes), ({ name, pieces }) =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route("POST", streamPath, sseReply(pieces))
      const chunks = [...(yield* Stream.runCollect(provider.chatStream(request)))]
      const response = yield* StreamChunkModule.collect(Stream.fromIterable(chunks), request.model)
      const sent = server.requests[0]!
      assert.strictEqual(sent.url, `${streamPath}?alt=sse`)
      assert.strictEqual(sent.headers["x-goog-api-key"], "test-gemini-key")
      assert.notInclude(sent.url, "key=")
      return { name, chunks, response }
    }).pipe(Effect.scoped)
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const e = Cause.failureOption(exit.cause)
  return Option.isSome(e) ? e.value : assert.fail(Cause.pretty(exit.cause))
}

describe("Gemini recordings", () => {
  it.live("pydantic-ai test_google_model_stream (.body.sse): CRLF framing, cumulative usage, STOP", () =>
    Effect.gen(function* () {
      const body = fixture("pydantic-ai.test_google_model_stream.body.sse")
      const [exchange] = Recordings.loadVcr("google/pydantic-ai.test_google_model_stream.yaml")
      assert.deepStrictEqual(exchange!.response.body, body)
      for (const { name, chunks, response } of yield* streamed(body)) {
        assert.strictEqual(response.text, "The capital of France is Paris.\n", name)
        assert.deepStrictEqual(
          chunks.filter((c) => c.type === "text-delta").map((c) => c.text),
          ["The", " capital of France", " is Paris.\n"]
        )
        assert.strictEqual(response.id, "w1peaMz6INOvnvgPgYfPiQY")
        assert.strictEqual(response.model, "gemini-2.0-flash-exp")
        assert.strictEqual(response.finishReason, "stop")
        assert.strictEqual(response.rawFinishReason, "STOP")
        assert.deepStrictEqual(response.usage, { inputTokens: 13, outputTokens: 8, totalTokens: 21 }, name)
      }
    })
  )

  it.live(
    "pydantic-ai thinking_part_iter (VCR): thought summaries → reasoning, signature on the answer's first part",
    () =>
      Effect.gen(function* () {
        const [exchange] = Recordings.loadVcr("google/pydantic-ai.test_google_model_thinking_part_iter.yaml")
        const body = exchange!.response.body
        const expected = oracle(body)
        assert.isTrue(expected.text.startsWith("This is a great question! Safely crossing the street"))
        assert.strictEqual(expected.text.length, 1938)
        assert.isTrue(expected.thoughts.startsWith("**Clarifying User Goals**\n\n"))
        for (const { name, chunks, response } of yield* streamed(body)) {
          assert.strictEqual(response.text, expected.text, name)
          assert.strictEqual(response.reasoning, expected.thoughts, name)
          const reasoning = response.content[0]
          assert.strictEqual(reasoning?.type, "reasoning")
          if (reasoning?.type === "reasoning") {
            assert.strictEqual(reasoning.signature?.length, 6152)
            assert.isTrue(reasoning.signature?.startsWith("CiIB0e2Kb6Syj1a961EfbWv4W5C8RgAA"))
          }
          assert.strictEqual(response.model, "gemini-2.5-pro")
          assert.strictEqual(response.finishReason, "stop")
          assert.deepStrictEqual(
            response.usage,
            { inputTokens: 34, outputTokens: 469 + 787, totalTokens: 1290, reasoningTokens: 787 },
            name
          )
          assert.strictEqual(chunks.filter((c) => c.type === "reasoning-delta" && c.signature !== undefined).length, 1)
        }
      })
  )

  it.live("vercel google-text.chunks.txt (Gemini 3): text, then an empty part carrying thoughtSignature", () =>
    Effect.gen(function* () {
      const body = Recordings.loadChunks("google/vercel.google-text.chunks.txt", "data-crlf")
      for (const { name, response } of yield* streamed(body)) {
        assert.strictEqual(response.text, 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', name)
        assert.strictEqual(response.id, "bH6LaZW8Fp_3nsEPqtaSwQ4")
        assert.strictEqual(response.model, "gemini-3-pro-preview")
        assert.strictEqual(response.finishReason, "stop")
        assert.deepStrictEqual(response.usage, {
          inputTokens: 9,
          outputTokens: 208,
          totalTokens: 217,
          reasoningTokens: 185
        })
        const last = response.content[response.content.length - 1]
        assert.strictEqual(last?.type, "reasoning")
        if (last?.type === "reasoning") {
          assert.strictEqual(last.text, "")
          assert.isTrue(last.signature?.startsWith("EqsFCqgFAb4+9vvtAF5n87lB4OGDOoTRMOqp35jW65"))
        }
      }
    })
  )

  it.live(
    "vercel google-tool-call.chunks.txt: a whole functionCall with a signature; STOP with calls → tool-calls",
    () =>
      Effect.gen(function* () {
        const body = Recordings.loadChunks("google/vercel.google-tool-call.chunks.txt", "data-crlf")
        for (const { name, chunks, response } of yield* streamed(body)) {
          assert.deepStrictEqual(
            response.toolCalls,
            [
              {
                type: "tool-call",
                id: "aiu_call_b36LacjwM668nsEP2tbsgQQ_0",
                name: "weather",
                arguments: '{"location":"San Francisco"}'
              }
            ],
            name
          )
          assert.strictEqual(response.text, "")
          assert.strictEqual(response.finishReason, "tool-calls")
          assert.strictEqual(response.rawFinishReason, "STOP")
          assert.deepStrictEqual(response.usage, {
            inputTokens: 29,
            outputTokens: 60,
            totalTokens: 89,
            reasoningTokens: 45
          })
          assert.deepStrictEqual(
            chunks.filter((c) => c.type.startsWith("tool-call") || c.type === "reasoning-delta").map((c) => c.type),
            ["reasoning-delta", "tool-call-start", "tool-call-delta", "tool-call-end"]
          )
        }
      })
  )

  it.live("vercel google-text.json (generateContent): text with its thoughtSignature; usage arithmetic", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        jsonReply(fixture("vercel.google-text.json"))
      )
      const response = yield* provider.chat(request)
      assert.strictEqual(
        response.text,
        "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y."
      )
      assert.deepStrictEqual(response.content[0], {
        type: "reasoning",
        text: "",
        signature:
          "EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg"
      })
      assert.strictEqual(response.id, "Un6LacrVMcjUxs0PmJfWoQc")
      assert.strictEqual(response.model, "gemini-3-pro-preview")
      assert.strictEqual(response.finishReason, "stop")
      assert.deepStrictEqual(response.usage, {
        inputTokens: 9,
        outputTokens: 272,
        totalTokens: 281,
        reasoningTokens: 244
      })
      assert.strictEqual(server.requests[0]!.headers["x-goog-api-key"], "test-gemini-key")
    }).pipe(Effect.scoped)
  )

  it.live("vercel google-429-retry-info.json: per-minute RESOURCE_EXHAUSTED → RateLimited with RetryInfo's 34.4s", () =>
    Effect.gen(function* () {
      const { provider, server } = yield* setup()
      server.route(
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        jsonReply(fixture("vercel.google-429-retry-info.json"), 429)
      )
      const error = failure(yield* Effect.exit(provider.chat(request, once)))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.deepStrictEqual(error.retryAfter, Duration.millis(34_400))
        assert.strictEqual(error.status, 429)
        assert.include(error.message, "You exceeded your current quota")
      }
    }).pipe(Effect.scoped)
  )

  it.live("langchaingo TestGoogleAIErrorHandling.httprr: 403 for a keyless caller → AuthenticationError", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("google/langchaingo.TestGoogleAIErrorHandling.httprr")
      const { provider, server } = yield* setup()
      server.route("POST", "/v1beta/models/gemini-2.0-flash:generateContent", Recordings.toReply(exchange!.response))
      const error = failure(yield* Effect.exit(provider.chat({ ...request, model: "gemini-2.0-flash" }, once)))
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.strictEqual(error._tag === "AuthenticationError" ? error.status : undefined, 403)
    }).pipe(Effect.scoped)
  )

  it.live("langchaingo TestGoogleAICreateEmbedding.httprr: batchEmbedContents → three 768-dim vectors in order", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadHttprr("google/langchaingo.TestGoogleAICreateEmbedding.httprr")
      const recorded = Recordings.json(exchange!.response.body) as { embeddings: Array<{ values: Array<number> }> }
      for (const { name, pieces } of splits(exchange!.response.body).slice(0, 3)) {
        const { provider, server } = yield* setup()
        server.route("POST", "/v1beta/models/embedding-001:batchEmbedContents", {
          ...Recordings.toReply(exchange!.response),
          body: pieces
        })
        const response = yield* provider.embed({
          model: "embedding-001",
          input: ["hello world", "goodbye world", "hello world"]
        })
        assert.strictEqual(response.embeddings.length, 3, name)
        assert.deepStrictEqual(
          response.embeddings.map((e) => e.length),
          [768, 768, 768]
        )
        assert.deepStrictEqual(response.embeddings[0]!.slice(0, 3), [0.049097817, -0.044328317, -0.025365282])
        assert.deepStrictEqual(response.embeddings[1]!.slice(0, 2), [0.06869802, 0.0032967322])
        assert.deepStrictEqual(
          response.embeddings,
          recorded.embeddings.map((e) => e.values)
        )
        // Our request has the recorded shape: each request repeats the model.
        const sent = server.requests[0]!.json as { requests: Array<unknown> }
        const recordedRequest = Recordings.json(exchange!.request.body) as { requests: Array<unknown> }
        assert.deepStrictEqual(
          sent.requests,
          (recordedRequest.requests as Array<{ model: string; content: { parts: unknown } }>).map((r) => ({
            model: r.model,
            content: { parts: r.content.parts }
          }))
        )
      }
    }).pipe(Effect.scoped)
  )

  it.live("llm-gemini models page (gzip VCR) + nextPageToken: 50 recorded models, kinds inferred", () =>
    Effect.gen(function* () {
      const [exchange] = Recordings.loadVcr("google/llm-gemini.test_cli_gemini_models.yaml")
      assert.deepStrictEqual(exchange!.response.body, fixture("llm-gemini.test_cli_gemini_models.body.json"))
      const { provider, server } = yield* setup()
      server.route("GET", "/v1beta/models", (req) =>
        req.url.includes("pageToken=")
          ? Google.models([{ name: "models/text-embedding-004", supportedGenerationMethods: ["embedContent"] }])(req)
          : Recordings.toReply(exchange!.response)
      )
      const models = yield* provider.listModels()
      assert.strictEqual(models.length, 51)
      assert.deepStrictEqual(
        server.requests.map((r) => r.url),
        [
          "/v1beta/models?pageSize=1000",
          "/v1beta/models?pageSize=1000&pageToken=Ch9tb2RlbHMvdmVvLTMuMS1nZW5lcmF0ZS1wcmV2aWV3"
        ]
      )
      const byModel = new Map(models.map((m) => [m.model, m]))
      assert.deepStrictEqual(byModel.get("gemini-2.5-flash"), {
        id: "google:gemini-2.5-flash",
        provider: "google",
        model: "gemini-2.5-flash",
        kinds: ["chat"],
        name: "Gemini 2.5 Flash",
        contextWindow: 1048576,
        maxOutputTokens: 65536,
        tools: true,
        structuredOutput: true,
        reasoning: true,
        inputModalities: ["text", "image", "audio", "video", "pdf"],
        outputModalities: ["text"]
      })
      assert.deepStrictEqual(byModel.get("gemini-2.0-flash")?.reasoning, false)
      assert.deepStrictEqual(byModel.get("gemini-embedding-001")?.kinds, ["embedding"])
      assert.deepStrictEqual(byModel.get("text-embedding-004")?.kinds, ["embedding"])
      assert.deepStrictEqual(byModel.get("imagen-4.0-generate-001")?.kinds, ["image"])
      assert.deepStrictEqual(byModel.get("gemini-2.5-flash-preview-tts")?.kinds, ["audio-speech"])
      assert.deepStrictEqual(byModel.get("gemini-2.5-flash-image")?.kinds, ["chat", "image"])
      assert.deepStrictEqual(byModel.get("veo-3.1-generate-preview")?.kinds, ["video"])
      // 42 generateContent models minus 3 TTS and 2 Lyria, plus aqa (generateAnswer).
      assert.strictEqual(models.filter((m) => m.kinds.includes("chat")).length, 38)
    }).pipe(Effect.scoped)
  )

  it("langchaingo TestGoogleAIWithStreaming.httprr (JSON-array stream, enum-encoding=int) through the chunk mapper", () => {
    // The adapter asks for `alt=sse`; this recording is the other streaming form (one JSON array,
    // integer enums). Its elements are the same response objects, so they go through the same
    // mapper, one element per event.
    const [exchange] = Recordings.loadHttprr("google/langchaingo.TestGoogleAIWithStreaming.httprr")
    const elements = Recordings.json(exchange!.response.body) as Array<unknown>
    assert.strictEqual(elements.length, 13)
    const mapper = makeMapper({ provider: "google", requestId: undefined })
    const out: Array<StreamChunk> = []
    for (const element of elements) assert.isUndefined(mapper.feedJson(element, out))
    assert.isUndefined(mapper.end(out))
    const text = out.flatMap((c) => (c.type === "text-delta" ? [c.text] : [])).join("")
    assert.isTrue(
      text.startsWith(
        "Clementine, a calico with a perpetually grumpy face, considered herself the queen of Willow Creek."
      )
    )
    assert.isTrue(text.endsWith("And perhaps, just perhaps, she wasn't quite as grumpy as she thought she was.\n"))
    assert.strictEqual(text.length, 2580)
    assert.deepStrictEqual(out[out.length - 1], {
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 8, outputTokens: 578, totalTokens: 586 }
    })
    assert.deepStrictEqual(out[0], {
      type: "metadata",
      id: "VB-jaN_BCZuThMIPnryvyAg",
      model: "gemini-2.0-flash",
      requestId: "VB-jaN_BCZuThMIPnryvyAg"
    })
  })
})
