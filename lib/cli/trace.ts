/**
 * A tap on the HTTP exchanges the client makes, for `--trace` (request and response on stderr)
 * and `--xml` (the raw response body). The client has no hook for this, so the tap listens on
 * undici's diagnostics channels, which report the bytes as they cross the wire; compressed
 * bodies are inflated for display by the one inflater of the package (lib/core/compression.ts).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { CompressionError, inflateBody } from '../core/compression.js';

/** One HTTP exchange as seen on the wire. */
export interface WireExchange {
  method: string;
  url: string;
  requestHeaders: Array<[string, string]>;
  requestChunks: Buffer[];
  status: number | undefined;
  statusText: string;
  responseHeaders: Array<[string, string]>;
  responseChunks: Buffer[];
  error: Error | undefined;
}

/** What a tap tells its listener. */
export type WireEvent = 'request' | 'response' | 'error';

/** Display and capture cap for one body. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
  headers?: unknown;
}

/** Listens to the client's HTTP exchanges between {@link WireTap.start} and {@link WireTap.stop}. */
export class WireTap {
  readonly exchanges: WireExchange[] = [];
  private readonly byRequest = new WeakMap<object, WireExchange>();
  private readonly handlers: Array<[string, (message: unknown) => void]>;

  constructor(private readonly listener?: (event: WireEvent, exchange: WireExchange) => void) {
    this.handlers = [
      ['undici:request:create', (m) => this.onCreate(m as { request: UndiciRequest })],
      ['undici:request:bodyChunkSent', (m) => this.find(m)?.requestChunks.push(Buffer.from((m as { chunk: Uint8Array }).chunk))],
      ['undici:request:bodySent', (m) => this.emit('request', this.find(m))],
      ['undici:request:headers', (m) => this.onHeaders(m as { request: object; response: { statusCode: number; statusText?: string; headers: unknown } })],
      ['undici:request:bodyChunkReceived', (m) => this.onChunk(m as { request: object; chunk: Uint8Array })],
      ['undici:request:trailers', (m) => this.emit('response', this.find(m))],
      ['undici:request:error', (m) => this.onError(m as { request: object; error: Error })],
    ];
  }

  /** Starts listening. */
  start(): void {
    for (const [name, handler] of this.handlers) diagnosticsChannel.subscribe(name, handler);
  }

  /** Stops listening. */
  stop(): void {
    for (const [name, handler] of this.handlers) diagnosticsChannel.unsubscribe(name, handler);
  }

  /** The body of the last response, inflated, or `undefined` when none arrived. */
  async lastResponseBody(): Promise<Uint8Array | undefined> {
    const last = this.exchanges.findLast((e) => e.status !== undefined);
    return last === undefined ? undefined : (await inflated(last.responseChunks, last.responseHeaders)).body;
  }

  private find(message: unknown): WireExchange | undefined {
    const request = (message as { request?: object }).request;
    return request === undefined ? undefined : this.byRequest.get(request);
  }

  private emit(event: WireEvent, exchange: WireExchange | undefined): void {
    if (exchange !== undefined) this.listener?.(event, exchange);
  }

  private onCreate({ request }: { request: UndiciRequest }): void {
    if (request.method !== 'POST') return; // e.g. a proxy's CONNECT
    const exchange: WireExchange = {
      method: request.method,
      url: String(request.origin ?? '').replace(/\/$/, '') + (request.path ?? ''),
      requestHeaders: headerPairs(request.headers),
      requestChunks: [],
      status: undefined,
      statusText: '',
      responseHeaders: [],
      responseChunks: [],
      error: undefined,
    };
    this.byRequest.set(request, exchange);
    this.exchanges.push(exchange);
  }

  private onHeaders(m: { request: object; response: { statusCode: number; statusText?: string; headers: unknown } }): void {
    const exchange = this.byRequest.get(m.request);
    if (exchange === undefined || m.response.statusCode < 200) return;
    exchange.status = m.response.statusCode;
    exchange.statusText = m.response.statusText ?? '';
    exchange.responseHeaders = headerPairs(m.response.headers);
  }

  private onChunk(m: { request: object; chunk: Uint8Array }): void {
    const exchange = this.byRequest.get(m.request);
    if (exchange === undefined) return;
    const size = exchange.responseChunks.reduce((n, c) => n + c.length, 0);
    if (size < MAX_BODY_BYTES) exchange.responseChunks.push(Buffer.from(m.chunk));
  }

  private onError(m: { request: object; error: Error }): void {
    const exchange = this.byRequest.get(m.request);
    if (exchange === undefined) return;
    exchange.error = m.error;
    this.emit('error', exchange);
  }
}

/** undici gives headers as a flat array of names and values (strings or Buffers). */
function headerPairs(raw: unknown): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const value: unknown = raw[i + 1];
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) pairs.push([text(raw[i]), text(v)]);
    }
  } else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) pairs.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  return pairs;
}

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
}

/** A body with its content coding undone (for display), and a note when it was compressed. */
async function inflated(chunks: Buffer[], headers: Array<[string, string]>): Promise<{ body: Uint8Array; note: string }> {
  const body = Buffer.concat(chunks);
  const coding = headers.find(([k]) => k.toLowerCase() === 'content-encoding')?.[1].trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity') return { body, note: '' };
  try {
    // partial: an error page that breaks off is still worth showing as far as it goes.
    const out = await inflateBody(body, coding, MAX_BODY_BYTES, { partial: true });
    return { body: out, note: `(${coding}: ${body.length} bytes on the wire, ${out.length} inflated)` };
  } catch (error) {
    const reason = error instanceof CompressionError ? error.reason : 'corrupt';
    if (reason === 'unsupported') return { body, note: `(content coding ${coding}; shown as received)` };
    if (reason === 'limit') return { body, note: `(${coding} body inflating to more than ${MAX_BODY_BYTES} bytes; shown as received)` };
    return { body, note: `(${coding} body that does not inflate; shown as received)` };
  }
}

function headerLines(mark: string, pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${mark} ${k}: ${SECRET_HEADERS.has(k.toLowerCase()) ? redact(v) : v}\n`).join('');
}

function redact(value: string): string {
  const space = value.indexOf(' ');
  return space > 0 && space < 20 ? value.slice(0, space) + ' ***' : '***';
}

function bodyText(body: Uint8Array): string {
  const s = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return s.endsWith('\n') || s === '' ? s : s + '\n';
}

/** The request of an exchange as `--trace` shows it. */
export async function formatRequest(exchange: WireExchange): Promise<string> {
  const { body, note } = await inflated(exchange.requestChunks, exchange.requestHeaders);
  return `> ${exchange.method} ${exchange.url}\n${headerLines('>', exchange.requestHeaders)}>${note === '' ? '' : ' ' + note}\n${bodyText(body)}`;
}

/** The response of an exchange as `--trace` shows it. */
export async function formatResponse(exchange: WireExchange): Promise<string> {
  const { body, note } = await inflated(exchange.responseChunks, exchange.responseHeaders);
  const status = `< ${exchange.status ?? '???'}${exchange.statusText === '' ? '' : ' ' + exchange.statusText}\n`;
  return `${status}${headerLines('<', exchange.responseHeaders)}<${note === '' ? '' : ' ' + note}\n${bodyText(body)}`;
}

/** The failure of an exchange as `--trace` shows it. */
export function formatFailure(exchange: WireExchange): string {
  return `! ${exchange.method} ${exchange.url} failed: ${exchange.error?.message ?? 'unknown error'}\n`;
}
