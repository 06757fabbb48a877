/**
 * A stand-in for the few `Buffer` calls the shared modules still make (base64, hex, Latin-1,
 * UTF-8), injected into the docs page bundle only while they make them. Once lib/codec and
 * lib/cli/lexical.ts use no `Buffer`, esbuild finds nothing to inject and this file can go.
 */
type Encoding = 'base64' | 'hex' | 'latin1' | 'binary' | 'utf8' | 'utf-8';

function latin1Of(bytes: Uint8Array): string {
  let text = '';
  // Chunked: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return text;
}

function bytesOfLatin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export class Buffer extends Uint8Array {
  static from(value: string | ArrayBufferLike | ArrayLike<number>, encodingOrOffset?: Encoding | number, length?: number): Buffer {
    if (typeof value === 'string') {
      const encoding = (encodingOrOffset ?? 'utf8') as Encoding;
      const bytes = encoding === 'base64' ? bytesOfLatin1(atob(value))
        : encoding === 'hex' ? Uint8Array.from(value.match(/../g) ?? [], (pair) => parseInt(pair, 16))
        : encoding === 'latin1' || encoding === 'binary' ? bytesOfLatin1(value)
        : new TextEncoder().encode(value);
      return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (value instanceof ArrayBuffer) return new Buffer(value, (encodingOrOffset as number | undefined) ?? 0, length ?? value.byteLength - ((encodingOrOffset as number | undefined) ?? 0));
    const copy = new Buffer((value as ArrayLike<number>).length);
    copy.set(value as ArrayLike<number>);
    return copy;
  }

  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer;
  }

  override toString(encoding: Encoding = 'utf8'): string {
    if (encoding === 'base64') return btoa(latin1Of(this));
    if (encoding === 'latin1' || encoding === 'binary') return latin1Of(this);
    if (encoding === 'hex') return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('');
    return new TextDecoder().decode(this);
  }
}
