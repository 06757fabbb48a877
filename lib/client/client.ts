/**
 * The XML-RPC client: encode a call, post it through the transport, decode the answer. The
 * client owns everything above the bytes: headers, request gzip, cookies, the whole-call deadline,
 * the status check and the inflation of the response. Also `system.multicall` batching (spec
 * digest §7.4) and the typed proxy.
 */
import { traceCall } from '../core/tracing.js';
import { describe } from '../core/options.js';
import { encodeCall } from '../codec/encode.js';
import { decodeResponse, loadFastXmlParser } from '../codec/decode.js';
import type { DecodeOptions, EncodeOptions } from '../codec/options.js';
import { AbortError, DecodeError, Fault, HttpError, NetworkError, OptionError, TimeoutError } from '../core/errors.js';
import type { XmlRpcValue } from '../core/values.js';
import type { CookieJar } from './cookies.js';
import { basicAuthorization, parseEndpoint, type Endpoint } from './endpoint.js';
import { bodyExcerpt, charsetOf, flattenHeaders } from './error-prose.js';
import type { InflatedResponse } from './response-errors.js';
export type { MulticallCall } from './multicall.js';
import type { MulticallCall, ClientMulticallOptions, MulticallSlot } from './multicall.js';
import type { MulticallState } from './multicall-read.js';
import { checkCallOptions, resolveClientOptions, type CallOptions, type ClientOptions, type ClientSettings } from './options.js';
import { pickTransport } from './pick-transport.js';
import { createRemoteApi, type DynamicApi, type RemoteApi, type RemoteApiOptions } from './proxy.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';
import { contractClientSide } from '../core/contract-seam.js';
import type { BatchApi, BatchResults, Contract, ContractApi, PlannedCall } from '../contract/define.js';

/** The batch builder of a typed multicall, as the implementation sees it. */
type ContractBatchBuilder = (batch: never) => readonly PlannedCall[];

/**
 * An XML-RPC client for one server URL.
 * @example
 * ```ts
 * import { Client } from 'xmlrpc-ts';
 *
 * const client = new Client('http://127.0.0.1:8000/RPC2');
 * try {
 *   const sum = await client.call<number>('sample.add', [2, 3]);
 *   console.log(sum); // 5
 *   // A typed proxy: each property is a remote method.
 *   const api = client.proxy<{ add(a: number, b: number): number }>({ prefix: 'sample' });
 *   console.log(await api.add(2, 3));
 * } finally {
 *   await client.close();
 * }
 * ```
 * @group Client
 */
