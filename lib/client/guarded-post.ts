/**
 * The whole-call guard for a transport that does not keep the deadline and the caller's signal
 * itself (a user's, without `enforcesTimeout`). The built-in transports never load this module.
 */
import { AbortError, TimeoutError } from '../core/errors.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

/** A request as the client builds it, before the deadline and the signal are added. */
export type PlainRequest = Omit<TransportRequest, 'signal' | 'timeoutMs'>;

/**
 * Posts through any other transport (a user's) under one guard: an `AbortController` fired by
 * the deadline or the caller's signal, whose reason is the answer whatever the transport throws.
 */
export async function postGuarded(transport: Transport, request: PlainRequest, signal: AbortSignal | undefined, timeoutMs: number, leftMs: number): Promise<TransportResponse> {
  const stop = new AbortController();
  const timer = leftMs > 0 ? setTimeout(() => stop.abort(new TimeoutError('call', timeoutMs)), leftMs) : undefined;
  const onAbort = (): void => stop.abort(new AbortError('XML-RPC call aborted', { cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  // The signal may have fired while this module loaded.
  if (signal?.aborted === true) onAbort();
  try {
    const response = await transport.post({ ...request, signal: stop.signal });
    if (stop.signal.aborted) throw stop.signal.reason;
    return response;
  } catch (error) {
    if (stop.signal.aborted && error !== stop.signal.reason) throw stop.signal.reason;
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

