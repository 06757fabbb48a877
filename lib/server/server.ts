/**
 * `XmlRpcServer`: a dispatcher with an HTTP face. Its own methods answer on its paths; other
 * dispatchers can be mounted on more paths of the same HTTP server.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerOptions as TlsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HttpError, OptionError } from '../core/errors.js';
import { DISPATCHER_DEFAULTS, DISPATCHER_OPTION_NAMES, XmlRpcDispatcher } from './dispatcher.js';
import type { DispatcherOptions } from './dispatcher.js';
import { enableAsyncCallContext } from './node/async-context.js';
import { HttpLayer } from './node/listener.js';
import { HTTP_DEFAULTS, HTTP_OPTION_NAMES, resolveHttpSettings } from './node/options.js';
import type { HttpOptions } from './node/options.js';

/**
 * Everything a server can be given: dispatcher options, HTTP options and TLS.
 * @group Server
 */
export interface ServerOptions extends DispatcherOptions, HttpOptions {
  /** Serve HTTPS from `listen()` with these `node:https` options (key, cert, …). */
  tls?: TlsServerOptions;
}

/**
 * Every default of a server: the dispatcher's and the HTTP face's (sizes in bytes, durations in ms).
 * @group Server
 */
export const SERVER_DEFAULTS = Object.freeze({ ...DISPATCHER_DEFAULTS, ...HTTP_DEFAULTS });

/**
 * The option names a server takes; any other is refused with `OptionError`.
 * @group Server
 */
export const SERVER_OPTION_NAMES: readonly string[] = Object.freeze([...DISPATCHER_OPTION_NAMES, ...HTTP_OPTION_NAMES, 'tls']);

/**
 * A `node:http` request listener.
 * @group Server
 */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * An XML-RPC server: register methods, then `listen()` or mount `handler` in any node:http server.
 * @group Server
 */
export class XmlRpcServer extends XmlRpcDispatcher {
  protected static override readonly optionOwner: string = 'Server options';
  protected static override readonly optionNames: readonly string[] = SERVER_OPTION_NAMES;
  private readonly routes = new Map<string, XmlRpcDispatcher>();
  private readonly anyPath: boolean;
  private readonly http: HttpLayer;
  private readonly tls: TlsServerOptions | undefined;
  private server: Server | undefined;
  private closing: Promise<void> | undefined;

  /**
   * The request listener: `http.createServer(server.handler)`, or mounted in a framework
   * (docs/server.md). It serves this server's paths and the mounted dispatchers.
   */
  readonly handler: RequestListener;

  /**
   * Makes a server; see {@link ServerOptions} and {@link SERVER_DEFAULTS}. Options are checked
   * here: an unknown name or a bad value throws `OptionError`.
   */
  constructor(options: ServerOptions = {}) {
    super(options);
    enableAsyncCallContext();
    this.tls = options.tls;
    const paths = options.paths ?? HTTP_DEFAULTS.paths;
    this.anyPath = paths === 'any';
    if (paths !== 'any') {
      if (!Array.isArray(paths)) throw new OptionError('Server options.paths', `Server options.paths must be an array of paths or 'any'`);
      for (const path of paths) this.routes.set(checkPath(path), this);
    }
    this.http = new HttpLayer(resolveHttpSettings(options), (path) => this.routes.get(path) ?? (this.anyPath ? this : undefined), options.onError === undefined ? undefined : (error) => options.onError?.(error, undefined));
    this.handler = this.http.listener;
  }

  /** Bytes of responses written but not yet taken by their clients (bounded by `maxPendingResponseBytes`). */
  get pendingResponseBytes(): number {
    return this.http.writer.pendingResponseBytes;
  }

  /**
   * Serves another set of methods on `path` (like Python's MultiPathXMLRPCServer) and returns
   * its dispatcher: the one given, or a new one with this server's options.
   */
  mount(path: string, dispatcher: XmlRpcDispatcher = new XmlRpcDispatcher(this.options)): XmlRpcDispatcher {
    this.routes.set(checkPath(path), dispatcher);
    return dispatcher;
  }

  /** Stops serving `path`; true if something was served there. */
  unmount(path: string): boolean {
    return this.routes.delete(path);
  }

