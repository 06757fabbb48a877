/**
 * The node:http request listener: checks the cross-site policy, path, method, framing, size,
 * content coding and credentials, reads the body within its limits, runs the dispatcher of the
 * path and writes the response with a Content-Length (never chunked).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortError, HttpError } from '../../core/errors.js';
import { DEFAULT_CHALLENGE } from '../auth.js';
import { CallState } from '../context.js';
import { dispatchNow } from '../dispatcher.js';
import type { XmlRpcDispatcher } from '../dispatcher.js';
import { docsPageHandler, wantsDocsPage } from '../docs-page.js';
import { checkCrossSite, isLoopbackAddress } from '../policy.js';
import { readBody } from './body.js';
import { CallGate } from './call-gate.js';
import { DeadlineSweeper } from './deadlines.js';
import { TurnSlicer } from './turns.js';
import { cheapToDiscard, declaredLength } from './headers.js';
import { contentCoding, contentTypeCharset, inflateRequestBody, requestTarget } from '../http-rules.js';
import type { HttpSettings } from './options.js';
import { Refusal } from '../refusal.js';
import { ResponseWriter } from './responses.js';

/** What the steps of one request pass along. */
class Exchange {
  path = '/';
  dispatcher: XmlRpcDispatcher | undefined;
  coding: 'identity' | 'gzip' | 'deflate' = 'identity';
  user: unknown;
  /** Headers every answer to this request carries (CORS for an allowed origin). */
  headers: Readonly<Record<string, string>> = NO_HEADERS;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly tracker: RequestTracker,
  ) {}
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

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

/** How long aborted calls get to send their fault before `close()` cuts connections. */
const ABORT_GRACE_MS = 250;

/**
 * Call work per event-loop turn before the rest waits for the next turn (see `TurnSlicer`). Measured
 * with wrk at 64 fresh connections and 0.4 ms calls: p99 1.3-2.8x p50, where running every call at
 * once let new connections wait up to a second; small calls lose no throughput.
 */
const TURN_SLICE_MS = 0.5;

