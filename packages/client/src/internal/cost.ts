import type { ModelInfo } from "@aiu/core/ModelInfo"

/** USD for the tokens at the model's catalog prices; undefined when the catalog has no prices. */
export const costOf = (
  info: ModelInfo | undefined,
  tokens: { readonly input: number; readonly output: number; readonly cachedInput: number }
): number | undefined => {
  if (info === undefined) return undefined
  const inPrice = info.inputPricePerMTok
  const outPrice = info.outputPricePerMTok
  if (inPrice === undefined && outPrice === undefined) return undefined
  const cached = Math.min(tokens.cachedInput, tokens.input)
  const cachedPrice = info.cachedInputPricePerMTok ?? inPrice ?? 0
  return ((tokens.input - cached) * (inPrice ?? 0) + cached * cachedPrice + tokens.output * (outPrice ?? 0)) / 1_000_000
}
