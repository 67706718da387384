/**
 * Which key a command uses: the keyring's active key for the provider and alias, else the
 * provider's conventional environment variable. A provider that needs a key and has none fails
 * with `KeyNotFound`, whose hint tells how to add one.
 */
import { KeyNotFound } from "@aiu/core/AiuError"
import type * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

export const fromEnv = (entry: ProviderRegistry.Entry): Option.Option<Redacted.Redacted<string>> => {
  const name = entry.descriptor.apiKeyEnv
  const value = name ? process.env[name] : undefined
  return value !== undefined && value.trim() !== "" ? Option.some(Redacted.make(value.trim())) : Option.none()
}

export const resolve = (
  entry: ProviderRegistry.Entry,
  alias: string | undefined
): Effect.Effect<Option.Option<Redacted.Redacted<string>>, KeyNotFound> =>
  Effect.suspend(() => {
    const env = fromEnv(entry)
    if (Option.isSome(env) || !entry.descriptor.requiresKey) return Effect.succeed(env)
    const envName = entry.descriptor.apiKeyEnv
    return Effect.fail(
      new KeyNotFound({
        message: `no ${alias && alias !== "default" ? `'${alias}' ` : ""}API key for provider '${entry.settings.id}'${envName ? ` in the keyring or ${envName}` : ""}`,
        provider: entry.settings.id,
        ...(alias !== undefined ? { alias } : {})
      })
    )
  })
