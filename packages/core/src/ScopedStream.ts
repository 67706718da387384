/**
 * A stream opened by a scoped effect, closed with the stream: `Stream.unwrapScoped`, built so
 * that the opened stream's elements pass straight through.
 *
 * `Stream.unwrapScoped` is `flatMap` over a one-element stream, so each chunk of the inner stream
 * is forwarded by a `flatMap` stage: for a chat stream, a channel step and a few objects per
 * network read, on every stream. Here the scope is acquired and released around the inner
 * stream's channel (`Channel.acquireUseRelease`, whose release is in place before the scope
 * exists), and the inner channel then runs in the outer one's place.
 *
 * @since 0.1.0
 */
import * as Channel from "effect/Channel"
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * @since 0.1.0
 * @category constructors
 */
export const unwrapScoped = <A, E, R, E2, R2>(
  effect: Effect.Effect<Stream.Stream<A, E, R>, E2, R2>
): Stream.Stream<A, E | E2, R | Exclude<R2, Scope.Scope>> => unwrapScopedWith((scope) => Scope.extend(effect, scope))

/**
 * `unwrapScoped` with the scope handed to `f` rather than put in the fiber's context: providing a
 * service is a context swap (about 25 run-loop steps and their allocations), which a caller that
 * adds its finalizers with `Scope.addFinalizerExit` and already provides a context of its own
 * further in does not need twice.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unwrapScopedWith = <A, E, R, E2, R2>(
  f: (scope: Scope.Scope) => Effect.Effect<Stream.Stream<A, E, R>, E2, R2>
): Stream.Stream<A, E | E2, R | R2> =>
  Stream.fromChannel(
    Channel.acquireUseRelease(
      Scope.make(),
      (scope) => Channel.unwrap(Effect.map(f(scope), Stream.toChannel)),
      (scope, exit) => Scope.close(scope, exit)
    )
  )
