/**
 * The call context: who is calling what, and a signal that says when to stop. Portable: no
 * `node:` import.
 *
 * Handlers keep their positional signature (`(a, b) => a + b`), so the context is not an
 * argument. It reaches them two ways:
 * - explicitly, as `this` of a `function` handler (every runtime);
 * - through `currentCall()`, which reads a {@link CallContextStorage}. The built-in one holds the
 *   context while the handler runs synchronously (before its first `await`). The node:http server
 *   installs an `AsyncLocalStorage`, so there `currentCall()` works after `await` too; other
 *   runtimes that have one (Deno, Bun, workerd with nodejs_compat) pass theirs to
 *   {@link useCallContextStorage}.
 */

/**
 * Request headers by lower-case name, as node:http gives them.
 * @group Server
 */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * What a handler may know about the call it is serving.
 * @group Server
 */
export interface CallContext {
  /** The method being called (for a `system.multicall` entry, the entry's method). */
  readonly methodName: string;
  /** The HTTP path the call came in on (`""` when dispatched without HTTP and none was given). */
  readonly path: string;
  /** The request headers, lower-case names as Node gives them (`{}` without HTTP). */
  readonly headers: Readonly<RequestHeaders>;
  /** The client's IP address, when known. */
  readonly remoteAddress: string | undefined;
  /** What the `authenticate` hook returned for this request; `undefined` without one. */
  readonly user: unknown;
  /** Aborted when the client goes away, the call's time limit passes or the server is closed. */
  readonly signal: AbortSignal;
}

/**
 * What a transport (or a test) may tell {@link XmlRpcDispatcher.dispatch} about a call.
 * @group Server
 */
export interface DispatchContext {
  /** The HTTP path the call came in on; `""` when left out. */
  path?: string;
  /** The request headers, lower-case names; `{}` when left out. */
  headers?: Readonly<RequestHeaders>;
  /** The client's IP address, if known. */
  remoteAddress?: string | undefined;
  /** Who is calling, as handlers see it in {@link CallContext.user}. */
  user?: unknown;
  /** Aborts every handler of this request (e.g. the client disconnected). */
  signal?: AbortSignal;
  /** The `charset` of the request's Content-Type: how a body without a BOM or encoding declaration is read. */
  charset?: string | undefined;
}

const EMPTY_HEADERS: Readonly<RequestHeaders> = Object.freeze({});

/**
 * The per-request state behind {@link CallContext}. The `AbortController` is created only when a
 * handler reads `signal` (most never do), so a plain call costs one small object.
 */
export class CallState {
  readonly path: string;
  readonly headers: Readonly<RequestHeaders>;
  readonly remoteAddress: string | undefined;
  readonly user: unknown;
  private controller: AbortController | undefined;
  private abortReason: Error | undefined;
  private readonly external: AbortSignal | undefined;
  private readonly onExternalAbort: (() => void) | undefined;

  constructor(init: DispatchContext | undefined) {
    this.path = init?.path ?? '';
    this.headers = init?.headers ?? EMPTY_HEADERS;
    this.remoteAddress = init?.remoteAddress;
    this.user = init?.user;
    this.external = init?.signal;
    if (this.external !== undefined) {
      if (this.external.aborted) {
        this.abortReason = reasonOf(this.external);
      } else {
        this.onExternalAbort = () => this.abort(reasonOf(this.external as AbortSignal));
        this.external.addEventListener('abort', this.onExternalAbort, { once: true });
      }
    }
  }

  /** The signal handed to handlers; aborted already if the call was. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Why the call was aborted, or `undefined` while it runs. */
  get aborted(): Error | undefined {
    return this.abortReason;
  }

  /** Aborts the call: handlers that asked for the signal see it fire. */
  abort(reason: Error): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }

  private abortListeners: ((reason: Error) => void)[] | undefined;

  /** Calls `listener` once when the call is aborted; returns a function that unsubscribes. */
  onAbort(listener: (reason: Error) => void): () => void {
    (this.abortListeners ??= []).push(listener);
    return () => {
      const i = this.abortListeners?.indexOf(listener) ?? -1;
      if (i !== -1) this.abortListeners?.splice(i, 1);
    };
  }

  /** Drops the listener on the transport's signal once the call is answered. */
  release(): void {
    if (this.onExternalAbort !== undefined) {
      this.external?.removeEventListener('abort', this.onExternalAbort);
    }
  }

  /** The context seen by the handler of `methodName`. */
  contextFor(methodName: string): CallContext {
    return new BoundContext(this, methodName);
  }
}

class BoundContext implements CallContext {
  constructor(
    readonly state: CallState,
    readonly methodName: string,
  ) {}
  get path(): string {
    return this.state.path;
  }
  get headers(): Readonly<RequestHeaders> {
    return this.state.headers;
  }
  get remoteAddress(): string | undefined {
    return this.state.remoteAddress;
  }
  get user(): unknown {
    return this.state.user;
  }
  get signal(): AbortSignal {
    return this.state.signal;
  }
}

function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}

/**
 * Where the running call's context is kept while handlers run; node's `AsyncLocalStorage` fits.
 * @group Server
 */
export interface CallContextStorage {
  /** Runs `fn` with `store` as the current context. */
  run<R>(store: CallContext, fn: () => R): R;
  /** The current context, or `undefined`. */
  getStore(): CallContext | undefined;
}

/** The portable default: the context is current while the handler runs synchronously. */
class SynchronousStorage implements CallContextStorage {
  private current: CallContext | undefined;
  run<R>(store: CallContext, fn: () => R): R {
    const previous = this.current;
    this.current = store;
    try {
      return fn();
    } finally {
      this.current = previous;
    }
  }
  getStore(): CallContext | undefined {
    return this.current;
  }
}

let storage: CallContextStorage = new SynchronousStorage();

/**
 * Makes `currentCall()` read `store`, e.g. `new AsyncLocalStorage()` so the context survives
 * `await` (the node:http server does this itself). Affects calls started afterwards.
 * @group Server
 */
export function useCallContextStorage(store: CallContextStorage): void {
  if (typeof store?.run !== 'function' || typeof store.getStore !== 'function') {
    throw new TypeError('useCallContextStorage needs an object with run() and getStore(), like AsyncLocalStorage');
  }
  storage = store;
}

/** Runs `fn` with `context` as the current call. */
export function runWithContext<T>(context: CallContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The context of the XML-RPC call being served: call it inside a handler (after `await` too
 * where an async storage is installed, as on the node:http server). Throws a `TypeError` when no call is running, e.g. when a handler is called directly.
 * @group Server
 */
export function currentCall(): CallContext {
  const context = storage.getStore();
  if (context === undefined) {
    throw new TypeError('currentCall() was called outside an XML-RPC handler');
  }
  return context;
}

/**
 * The context of the call being served, or `undefined` outside a handler.
 * @group Server
 */
export function findCurrentCall(): CallContext | undefined {
  return storage.getStore();
}

/** The state behind a handler's context, for sub-calls made on its behalf (`system.multicall`). */
export function stateOf(context: CallContext | undefined): CallState | undefined {
  return context instanceof BoundContext ? context.state : undefined;
}
