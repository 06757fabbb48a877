/** Byte helpers shared by the body readers (kept apart from compression.ts, which a client loads only to inflate). */

/** Joins `chunks` (`total` bytes in all) into one array; a single chunk is returned as it is. */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
