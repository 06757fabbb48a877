/**
 * The HTTP rules both server faces share (node:http and the fetch handler): content codings, the
 * request charset, the request target, and inflating a body within its limit. Portable: plain
 * header strings in, a `Refusal` (status and message) out.
 */
import { CompressionError, inflateBody } from '../core/compression.js';
import { quoteExcerpt } from '../core/message.js';
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

/** Inflates a gzip or deflate body within `maxInflatedBytes`; a `Refusal` (413 or 400) when it cannot. */
export async function inflateRequestBody(raw: Uint8Array, coding: 'gzip' | 'deflate', maxInflatedBytes: number): Promise<Uint8Array> {
  try {
    return await inflateBody(raw, coding, maxInflatedBytes);
  } catch (error) {
    if (error instanceof CompressionError && error.reason === 'limit') {
      throw new Refusal(413, `request body is over the limit of ${maxInflatedBytes} bytes once decompressed`);
    }
    throw new Refusal(400, `request body is not valid ${coding} data`);
  }
}
