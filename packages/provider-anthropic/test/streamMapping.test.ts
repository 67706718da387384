import type { StreamChunk } from "@aiu/core/StreamChunk"
import type { SseEvent } from "@aiu/transport/Sse"
import { assert, describe, it } from "@effect/vitest"
import { makeMapper } from "../src/internal/streamMapping.js"

const ev = (payload: unknown, event?: string): SseEvent => ({
  event: event ?? (payload as { type: string }).type,
  data: typeof payload === "string" ? payload : JSON.stringify(payload),
  id: undefined
})

const run = (events: ReadonlyArray<SseEvent>, jsonTool = false) => {
  const mapper = makeMapper({ provider: "anthropic", requestId: "req_x", jsonTool })
  const out: Array<StreamChunk> = []
  for (const e of events) {
    const error = mapper.feed(e, out)
    if (error !== undefined) return { out, error }
  }
  return { out, error: mapper.end() }
}

const start = ev({
  type: "message_start",
  message: { id: "msg_1", model: "claude", usage: { input_tokens: 5, output_tokens: 1 } }
})
const stop = [
  ev({ type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 9 } }),
  ev({ type: "message_stop" })
]

describe("streamMapping", () => {
  it("usage: input from message_start, cumulative output from message_delta; max_tokens → length", () => {
    const { out, error } = run([start, ...stop])
    assert.isUndefined(error)
    assert.deepStrictEqual(out, [
      { type: "metadata", id: "msg_1", model: "claude", requestId: "req_x" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 } },
      {
        type: "finish",
        finishReason: "length",
        rawFinishReason: "max_tokens",
        usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 }
      }
    ])
  })

  it("ignores ping, unknown events and unknown block / delta types; nothing after message_stop", () => {
    const { out, error } = run([
      start,
      ev({ type: "ping" }),
      ev({
        type: "content_block_start",
        index: 0,
        content_block: { type: "server_tool_use", id: "x", name: "web_search" }
      }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "citations_delta" } }),
      ev({ type: "content_block_stop", index: 0 }),
      ev({ type: "brand_new_event" }),
      ...stop,
      ev({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "late" } })
    ])
    assert.isUndefined(error)
    assert.deepStrictEqual(
      out.map((c) => c.type),
      ["metadata", "usage", "finish"]
    )
  })

  it("a JSON-mode `json` tool with no fragments yields the text {}", () => {
    const { out } = run(
      [
        start,
        ev({
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "t", name: "json", input: {} }
        }),
        ev({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } }),
        ev({ type: "content_block_stop", index: 0 }),
        ev({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 2 } }),
        ev({ type: "message_stop" })
      ],
      true
    )
    assert.deepStrictEqual(
      out.filter((c) => c.type === "text-delta"),
      [{ type: "text-delta", text: "{}" }]
    )
    const finish = out[out.length - 1]
    assert.strictEqual(finish?.type === "finish" ? finish.finishReason : undefined, "stop")
  })

  it("malformed data is a ResponseDecodeError; a missing message_stop is StreamInterrupted", () => {
    assert.strictEqual(run([start, ev("{not json", "content_block_delta")]).error?._tag, "ResponseDecodeError")
    assert.strictEqual(run([start]).error?._tag, "StreamInterrupted")
    assert.strictEqual(run([]).error?._tag, "StreamInterrupted")
  })

  it("the spaced ping and padded payloads parse (JSON, never string compares)", () => {
    const { out, error } = run([
      {
        event: "message_start",
        data: '{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1}}}     ',
        id: undefined
      },
      { event: "ping", data: '{"type": "ping"}', id: undefined },
      { event: "message_stop", data: '{"type":"message_stop"      }', id: undefined }
    ])
    assert.isUndefined(error)
    assert.strictEqual(out.length, 3)
  })

  it("refusal → content-filter; cache and thinking-token counts flow into usage", () => {
    const { out } = run([
      ev({
        type: "message_start",
        message: {
          id: "m",
          model: "c",
          usage: { input_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 10 }
        }
      }),
      ev({
        type: "message_delta",
        delta: { stop_reason: "refusal" },
        usage: { output_tokens: 20, output_tokens_details: { thinking_tokens: 12 } }
      }),
      ev({ type: "message_stop" })
    ])
    assert.deepStrictEqual(out[out.length - 1], {
      type: "finish",
      finishReason: "content-filter",
      rawFinishReason: "refusal",
      usage: {
        inputTokens: 113,
        outputTokens: 20,
        totalTokens: 133,
        cachedInputTokens: 100,
        cacheWriteInputTokens: 10,
        reasoningTokens: 12
      }
    })
  })
})
