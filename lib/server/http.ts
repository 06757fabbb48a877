/**
 * The node:http layer: one request listener that checks method, path, body size, content
 * coding and credentials, reads the body within its limits, runs the dispatcher of the path
 * and writes the response with a Content-Length (never chunked), gzip-compressed when the
 * client accepts it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, gzip, inflate, inflateRaw } from 'node:zlib';
import { AbortError, HttpError } from '../core/errors.js';
import { CallState } from './context.js';
import { dispatchNow } from './dispatcher.js';
import type { XmlRpcDispatcher } from './dispatcher.js';
import { checkDocsPageOptions, docsPageHandler, wantsDocsPage } from './docs-page.js';
import type { DocsPageOptions } from './docs-page.js';
import { DEFAULT_CHALLENGE } from './auth.js';
import type { AuthenticateHook } from './auth.js';

/** The HTTP options of a server, with their defaults. */
export interface HttpOptions {
  /** Paths the server's own methods answer on; `'any'` for every path. Default `['/', '/RPC2']`. */
  paths?: readonly string[] | 'any';
  /** Largest request body as sent, in bytes; a bigger one gets 413 before it is read. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Largest request body after gzip/deflate decoding, in bytes. Default 20 MiB. */
  maxInflatedBytes?: number;
  /** Responses larger than this (bytes) are gzip-compressed for clients that accept it; `Infinity` never. Default 1,400. */
  gzipThresholdBytes?: number;
  /** zlib level for responses, 1 (fast) … 9 (small). Default 1: XML shrinks well even so. */
  gzipLevel?: number;
  /** Time to receive the whole body once the headers are in, in ms. Default 30,000. */
  bodyTimeoutMs?: number;
  /** Time to receive the request headers, in ms (servers started by `listen`). Default 10,000. */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, in ms (servers started by `listen`). Default 5,000. */
  keepAliveTimeoutMs?: number;
  /** Calls running at once; more wait in a queue. Default 256. */
  maxConcurrentCalls?: number;
  /** Calls waiting for a slot; beyond this a request gets 503. Default 1,024. */
  maxQueuedCalls?: number;
  /** Called before the body is read; refusal is 401 with `WWW-Authenticate`, and no handler runs. */
  authenticate?: AuthenticateHook<IncomingMessage>;
  /** How long `close()` lets in-flight calls finish before aborting them, in ms. Default 10,000. */
  closeTimeoutMs?: number;
  /**
   * Open connections at once (servers started by `listen`); beyond this a new connection is
   * closed at once. With `maxBodyBytes` it bounds the memory requests can hold. Default 10,000.
   */
  maxConnections?: number;
  /** Connections the kernel queues before `listen`'s server accepts them. Default 511. */
  backlog?: number;
  /**
   * Answer a browser's GET (`Accept: text/html`) on a path with an HTML page of that path's
   * methods, signatures and help, with a form to call each (docs/server.md). Default false.
   */
  docsPage?: boolean | DocsPageOptions;
}

/** Resolved HTTP settings (internal). */
export interface HttpSettings {
  readonly maxBodyBytes: number;
  readonly maxInflatedBytes: number;
  readonly gzipThresholdBytes: number;
  readonly gzipLevel: number;
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConcurrentCalls: number;
  readonly maxQueuedCalls: number;
  readonly closeTimeoutMs: number;
  readonly maxConnections: number;
  readonly backlog: number;
  readonly authenticate: AuthenticateHook<IncomingMessage> | undefined;
  /** The documentation page's options, or `undefined` when it is off. */
  readonly docsPage: DocsPageOptions | undefined;
}

