import * as Usage from "@aiu/core/Usage"

/** Ollama counts: `prompt_eval_count` (input) and `eval_count` (output), on the final object only. */
export const fromOllama = (wire: {
  readonly prompt_eval_count?: number | null | undefined
  readonly eval_count?: number | null | undefined
}): Usage.Usage => Usage.make({ inputTokens: wire.prompt_eval_count ?? 0, outputTokens: wire.eval_count ?? 0 })