/** Routes, limits and the request listener; owned by an `XmlRpcServer`. */
export class HttpLayer {
  private readonly gate: CallGate;
  private readonly inFlight = new Set<RequestTracker>();
  private readonly bodyDeadlines: DeadlineSweeper;
  private readonly turns = new TurnSlicer(TURN_SLICE_MS, (error) => this.report(error instanceof Error ? error : new Error(String(error))));
  /** Writes responses and bounds what unread ones hold. */
  readonly writer: ResponseWriter;
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
    this.bodyDeadlines = new DeadlineSweeper(settings.bodyTimeoutMs);
    this.writer = new ResponseWriter(settings, (error) => this.report(error));
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
    const x = new Exchange(request, response, tracker);
    try {
      this.start(x);
    } catch (error) {
      this.fail(error, x);
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

  /** Checks the cross-site policy, path, method, framing and size, then authenticates. Throws a `Refusal`. */
  private start(x: Exchange): void {
    const { request } = x;
    const target = requestTarget(request.url);
    x.path = target.path;
    if (!this.crossSiteAllowed(x, target.authority)) return;
    // Route first: an unknown path is 404 whatever the method (RFC 9110 §15.5.5 and §15.5.6).
    const dispatcher = this.route(x.path);
    if (dispatcher === undefined) throw new Refusal(404, `no XML-RPC endpoint at ${x.path.length > 100 ? `${x.path.slice(0, 100)}…` : x.path}`);
    if (request.method !== 'POST') {
      const docsPage = this.settings.docsPage;
      if (docsPage === undefined) {
        throw new Refusal(405, `method ${request.method ?? ''} not allowed: XML-RPC calls are POST`, { Allow: 'POST' });
      }
      if (!wantsDocsPage(request)) {
        // GET serves the page to browsers only; a program's GET still gets 405.
        throw new Refusal(405, `method ${request.method ?? ''} not allowed: XML-RPC calls are POST; GET with Accept: text/html shows the documentation page`, { Allow: 'GET, HEAD, POST' });
      }
      // The page lists the methods: it is behind the same authentication as calls.
      this.authenticated(x, () => docsPageHandler(request, x.response, dispatcher, docsPage));
      return;
    }
    x.dispatcher = dispatcher;
    x.coding = contentCoding(request.headers['content-encoding']);
    const declared = declaredLength(request);
    if (declared > this.settings.maxBodyBytes) {
      throw new Refusal(413, `request body of ${declared} bytes is over the limit of ${this.settings.maxBodyBytes}`, {}, true);
    }
    this.authenticated(x, () => this.receive(x));
  }

  /** Applies the cross-site policy: false when it answered (403, or a CORS preflight). */
  private crossSiteAllowed(x: Exchange, authority: string | undefined): boolean {
    const { headers } = x.request;
    const verdict = checkCrossSite(
      {
        method: x.request.method ?? '',
        // RFC 9112 §3.2.2: the authority of an absolute-form target replaces Host.
        host: authority ?? headers.host,
        origin: headers.origin,
        secFetchSite: firstValue(headers['sec-fetch-site']),
        secFetchMode: firstValue(headers['sec-fetch-mode']),
        listeningOnLoopback: isLoopbackAddress(x.request.socket?.localAddress),
        accessControlRequestMethod: firstValue(headers['access-control-request-method']),
        accessControlRequestHeaders: firstValue(headers['access-control-request-headers']),
      },
      this.settings.crossSite,
    );
    if (verdict.action === 'pass') {
      x.headers = verdict.headers;
      return true;
    }
    if (verdict.action === 'refuse') throw new Refusal(verdict.status, verdict.reason, verdict.headers);
    if (this.route(x.path) === undefined) throw new Refusal(404, 'no XML-RPC endpoint here');
    this.writer.sendEmpty(x.response, verdict.status, verdict.headers);
    return false;
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
          throw new Refusal(401, 'authentication required', { 'WWW-Authenticate': authenticate.challenge ?? DEFAULT_CHALLENGE });
        }
        x.user = user;
        next();
      })
      .catch((error: unknown) => this.fail(error, x));
  }

  /** Reads (and inflates) the body, then runs the call. */
  private receive(x: Exchange): void {
    const sendContinue = this.awaitingContinue.has(x.request);
    const limits = { maxBodyBytes: this.settings.maxBodyBytes, bodyTimeoutMs: this.settings.bodyTimeoutMs, deadlines: this.bodyDeadlines };
    readBody(x.request, x.response, limits, sendContinue, (refusal, raw) => {
      if (refusal !== undefined) return this.fail(refusal, x);
      if (x.coding === 'identity') return this.enter(x, raw as Uint8Array);
      inflateRequestBody(raw as Uint8Array, x.coding, this.settings.maxInflatedBytes).then(
        (body) => this.enter(x, body),
        (error: unknown) => this.fail(error, x),
      );
    });
  }

  /** Takes a call slot (or waits for one, or refuses with 503). */
  private enter(x: Exchange, body: Uint8Array): void {
    const entry = this.gate.enter();
    if (entry === false) {
      this.fail(new Refusal(503, 'too many calls in progress; try again later', { 'Retry-After': '1' }), x);
    } else {
      // A call that throws where it should not still answers (500), whichever turn it runs in.
      const run = (): void => {
        try {
          this.call(x, body);
        } catch (error) {
          this.fail(error, x);
        }
      };
      if (entry === true) this.turns.run(run);
      else void entry.then(() => this.turns.run(run));
    }
  }

  /** Runs the call in its slot and answers. */
  private call(x: Exchange, body: Uint8Array): void {
    if (x.response.destroyed) {
      this.gate.leave();
      return;
    }
    // A CallState instead of a signal: no AbortController per request (one only if a handler asks).
    const state = new CallState({ path: x.path, headers: x.request.headers, remoteAddress: x.request.socket?.remoteAddress, user: x.user });
    x.tracker.attach(state);
    let xml: string | Promise<string>;
    try {
      xml = (x.dispatcher as XmlRpcDispatcher)[dispatchNow](body, state, contentTypeCharset(x.request.headers['content-type']));
    } catch (error) {
      this.gate.leave();
      this.fail(error, x);
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
        this.fail(error, x);
      },
    );
  }

  private answer(x: Exchange, xml: string): void {
    // A call aborted by close() still answers (a fault); a client that left gets nothing.
    if (x.response.destroyed) return;
    this.writer.sendXml(x.request, x.response, xml, x.headers, this.closing)?.catch((error: unknown) => this.fail(error, x));
  }

  /** Answers a `Refusal` with its status; anything else is a bug: 500, reported. */
  private fail(error: unknown, x: Exchange): void {
    const { request, response } = x;
    if (error instanceof Refusal) {
      this.report(new HttpError(error.message, error.status, {}, ''));
      if (!response.headersSent && !response.destroyed) {
        const close = error.close || this.closing || !cheapToDiscard(request);
        this.writer.sendText(response, error.status, error.message, { ...x.headers, ...error.headers }, close);
      }
      return;
    }
    this.report(error instanceof Error ? error : new Error(String(error)));
    if (!response.headersSent && !response.destroyed) this.writer.sendText(response, 500, 'internal server error', x.headers, true);
    else response.destroy();
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

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
