/**
 * The words of the client's rarer failures: the gist of an error page, an HTTP status a person can
 * act on, and the hint when the URL's scheme does not match what the server speaks. Loaded on
 * the first failure (error-prose.ts imports it lazily), so a browser bundle loads it only then;
 * it imports nothing, so it shares no chunk with the client.
 */

/** `text` without the contents of <script> and <style> elements, in one pass (a lazy regex is quadratic). */
function withoutScripts(text: string): string {
  const parts = text.split(/(<\/?)(?:script|style)\b/i);
  let out = parts[0] ?? '';
  for (let i = 1; i + 1 < parts.length; i += 2) {
    if (parts[i] === '<') continue; // an opening tag: what follows is script, dropped
    const piece = parts[i + 1] as string;
    const gt = piece.indexOf('>');
    out += ' ' + (gt < 0 ? piece : piece.slice(gt + 1)); // a closing tag: text resumes after its '>'
  }
  return out;
}

/** A one-line gist of an error body: an HTML page's title, or its first line of text. */
export function summarizeBody(text: string, contentType: string | undefined): string {
  // Each regex here is linear (spec-tests/core/regex.test.js): `[^<>]*` stops at the next tag.
  const title = /<title[^<>]*>([^<]*)<\/title>/i.exec(text);
  let gist = title !== null ? (title[1] ?? '') : text;
  if (title === null && (/html/i.test(contentType ?? '') || /^\s*<(!doctype|html)/i.test(text))) {
    gist = withoutScripts(text).replace(/<[^<>]*>/g, ' ');
  }
  gist = gist.replace(/\s+/g, ' ').trim();
  return gist.length > 160 ? gist.slice(0, 157) + '...' : gist;
}

/** The message of an HTTP error for a non-200 status: what a person can act on, and the gist of the page (`text`). */
export function statusMessage(status: number, statusText: string, headers: Record<string, string>, text: string, display: string): string {
  let message = `HTTP ${status}${statusText === '' ? '' : ' ' + statusText} from ${display}`;
  if (status === 401) message += ': authentication required or refused';
  else if (status === 407) message += ': the proxy requires authentication';
  else if (status >= 300 && status < 400 && headers['location'] !== undefined) message += `: redirected to ${headers['location']} (redirects are not followed)`;
  const summary = summarizeBody(text, headers['content-type']);
  if (summary !== '') message += ` - ${summary}`;
  return message;
}

/**
 * A hint when a failure looks like a scheme mismatch: TLS spoken to a plain-HTTP port (OpenSSL's
 * "wrong version number"), or plain HTTP to a TLS port (a TLS record or a silent close back).
 * `text` is the failure's code and message; empty when nothing suggests a mismatch.
 */
export function schemeHint(text: string, display: string): string {
  const secure = display.startsWith('https:');
  if (secure && NOT_TLS.test(text)) return `; the server does not speak TLS there: try ${display.replace(/^https:/, 'http:')}`;
  if (!secure && display.startsWith('http:') && /UND_ERR_SOCKET|other side closed|HPE_INVALID_CONSTANT|Expected HTTP|ECONNRESET|not an HTTP answer/i.test(text)) {
    return `; if the server expects TLS there, try ${display.replace(/^http:/, 'https:')}`;
  }
  return '';
}

const NOT_TLS = /wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i;

/**
 * The message of a failed connection or exchange: what happened, the error code, and which scheme
 * to try when the failure says the scheme is wrong. OpenSSL's record-layer text for a plain-HTTP
 * answer to a TLS hello is replaced by what it means.
 */
export function networkFailureMessage(code: string, message: string, display: string): string {
  const text = `${code} ${message}`;
  let what = code === 'UND_ERR_SOCKET' ? 'the server closed the connection before answering' : message;
  if (display.startsWith('https:') && NOT_TLS.test(text)) what = 'the answer to the TLS handshake is not TLS';
  const codeNote = code !== '' && !what.includes(code) ? ` (${code})` : '';
  return `POST ${display} failed: ${what}${codeNote}${schemeHint(text, display)}`;
}

/** The string `code` of an error (Node's and undici's), or ''. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
