/**
 * Publishes the key and model-discovery events on `AiuEvents` by wrapping the `Keyring` and the
 * `ModelRegistry` the application provides: `KeySaved`, `KeyRotated`, `KeyRevoked` after a
 * successful `save` / `rotate` / `revoke` (`import` counts as saves), and `ModelsRefreshed` after
 * each successful `refresh`.
 *
 * ```ts
 * const keyring = ServiceEvents.layerKeyring(Keyring.layerSql)
 * const models = ServiceEvents.layerModelRegistry(ModelRegistry.layer())
 * ```
 *
 * @since 0.1.0
 */
import * as Keyring from "@aiu/keyring/Keyring"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AiuEvent, AiuEvents, type Service as EventsService } from "./AiuEvents.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const observeKeyring = (inner: Keyring.Service, events: EventsService): Keyring.Service => ({
  ...inner,
  save: (provider, key, alias) =>
    Effect.tap(inner.save(provider, key, alias), (info) =>
      events.publish(AiuEvent.KeySaved({ provider: info.provider, alias: info.alias }))
    ),
  rotate: (provider, key, alias) =>
    Effect.tap(inner.rotate(provider, key, alias), (info) =>
      events.publish(AiuEvent.KeyRotated({ provider: info.provider, alias: info.alias }))
    ),
  revoke: (provider, alias) =>
    Effect.tap(inner.revoke(provider, alias), () =>
      events.publish(AiuEvent.KeyRevoked({ provider, alias: alias ?? "default" }))
    ),
  import: (bundle, options) =>
    Effect.tap(inner.import(bundle, options), (infos) =>
      Effect.forEach(
        infos,
        (info) => events.publish(AiuEvent.KeySaved({ provider: info.provider, alias: info.alias })),
        {
          discard: true
        }
      )
    )
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const observeModelRegistry = (inner: ModelRegistry.Service, events: EventsService): ModelRegistry.Service => ({
  ...inner,
  refresh: (providerId) =>
    Effect.tap(inner.refresh(providerId), (result) =>
      events.publish(AiuEvent.ModelsRefreshed({ provider: result.provider, count: result.models.length }))
    )
})

/**
 * The keyring built by `inner`, publishing key events.
 * @since 0.1.0
 * @category layers
 */
export const layerKeyring = <E, R>(
  inner: Layer.Layer<Keyring.Keyring, E, R>
): Layer.Layer<Keyring.Keyring, E, R | AiuEvents> =>
  Layer.effect(Keyring.Keyring, Effect.zipWith(Keyring.Keyring, AiuEvents, observeKeyring)).pipe(Layer.provide(inner))

/**
 * The model registry built by `inner`, publishing `ModelsRefreshed`.
 * @since 0.1.0
 * @category layers
 */
export const layerModelRegistry = <E, R>(
  inner: Layer.Layer<ModelRegistry.ModelRegistry, E, R>
): Layer.Layer<ModelRegistry.ModelRegistry, E, R | AiuEvents> =>
  Layer.effect(
    ModelRegistry.ModelRegistry,
    Effect.zipWith(ModelRegistry.ModelRegistry, AiuEvents, observeModelRegistry)
  ).pipe(Layer.provide(inner))
