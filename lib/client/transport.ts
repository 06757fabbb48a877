/**
 * The HTTP side of the client: one undici dispatcher per client (a keep-alive pool, a proxy
 * agent, or the user's own), request headers, timeouts, cancellation, compression, cookies,
 * the size cap, the retry of a stale keep-alive connection, and the mapping of every failure
 * to one of our error classes. It knows nothing of XML-RPC beyond the media type.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { TextDecoder, promisify } from 'node:util';
import zlib from 'node:zlib';
import { EnvHttpProxyAgent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { decodeCharset } from '../codec/charset.js';
import { AbortError, DecodeError, HttpError, NetworkError, TimeoutError } from '../core/errors.js';
import { CookieJar } from './cookies.js';
import { CLIENT_DEFAULTS, type CallOptions, type ClientOptions, type TlsOptions } from './options.js';

const gzipAsync = promisify(zlib.gzip);

/** How much of an error body an {@link HttpError} keeps. */
const ERROR_BODY_BYTES = 1024;

/** Where requests go, worked out once from the URL and the options. */
export interface Endpoint {
  /** `http://host:port` or `https://host:port` (`http://localhost` for a Unix socket). */
  origin: string;
  /** The request target: path and query. */
  path: string;
  socketPath: string | undefined;
  secure: boolean;
  /** The URL without credentials, for messages. */
  display: string;
  /** `Basic …` from the URL's `user:pass@`, if any. */
  authorization: string | undefined;
}

