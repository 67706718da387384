/**
 * `aiu run chat|embed|image`: run a model once. The answer goes to stdout as it arrives; reasoning
 * and tool calls go to stderr, never into the answer.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { CallOptions } from "@aiu/core/CallOptions"
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import * as ModelId from "@aiu/core/ModelId"
import { Accumulator } from "@aiu/core/StreamChunk"
import * as ProviderRegistry from "@aiu/client/ProviderRegistry"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Credentials from "../Credentials.js"
import * as Lazy from "../Lazy.js"
import * as Output from "../Output.js"

const model = Options.text("model").pipe(
  Options.withAlias("m"),
  Options.withDescription("provider:model, e.g. openai:gpt-4o-mini")
)
const keyAlias = Options.text("key-alias").pipe(
  Options.optional,
  Options.withDescription("which stored key to use (default: default)")
)
const json = Options.boolean("json").pipe(Options.withDescription("print one JSON object when done"))

const seconds = (name: string, description: string) =>
  Options.float(name).pipe(
    Options.filterMap(
      (n) => (n > 0 ? Option.some(n) : Option.none()),
      `--${name} must be a positive number of seconds`
    ),
    Options.optional,
    Options.withDescription(description)
  )

/** Resolves the model id, the provider's adapter and its key. */
const prepare = (modelId: string, alias: Option.Option<string>) =>
  Effect.gen(function* () {
    const id = yield* ModelId.parse(modelId)
    const parts = ModelId.parts(id)
    const registry = yield* ProviderRegistry.ProviderRegistry
    const entry = yield* registry.get(parts.provider)
    const apiKey = yield* Credentials.resolve(entry, Option.getOrUndefined(alias))
    return { id, parts, entry, apiKey }
  })

const callOptions = (
  apiKey: Option.Option<import("effect/Redacted").Redacted<string>>,
  alias: Option.Option<string>,
  timeouts: { total?: number | undefined; idle?: number | undefined }
): CallOptions => {
  const t: { total?: Duration.Duration; idle?: Duration.Duration } = {}
  if (timeouts.total !== undefined) t.total = Duration.millis(Math.round(timeouts.total * 1000))
  if (timeouts.idle !== undefined) t.idle = Duration.millis(Math.round(timeouts.idle * 1000))
  return {
    ...(Option.isSome(apiKey) ? { apiKey: apiKey.value } : {}),
    ...(Option.isSome(alias) ? { keyAlias: alias.value } : {}),
    timeouts: t
  }
}

const usageLine = (
  id: string,
  usage: { inputTokens: number; outputTokens: number },
  latencyMs: number,
  costUsd: number | null
) =>
  Output.dim(
    `[${id}] ${usage.inputTokens} in / ${usage.outputTokens} out tokens · ${latencyMs} ms${costUsd !== null ? ` · $${costUsd.toFixed(6)}` : ""}\n`
  )

// -----------------------------------------------------------------------------
// run chat
// -----------------------------------------------------------------------------

const chat = Command.make(
  "chat",
  {
    model,
    input: Options.text("input").pipe(
      Options.withAlias("i"),
      Options.withDescription("the prompt; '-' reads it from stdin")
    ),
    system: Options.text("system").pipe(Options.optional, Options.withDescription("a system prompt")),
    temperature: Options.float("temperature").pipe(Options.optional),
    maxTokens: Options.integer("max-tokens").pipe(Options.optional, Options.withDescription("maximum output tokens")),
    keyAlias,
    timeout: seconds("timeout", "bound the whole request (seconds)"),
    idleTimeout: seconds("idle-timeout", "bound the silence between stream chunks (seconds)"),
    noStream: Options.boolean("no-stream").pipe(Options.withDescription("wait for the whole answer")),
    json
  },
  (args) =>
    Effect.gen(function* () {
      const prompt = args.input === "-" ? yield* Output.readStdin : args.input
      const { id, parts, entry, apiKey } = yield* prepare(args.model, args.keyAlias)
      const messages: Array<Message> = []
      if (Option.isSome(args.system)) messages.push({ role: "system", content: args.system.value })
      messages.push({ role: "user", content: prompt })
      const request: ChatRequest = {
        model: parts.model,
        messages,
        ...(Option.isSome(args.temperature) ? { temperature: args.temperature.value } : {}),
        ...(Option.isSome(args.maxTokens) ? { maxOutputTokens: args.maxTokens.value } : {})
      }
      const options = callOptions(apiKey, args.keyAlias, {
        total: Option.getOrUndefined(args.timeout),
        idle: Option.getOrUndefined(args.idleTimeout)
      })
      const started = yield* Clock.currentTimeMillis
      const acc = new Accumulator()
      // Text goes to stdout as it arrives unless the whole answer is wanted at once.
      const live = !args.json && !args.noStream
      const spin = args.json ? { stop: () => {} } : Output.spinner(`waiting for ${id}…`)
      let reasoningOpen = false
      const run = args.noStream
        ? Effect.map(entry.provider.chat(request, options), (response) => {
            spin.stop()
            for (const part of response.content) {
              if (part.type === "text") acc.add({ type: "text-delta", text: part.text })
              else if (part.type === "reasoning") acc.add({ type: "reasoning-delta", text: part.text })
            }
            for (const [index, call] of response.toolCalls.entries()) {
              acc.add({ type: "tool-call-end", index, id: call.id, name: call.name, arguments: call.arguments })
            }
            acc.add({
              type: "metadata",
              model: response.model,
              ...(response.requestId ? { requestId: response.requestId } : {})
            })
            acc.add({ type: "finish", finishReason: response.finishReason, usage: response.usage })
            if (!args.json) process.stdout.write(response.text)
          })
        : Stream.runForEachChunk(entry.provider.chatStream(request, options), (chunk) =>
            Effect.sync(() => {
              let out = ""
              for (const c of chunk) {
                acc.add(c)
                if (!live) continue
                if (c.type === "text-delta") {
                  if (c.text.length > 0) spin.stop()
                  out += c.text
                } else if (c.type === "reasoning-delta" && c.text.length > 0) {
                  spin.stop()
                  if (!reasoningOpen) process.stderr.write(Output.dim("thinking: "))
                  reasoningOpen = true
                  process.stderr.write(Output.dim(c.text))
                } else if (c.type === "tool-call-end") {
                  spin.stop()
                  process.stderr.write(Output.dim(`tool call: ${c.name}(${c.arguments})\n`))
                }
              }
              if (out.length > 0) {
                if (reasoningOpen) {
                  process.stderr.write("\n")
                  reasoningOpen = false
                }
                process.stdout.write(out)
              }
            })
          )
      yield* run.pipe(Effect.ensuring(Effect.sync(() => spin.stop())))
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      const response = acc.response(parts.model)
      const costUsd: number | null = null
      if (args.json) {
        yield* Output.printJson({
          provider: parts.provider,
          model: response.model,
          text: response.text,
          finishReason: response.finishReason,
          usage: {
            inputTokens: response.usage.inputTokens,
            outputTokens: response.usage.outputTokens,
            totalTokens: response.usage.totalTokens
          },
          toolCalls: response.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
          latencyMs,
          costUsd,
          requestId: response.requestId ?? null
        })
      } else {
        if (response.text.length > 0 && !response.text.endsWith("\n") && process.stdout.isTTY)
          yield* Output.stdout("\n")
        yield* Output.stderr(usageLine(id, response.usage, latencyMs, costUsd))
      }
    }).pipe(Effect.provide(Lazy.providers))
).pipe(Command.withDescription("send one prompt to a chat model and print the answer"))

