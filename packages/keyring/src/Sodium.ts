/**
 * libsodium (`libsodium-wrappers-sumo`), initialised once per process. The WebAssembly module
 * loads asynchronously; every user awaits the same promise.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import sodium from "libsodium-wrappers-sumo"

/**
 * @since 0.1.0
 * @category models
 */
export type Sodium = typeof sodium

let ready: Promise<Sodium> | undefined

/**
 * The initialised library. Initialisation failing is a defect: nothing in aiu can run without it.
 * @since 0.1.0
 * @category constructors
 */
export const load: Effect.Effect<Sodium> = Effect.promise(() => {
  ready ??= sodium.ready.then(() => sodium)
  return ready
})
