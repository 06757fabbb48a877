/**
 * The fetch transport: the global `fetch` (or the user's), for browsers, Workers, Bun, and
 * wherever undici cannot load. Timeouts and cancellation are `AbortSignal`s; the body is read as
 * a stream and refused past the size cap; failures become our typed errors. fetch inflates
 * `gzip`/`deflate` bodies itself (Fetch standard, "handle content codings"), so the cap counts
 * the inflated bytes as they arrive and the response goes back without its `content-encoding`.
 */
import { concatBytes } from '../../core/bytes.js';
import { DecodeError, NetworkError, TimeoutError } from '../../core/errors.js';
import type { Endpoint } from '../endpoint.js';
import { ERROR_BODY_BYTES, responseTooLarge } from '../error-prose.js';
import type { ClientSettings, FetchFunction } from '../options.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';

/** Request headers a fetch manages itself (a browser refuses to let a page set them). */
const HEADERS_FETCH_OWNS = new Set(['accept-encoding', 'content-length', 'connection', 'host']);

/** The fetch transport of one client. */
export class FetchTransport implements Transport {
  /** This transport keeps the call's deadline and signal itself. */
  readonly enforcesTimeout = true;
  private closed = false;

  // Set in the constructor; `declare` emits no class-field definitions (bytes in a browser bundle).
  private declare readonly endpoint: Endpoint;
  private declare readonly settings: ClientSettings;
  private declare readonly fetchFunction: FetchFunction | undefined;

  /** A transport to `endpoint` through `fetchFunction` (the global `fetch` when not given). */
  constructor(endpoint: Endpoint, settings: ClientSettings, fetchFunction: FetchFunction | undefined) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.fetchFunction = fetchFunction;
  }

  /** Posts the request; resolves with the response of any status, its body inflated by fetch. */
  async post(request: TransportRequest): Promise<TransportResponse> {
    if (this.closed) throw new NetworkError(`The client for ${this.endpoint.display} is closed`);
    const fetchFunction = this.fetchFunction ?? (globalThis.fetch as FetchFunction | undefined);
    if (fetchFunction === undefined) throw new NetworkError('This runtime has no global fetch: pass one as the fetch option');
    // The limits (phases, the call's deadline) abort through `phase`; a cancel through request.signal.
    const phase = new AbortController();
    const signal = request.signal === undefined ? phase.signal : AbortSignal.any([request.signal, phase.signal]);
    const { headersTimeoutMs, bodyTimeoutMs } = this.settings;
    const deadline = startTimer(phase, 'call', request.timeoutMs ?? 0);
    let timer = startTimer(phase, 'headers', headersTimeoutMs);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (!HEADERS_FETCH_OWNS.has(name)) headers[name] = value;
    try {
      let response: Response;
      try {
        response = await fetchFunction(this.endpoint.origin + this.endpoint.path, {
          method: 'POST', headers, body: request.body, signal, redirect: 'manual',
        });
      } catch (error) {
        throw await fetchFailure(error, request.signal, phase.signal, this.endpoint.display);
      }
      clearTimeout(timer);
      timer = startTimer(phase, 'body', bodyTimeoutMs);
      const status = response.status === 0 && response.type === 'opaqueredirect' ? 302 : response.status;
      const responseHeaders = headersOf(response);
      const declared = Number(responseHeaders['content-length']);
      if (status === 200 && responseHeaders['content-encoding'] === undefined && declared > request.maxResponseBytes) {
        void response.body?.cancel().catch(() => undefined);
        throw responseTooLarge(request.maxResponseBytes, declared);
      }
      let body: Uint8Array;
      try {
        body = await readCapped(response, request.maxResponseBytes, status === 200, () => {
          clearTimeout(timer);
          timer = startTimer(phase, 'body', bodyTimeoutMs);
        });
      } catch (error) {
        if (error instanceof DecodeError) throw error;
        throw await fetchFailure(error, request.signal, phase.signal, this.endpoint.display);
      }
      delete responseHeaders['content-encoding'];
      delete responseHeaders['content-length'];
      return { status, statusText: response.statusText, headers: responseHeaders, body };
    } finally {
      clearTimeout(timer);
      clearTimeout(deadline);
    }
  }

  /** The fetch transport holds no connections of its own; later calls fail with a `NetworkError`. */
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Our typed error for a failed fetch; what builds it loads with the first failure (a chunk of its own in a browser bundle). */
async function fetchFailure(error: unknown, callSignal: AbortSignal | undefined, phaseSignal: AbortSignal, display: string): Promise<Error> {
  return (await import('../response-errors.js')).fetchError(error, callSignal, phaseSignal, display);
}

/** Aborts `phase` with a {@link TimeoutError} after `ms` (0: never). */
function startTimer(phase: AbortController, name: 'headers' | 'body' | 'call', ms: number): ReturnType<typeof setTimeout> | undefined {
  if (ms <= 0) return undefined;
  return setTimeout(() => phase.abort(new TimeoutError(name, ms)), ms);
}

/**
 * Reads the body as it streams, refusing more than `maxBytes`. An error body (`whole` false) is
 * cut to its start: that is all an `HttpError` shows.
 */
async function readCapped(response: Response, maxBytes: number, whole: boolean, onChunk: () => void): Promise<Uint8Array> {
  const stream = response.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk();
    total += value.length;
    if (!whole && total >= ERROR_BODY_BYTES * 4) {
      chunks.push(value);
      void reader.cancel().catch(() => undefined);
      break;
    }
    if (total > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw responseTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/** The response headers, names in lower case; `set-cookie` as an array where the runtime shows it. */
function headersOf(response: Response): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}