  /** The dispatcher that answers on `path`, or `undefined` (then requests get 404). */
  dispatcherFor(path: string): XmlRpcDispatcher | undefined {
    return this.routes.get(path) ?? (this.anyPath ? this : undefined);
  }

  /**
   * Starts an HTTP (or HTTPS, with `tls`) server. `host` defaults to `127.0.0.1`: pass
   * `'0.0.0.0'` or `'::'` to accept calls from other machines. Port 0 picks a free port.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.server !== undefined) throw new Error('the server is already listening');
    const settings = this.http.settings;
    const serverOptions = {
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      // A backstop for the body timeout the handler enforces itself.
      requestTimeout: settings.headersTimeoutMs + settings.bodyTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
    };
    // node:http and node:https are taken when a server listens, not imported: importing either
    // as an ES module makes Node 24 read all its exports, lazy ones included, which loads Node's
    // own fetch, http2 and TLS (about 55 ms of `import 'xmlrpc-ts/server'`, against 15 ms now).
    const server: Server = this.tls === undefined
      ? process.getBuiltinModule('node:http').createServer(serverOptions)
      : process.getBuiltinModule('node:https').createServer({ ...this.tls, ...serverOptions });
    server.maxConnections = settings.maxConnections;
    server.on('request', this.handler);
    // Answer `Expect: 100-continue` only once the request passed its checks (size, auth).
    server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
      this.http.awaitingContinue.add(request);
      this.handler(request, response);
    });
    // Malformed or too slow requests: reported, a status line, then the socket is closed.
    server.on('clientError', (error: Error & { code?: string }, socket) => {
      // A reset, or the connection ending in the middle of a request, is the client leaving,
      // not a request we refuse.
      if (error.code !== 'ECONNRESET' && error.code !== 'HPE_INVALID_EOF_STATE') {
        const refusal = clientErrorRefusal(error, settings.headersTimeoutMs, serverOptions.requestTimeout);
        this.http.report(new HttpError(refusal.message, refusal.status, {}, '', { cause: error }));
        if (socket.writable) socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
    this.server = server;
    this.closing = undefined;
    this.http.closing = false;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog: settings.backlog }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.server = undefined;
      throw error;
    });
    return server.address() as AddressInfo;
  }

  /** The `node:http` (or `node:https`) server `listen()` started, for its events; `undefined` otherwise. */
  get httpServer(): Server | undefined {
    return this.server;
  }

  /** Where the server listens, or `null` before `listen()` and after `close()`. */
  address(): AddressInfo | null {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : null;
  }

  /**
   * Graceful stop: no new connections, idle keep-alive connections closed, in-flight calls given
   * `closeTimeoutMs` to finish (then aborted and their connections closed).
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** `await using server = createServer()`: closes the server when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutdown(): Promise<void> {
    this.http.closing = true;
    const server = this.server;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    server?.closeIdleConnections();
    await this.http.drain(this.http.settings.closeTimeoutMs);
    server?.closeAllConnections();
    await closed;
    this.server = undefined;
  }
}

/** The answer to a request node:http could not parse or that came too slowly. */
function clientErrorRefusal(error: Error & { code?: string }, headersTimeoutMs: number, requestTimeoutMs: number): { status: number; reason: string; message: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        message: `request not received in time (headers within ${headersTimeoutMs} ms, the whole request within ${requestTimeoutMs} ms)`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', message: 'request headers are over the size limit (node:http maxHeaderSize)' };
    default:
      return { status: 400, reason: 'Bad Request', message: `malformed HTTP request: ${error.message}` };
  }
}

function checkPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`a path must start with '/', got ${JSON.stringify(path)}`);
  return path;
}

/**
 * Makes an {@link XmlRpcServer}.
 * @example
 * ```ts
 * import { createServer, Fault } from 'xmlrpc-ts';
 *
 * const server = createServer();
 * server.addMethod('sample.add', (a: number, b: number) => a + b);
 * server.addMethod('sample.divide', (a: number, b: number) => {
 *   if (b === 0) throw new Fault(4, 'division by zero');
 *   return a / b;
 * });
 * const { port } = await server.listen(8000, '127.0.0.1');
 * console.log(`serving on http://127.0.0.1:${port}/RPC2`);
 * ```
 * @group Server
 */
export function createServer(options?: ServerOptions): XmlRpcServer {
  return new XmlRpcServer(options);
}
