/** Reading a request body within its size and time limits, and inflating it (lib/core/compression.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeadlineSweeper } from './deadlines.js';
import { Refusal } from '../refusal.js';

/** What {@link readBody} needs besides the request. */
export interface BodyLimits {
  /** Largest body as sent, in bytes. */
  readonly maxBodyBytes: number;
  /** Time to receive it, in ms (for the message; the sweeper holds the deadline). */
  readonly bodyTimeoutMs: number;
  /** Where the body's deadline is kept. */
  readonly deadlines: DeadlineSweeper;
}

/**
 * Reads the body within the size and time limits (or takes one a framework already read) and
 * calls `done` once: with a `Refusal`, or with the bytes.
 */
export function readBody(request: IncomingMessage, response: ServerResponse, limits: BodyLimits, sendContinue: boolean, done: (refusal: Refusal | undefined, body?: Uint8Array) => void): void {
  const max = limits.maxBodyBytes;
  if (request.readableEnded) {
    // Mounted behind a body parser (Express `express.text()` / `express.raw()`).
    const parsed = (request as IncomingMessage & { body?: unknown }).body;
    const taken = typeof parsed === 'string' ? new TextEncoder().encode(parsed) : parsed instanceof Uint8Array ? parsed : undefined;
    if (taken === undefined) {
      done(new Refusal(500, 'the request body was consumed before the XML-RPC handler (mount it before body parsers, or use a raw/text parser)'));
    } else if (taken.length > max) {
      done(new Refusal(413, `request body of ${taken.length} bytes is over the limit of ${max}`));
    } else {
      done(undefined, taken);
    }
    return;
  }
  if (sendContinue) response.writeContinue();
  const chunks: Buffer[] = [];
  let size = 0;
  const expire = (): void => finish(new Refusal(408, `request body not received within ${limits.bodyTimeoutMs} ms`, {}, true));
  limits.deadlines.add(expire);
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > max) {
      finish(new Refusal(413, `request body is over the limit of ${max} bytes`, {}, true));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = (): void => finish(undefined);
  const onAborted = (): void => finish(new Refusal(400, 'the client closed the connection before sending the whole body', {}, true));
  // 'close' also follows a normal 'end'; finish() has removed this listener by then.
  const finish = (refusal: Refusal | undefined): void => {
    limits.deadlines.cancel(expire);
    request.off('data', onData);
    request.off('end', onEnd);
    request.off('error', onAborted); // the listener's own error handler stays
    request.off('close', onAborted);
    if (refusal !== undefined) {
      request.pause();
      done(refusal);
    } else {
      done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    }
  };
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onAborted);
  request.on('close', onAborted);
}