/** Checks and fills in the HTTP options; throws a `RangeError` naming a bad one. */
export function resolveHttpSettings(options: HttpOptions): HttpSettings {
  const num = (name: keyof HttpOptions, fallback: number, min: number, allowInfinity = false): number => {
    const value = (options[name] as number | undefined) ?? fallback;
    if (typeof value !== 'number' || Number.isNaN(value) || value < min || (!allowInfinity && !Number.isFinite(value))) {
      throw new RangeError(`${name} must be a number >= ${min}, got ${String(value)}`);
    }
    return value;
  };
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw new TypeError('authenticate must be a function');
  }
  return {
    maxBodyBytes: num('maxBodyBytes', 10 * 1024 * 1024, 1),
    maxInflatedBytes: num('maxInflatedBytes', 20 * 1024 * 1024, 1),
    gzipThresholdBytes: num('gzipThresholdBytes', 1400, 0, true),
    gzipLevel: num('gzipLevel', 1, 1),
    bodyTimeoutMs: num('bodyTimeoutMs', 30_000, 1),
    headersTimeoutMs: num('headersTimeoutMs', 10_000, 1),
    keepAliveTimeoutMs: num('keepAliveTimeoutMs', 5_000, 1),
    maxConcurrentCalls: num('maxConcurrentCalls', 256, 1),
    maxQueuedCalls: num('maxQueuedCalls', 1024, 0),
    closeTimeoutMs: num('closeTimeoutMs', 10_000, 0),
    maxConnections: num('maxConnections', 10_000, 1),
    backlog: num('backlog', 511, 1),
    authenticate: options.authenticate,
    docsPage: options.docsPage === undefined || options.docsPage === false ? undefined : checkDocsPageOptions(options.docsPage),
  };
}

/** An HTTP-level refusal: the status and a short text for the body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Close the connection after answering (the body was not read to its end). */
    readonly close = false,
  ) {
    super(message);
  }
}

/** What the steps of one request pass along. */
class Exchange {
  path = '/';
  dispatcher: XmlRpcDispatcher | undefined;
  coding: 'identity' | 'gzip' | 'deflate' = 'identity';
  user: unknown;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly tracker: RequestTracker,
  ) {}
}

/** A request in flight: remembers an abort until its call state exists, then forwards it. */
class RequestTracker {
  private reason: Error | undefined;
  private state: CallState | undefined;

  abort(reason: Error): void {
    this.reason ??= reason;
    this.state?.abort(reason);
  }

  attach(state: CallState): void {
    this.state = state;
    if (this.reason !== undefined) state.abort(this.reason);
  }
}

/** Bounds the calls running at once, with a bounded FIFO queue of waiters. */
class CallGate {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  /** `true`: entered; a promise: queued, resolves on entry; `false`: full. */
  enter(): true | Promise<void> | false {
    if (this.active < this.max) {
      this.active++;
      return true;
    }
    if (this.waiters.length >= this.maxQueued) return false;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Leaves, handing the slot to the next waiter. */
  leave(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.active--;
  }
}

const TEXT_XML = 'text/xml; charset=utf-8';
/** How long aborted calls get to send their fault before `close()` cuts connections. */
const ABORT_GRACE_MS = 250;

/** Routes, limits and the request listener; owned by an `XmlRpcServer`. */
export class HttpLayer {
  private readonly gate: CallGate;
  private readonly inFlight = new Set<RequestTracker>();
  /** Bodies being read: expiry callback → deadline (ms since epoch). */
  private readonly pendingBodies = new Map<() => void, number>();
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Set by `close()`: responses then carry `Connection: close`. */
  closing = false;
  /** Requests whose `Expect: 100-continue` still needs an answer (servers started by `listen`). */
  readonly awaitingContinue = new WeakSet<IncomingMessage>();

  constructor(
    readonly settings: HttpSettings,
    private readonly route: (path: string) => XmlRpcDispatcher | undefined,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {
    this.gate = new CallGate(settings.maxConcurrentCalls, settings.maxQueuedCalls);
  }

  /** The `node:http` request listener. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    const tracker = new RequestTracker();
    this.inFlight.add(tracker);
    const onClose = (): void => {
      if (!response.writableFinished) tracker.abort(new AbortError('the client closed the connection'));
      this.inFlight.delete(tracker);
      if (this.inFlight.size === 0) this.wakeIdleWaiters();
    };
    response.once('close', onClose);
    // A reset after we stopped reading must not become an uncaught 'error'.
    request.on('error', ignore);
    try {
      this.start(new Exchange(request, response, tracker));
    } catch (error) {
      this.fail(error, request, response);
    }
  };

  /**
   * Resolves once no request is in flight. After `ms`, in-flight calls are aborted (they answer
   * with a fault at once) and the wait ends at most a moment later.
   */
  async drain(ms: number): Promise<void> {
    if (!(await this.idleWithin(ms))) {
      for (const tracker of this.inFlight) tracker.abort(new AbortError('the server is closing'));
      await this.idleWithin(ABORT_GRACE_MS);
    }
  }

  private idleWithin(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      this.idleWaiters.push(wake);
    });
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /*
   * One request, as a chain of steps. Each step is synchronous when it can be: a small call to a
   * sync handler runs from the body's 'end' event to res.end() without a promise (promises cost
   * twice here, as the AsyncLocalStorage of currentCall() hooks each one).
   */

