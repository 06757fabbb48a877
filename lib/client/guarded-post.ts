/**
 * The whole-call guard for a transport that does not keep the deadline and the caller's signal
 * itself (a user's, without `enforcesTimeout`): `request` carries the caller's signal and the
 * milliseconds left, which this guard keeps. The built-in transports never load this module.
 */
import { AbortError, TimeoutError } from '../core/errors.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';


/**
 * Posts through any other transport (a user's) under one guard: an `AbortController` fired by
 * the deadline or the caller's signal, whose reason is the answer whatever the transport throws.
 */
export async function postGuarded(transport: Transport, request: TransportRequest, timeoutMs: number): Promise<TransportResponse> {
  const { signal, timeoutMs: leftMs } = request;
  const stop = new AbortController();
  const timer = leftMs !== undefined ? setTimeout(() => stop.abort(new TimeoutError('call', timeoutMs)), leftMs) : undefined;
  const onAbort = (): void => stop.abort(new AbortError('XML-RPC call aborted', { cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  // The signal may have fired while this module loaded.
  if (signal?.aborted === true) onAbort();
  try {
    const response = await transport.post({ ...request, signal: stop.signal, timeoutMs: undefined });
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

