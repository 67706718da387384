/**
 * Embeddings: request batching, body, and response vectors (float arrays or base64 float32).
 */
import type { EmbedRequest } from "@aiu/core/Embedding"
import type { EmbeddingList } from "./schema.js"

export const batches = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export const toEmbeddingBody = (
  request: EmbedRequest,
  input: ReadonlyArray<string>,
  extra: Readonly<Record<string, unknown>> | undefined
): Record<string, unknown> => ({
  model: request.model,
  input,
  encoding_format: "float",
  ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
  ...extra
})

const fromBase64 = (b64: string): Array<number> => {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return Array.from(new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4)))
}

/** Vectors in input order (the API's `index`, falling back to position). */
export const vectorsOf = (list: EmbeddingList): Array<Array<number>> => {
  const sorted = list.data
    .map((d, position) => ({ index: d.index ?? position, embedding: d.embedding }))
    .sort((a, b) => a.index - b.index)
  return sorted.map((d) => (typeof d.embedding === "string" ? fromBase64(d.embedding) : [...d.embedding]))
}
