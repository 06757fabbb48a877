/** Reading the request framing of the node:http face; each refusal is a `Refusal`. */
import type { IncomingMessage } from 'node:http';
import { quoteExcerpt } from '../../core/message.js';
import { Refusal } from '../refusal.js';

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