// -----------------------------------------------------------------------------
// run embed
// -----------------------------------------------------------------------------

const embed = Command.make(
  "embed",
  {
    model,
    input: Options.text("input").pipe(
      Options.withAlias("i"),
      Options.repeated,
      Options.withDescription("a text to embed (repeatable)")
    ),
    dimensions: Options.integer("dimensions").pipe(Options.optional),
    keyAlias,
    json
  },
  (args) =>
    Effect.gen(function* () {
      if (args.input.length === 0) return yield* Effect.fail(new Output.UsageError("give at least one --input"))
      const { id, parts, entry, apiKey } = yield* prepare(args.model, args.keyAlias)
      const started = yield* Clock.currentTimeMillis
      const response = yield* entry.provider.embed(
        {
          model: parts.model,
          input: args.input,
          ...(Option.isSome(args.dimensions) ? { dimensions: args.dimensions.value } : {})
        },
        callOptions(apiKey, args.keyAlias, {})
      )
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      if (args.json) {
        yield* Output.printJson({
          provider: parts.provider,
          model: response.model,
          embeddings: response.embeddings,
          usage: response.usage,
          latencyMs,
          requestId: response.requestId ?? null
        })
      } else {
        for (const [i, vector] of response.embeddings.entries()) {
          const head = vector
            .slice(0, 4)
            .map((x) => x.toFixed(4))
            .join(", ")
          yield* Output.stdout(`${i}\t${vector.length} dims\t[${head}${vector.length > 4 ? ", …" : ""}]\n`)
        }
        yield* Output.stderr(Output.dim(`[${id}] ${response.usage.inputTokens} in tokens · ${latencyMs} ms\n`))
      }
    }).pipe(Effect.provide(Lazy.providers))
).pipe(Command.withDescription("embed texts and print the vectors"))

// -----------------------------------------------------------------------------
// run image
// -----------------------------------------------------------------------------

const image = Command.make(
  "image",
  {
    model,
    prompt: Options.text("prompt").pipe(Options.withAlias("p")),
    out: Options.file("out").pipe(Options.withDescription("where to write the image (png)")),
    size: Options.text("size").pipe(Options.optional),
    keyAlias,
    json
  },
  (args) =>
    Effect.gen(function* () {
      const { id, parts, entry, apiKey } = yield* prepare(args.model, args.keyAlias)
      const response = yield* entry.provider.generateImage(
        { model: parts.model, prompt: args.prompt, ...(Option.isSome(args.size) ? { size: args.size.value } : {}) },
        callOptions(apiKey, args.keyAlias, {})
      )
      const first = response.images[0]
      if (!first?.b64) {
        return yield* Effect.fail(
          new AiuError.ResponseDecodeError({ message: `${id} returned no inline image data`, provider: parts.provider })
        )
      }
      const fs = yield* FileSystem.FileSystem
      yield* fs
        .writeFile(args.out, Buffer.from(first.b64, "base64"))
        .pipe(Effect.mapError((e) => new AiuError.StorageError({ message: `cannot write ${args.out}: ${e.message}` })))
      if (args.json) {
        yield* Output.printJson({
          provider: parts.provider,
          model: response.model,
          out: args.out,
          revisedPrompt: first.revisedPrompt ?? null
        })
      } else {
        yield* Output.stderr(Output.dim(`[${id}] wrote ${args.out}\n`))
      }
    }).pipe(Effect.provide(Lazy.providers))
).pipe(Command.withDescription("generate an image from a prompt"))

export const command = Command.make("run").pipe(
  Command.withDescription("run a model: chat, embed or image"),
  Command.withSubcommands([chat, embed, image])
)

// Args is re-exported for command modules that take positional arguments.
export { Args }