  /** Checks path, method, framing and size, then authenticates. Throws a `Refusal`. */
  private start(x: Exchange): void {
    const url = x.request.url ?? '/';
    const query = url.indexOf('?');
    x.path = query === -1 ? url : url.slice(0, query);
    // Route first: an unknown path is 404 whatever the method (RFC 9110 §15.5.5 and §15.5.6).
    const dispatcher = this.route(x.path);
    if (dispatcher === undefined) throw new Refusal(404, `no XML-RPC endpoint at ${x.path}`);
    if (x.request.method !== 'POST') {
      const docsPage = this.settings.docsPage;
      if (docsPage === undefined) {
        throw new Refusal(405, `method ${x.request.method ?? ''} not allowed: XML-RPC calls are POST`, { Allow: 'POST' });
      }
      if (!wantsDocsPage(x.request)) {
        // GET serves the page to browsers only; a program's GET still gets 405.
        throw new Refusal(405, `method ${x.request.method ?? ''} not allowed: XML-RPC calls are POST; GET with Accept: text/html shows the documentation page`, { Allow: 'GET, HEAD, POST' });
      }
      // The page lists the methods: it is behind the same authentication as calls.
      this.authenticated(x, () => docsPageHandler(x.request, x.response, dispatcher, docsPage));
      return;
    }
    x.dispatcher = dispatcher;
    x.coding = contentCoding(x.request.headers['content-encoding']);
    const declared = declaredLength(x.request);
    if (declared > this.settings.maxBodyBytes) {
      throw new Refusal(413, `request body of ${declared} bytes is over the limit of ${this.settings.maxBodyBytes}`, {}, true);
    }
    this.authenticated(x, () => this.receive(x));
  }

  /** Runs `next` once the `authenticate` hook accepts the request (at once without a hook); else 401. */
  private authenticated(x: Exchange, next: () => void): void {
    const authenticate = this.settings.authenticate;
    if (authenticate === undefined) {
      next();
      return;
    }
    Promise.resolve()
      .then(() => authenticate(x.request))
      .then((user) => {
        if (user === false || user === null || user === undefined) {
          throw new Refusal(401, 'authentication required', {
            'WWW-Authenticate': authenticate.challenge ?? DEFAULT_CHALLENGE,
          });
        }
        x.user = user;
        next();
      })
      .catch((error: unknown) => this.fail(error, x.request, x.response));
  }

  /** Reads (and inflates) the body, then runs the call. */
  private receive(x: Exchange): void {
    this.readBody(x.request, x.response, (refusal, raw) => {
      if (refusal !== undefined) return this.fail(refusal, x.request, x.response);
      if (x.coding === 'identity') return this.enter(x, raw as Buffer);
      this.inflate(raw as Buffer, x.coding).then(
        (body) => this.enter(x, body),
        (error: unknown) => this.fail(error, x.request, x.response),
      );
    });
  }

  /** Takes a call slot (or waits for one, or refuses with 503). */
  private enter(x: Exchange, body: Buffer): void {
    const entry = this.gate.enter();
    if (entry === false) {
      this.fail(new Refusal(503, 'too many calls in progress; try again later', { 'Retry-After': '1' }), x.request, x.response);
    } else if (entry === true) {
      this.call(x, body);
    } else {
      void entry.then(() => this.call(x, body));
    }
  }