/** A response with status 200, its body inflated. */
export interface HttpResponse {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Reads the client URL. `http:`/`https:` as usual, with Python's default path `/RPC2` when the
 * URL has no path at all; `http+unix://<percent-encoded socket path>/path`; and supervisord's
 * `unix:///path/to.sock` (path `/RPC2`).
 */
export function parseEndpoint(url: string | URL, socketPathOption: string | undefined): Endpoint {
  const text = typeof url === 'string' ? url : url.href;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new TypeError(`Invalid XML-RPC URL: ${JSON.stringify(redact(text))}`);
  }
  const authorization =
    parsed.username !== '' || parsed.password !== ''
      ? basicAuthorization(safeDecode(parsed.username), safeDecode(parsed.password))
      : undefined;
  // "http://host" has no path: Python's ServerProxy then posts to /RPC2.
  const hasPath = typeof url === 'string' ? !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(text) : true;
  let origin: string;
  let path = parsed.pathname + parsed.search;
  let socketPath = socketPathOption;
  let secure = false;
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      secure = parsed.protocol === 'https:';
      origin = parsed.origin;
      if (!hasPath) path = '/RPC2' + parsed.search;
      break;
    case 'http+unix:':
      socketPath = safeDecode(parsed.host);
      if (socketPath === '') throw new TypeError(`No socket path in ${JSON.stringify(redact(text))}: write it percent-encoded as the host, e.g. http+unix://%2Frun%2Fapp.sock/RPC2`);
      origin = 'http://localhost';
      if (parsed.pathname === '' || parsed.pathname === '/') path = '/RPC2' + parsed.search;
      break;
    case 'unix:':
      socketPath = safeDecode(parsed.pathname);
      if (socketPath === '') throw new TypeError(`No socket path in ${JSON.stringify(redact(text))}`);
      origin = 'http://localhost';
      path = '/RPC2';
      break;
    default:
      throw new TypeError(`Unsupported XML-RPC URL scheme ${JSON.stringify(parsed.protocol)}: use http:, https:, http+unix: or unix:`);
  }
  const shown = new URL(parsed.href);
  shown.username = '';
  shown.password = '';
  return { origin, path, socketPath, secure, display: shown.href, authorization };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function redact(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/** `Basic base64(user:pass)`. */
export function basicAuthorization(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

function positiveInt(name: string, value: number | undefined, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new TypeError(`Option ${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got ${String(value)}`);
  }
  return value;
}

/** Marks which of our exchanges is being written, so the socket it uses can be noted. */
let startingExchange: Exchange | null = null;
const kUsedByClient = Symbol('xmlrpc-ts.used');
/** Our exchange of each undici request being written, until undici reports the request sent. */
const exchangeOfRequest = new WeakMap<object, Exchange>();

// undici announces each request's socket just before writing it; a socket that already carried
// a request is a reused keep-alive connection (the only case where a retry can be safe).
diagnosticsChannel.subscribe('undici:client:sendHeaders', (message) => {
  const exchange = startingExchange;
  if (exchange === null) return;
  startingExchange = null;
  const { socket, request } = message as { socket?: Socket & { [kUsedByClient]?: boolean }; request?: object };
  if (socket === undefined) return;
  exchange.reusedSocket = socket[kUsedByClient] === true;
  exchange.socket = socket;
  exchange.bytesReadBefore = socket.bytesRead;
  socket[kUsedByClient] = true;
  if (request !== undefined) exchangeOfRequest.set(request, exchange);
});

// undici publishes this once it has handed the whole request (head and body) to the socket.
diagnosticsChannel.subscribe('undici:request:bodySent', (message) => {
  const request = (message as { request?: object }).request;
  if (request === undefined) return;
  const exchange = exchangeOfRequest.get(request);
  if (exchange === undefined) return;
  exchangeOfRequest.delete(request);
  exchange.requestHandedOver();
});

/** One request/response exchange: an undici dispatch handler that collects the body under a cap. */
class Exchange implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;
  status = 0;
  statusText = '';
  headers: Record<string, string | string[] | undefined> = {};
  responseStarted = false;
  /** Set when undici writes the request: whether the socket carried a request before. */
  reusedSocket = false;
  socket: Socket | null = null;
  bytesReadBefore = 0;
  /**
   * True once every byte of the request has left Node's buffers for the kernel, from where the
   * server may have read it. Until then the server has at most part of the request.
   */
  requestWritten = false;
  private chunks: Buffer[] = [];
  private received = 0;
  private abortReason: Error | null = null;
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly resolve: (exchange: Exchange) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** Fails the exchange now; the request is aborted when it starts, or at once if it has. */
  abort(reason: Error): void {
    if (this.abortReason === null) this.abortReason = reason;
    if (this.controller !== null && !this.controller.aborted) this.controller.abort(reason);
    this.fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.abortReason !== null) {
      controller.abort(this.abortReason);
      return;
    }
    this.controller = controller;
    startingExchange = this;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.responseStarted = true;
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = headers;
    const length = Number(headers['content-length']);
    if (statusCode === 200 && length > this.maxBytes) {
      this.abort(tooLarge(this.maxBytes, length));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.received += chunk.length;
    if (this.status !== 200) {
      // Only the start of an error body is kept; the rest is read and dropped.
      if (this.received - chunk.length < ERROR_BODY_BYTES * 4) this.chunks.push(chunk);
      if (this.received > this.maxBytes) {
        this.finish();
        this.controller?.abort(tooLarge(this.maxBytes));
      }
      return;
    }
    if (this.received > this.maxBytes) {
      this.abort(tooLarge(this.maxBytes));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.fail(this.abortReason ?? error);
  }

  /**
   * undici has handed the whole request to the socket (it has no handler hook for this, hence
   * the diagnostics channel); part of it may still wait in Node's buffer.
   */
  requestHandedOver(): void {
    const socket = this.socket;
    // A socket that needs to drain holds at least a high-water mark of our request: it is
    // written when the buffer drains. Otherwise the rest (if any) is small and leaves at once,
    // so it counts as written (the cautious side: no retry).
    if (socket === null || !socket.writableNeedDrain) {
      this.requestWritten = true;
      return;
    }
    socket.once('drain', () => {
      this.requestWritten = true;
    });
  }

  /**
   * True when the server cannot have run the request: it went out on a reused connection that
   * failed before the request was completely written, and not one byte of an answer came back.
   */
  get safeToRetry(): boolean {
    return (
      this.reusedSocket && !this.requestWritten && !this.responseStarted &&
      this.socket !== null && this.socket.bytesRead === this.bytesReadBefore
    );
  }

  /** The collected body. */
  body(): Buffer {
    const c = this.chunks;
    return c.length === 1 ? (c[0] as Buffer) : Buffer.concat(c);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.socket = null;
    if (startingExchange === this) startingExchange = null;
    this.resolve(this);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (startingExchange === this) startingExchange = null;
    this.reject(error);
  }
}

function tooLarge(max: number, declared?: number): DecodeError {
  const detail = declared === undefined ? '' : ` (Content-Length ${declared})`;
  return new DecodeError('limit', `response body is larger than maxResponseBytes, ${max} bytes${detail}`);
}

/** Error codes of a connection that the server closed or reset under our request. */
const STALE_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The HTTP transport of one client. */
export class HttpTransport {
  readonly endpoint: Endpoint;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly baseHeaders: Record<string, string>;
  private readonly cookies: CookieJar | undefined;
  private readonly timeout: number;
  private readonly connectTimeout: number;
  private readonly headersTimeout: number;
  private readonly bodyTimeout: number;
  private readonly maxResponseBytes: number;
  private readonly gzipThreshold: number;
  private readonly retryStale: boolean;
  private closed = false;
  /** Calls between `post()`'s start and end; `close()` waits for them. */
  private active = 0;
  private whenIdle: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  constructor(url: string | URL, options: ClientOptions) {
    this.endpoint = parseEndpoint(url, options.socketPath);
    const d = CLIENT_DEFAULTS;
    this.timeout = positiveInt('timeout', options.timeout, d.timeout, true);
    this.connectTimeout = positiveInt('connectTimeout', options.connectTimeout, d.connectTimeout, true);
    this.headersTimeout = positiveInt('headersTimeout', options.headersTimeout, d.headersTimeout, true);
    this.bodyTimeout = positiveInt('bodyTimeout', options.bodyTimeout, d.bodyTimeout, true);
    this.maxResponseBytes = positiveInt('maxResponseBytes', options.maxResponseBytes, d.maxResponseBytes, false);
    this.gzipThreshold = positiveInt('gzipRequestThreshold', options.gzipRequestThreshold, Infinity, true);
    this.retryStale = options.retryStaleConnection ?? true;
    this.cookies = options.cookies === true ? new CookieJar() : undefined;

    const headers: Record<string, string> = {
      'content-type': 'text/xml',
      'user-agent': options.userAgent ?? d.userAgent,
    };
    if (options.decompressResponses ?? true) headers['accept-encoding'] = 'gzip, deflate';
    const authorization = options.auth !== undefined
      ? basicAuthorization(options.auth.username, options.auth.password)
      : this.endpoint.authorization;
    if (authorization !== undefined) headers['authorization'] = authorization;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    this.baseHeaders = headers;

    if (options.dispatcher !== undefined) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = this.createDispatcher(options);
      this.ownsDispatcher = true;
    }
  }

  private createDispatcher(options: ClientOptions): Dispatcher {
    const connections = positiveInt('connections', options.connections, CLIENT_DEFAULTS.connections, false);
    const keepAliveTimeout = positiveInt('keepAliveTimeout', options.keepAliveTimeout, CLIENT_DEFAULTS.keepAliveTimeout, false);
    const connect: TlsOptions & { timeout: number; socketPath?: string } = {
      ...options.tls,
      timeout: this.connectTimeout,
    };
    const socketPath = this.endpoint.socketPath;
    if (socketPath !== undefined) {
      // A Unix socket is a local endpoint: no proxy can reach it, so none is used.
      if (options.httpProxy !== undefined) {
        throw new TypeError(
          `The httpProxy option cannot be combined with a Unix socket (${JSON.stringify(socketPath)}): ` +
            'requests to a socket never go through a proxy',
        );
      }
      connect.socketPath = socketPath;
    }
    // keepAliveMaxTimeout caps the server's Keep-Alive hint, so ours is the longest idle time.
    const common = {
      connections, keepAliveTimeout, keepAliveMaxTimeout: keepAliveTimeout,
      headersTimeout: this.headersTimeout, bodyTimeout: this.bodyTimeout,
    };
    if (options.httpProxy !== undefined) {
      const proxy = typeof options.httpProxy === 'string' ? { url: options.httpProxy } : options.httpProxy;
      const proxyOptions: ProxyAgent.Options = {
        ...common,
        uri: proxy.url,
        requestTls: connect,
        proxyTls: { ...proxy.tls, timeout: this.connectTimeout },
        proxyTunnel: proxy.tunnel ?? true,
      };
      if (proxy.token !== undefined) proxyOptions.token = proxy.token;
      if (proxy.headers !== undefined) proxyOptions.headers = proxy.headers;
      return new ProxyAgent(proxyOptions);
    }
    if (options.proxyFromEnv === true && socketPath === undefined) {
      return new EnvHttpProxyAgent({ ...common, connect, requestTls: connect });
    }
    return new Pool(this.endpoint.origin, { ...common, connect });
  }

  /**
   * Posts an XML document and returns the 200 response with its body inflated.
   * Any other status becomes an {@link HttpError}.
   */
  async post(xml: string, options: CallOptions | undefined): Promise<HttpResponse> {
    if (this.closed) throw new NetworkError(`The client for ${this.endpoint.display} is closed`);
    const signal = options?.signal;
    if (signal?.aborted === true) throw new AbortError('XML-RPC call aborted before it started', { cause: signal.reason });
    this.active++;
    try {
      return await this.postOnce(xml, options, signal);
    } finally {
      if (--this.active === 0) for (const wake of this.whenIdle.splice(0)) wake();
    }
  }

  private async postOnce(xml: string, options: CallOptions | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const headers = { ...this.baseHeaders };
    if (options?.headers !== undefined) {
      for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    }

    // One guard for the whole call (both attempts): the overall timeout and the caller's signal.
    let current: Exchange | null = null;
    let stopReason: Error | null = null;
    const stop = (reason: Error): void => {
      stopReason ??= reason;
      current?.abort(reason);
    };
    const timeout = options?.timeout ?? this.timeout;
    const timer = timeout > 0 ? setTimeout(() => stop(new TimeoutError('call', timeout)), timeout) : undefined;
    const onAbort = (): void => stop(new AbortError('XML-RPC call aborted', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });

    try {
      let body = Buffer.from(xml, 'utf8');
      if (body.length >= this.gzipThreshold) {
        body = await gzipAsync(body);
        headers['content-encoding'] = 'gzip';
      }
      for (let attempt = 1; ; attempt++) {
        if (this.cookies !== undefined) {
          const cookie = this.cookies.header(this.endpoint.path, this.endpoint.secure);
          if (cookie === undefined) delete headers['cookie'];
          else headers['cookie'] = cookie;
        }
        let exchange: Exchange | undefined;
        try {
          exchange = await new Promise<Exchange>((resolve, reject) => {
            current = new Exchange(this.maxResponseBytes, resolve, reject);
            if (stopReason !== null) {
              reject(stopReason);
              return;
            }
            this.dispatcher.dispatch(
              {
                origin: this.endpoint.origin,
                path: this.endpoint.path,
                method: 'POST',
                headers,
                body,
                headersTimeout: this.headersTimeout,
                bodyTimeout: this.bodyTimeout,
              },
              current,
            );
          });
        } catch (error) {
          const failed = current as Exchange | null;
          if (
            attempt === 1 && this.retryStale && stopReason === null && failed !== null &&
            failed.safeToRetry && STALE_CONNECTION_CODES.has(errorCode(error))
          ) {
            continue;
          }
          throw this.mapError(error);
        }
        this.cookies?.store(exchange.headers['set-cookie']);
        const response = await this.finishResponse(exchange);
        // Inflating is asynchronous: the guard may have fired meanwhile.
        if (stopReason !== null) throw stopReason;
        return response;
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Inflates the body and turns a non-200 status into an {@link HttpError}. */
  private async finishResponse(exchange: Exchange): Promise<HttpResponse> {
    const raw = exchange.body();
    const encoding = headerValue(exchange.headers['content-encoding'])?.trim().toLowerCase() ?? '';
    if (exchange.status !== 200) {
      let text = raw;
      try {
        text = await inflate(raw, encoding, this.maxResponseBytes, true);
      } catch {
        // Show what arrived, even if it does not inflate.
      }
      throw httpStatusError(exchange.status, exchange.statusText, exchange.headers, text, this.endpoint.display);
    }
    const body = await inflate(raw, encoding, this.maxResponseBytes, false).catch((error: unknown) => {
      if (error instanceof DecodeError || error instanceof HttpError) throw error;
      throw new HttpError(
        `Could not inflate the ${encoding} response from ${this.endpoint.display}: ${errorMessage(error)}`,
        200, flattenHeaders(exchange.headers), '', { cause: error },
      );
    });
    return { headers: exchange.headers, body };
  }

  /** Maps undici's and Node's errors to ours, keeping the original as `cause`. */
  private mapError(error: unknown): Error {
    if (
      error instanceof TimeoutError || error instanceof AbortError || error instanceof DecodeError ||
      error instanceof HttpError || error instanceof NetworkError
    ) {
      return error;
    }
    const code = errorCode(error);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new TimeoutError('connect', this.connectTimeout, { cause: error });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new TimeoutError('headers', this.headersTimeout, { cause: error });
      case 'UND_ERR_BODY_TIMEOUT':
        return new TimeoutError('body', this.bodyTimeout, { cause: error });
      case 'UND_ERR_CLOSED':
      case 'UND_ERR_DESTROYED':
        return new NetworkError(`The client for ${this.endpoint.display} is closed`, { cause: error });
    }
    const what = code === 'UND_ERR_SOCKET' ? 'the server closed the connection before answering' : errorMessage(error);
    return new NetworkError(`POST ${this.endpoint.display} failed: ${what}${code !== '' && !what.includes(code) ? ` (${code})` : ''}`, { cause: error });
  }

  /**
   * Waits for calls in flight (each has its own limits), then closes the connections; later calls
   * fail with a {@link NetworkError}. Once no call is left, nothing undici still does is ours (a
   * connect a timed-out call left behind, idle sockets), so the dispatcher is destroyed rather
   * than closed: a graceful close would wait for such a connect, up to `connectTimeout`.
   */
  close(): Promise<void> {
    // Every caller gets the same promise: a second close() resolves when the first is done.
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (!this.ownsDispatcher) return;
    if (this.active > 0) await new Promise<void>((resolve) => this.whenIdle.push(resolve));
    await this.dispatcher.destroy();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Response headers as one string each, as {@link HttpError} has them. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Inflates a gzip/deflate/br body, never beyond `max` bytes. `partial` keeps what inflated before an error. */
function inflate(raw: Buffer, encoding: string, max: number, partial: boolean): Promise<Buffer> {
  if (encoding === '' || encoding === 'identity') return Promise.resolve(raw);
  const opts: zlib.ZlibOptions = { maxOutputLength: max };
  if (partial) opts.finishFlush = zlib.constants.Z_SYNC_FLUSH;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, out: Buffer): void => {
      if (error === null) resolve(out);
      else if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(new DecodeError('limit', `inflated response body is larger than maxResponseBytes, ${max} bytes`, '', undefined, { cause: error }));
      } else reject(error);
    };
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        zlib.gunzip(raw, opts, done);
        break;
      case 'deflate':
        // RFC 9110 says zlib-wrapped; some servers send raw deflate. The zlib header's first byte tells.
        if (raw.length > 0 && ((raw[0] as number) & 0x0f) === 8) zlib.inflate(raw, opts, done);
        else zlib.inflateRaw(raw, opts, done);
        break;
      case 'br':
        zlib.brotliDecompress(raw, { maxOutputLength: max }, done);
        break;
      default:
        reject(new Error(`unsupported Content-Encoding ${JSON.stringify(encoding)}`));
    }
  });
}

