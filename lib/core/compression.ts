/**
 * The one home of HTTP body (de)compression, for every side and runtime: the server faces, the
 * client transports and the CLI's trace all inflate through {@link inflateBody}. It uses the
 * Web-standard `DecompressionStream`/`CompressionStream` (Node 18+, Deno, Bun, Workers, browsers),
 * so it imports no `node:` module, and it counts output bytes while reading, so a bomb stops at the
 * limit instead of filling memory.
 */
import { concatBytes } from './bytes.js';

export { concatBytes };

/** Why a body could not be inflated. */
export type CompressionFailure = 'limit' | 'corrupt' | 'unsupported';

/** A body could not be inflated: over the size limit, not valid data, or an unknown coding. */
export class CompressionError extends Error {
  /** Which of the three it is. */
  readonly reason: CompressionFailure;
  /** The content coding, as given (lower-cased). */
  readonly coding: string;

  constructor(reason: CompressionFailure, coding: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompressionError';
    this.reason = reason;
    this.coding = coding;
  }
}

/** Options of {@link inflateBody}. */
export interface InflateOptions {
  /**
   * Return what inflated before the data broke off or went bad, instead of failing (for error
   * pages shown to a person). The size limit still applies.
   */
  partial?: boolean;
}

/**
 * Inflates `body` sent with `Content-Encoding: coding` (`gzip`, `x-gzip`, `deflate`, `identity`),
 * refusing more than `maxBytes` of output. `deflate` is the zlib format (RFC 9110 §8.4.1.2); raw
 * deflate, which some peers send, is recognised by the missing zlib header.
 */
export async function inflateBody(body: Uint8Array, coding: string, maxBytes: number, options?: InflateOptions): Promise<Uint8Array> {
  const name = coding.trim().toLowerCase();
  if (name === '' || name === 'identity') {
    if (body.length > maxBytes) throw overLimit(name, maxBytes);
    return body;
  }
  let format: 'gzip' | 'deflate' | 'deflate-raw';
  if (name === 'gzip' || name === 'x-gzip') format = 'gzip';
  else if (name === 'deflate') format = hasZlibHeader(body) ? 'deflate' : 'deflate-raw';
  else throw new CompressionError('unsupported', name, `unsupported Content-Encoding ${JSON.stringify(name.slice(0, 40))}`);

  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  // Errors surface on the reading side; the writer's own promise is only kept from going unhandled.
  writer.write(body).then(() => writer.close()).catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw overLimit(name, maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CompressionError) throw error;
    if (options?.partial === true && total > 0) return concatBytes(chunks, total);
    throw new CompressionError('corrupt', name, `body is not valid ${name} data`, { cause: error });
  }
  return concatBytes(chunks, total);
}

/** Gzips `body` (for responses and large requests). */
export async function gzipBody(body: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  writer.write(body).then(() => writer.close()).catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  return concatBytes(chunks, total);
}

/** RFC 1950: CM = 8 in the low nibble of CMF, and CMF·256 + FLG a multiple of 31. */
function hasZlibHeader(body: Uint8Array): boolean {
  if (body.length < 2) return false;
  const cmf = body[0] as number;
  const flg = body[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

function overLimit(coding: string, maxBytes: number): CompressionError {
  return new CompressionError('limit', coding, `body is larger than ${maxBytes} bytes once inflated`);
}

