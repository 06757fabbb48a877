/**
 * The runtime's own base64 codec, where it has one: the codec takes it for large values (3-10x
 * faster than atob/btoa) and atob/btoa everywhere else. Package.json `imports` maps
 * `#native-base64` here on every runtime but Node, which gets lib/node/native-base64.ts.
 */

/** A native base64 codec, as the codec's base64 rules use it. */
export interface NativeBase64 {
  encode(bytes: Uint8Array): string;
  decode(text: string): Uint8Array;
  /** False when `text` holds a character this reader would decode though base64 has no such character. */
  plain(text: string): boolean;
}

/** The standard `Uint8Array.fromBase64` and `toBase64` (Deno, Bun, current browsers), when present. */
export const STANDARD_BASE64: NativeBase64 | undefined = (() => {
  const standard = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array; prototype: { toBase64?: unknown } };
  if (typeof standard.fromBase64 !== 'function' || typeof standard.prototype.toBase64 !== 'function') return undefined;
  const fromBase64 = standard.fromBase64;
  // The standard reader throws on anything but the alphabet, padding and ASCII white space.
  return { encode: (bytes) => (bytes as unknown as { toBase64(): string }).toBase64(), decode: (text) => fromBase64(text), plain: () => true };
})();

/** The native codec the base64 rules use on this runtime. */
export const NATIVE_BASE64 = STANDARD_BASE64;
