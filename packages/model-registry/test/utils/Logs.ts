/** Collects log lines (level + message) for assertions. */
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

export const collect = () => {
  const lines: Array<{ level: string; message: string }> = []
  const logger = Logger.make(({ logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message])
      .map((m) => (typeof m === "string" ? m : String(m)))
      .join(" ")
    lines.push({ level: logLevel.label, message: text })
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) as Layer.Layer<never> }
}
