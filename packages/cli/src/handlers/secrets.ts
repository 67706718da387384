/**
 * Reading an API key from the command line: `--key K` or `--key-stdin` (exactly one). The key is
 * `Redacted` from the moment it is read.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Output from "../Output.js"

export const readKey = (
  key: Option.Option<string>,
  keyStdin: boolean
): Effect.Effect<Option.Option<Redacted.Redacted<string>>, Output.UsageError> => {
  if (Option.isSome(key) && keyStdin) return Effect.fail(new Output.UsageError("give --key or --key-stdin, not both"))
  if (Option.isSome(key)) return Effect.succeed(Option.some(Redacted.make(key.value.trim())))
  if (!keyStdin) return Effect.succeed(Option.none())
  return Effect.map(Output.readStdin, (text) => Option.some(Redacted.make(text.trim())))
}

export const requireKey = (key: Option.Option<string>, keyStdin: boolean) =>
  Effect.flatMap(readKey(key, keyStdin), (k) =>
    Option.match(k, {
      onNone: () => Effect.fail(new Output.UsageError("the key is missing: give --key K or --key-stdin")),
      onSome: (value) =>
        Redacted.value(value) === "" ? Effect.fail(new Output.UsageError("the key is empty")) : Effect.succeed(value)
    })
  )
