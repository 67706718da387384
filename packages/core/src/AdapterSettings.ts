/**
 * Decoding an adapter's typed `settings` (from `AdapterConfig`) and its per-request
 * `providerOptions[type]` with the adapter's own schemas, so every adapter reports a bad value
 * the same way: a `ConfigError` / `InvalidRequest` naming the exact field.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ConfigError, InvalidRequest } from "./AiuError.js"

/** The `a.b` path and message of the first issue. */
const firstIssue = (error: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return {
    path: first === undefined ? "" : first.path.map(String).join("."),
    message: first?.message ?? "invalid value"
  }
}

/**
 * A decoder for `config.settings`; unknown fields are errors (a typo must not pass silently).
 * `name` is the provider's display name, used in messages.
 * @since 0.1.0
 * @category constructors
 */
export const settingsDecoder = <A, I>(schema: Schema.Schema<A, I, never>, name: string) => {
  const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "error" })
  return (providerId: string, settings: Readonly<Record<string, unknown>> | undefined): Effect.Effect<A, ConfigError> =>
    Either.match(decode(settings ?? {}), {
      onRight: Effect.succeed,
      onLeft: (error) => {
        const { message, path } = firstIssue(error)
        const key = path.length > 0 ? `settings.${path}` : "settings"
        return Effect.fail(
          new ConfigError({ message: `${providerId}: invalid ${name} setting ${key}: ${message}`, key })
        )
      }
    })
}

/**
 * A decoder for `request.providerOptions[type]`; a bad value is an `InvalidRequest` whose `param`
 * is the full path (`providerOptions.mistral.safe_prompt`).
 * @since 0.1.0
 * @category constructors
 */
export const providerOptionsDecoder = <A, I>(schema: Schema.Schema<A, I, never>, type: string) => {
  const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "error" })
  return (
    providerId: string,
    options: Readonly<Record<string, unknown>> | undefined
  ): Either.Either<A, InvalidRequest> =>
    Either.mapLeft(decode(options ?? {}), (error) => {
      const { message, path } = firstIssue(error)
      const param = `providerOptions.${type}${path.length > 0 ? `.${path}` : ""}`
      return new InvalidRequest({ message: `${providerId}: invalid ${param}: ${message}`, provider: providerId, param })
    })
}
