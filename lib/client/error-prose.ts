/**
 * The small rules of the client's errors that every call may need: the header shape of an
 * HttpError, the charset of a Content-Type, the size refusal. The errors of a bad response are
 * built in response-errors.ts, and their prose in failure-prose.ts, both loaded on the first one.
 */
import { decodeCharset } from '../codec/charset.js';
import { DecodeError } from '../core/errors.js';

/** How much of an error body an {@link HttpError} keeps. */
export const ERROR_BODY_BYTES = 1024;

/** Response headers as one string each, as {@link HttpError} has them. */
export function flattenHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** The `charset` parameter of a Content-Type, lower-cased, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return /;\s*charset\s*=\s*"?([A-Za-z][A-Za-z0-9._-]*)/i.exec(contentType)?.[1]?.toLowerCase();
}

/**
 * The first KiB of a body as text, in the charset its Content-Type names: by the codec's rules
 * when the bytes are valid in it (its own windows-1252 table included), else leniently (a cut
 * character or a stray byte becomes U+FFFD); UTF-8 when none is named or the name is unknown.
 */
export function bodyExcerpt(body: Uint8Array, contentType: string | undefined): string {
  const excerpt = body.subarray(0, ERROR_BODY_BYTES);
  const charset = charsetOf(contentType) ?? 'utf-8';
  try {
    return decodeCharset(excerpt, charset);
  } catch {
    // Invalid in it, cut mid-character, UTF-16 without a BOM, or not a charset the codec reads.
  }
  return lenientDecoder(charset).decode(excerpt, { stream: true });
}

/** A non-fatal decoder for `charset`, or UTF-8 when the runtime does not know the name. */
function lenientDecoder(charset: string) {
  try {
    return new TextDecoder(charset);
  } catch {
    return new TextDecoder('utf-8');
  }
}

/** The error for a response over `maxResponseBytes` (a `DecodeError` with reason `limit`). */
export function responseTooLarge(max: number, declared?: number): DecodeError {
  const detail = declared === undefined ? '' : ` (Content-Length ${declared})`;
  return new DecodeError('limit', `response body is larger than maxResponseBytes, ${max} bytes${detail}`);
}
