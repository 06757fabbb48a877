/**
 * The native base64 codec on Node (package.json `imports` maps `#native-base64` here under the
 * `node` condition): the standard `Uint8Array.fromBase64`/`toBase64` where Node has them, else
 * Node's own byte buffers. The portable codec imports neither: lib/codec/native-base64.ts.
 */
import { Buffer } from 'node:buffer';
import { STANDARD_BASE64, type NativeBase64 } from '../codec/native-base64.js';

/** The native codec the base64 rules use on Node. */
export const NATIVE_BASE64: NativeBase64 = STANDARD_BASE64 ?? {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  // A plain Uint8Array view, so the type does not depend on the size (small values take atob).
  decode: (text) => {
    const bytes = Buffer.from(text, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  // Node's reader skips what it does not know, but takes "-" and "_" (base64url) and reads a
  // character above U+00FF by its low byte (U+0141 as "A"): ASCII without those is safe.
  plain: (text) => Buffer.byteLength(text) === text.length && text.indexOf('-') < 0 && text.indexOf('_') < 0,
};
