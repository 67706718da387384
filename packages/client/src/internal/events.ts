import * as Metrics from "@aiu/observability/Metrics"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { AiuEvent, EventTag, Options, Service } from "../AiuEvents.js"

export const make = (options?: Options): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function* () {
    const pubsub = yield* Effect.acquireRelease(PubSub.dropping<AiuEvent>(options?.capacity ?? 1024), PubSub.shutdown)
    const layerScope = yield* Effect.scope
    const runtime = yield* Effect.runtime<never>()
    let dropped = 0

    const publish = (event: AiuEvent): Effect.Effect<void> =>
      PubSub.publish(pubsub, event).pipe(
        Effect.flatMap((ok) => {
          if (ok) return Effect.void
          dropped++
          return Metrics.increment(Metrics.eventsDropped, { event: event._tag })
        })
      )

    const subscribe = Effect.map(PubSub.subscribe(pubsub), (dequeue) => Stream.fromQueue(dequeue))

    const on: Service["on"] = (event, handler) => {
      const scope = Runtime.runSync(runtime)(Scope.fork(layerScope, ExecutionStrategy.sequential))
      const dequeue = Runtime.runSync(runtime)(Scope.extend(PubSub.subscribe(pubsub), scope))
      const loop = Queue.take(dequeue).pipe(
        Effect.flatMap((e) =>
          event === "*" || e._tag === (event as EventTag)
            ? Effect.try(() => handler(e as never)).pipe(
                Effect.catchAll((cause) => Effect.logWarning("AiuEvents handler threw", String(cause.error)))
              )
            : Effect.void
        ),
        Effect.forever
      )
      const fiber = Runtime.runFork(runtime)(loop)
      let closed = false
      return () => {
        if (closed) return
        closed = true
        Runtime.runFork(runtime)(Fiber.interrupt(fiber).pipe(Effect.zipRight(Scope.close(scope, Exit.void))))
      }
    }

    return {
      publish,
      stream: Stream.fromPubSub(pubsub),
      subscribe,
      dropped: Effect.sync(() => dropped),
      on
    } satisfies Service
  })