/** An {@link HttpError} for a non-200 status, with a message a person can act on. */
function httpStatusError(
  status: number,
  statusText: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  display: string,
): HttpError {
  const flat = flattenHeaders(headers);
  const text = bodyExcerpt(body, flat['content-type']);
  let message = `HTTP ${status}${statusText === '' ? '' : ' ' + statusText} from ${display}`;
  if (status === 401) message += ': authentication required or refused';
  else if (status === 407) message += ': the proxy requires authentication';
  else if (status >= 300 && status < 400 && flat['location'] !== undefined) message += `: redirected to ${flat['location']} (redirects are not followed)`;
  const summary = summarizeBody(text, flat['content-type']);
  if (summary !== '') message += ` - ${summary}`;
  return new HttpError(message, status, flat, text);
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
export function bodyExcerpt(body: Buffer, contentType: string | undefined): string {
  const excerpt = body.subarray(0, ERROR_BODY_BYTES);
  const charset = charsetOf(contentType) ?? 'utf-8';
  try {
    return decodeCharset(excerpt, charset);
  } catch {
    // Invalid in it, cut mid-character, UTF-16 without a BOM, or not a charset the codec reads.
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(excerpt, { stream: true });
}

/** `text` without the contents of <script> and <style> elements, in one pass (a lazy regex is quadratic). */
function withoutScripts(text: string): string {
  const parts = text.split(/(<\/?)(?:script|style)\b/i);
  let out = parts[0] ?? '';
  for (let i = 1; i + 1 < parts.length; i += 2) {
    if (parts[i] === '<') continue; // an opening tag: what follows is script, dropped
    const piece = parts[i + 1]!;
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
