/** Builds a registry (with the internal test hook `awaitIdle`) over the fake server. */
import type { FakeServer } from "@aiu/testing/FakeProviderServer"
import type * as ModelRepository from "@aiu/storage/ModelRepository"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as internal from "../../src/internal/registry.js"
import type * as ModelRegistry from "../../src/ModelRegistry.js"
import * as FakeSource from "./FakeSource.js"

export const make = (
  server: FakeServer,
  providers: ReadonlyArray<string>,
  tiers?: { readonly repository?: ModelRepository.Service; readonly shared?: internal.SharedTier },
  options?: ModelRegistry.Options
): Effect.Effect<internal.Internal, never, Scope.Scope> =>
  internal.make(
    options,
    FakeSource.make(server, providers),
    { repository: Option.fromNullable(tiers?.repository), shared: Option.fromNullable(tiers?.shared) },
    Option.none()
  )
