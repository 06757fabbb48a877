/**
 * The decoder's fast path as browser bundles get it: none. Package.json maps `#fast-decode` here
 * under the `browser` condition, so a page does not carry the fast path's 1.1 kB (gzipped) and
 * every document takes the general path, which decodes the same values (the fast path exists
 * only for speed: spec-tests/codec/fast-decode.test.js checks the two against each other).
 * Servers, Workers and the other runtimes get lib/codec/fast-decode.ts.
 */
import type { DecodedMessage, FastSettings } from './fast-decode.js';

/** Always gives up: the caller decodes with the general path. */
export function fastDecode(_text: string, _start: number, _settings: FastSettings): DecodedMessage | undefined {
  return undefined;
}
