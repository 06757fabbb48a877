/**
 * The words of the client's errors: an HTTP status a person can act on, the gist of an error
 * page, and the hint when the URL's scheme does not match what the server speaks.
 */
import { decodeCharset } from '../codec/charset.js';
import { DecodeError, HttpError } from '../core/errors.js';

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

/** A one-line gist of an error body: an HTML page's title, or its first line of text. */
export function summarizeBody(text: string, contentType: string | undefined): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
  let gist = title !== null ? (title[1] ?? '') : text;
  if (title === null && (/html/i.test(contentType ?? '') || /^\s*<(!doctype|html)/i.test(text))) {
    gist = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]*>/g, ' ');
  }
  gist = gist.replace(/\s+/g, ' ').trim();
  return gist.length > 160 ? gist.slice(0, 157) + '...' : gist;
}

/** An {@link HttpError} for a non-200 status, with a message a person can act on. */
export function httpStatusError(
  status: number,
  statusText: string,
  headers: Record<string, string>,
  body: Uint8Array,
  display: string,
): HttpError {
  const text = bodyExcerpt(body, headers['content-type']);
  let message = `HTTP ${status}${statusText === '' ? '' : ' ' + statusText} from ${display}`;
  if (status === 401) message += ': authentication required or refused';
  else if (status === 407) message += ': the proxy requires authentication';
  else if (status >= 300 && status < 400 && headers['location'] !== undefined) message += `: redirected to ${headers['location']} (redirects are not followed)`;
  const summary = summarizeBody(text, headers['content-type']);
  if (summary !== '') message += ` - ${summary}`;
  return new HttpError(message, status, headers, text);
}

/**
 * A hint when a failure looks like a scheme mismatch: TLS spoken to a plain-HTTP port (OpenSSL's
 * "wrong version number"), or plain HTTP to a TLS port (a TLS record or a silent close back).
 * `text` is the failure's code and message; empty when nothing suggests a mismatch.
 */
export function schemeHint(text: string, display: string): string {
  const secure = display.startsWith('https:');
  if (secure && /wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
    return `; the server does not speak TLS there: try ${display.replace(/^https:/, 'http:')}`;
  }
  if (!secure && display.startsWith('http:') && /UND_ERR_SOCKET|other side closed|HPE_INVALID_CONSTANT|Expected HTTP|ECONNRESET|not an HTTP answer/i.test(text)) {
    return `; if the server expects TLS there, try ${display.replace(/^http:/, 'https:')}`;
  }
  return '';
}

/** The error for a response over `maxResponseBytes` (a `DecodeError` with reason `limit`). */
export function responseTooLarge(max: number, declared?: number): DecodeError {
  const detail = declared === undefined ? '' : ` (Content-Length ${declared})`;
  return new DecodeError('limit', `response body is larger than maxResponseBytes, ${max} bytes${detail}`);
}

/** The string `code` of an error (Node's and undici's), or ''. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
