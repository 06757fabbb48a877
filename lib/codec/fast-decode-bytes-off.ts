/**
 * The byte fast path as every runtime but Node gets it: none (it slices text with Node's byte
 * buffers). Package.json maps `#fast-decode-bytes` here unless the `node` condition holds; the
 * document is then decoded to text first, and the string fast path (lib/codec/fast-decode.ts) or
 * the general path reads it, which decode the same values.
 */
import type { DecodedMessage, FastSettings } from './fast-decode.js';

/** Always gives up: the caller decodes the document as text. */
export function fastDecodeBytes(_bytes: Uint8Array, _settings: FastSettings, _defaultEncoding: string | undefined): DecodedMessage | undefined {
  return undefined;
}