  /** Runs the call in its slot and answers. */
  private call(x: Exchange, body: Buffer): void {
    if (x.response.destroyed) {
      this.gate.leave();
      return;
    }
    // A CallState instead of a signal: no AbortController per request (one only if a handler asks).
    const state = new CallState({ path: x.path, headers: x.request.headers, remoteAddress: x.request.socket.remoteAddress, user: x.user });
    x.tracker.attach(state);
    let xml: string | Promise<string>;
    try {
      xml = (x.dispatcher as XmlRpcDispatcher)[dispatchNow](body, state);
    } catch (error) {
      this.gate.leave();
      this.fail(error, x.request, x.response);
      return;
    }
    if (typeof xml === 'string') {
      this.gate.leave();
      this.answer(x, xml);
      return;
    }
    xml.then(
      (text) => {
        this.gate.leave();
        this.answer(x, text);
      },
      (error: unknown) => {
        this.gate.leave();
        this.fail(error, x.request, x.response);
      },
    );
  }

  private answer(x: Exchange, xml: string): void {
    // A call aborted by close() still answers (a fault); a client that left gets nothing.
    if (x.response.destroyed) return;
    this.sendXml(x.request, x.response, xml)?.catch((error: unknown) => this.fail(error, x.request, x.response));
  }

  /** Answers a `Refusal` with its status; anything else is a bug: 500, reported. */
  private fail(error: unknown, request: IncomingMessage, response: ServerResponse): void {
    if (error instanceof Refusal) {
      this.report(new HttpError(error.message, error.status, {}, ''));
      if (!response.headersSent && !response.destroyed) {
        const close = error.close || this.closing || !cheapToDiscard(request);
        this.sendText(response, error.status, error.message, error.headers, close);
      }
      return;
    }
    this.report(error instanceof Error ? error : new Error(String(error)));
    if (!response.headersSent && !response.destroyed) this.sendText(response, 500, 'internal server error', {}, true);
    else response.destroy();
  }

  /** Reads the body within the size and time limits (or takes one a framework already read). */
  private readBody(request: IncomingMessage, response: ServerResponse, done: (refusal: Refusal | undefined, body?: Buffer) => void): void {
    const max = this.settings.maxBodyBytes;
    if (request.readableEnded) {
      // Mounted behind a body parser (Express `express.text()` / `express.raw()`).
      const parsed = (request as IncomingMessage & { body?: unknown }).body;
      const taken = typeof parsed === 'string' ? Buffer.from(parsed, 'utf8') : parsed instanceof Uint8Array ? Buffer.from(parsed.buffer, parsed.byteOffset, parsed.byteLength) : undefined;
      if (taken === undefined) {
        done(new Refusal(500, 'the request body was consumed before the XML-RPC handler (mount it before body parsers, or use a raw/text parser)'));
      } else if (taken.length > max) {
        done(new Refusal(413, `request body of ${taken.length} bytes is over the limit of ${max}`));
      } else {
        done(undefined, taken);
      }
      return;
    }
    if (this.awaitingContinue.has(request)) response.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    const expire = (): void => finish(new Refusal(408, `request body not received within ${this.settings.bodyTimeoutMs} ms`, {}, true));
    this.watchBody(expire);
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
      this.pendingBodies.delete(expire);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAborted); // the listener's own `ignore` stays
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

  /**
   * Body time limits share one sweeping interval instead of a timer per request (a hot-path
   * cost); a body therefore expires up to a quarter of `bodyTimeoutMs` (at most 1 s) late.
   */
  private watchBody(expire: () => void): void {
    this.pendingBodies.set(expire, Date.now() + this.settings.bodyTimeoutMs);
    if (this.sweepTimer !== undefined) return;
    this.sweepTimer = setInterval(() => {
      const now = Date.now();
      for (const [onExpired, deadline] of this.pendingBodies) if (deadline <= now) onExpired();
      if (this.pendingBodies.size === 0) {
        clearInterval(this.sweepTimer);
        this.sweepTimer = undefined;
      }
    }, Math.min(1000, Math.max(10, this.settings.bodyTimeoutMs / 4)));
    this.sweepTimer.unref();
  }

