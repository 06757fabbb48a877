/** Reading the request line and headers of the node:http face; each refusal is a `Refusal`. */
import type { IncomingMessage } from 'node:http';
import { quoteExcerpt } from '../../core/message.js';
import { Refusal } from './refusal.js';

/** The request's content coding; anything but identity, gzip and deflate is refused with 415. */
export function contentCoding(header: string | undefined): 'identity' | 'gzip' | 'deflate' {
  if (header === undefined) return 'identity';
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return 'identity';
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'deflate') return 'deflate';
  throw new Refusal(415, `unsupported Content-Encoding ${quoteExcerpt(header)}: use gzip, deflate or none`, { 'Accept-Encoding': 'gzip, deflate' });
}

/** The declared body length, or -1 when the body is chunked; 411 when there is no framing at all. */
export function declaredLength(request: IncomingMessage): number {
  const header = request.headers['content-length'];
  if (header !== undefined) return Number(header); // node:http has validated it
  const transferEncoding = request.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    // RFC 9112 §6.1: node:http reads any coding list ending in chunked; we implement chunked only.
    if (transferEncoding.trim().toLowerCase() !== 'chunked') {
      throw new Refusal(501, `unsupported Transfer-Encoding ${quoteExcerpt(transferEncoding)}: only chunked`, {}, true);
    }
    return -1;
  }
  throw new Refusal(411, 'Content-Length required');
}

/**
 * Whether the unread rest of a refused request's body is small enough for node:http to read and
 * discard it, keeping the connection alive; otherwise the connection is closed.
 */
export function cheapToDiscard(request: IncomingMessage): boolean {
  if (request.complete) return true;
  const header = request.headers['content-length'];
  if (header === undefined) return request.headers['transfer-encoding'] === undefined; // no body at all
  return Number(header) <= 64 * 1024;
}

/** Whether an `Accept-Encoding` value allows gzip (`q=0` forbids). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() === 'q') q = Number(value.trim());
    }
    if (coding === 'gzip' || coding === 'x-gzip') return q > 0;
    if (coding === '*') star = q > 0;
  }
  return star;
}

/**
 * The `charset` parameter of a `Content-Type` value (lower-cased, quotes removed), or `undefined`:
 * XML's external encoding information (RFC 7303), which the decoder uses when the document
 * declares none.
 */
export function contentTypeCharset(header: string | undefined): string | undefined {
  if (header === undefined || !header.includes(';')) return undefined;
  const params = header.split(';');
  for (let i = 1; i < params.length; i++) {
    const param = params[i] as string;
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value.toLowerCase();
  }
  return undefined;
}

/**
 * The path (without query) and, for an absolute-form target (`POST http://host/RPC2`, which
 * RFC 9112 §3.2.2 says a server must accept), the authority that then stands for `Host`.
 */
export function requestTarget(url: string | undefined): { path: string; authority: string | undefined } {
  const target = url ?? '/';
  if (!target.startsWith('/') && /^https?:\/\//i.test(target)) {
    try {
      const parsed = new URL(target);
      return { path: parsed.pathname, authority: parsed.host };
    } catch {
      throw new Refusal(400, `malformed request target ${quoteExcerpt(target)}`);
    }
  }
  const query = target.indexOf('?');
  return { path: query === -1 ? target : target.slice(0, query), authority: undefined };
}
