/**
 * Logger layers: JSON lines for production, pretty output for a terminal. Every line goes through
 * redaction before it is written: `Redacted` values, secret-named fields (`apiKey`,
 * `authorization`, …), `key=` / `token=` query parameters and strings shaped like provider keys
 * or bearer tokens are masked, in the message, the annotations and the cause.
 *
 * Libraries only emit logs; provide one of these layers at the edge of the application.
 *
 * @since 0.1.0
 */
import * as Redaction from "@aiu/core/Redaction"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"

/**
 * @since 0.1.0
 * @category models
 */
export type Format = "json" | "pretty" | "logfmt" | "auto"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `auto` is pretty on a TTY and JSON otherwise (default `auto`). */
  readonly format?: Format | undefined
  /** Minimum level (default `Info`). */
  readonly level?: LogLevel.LogLevel | undefined
  /** Write to stderr, keeping stdout for program output (default true). */
  readonly stderr?: boolean | undefined
  /** Extra secrets to mask wherever they appear (e.g. a key the app read itself). */
  readonly secrets?: ReadonlyArray<string> | undefined
}

/**
 * Wraps a string-producing logger so its input (message, annotations) is deep-redacted and its
 * output line is scanned once more for key-shaped strings.
 * @since 0.1.0
 * @category combinators
 */
export const redacting = <O>(
  logger: Logger.Logger<unknown, O>,
  options?: { readonly secrets?: ReadonlyArray<string> | undefined }
): Logger.Logger<unknown, O | string> => {
  const secrets = options?.secrets ?? []
  const scrub = (s: string) => (secrets.length > 0 ? Redaction.redactKnown(s, secrets) : Redaction.redactString(s))
  const scrubDeep = (u: unknown): unknown => {
    const out = Redaction.redactDeep(u)
    return secrets.length > 0 && typeof out === "string" ? scrub(out) : out
  }
  return Logger.make<unknown, O | string>((input) => {
    const out = logger.log({
      ...input,
      message: Array.isArray(input.message) ? input.message.map(scrubDeep) : scrubDeep(input.message),
      annotations: HashMap.map(input.annotations, scrubDeep)
    })
    return typeof out === "string" ? scrub(out) : out
  })
}

const isTty = (): boolean => {
  const stream = (globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process?.stderr
  return stream?.isTTY === true
}

const base = (format: Format): Logger.Logger<unknown, unknown> => {
  switch (format) {
    case "json":
      return Logger.jsonLogger
    case "logfmt":
      return Logger.logfmtLogger
    case "pretty":
      return Logger.prettyLoggerDefault
    case "auto":
      return isTty() ? Logger.prettyLoggerDefault : Logger.jsonLogger
  }
}

/**
 * The redacting logger as a value (not yet installed).
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Logger.Logger<unknown, void> => {
  const format = options?.format ?? "auto"
  const inner = base(format)
  const redacted = redacting(inner, { secrets: options?.secrets })
  // The pretty logger prints by itself; the string loggers need a sink.
  if (format === "pretty" || (format === "auto" && isTty())) return Logger.map(redacted, () => undefined)
  return options?.stderr === false ? Logger.withConsoleLog(redacted) : Logger.withConsoleError(redacted)
}

/**
 * Replaces the default logger with the redacting one.
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<never> =>
  Layer.merge(
    Logger.replace(Logger.defaultLogger, make(options)),
    Logger.minimumLogLevel(options?.level ?? LogLevel.Info)
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layerJson: Layer.Layer<never> = layer({ format: "json" })

/**
 * @since 0.1.0
 * @category layers
 */
export const layerPretty: Layer.Layer<never> = layer({ format: "pretty" })

/**
 * From `AIU_LOG_FORMAT` (`json` | `pretty` | `logfmt` | `auto`, default `auto`) and
 * `AIU_LOG_LEVEL` (default `Info`).
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<never> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const format = yield* Config.literal(
      "json",
      "pretty",
      "logfmt",
      "auto"
    )("AIU_LOG_FORMAT").pipe(Config.withDefault("auto" as const))
    const level = yield* Config.logLevel("AIU_LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
    return layer({ format, level })
  }).pipe(Effect.orElseSucceed(() => layer()))
)

/**
 * A logger that appends each redacted JSON line to `lines` (tests, secret-leak checks).
 * @since 0.1.0
 * @category layers
 */
export const layerCapture = (lines: Array<string>, options?: Pick<Options, "secrets" | "level">): Layer.Layer<never> =>
  Layer.merge(
    Logger.replace(
      Logger.defaultLogger,
      Logger.map(redacting(Logger.jsonLogger, { secrets: options?.secrets }), (line) => {
        lines.push(String(line))
      })
    ),
    Logger.minimumLogLevel(options?.level ?? LogLevel.All)
  )
