/**
 * A provider's event mapper, run by the transport inside its read loop (`HttpTransport.mapEvents`
 * on a real response) and over any stream of events (`EventMapping.mapEvents`): the two must
 * deliver the same chunks and fail the same way.
 */
import { FakeProviderServer } from "@aiu/testing"
import * as EventMapping from "@aiu/transport/EventMapping"
import * as HttpTransport from "@aiu/transport/HttpTransport"
import * as NodeHttpTransport from "@aiu/transport/NodeHttpTransport"
import type { SseEvent } from "@aiu/transport/Sse"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"

class Refused {
  readonly _tag = "Refused"
  constructor(readonly reason: string) {}
}

/**
 * Upper-cases each event's data; `fail:x` fails, `end` is the last event, `bad-end` makes the
 * end fail. `end` appends `<end>`; counts its calls so a double flush shows.
 */
const makeMapper = () => {
  let last = false
  let badEnd = false
  let ends = 0
  const mapper: EventMapping.Mapper<SseEvent, string, Refused> = {
    event: (e, out) => {
      if (e.data.startsWith("fail:")) return new Refused(e.data.slice(5))
      if (e.data === "end") last = true
      if (e.data === "bad-end") badEnd = true
      out.push(e.data.toUpperCase())
      return undefined
    },
    end: (out) => {
      ends++
      if (badEnd) return new Refused("cut short")
      out.push("<end>")
      return undefined
    },
    done: () => last
  }
  return { mapper, ends: () => ends }
}

/** What a run delivered and how it ended. */
const run = (stream: Stream.Stream<string, unknown>) =>
  Effect.gen(function* () {
    const got: Array<string> = []
    const exit = yield* Effect.exit(Stream.runForEach(stream, (s) => Effect.sync(() => got.push(s))))
    const failure = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
    return { got, ok: Exit.isSuccess(exit), failure }
  })

const sse = (data: ReadonlyArray<string>) => data.map((d) => `data: ${d}\n\n`).join("")

/** Reads of events, each list one read: `[["a", "b"], ["c"]]`. */
type Reads = ReadonlyArray<ReadonlyArray<string>>

const cases: ReadonlyArray<{
  readonly name: string
  readonly reads: Reads
  /** The server keeps the connection open after the last read. */
  readonly stall?: boolean
  readonly got: ReadonlyArray<string>
  readonly failure?: string
}> = [
  { name: "maps every read, flushes at the end", reads: [["a", "b"], ["c"]], got: ["A", "B", "C", "<end>"] },
  {
    name: "a failure mid-read delivers what came before it, then fails, and stays failed",
    reads: [["a", "fail:boom", "b"], ["c"]],
    got: ["A"],
    failure: "boom"
  },
  {
    name: "a failure first in a read fails at once",
    reads: [["a"], ["fail:first", "b"]],
    got: ["A"],
    failure: "first"
  },
  {
    name: "the last event ends it: the rest of the read and later reads are not mapped",
    reads: [["a", "end", "after"], ["later"]],
    stall: true,
    got: ["A", "END", "<end>"]
  },
  {
    name: "an end that fails follows what was delivered",
    reads: [["a", "bad-end"]],
    got: ["A", "BAD-END"],
    failure: "cut short"
  }
]

/** A case's reads as a stream of events; a stalled server never ends after them. */
const eventsOf = (c: (typeof cases)[number]) => {
  let pulledAfter = false
  const events = Stream.fromChunks(
    ...c.reads.map((read) =>
      Chunk.fromIterable(read.map((data): SseEvent => ({ data, event: undefined, id: undefined })))
    )
  ).pipe(
    // Pulling past the reads of a stalled server is a defect of the mapping.
    Stream.concat(
      c.stall === true
        ? Stream.fromEffect(
            Effect.sync(() => {
              pulledAfter = true
            })
          ).pipe(Stream.zipRight(Stream.never))
        : Stream.empty
    )
  )
  return { events, pulledAfter: () => pulledAfter }
}

describe("event mapping", () => {
  describe("over any stream (EventMapping.mapEvents)", () => {
    for (const c of cases) {
      it.effect(c.name, () =>
        Effect.gen(function* () {
          const { mapper, ends } = makeMapper()
          const { events, pulledAfter } = eventsOf(c)
          const r = yield* run(EventMapping.mapEvents(events, mapper))
          assert.deepStrictEqual(r.got, c.got)
          assert.strictEqual(r.failure instanceof Refused ? r.failure.reason : undefined, c.failure)
          assert.isFalse(pulledAfter())
          assert.isAtMost(ends(), 1)
        })
      )
    }
  })

  describe("watched (EventMapping.watched): the watcher sees each output, in order, before it goes out", () => {
    for (const c of cases) {
      it.effect(c.name, () =>
        Effect.gen(function* () {
          const { mapper } = makeMapper()
          const seen: Array<string> = []
          let seenFirst = true
          const got: Array<string> = []
          const watched = EventMapping.watched(mapper, (s) => seen.push(s))
          const exit = yield* Effect.exit(
            Stream.runForEach(EventMapping.mapEvents(eventsOf(c).events, watched), (s) =>
              Effect.sync(() => {
                if (seen[got.length] !== s) seenFirst = false
                got.push(s)
              })
            )
          )
          assert.deepStrictEqual(got, c.got)
          assert.deepStrictEqual(seen, c.got)
          assert.isTrue(seenFirst)
          assert.strictEqual(Exit.isSuccess(exit), c.failure === undefined)
        })
      )
    }
  })

  describe("in the transport's read loop (HttpTransport.mapEvents)", () => {
    for (const c of cases) {
      it.live(c.name, () =>
        Effect.gen(function* () {
          const server = yield* FakeProviderServer.make()
          // One body piece per read; the pause lets the client read each on its own.
          server.route("POST", "/s", {
            status: 200,
            headers: { "content-type": "text/event-stream" },
            body: c.reads.map(sse),
            chunkDelayMs: 20,
            ...(c.stall === true ? { stall: true } : {})
          })
          const transport = yield* NodeHttpTransport.make({ circuitBreaker: false })
          const { mapper, ends } = makeMapper()
          const r = yield* Effect.scoped(
            Effect.flatMap(
              transport.sse({ provider: "fake", operation: "chatStream", url: `${server.url}/s`, body: {} }),
              (response) => {
                assert.isDefined(response.mapEvents)
                return run(HttpTransport.mapEvents(response, mapper))
              }
            )
          )
          assert.deepStrictEqual(r.got, c.got)
          assert.strictEqual(r.failure instanceof Refused ? r.failure.reason : undefined, c.failure)
          assert.isAtMost(ends(), 1)
          if (c.stall === true) yield* Effect.promise(() => server.awaitAborted(1, 5_000))
        }).pipe(Effect.scoped)
      )
    }
  })
})
