/**
 * The undici transport, the default on Node and Deno: one dispatcher per client (a keep-alive
 * pool, a proxy agent, or the user's own), the per-phase timeouts, the size cap while receiving,
 * the retry of a stale keep-alive connection, and the mapping of undici's and Node's failures to
 * our error classes. Loaded by the client only when it is used.
 */
import type { Socket } from 'node:net';
import { EnvHttpProxyAgent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { AbortError, DecodeError, HttpError, NetworkError, TimeoutError } from '../../core/errors.js';
import type { Endpoint } from '../endpoint.js';
import { ERROR_BODY_BYTES, responseTooLarge } from '../error-prose.js';
import { errorCode, networkFailureMessage } from '../failure-prose.js';
import type { ClientOptions, ClientSettings, TlsOptions } from '../options.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { guardedConnector, ReconnectBudget } from './connector.js';
import { expectSocketFor, forgetSocketFor, type SocketUse } from './socket-use.js';

/** Error codes of a connection that the server closed or reset under our request. */
const STALE_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** Connection attempts allowed beyond the pool size before an answer comes (the stale retry, a reconnect). */
const SPARE_CONNECTS = 3;

/** One request/response exchange: an undici dispatch handler that collects the body under a cap. */
class Exchange implements Dispatcher.DispatchHandler, SocketUse {
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
  private chunks: Uint8Array[] = [];
  private received = 0;
  private abortReason: Error | null = null;
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly budget: ReconnectBudget,
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
    expectSocketFor(this);
  }

  onSocket(socket: Socket, reused: boolean): void {
    this.reusedSocket = reused;
    this.socket = socket;
    this.bytesReadBefore = socket.bytesRead;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.budget.renew();
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.responseStarted = true;
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = headers;
    const length = Number(headers['content-length']);
    if (statusCode === 200 && length > this.maxBytes) {
      this.abort(responseTooLarge(this.maxBytes, length));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Uint8Array): void {
    if (this.settled) return;
    this.received += chunk.length;
    if (this.status !== 200) {
      // Only the start of an error body is kept; the rest is read and dropped.
      if (this.received - chunk.length < ERROR_BODY_BYTES * 4) this.chunks.push(chunk);
      if (this.received > this.maxBytes) {
        this.finish();
        this.controller?.abort(responseTooLarge(this.maxBytes));
      }
      return;
    }
    if (this.received > this.maxBytes) {
      this.abort(responseTooLarge(this.maxBytes));
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
   * undici has handed the whole request to the socket; part of it may still wait in Node's
   * buffer. A socket that needs to drain holds at least a high-water mark of our request: it is
   * written when the buffer drains. Otherwise the rest (if any) is small and leaves at once, so
   * it counts as written (the cautious side: no retry).
   */
  onRequestHandedOver(): void {
    const socket = this.socket;
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
  body(): Uint8Array {
    const c = this.chunks;
    return c.length === 1 ? (c[0] as Uint8Array) : Buffer.concat(c);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.socket = null;
    forgetSocketFor(this);
    this.resolve(this);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    forgetSocketFor(this);
    this.reject(error);
  }
}


/** The undici transport of one client. */
export class UndiciTransport implements Transport {
  /** This transport keeps the call's deadline and signal itself. */
  readonly enforcesTimeout = true;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly budget: ReconnectBudget;
  private closed = false;

  /** A transport to `endpoint` with the client's checked settings and its raw options (TLS, proxy, dispatcher). */
  constructor(
    private readonly endpoint: Endpoint,
    private readonly settings: ClientSettings,
    options: ClientOptions,
  ) {
    this.budget = new ReconnectBudget(settings.connections + SPARE_CONNECTS);
    if (options.dispatcher !== undefined) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = this.createDispatcher(options);
      this.ownsDispatcher = true;
    }
  }

  private createDispatcher(options: ClientOptions): Dispatcher {
    const { connections, keepAliveTimeoutMs, connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs } = this.settings;
    const connect: TlsOptions & { timeout: number; socketPath?: string } = { ...options.tls, timeout: connectTimeoutMs };
    // A Unix socket is a local endpoint that no proxy reaches (the client refuses httpProxy with one).
    const socketPath = this.endpoint.socketPath;
    if (socketPath !== undefined) connect.socketPath = socketPath;
    const display = this.endpoint.display;
    // Every pool, including those a proxy agent makes per origin, connects through the guard.
    const factory = (origin: string | URL, poolOptions: object): Dispatcher => {
      const given = (poolOptions as { connect?: Parameters<typeof guardedConnector>[0] }).connect;
      return new Pool(origin, { ...poolOptions, connect: guardedConnector(given, connectTimeoutMs, this.budget, display) });
    };
    // keepAliveMaxTimeout caps the server's Keep-Alive hint, so ours is the longest idle time.
    const common = {
      connections, keepAliveTimeout: keepAliveTimeoutMs, keepAliveMaxTimeout: keepAliveTimeoutMs,
      headersTimeout: headersTimeoutMs, bodyTimeout: bodyTimeoutMs,
    };
    if (options.httpProxy !== undefined) {
      const proxy = typeof options.httpProxy === 'string' ? { url: options.httpProxy } : options.httpProxy;
      const proxyOptions: ProxyAgent.Options = {
        ...common,
        factory,
        uri: proxy.url,
        requestTls: connect,
        proxyTls: { ...proxy.tls, timeout: connectTimeoutMs },
        proxyTunnel: proxy.tunnel ?? true,
        // A proxy that never answers CONNECT is a connect that does not finish.
        clientFactory: (origin, clientOptions) => new Pool(origin, { ...clientOptions, headersTimeout: connectTimeoutMs }),
      };
      if (proxy.token !== undefined) proxyOptions.token = proxy.token;
      if (proxy.headers !== undefined) proxyOptions.headers = proxy.headers;
      return new ProxyAgent(proxyOptions);
    }
    if (options.proxyFromEnv === true && socketPath === undefined) {
      return new EnvHttpProxyAgent({ ...common, factory, connect, requestTls: connect });
    }
    return factory(this.endpoint.origin, { ...common, connect });
  }

  /** Posts the request; resolves with the response of any status, its body as received. */
  async post(request: TransportRequest): Promise<TransportResponse> {
    if (this.closed) throw new NetworkError(`The client for ${this.endpoint.display} is closed`);
    const exchange = await this.send(request);
    return { status: exchange.status, statusText: exchange.statusText, headers: exchange.headers, body: exchange.body() };
  }

  private async send(request: TransportRequest): Promise<Exchange> {
    const { signal, timeoutMs } = request;
    let current: Exchange | null = null;
    // Why the call must stop (its deadline or the caller's signal), once it must.
    let stopped: Error | null = null;
    const stop = (reason: Error): void => {
      stopped ??= reason;
      current?.abort(stopped);
    };
    const onAbort = (): void => stop(new AbortError('XML-RPC call aborted', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    // One timer per call, only when it has a deadline: no AbortController on this path.
    const timer = timeoutMs !== undefined && timeoutMs > 0 ? setTimeout(() => stop(new TimeoutError('call', timeoutMs)), timeoutMs) : undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await new Promise<Exchange>((resolve, reject) => {
            current = new Exchange(request.maxResponseBytes, this.budget, resolve, reject);
            this.budget.renew();
            if (signal?.aborted === true) stopped ??= new AbortError('XML-RPC call aborted', { cause: signal.reason });
            if (stopped !== null) {
              reject(stopped);
              return;
            }
            this.dispatcher.dispatch(
              {
                origin: this.endpoint.origin,
                path: this.endpoint.path,
                method: 'POST',
                headers: request.headers,
                body: request.body,
                headersTimeout: this.settings.headersTimeoutMs,
                bodyTimeout: this.settings.bodyTimeoutMs,
              },
              current,
            );
          });
        } catch (error) {
          // Whatever undici threw once the call was stopped, the reason it stopped is the answer.
          if (stopped !== null) throw stopped;
          const failed = current as Exchange | null;
          if (
            attempt === 1 && this.settings.retryStaleConnection && failed !== null &&
            failed.safeToRetry && STALE_CONNECTION_CODES.has(errorCode(error))
          ) {
            continue;
          }
          throw this.mapError(error);
        }
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Maps undici's and Node's errors to ours, keeping the original as `cause`. */
  private mapError(error: unknown): Error {
    if (error instanceof TimeoutError || error instanceof AbortError || error instanceof DecodeError ||
      error instanceof HttpError || error instanceof NetworkError) {
      return error;
    }
    const code = errorCode(error);
    const { connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs } = this.settings;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new TimeoutError('connect', connectTimeoutMs, { cause: error });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new TimeoutError('headers', headersTimeoutMs, { cause: error });
      case 'UND_ERR_BODY_TIMEOUT':
        return new TimeoutError('body', bodyTimeoutMs, { cause: error });
      case 'UND_ERR_CLOSED':
      case 'UND_ERR_DESTROYED':
        return new NetworkError(`The client for ${this.endpoint.display} is closed`, { cause: error });
    }
    return new NetworkError(networkFailureMessage(code, errorMessage(error), this.endpoint.display), { cause: error });
  }

  /**
   * Closes the connections; the client calls it once its calls in flight are done. Then nothing
   * undici still does is ours (a connect a timed-out call left behind, idle sockets), so the
   * dispatcher is destroyed rather than closed: a graceful close would wait for such a connect,
   * up to `connectTimeoutMs`. A dispatcher the user gave is left open.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