export class Client {
  // Fields set in the constructor are `declare`d: no class-field definitions are emitted for them
  // (they cost bytes in a browser bundle and change nothing, as the constructor sets each).
  /** The server URL, without credentials. */
  declare readonly url: string;
  private declare readonly endpoint: Endpoint;
  private declare readonly settings: ClientSettings;
  private declare readonly baseHeaders: Record<string, string>;
  private declare readonly keepsCookies: boolean;
  /** The cookie jar, loaded at the first call of a client with `cookies: true` (a browser bundle loads it only then). */
  private cookies: Promise<CookieJar> | undefined;
  /** The transport, or how to get it on first use (the undici one loads lazily). */
  private transport: Transport | (() => Promise<Transport>);
  private transportLoading: Promise<Transport> | undefined;
  private declare readonly encodeOptions: EncodeOptions | undefined;
  private declare readonly decodeOptions: DecodeOptions | undefined;
  /** Set while the optional fast-xml-parser reader (`decode.reader`) loads; awaited before a decode. */
  private readerLoading: Promise<void> | undefined;
  /** What multicalls learnt about the server, and whether to fall back to single calls. */
  private declare readonly multicallState: MulticallState;
  private closed = false;
  /** The Content-Type of the last response and the decode options it gave. */
  private lastContentType: string | undefined;
  private declare lastDecodeOptions: DecodeOptions | undefined;
  /** Calls in flight; `close()` waits for them. */
  private active = 0;
  private whenIdle: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  /**
   * A client for `url`. Bad options throw an `OptionError` here; connections are opened only when calls need them.
   * @param url `http://…`, `https://…`, `http+unix://<percent-encoded socket path>/path` or
   *   `unix:///path/to.sock`. Without a path (`http://host:port`) calls go to `/RPC2`, as in Python.
   */
  constructor(url: string | URL, options: ClientOptions = {}) {
    this.settings = resolveClientOptions(options);
    this.endpoint = parseEndpoint(url, options.socketPath);
    this.url = this.endpoint.display;
    if (this.endpoint.socketPath !== undefined && options.httpProxy !== undefined) {
      throw new OptionError(
        'Client options.httpProxy',
        `The httpProxy option cannot be combined with a Unix socket (${JSON.stringify(this.endpoint.socketPath)}): ` +
          'requests to a socket never go through a proxy',
      );
    }
    this.transport = pickTransport(this.endpoint, this.settings, options);
    this.encodeOptions = options.encode;
    this.decodeOptions = options.decode;
    this.lastDecodeOptions = options.decode;
    if (options.decode?.reader === 'fast-xml-parser') {
      this.readerLoading = loadFastXmlParser().then(() => {
        this.readerLoading = undefined;
      });
    }
    this.multicallState = { fallback: options.multicallFallback ?? true, supported: undefined, shape: undefined };
    this.keepsCookies = options.cookies === true;
    const headers: Record<string, string> = { 'content-type': 'text/xml', 'user-agent': this.settings.userAgent };
    if (options.decompressResponses ?? true) headers['accept-encoding'] = 'gzip, deflate';
    const authorization = options.auth !== undefined
      ? basicAuthorization(options.auth.username, options.auth.password)
      : this.endpoint.authorization;
    if (authorization !== undefined) headers['authorization'] = authorization;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    this.baseHeaders = headers;
  }

