/**
 * What `aiu run chat|embed|image` do (the options are declared in commands/run.ts). Loaded only
 * when one of them runs. The answer goes to stdout as it arrives; reasoning and tool calls go to
 * stderr, never into the answer.
 */
import * as AiuError from "@aiu/core/AiuError"
import type { ChatRequest } from "@aiu/core/Chat"
import type { Message } from "@aiu/core/Message"
import * as ModelId from "@aiu/core/ModelId"
import { Accumulator } from "@aiu/core/StreamChunk"
import * as Aiu from "@aiu/client/Aiu"
import type { CallOptions } from "@aiu/client/CallOptions"
import type { Usage } from "@aiu/core/Usage"
import * as Catalog from "@aiu/model-registry/Catalog"
import * as ModelRegistry from "@aiu/model-registry/ModelRegistry"
import type * as Command from "@effect/cli/Command"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { chatOptions, embedOptions, imageOptions } from "../commands/run.js"
import * as MainLayer from "../MainLayer.js"
import * as Output from "../Output.js"

/** Validates the model id up front, so a bad one is a command-line error before any setup. */
const parseModel = (modelId: string) => Effect.map(ModelId.parse(modelId), ModelId.parts)

const callOptions = (
  alias: Option.Option<string>,
  timeouts: { total?: number | undefined; idle?: number | undefined }
): CallOptions => {
  const idle = timeouts.idle !== undefined ? { idle: Duration.millis(Math.round(timeouts.idle * 1000)) } : undefined
  return {
    ...(Option.isSome(alias) ? { keyAlias: alias.value } : {}),
    ...(timeouts.total !== undefined ? { timeout: Duration.millis(Math.round(timeouts.total * 1000)) } : {}),
    ...(idle !== undefined ? { timeouts: idle } : {})
  }
}

/** USD for the usage at the catalog's prices, or null when the model has no known price. */
const costOf = (id: string, usage: Usage) =>
  Effect.flatMap(ModelRegistry.ModelRegistry, (models) => models.findOne(id)).pipe(
    Effect.map((info) =>
      Option.match(Catalog.priceOf(info), { onNone: () => null, onSome: (price) => Catalog.cost(usage, price) })
    ),
    Effect.orElseSucceed(() => null)
  )

const usageLine = (
  id: string,
  usage: { inputTokens: number; outputTokens: number },
  latencyMs: number,
  costUsd: number | null
) =>
  Output.dim(
    `[${id}] ${usage.inputTokens} in / ${usage.outputTokens} out tokens · ${latencyMs} ms${costUsd !== null ? ` · $${costUsd.toFixed(6)}` : ""}\n`
  )

type Args<O extends Command.Command.Config> = Command.Command.ParseConfig<O>

export const chat = (args: Args<typeof chatOptions>) =>
  Effect.gen(function* () {
    const prompt = args.input === "-" ? yield* Output.readStdin : args.input
    const parts = yield* parseModel(args.model)
    const id = args.model
    const aiu = yield* Aiu.Aiu
    const messages: Array<Message> = []
    if (Option.isSome(args.system)) messages.push({ role: "system", content: args.system.value })
    messages.push({ role: "user", content: prompt })
    const request: ChatRequest = {
      model: id,
      messages,
      ...(Option.isSome(args.temperature) ? { temperature: args.temperature.value } : {}),
      ...(Option.isSome(args.maxTokens) ? { maxOutputTokens: args.maxTokens.value } : {})
    }
    const options = callOptions(args.keyAlias, {
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
      ? Effect.map(aiu.chat(request, options), (response) => {
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
      : Stream.runForEachChunk(aiu.chatStream(request, options), (chunk) =>
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
    const costUsd = yield* costOf(id, response.usage)
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
      if (response.text.length > 0 && !response.text.endsWith("\n") && process.stdout.isTTY) yield* Output.stdout("\n")
      yield* Output.stderr(usageLine(id, response.usage, latencyMs, costUsd))
    }
  }).pipe(Effect.provide(MainLayer.client))

export const embed = (args: Args<typeof embedOptions>) =>
  Effect.gen(function* () {
    if (args.input.length === 0) return yield* Effect.fail(new Output.UsageError("give at least one --input"))
    const parts = yield* parseModel(args.model)
    const id = args.model
    const aiu = yield* Aiu.Aiu
    const started = yield* Clock.currentTimeMillis
    const response = yield* aiu.embed(
      {
        model: id,
        input: args.input,
        ...(Option.isSome(args.dimensions) ? { dimensions: args.dimensions.value } : {})
      },
      callOptions(args.keyAlias, {})
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
  }).pipe(Effect.provide(MainLayer.client))

export const image = (args: Args<typeof imageOptions>) =>
  Effect.gen(function* () {
    const parts = yield* parseModel(args.model)
    const id = args.model
    const aiu = yield* Aiu.Aiu
    const response = yield* aiu.generateImage(
      { model: id, prompt: args.prompt, ...(Option.isSome(args.size) ? { size: args.size.value } : {}) },
      callOptions(args.keyAlias, {})
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
  }).pipe(Effect.provide(MainLayer.client))