  private inflate(raw: Buffer, coding: 'gzip' | 'deflate'): Promise<Buffer> {
    const maxOutputLength = this.settings.maxInflatedBytes;
    const refuse = (error: Error & { code?: string }): Refusal =>
      error.code === 'ERR_BUFFER_TOO_LARGE'
        ? new Refusal(413, `request body is over the limit of ${maxOutputLength} bytes once decompressed`)
        : new Refusal(400, `request body is not valid ${coding} data: ${error.message}`);
    return new Promise((resolve, reject) => {
      if (coding === 'gzip') {
        gunzip(raw, { maxOutputLength }, (error, out) => (error === null ? resolve(out) : reject(refuse(error))));
        return;
      }
      // "deflate" means the zlib format (RFC 9110), but some clients send raw deflate.
      inflate(raw, { maxOutputLength }, (error, out) => {
        if (error === null) return resolve(out);
        if ((error as Error & { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return reject(refuse(error));
        inflateRaw(raw, { maxOutputLength }, (rawError, rawOut) => (rawError === null ? resolve(rawOut) : reject(refuse(rawError))));
      });
    });
  }

  private sendXml(request: IncomingMessage, response: ServerResponse, xml: string): Promise<void> | undefined {
    const length = Buffer.byteLength(xml, 'utf8');
    const compressible = length > this.settings.gzipThresholdBytes;
    const headers: Record<string, string | number> = { 'Content-Type': TEXT_XML };
    if (this.closing) headers['Connection'] = 'close';
    if (compressible && acceptsGzip(request.headers['accept-encoding'])) {
      return new Promise<void>((resolve, reject) => {
        gzip(Buffer.from(xml, 'utf8'), { level: this.settings.gzipLevel }, (error, zipped) => {
          if (error !== null) return reject(error);
          if (!response.destroyed) {
            headers['Content-Encoding'] = 'gzip';
            headers['Vary'] = 'Accept-Encoding';
            headers['Content-Length'] = zipped.length;
            response.writeHead(200, headers);
            response.end(zipped);
          }
          resolve();
        });
      });
    }
    if (compressible) headers['Vary'] = 'Accept-Encoding';
    headers['Content-Length'] = length;
    response.writeHead(200, headers);
    response.end(xml, 'utf8');
    return undefined;
  }

  private sendText(response: ServerResponse, status: number, message: string, extra: Readonly<Record<string, string>>, close: boolean): void {
    const body = message + '\n';
    const headers: Record<string, string | number> = {
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body, 'utf8'),
    };
    if (close) headers['Connection'] = 'close';
    response.writeHead(status, headers);
    response.end(body, 'utf8');
  }

  /** Passes an error to the server's `onError` (a throwing hook is ignored). */
  report(error: Error): void {
    if (this.onError === undefined) return;
    try {
      this.onError(error);
    } catch {
      // A logging hook must not change the answer.
    }
  }
}

function ignore(): void {}

/**
 * Whether the unread rest of a refused request's body is small enough for node:http to read and
 * discard it, keeping the connection alive; otherwise the connection is closed.
 */
function cheapToDiscard(request: IncomingMessage): boolean {
  if (request.complete) return true;
  const header = request.headers['content-length'];
  if (header === undefined) return request.headers['transfer-encoding'] === undefined; // no body at all
  return Number(header) <= 64 * 1024;
}

/** The request's content coding; anything but identity, gzip and deflate is refused with 415. */
function contentCoding(header: string | undefined): 'identity' | 'gzip' | 'deflate' {
  if (header === undefined) return 'identity';
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return 'identity';
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'deflate') return 'deflate';
  throw new Refusal(415, `unsupported Content-Encoding ${JSON.stringify(header)}: use gzip, deflate or none`, { 'Accept-Encoding': 'gzip, deflate' });
}

/** The declared body length, or -1 when the body is chunked; 411 when there is no framing at all. */
function declaredLength(request: IncomingMessage): number {
  const header = request.headers['content-length'];
  if (header !== undefined) return Number(header); // node:http has validated it
  const transferEncoding = request.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    // RFC 9112 §6.1: node:http reads any coding list ending in chunked; we implement chunked only.
    if (transferEncoding.trim().toLowerCase() !== 'chunked') {
      throw new Refusal(501, `unsupported Transfer-Encoding ${JSON.stringify(transferEncoding)}: only chunked`, {}, true);
    }
    return -1;
  }
  throw new Refusal(411, 'Content-Length required');
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