  /**
   * Calls a remote method and returns its result. A fault response rejects with {@link Fault}.
   * The type parameter is a convenience for the caller; the result is not checked against it.
   */
  call<T = XmlRpcValue>(methodName: string, params: readonly unknown[] = [], options?: CallOptions): Promise<T> {
    // Not an async function, so an untraced call runs in one async frame (perform's); bad arguments still reject.
    try {
      if (typeof methodName !== 'string' || methodName === '') {
        throw new TypeError(`The method name must be a non-empty string, got ${describe(methodName)}`);
      }
      if (!Array.isArray(params)) {
        throw new TypeError(`The parameters of ${methodName} must be an array, got ${describe(params)}`);
      }
      checkCallOptions(options);
      return traceCall('client', methodName, params.length, this.url, () => this.perform<T>(methodName, params, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async perform<T>(methodName: string, params: readonly unknown[], options: CallOptions | undefined): Promise<T> {
    const xml = encodeCall(methodName, params, this.encodeOptions);
    const response = await this.post(xml, options);
    return (await this.decode(response)) as T;
  }

  /**
   * Sends several calls in one request through `system.multicall`. Each slot of the result holds
   * the call's value, its {@link Fault}, or a `MulticallResultError` when that slot's result could
   * not be read (none is thrown). Conforming results and supervisord's unwrapped ones are both
   * read (see lib/client/multicall.ts). When the server has no `system.multicall` (fault -32601,
   * or Python's "is not supported"), the calls are made one by one, in order.
   */
  multicall(calls: readonly MulticallCall[], options?: ClientMulticallOptions): Promise<MulticallSlot[]>;
  /**
   * A typed multicall: `client.multicall(contract, (m) => [m.calc.add(1, 2)])` resolves to a tuple
   * of the slots' values, each checked (or its `Fault`, or the `ContractError` of a breach).
   */
  multicall<C extends Contract, const T extends readonly PlannedCall[]>(contract: C, build: (batch: BatchApi<C>) => T, options?: ClientMulticallOptions): Promise<BatchResults<T>>;
  async multicall(calls: readonly MulticallCall[] | Contract, options?: ClientMulticallOptions | ContractBatchBuilder, contractCallOptions?: ClientMulticallOptions): Promise<unknown[]> {
    const contract = contractClientSide(calls);
    if (contract !== undefined) return contract.multicall(this as never, calls as never, options as never, contractCallOptions as never) as Promise<unknown[]>;
    // Multicall batching loads with the first multicall (a chunk of its own in a browser bundle).
    const { runMulticall } = await import('./multicall-read.js');
    return runMulticall(this.call.bind(this), this.multicallState, calls as readonly MulticallCall[], options);
  }

  /**
   * A proxy whose properties are remote methods: `await api.calc.add(2, 3)` calls `calc.add`.
   * Type it with an interface of the server's methods: `client.proxy<CalcApi>()`.
   */
  proxy<T = DynamicApi>(options?: RemoteApiOptions): RemoteApi<T>;
  /**
   * The typed proxy of a contract: params encoded as declared, results checked and converted
   * (a breach rejects with `ContractError`). Per-call options: `callOptions({…})` as the last argument.
   */
  proxy<C extends Contract>(contract: C): ContractApi<C, CallOptions>;
  proxy<T = DynamicApi>(options: RemoteApiOptions | Contract = {}): RemoteApi<T> | ContractApi<Contract, CallOptions> {
    const contract = contractClientSide(options);
    if (contract !== undefined) return contract.proxy(this as never, options as never) as never;
    return createRemoteApi(this.call.bind(this), options as RemoteApiOptions) as RemoteApi<T>;
  }

  /** Closes the connections once calls in flight are done; later calls fail with a `NetworkError`. */
  close(): Promise<void> {
    // Every caller gets the same promise: a second close() resolves when the first is done.
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  /** `await using client = new Client(url)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (this.active > 0) await new Promise<void>((resolve) => this.whenIdle.push(resolve));
    // A transport never loaded has nothing to close.
    const transport = typeof this.transport === 'function' ? await this.transportLoading : this.transport;
    await transport?.close?.();
  }

  private currentTransport(): Transport | Promise<Transport> {
    const transport = this.transport;
    if (typeof transport !== 'function') return transport;
    this.transportLoading ??= transport().then((loaded) => {
      this.transport = loaded;
      return loaded;
    });
    return this.transportLoading;
  }

  /**
   * Posts an XML document under the call's deadline and signal; returns the 200 response with
   * its body inflated. Any other status becomes an {@link HttpError}.
   */
  private async post(xml: string, options: CallOptions | undefined): Promise<InflatedResponse> {
    if (this.closed) throw new NetworkError(`The client for ${this.url} is closed`);
    if (this.readerLoading !== undefined) await this.readerLoading;
    const signal = options?.signal;
    if (signal?.aborted === true) throw new AbortError('XML-RPC call aborted before it started', { cause: signal.reason });
    const timeoutMs = options?.timeoutMs ?? this.settings.timeoutMs;
    const startedMs = Date.now();
    this.active++;
    try {
      const headers = { ...this.baseHeaders };
      if (options?.headers !== undefined) for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
      const jar = this.keepsCookies ? await (this.cookies ??= import('./cookies.js').then((m) => new m.CookieJar())) : undefined;
      const cookie = jar?.header(this.endpoint.path, this.endpoint.secure);
      if (cookie !== undefined) headers['cookie'] = cookie;
      let body: Uint8Array = utf8.encode(xml);
      if (body.length >= this.settings.gzipRequestThresholdBytes) {
        // The (de)compression module loads with the first body that needs it.
        body = await (await import('../core/compression.js')).gzipBody(body);
        headers['content-encoding'] = 'gzip';
      }
      // Awaiting only while the transport loads saves a turn of the event loop per call.
      const current = this.currentTransport();
      const transport = current instanceof Promise ? await current : current;
      // The deadline counts from the start of the call: what the awaits above took is spent.
      const leftMs = timeoutMs > 0 ? timeoutMs - (Date.now() - startedMs) : undefined;
      if (leftMs !== undefined && leftMs <= 0) throw new TimeoutError('call', timeoutMs);
      const request = { url: this.url, headers, body, maxResponseBytes: this.settings.maxResponseBytes, signal, timeoutMs: leftMs };
      const response = transport.enforcesTimeout === true
        ? await postDirect(transport, request, timeoutMs)
        : await (await (guardLoading ??= import('./guarded-post.js'))).postGuarded(transport, request, timeoutMs);
      jar?.store(response.headers['set-cookie']);
      const identity = this.identityBody(response);
      if (identity !== undefined) return identity;
      const inflated = await this.inflate(response);
      // Inflating is asynchronous: the call may have been stopped meanwhile (hence the cast: TS keeps the early check's narrowing).
      if ((signal?.aborted as boolean | undefined) === true) throw new AbortError('XML-RPC call aborted', { cause: signal?.reason });
      if (timeoutMs > 0 && Date.now() - startedMs >= timeoutMs) throw new TimeoutError('call', timeoutMs);
      return inflated;
    } finally {
      if (--this.active === 0) for (const wake of this.whenIdle.splice(0)) wake();
    }
  }

  /**
   * The response as it came when there is nothing to inflate (always so behind the fetch
   * transport, as fetch inflates): no await and no inflater loaded. Otherwise undefined.
   */
  private identityBody(response: TransportResponse): InflatedResponse | undefined {
    const headers = flattenHeaders(response.headers);
    const coding = headers['content-encoding'] ?? '';
    if (response.status === 200 && coding === '' && response.body.length <= this.settings.maxResponseBytes) return { headers, body: response.body };
    return undefined;
  }

  /** Inflates the body under `maxResponseBytes` and turns a non-200 status into an {@link HttpError}. */
  private async inflate(response: TransportResponse): Promise<InflatedResponse> {
    // What inflating and the HttpErrors need loads with the first compressed or failed response.
    const { inflateResponse } = await import('./response-errors.js');
    return inflateResponse(response, flattenHeaders(response.headers), this.settings.maxResponseBytes, this.url, bodyExcerpt);
  }

  private async decode(response: InflatedResponse): Promise<XmlRpcValue> {
    const contentType = response.headers['content-type'];
    try {
      // A document that declares no encoding is read in the charset of the Content-Type (RFC 7303 §3.2).
      // Servers answer with the same Content-Type call after call: its decode options are kept.
      if (contentType !== this.lastContentType) {
        const charset = charsetOf(contentType);
        this.lastDecodeOptions = charset === undefined ? this.decodeOptions : { ...this.decodeOptions, defaultEncoding: charset };
        this.lastContentType = contentType;
      }
      const options = this.lastDecodeOptions;
      return decodeResponse(response.body, options);
    } catch (error) {
      if (!(error instanceof DecodeError) || error.reason === 'limit') throw error;
      // A body that is plainly not XML-RPC (an HTML page, JSON) gets an HttpError that says so.
      const { notXmlRpcError } = await import('./response-errors.js');
      throw notXmlRpcError(error, response.body, response.headers, this.url, bodyExcerpt) ?? error;
    }
  }
}

const utf8 = new TextEncoder();

/** The guard of calls through a user's transport: loaded with the first such call (a chunk of its own in a browser bundle). */
let guardLoading: Promise<typeof import('./guarded-post.js')> | undefined;

/**
 * Posts through a transport that enforces the deadline and the caller's signal itself: no guard
 * of ours. Its call timeout names the call's whole `timeoutMs`, though part was spent before.
 */
async function postDirect(transport: Transport, request: TransportRequest, timeoutMs: number): Promise<TransportResponse> {
  try {
    return await transport.post(request);
  } catch (error) {
    if (error instanceof TimeoutError && error.phase === 'call' && error.timeoutMs !== timeoutMs) {
      throw new TimeoutError('call', timeoutMs, { cause: error });
    }
    throw error;
  }
}
