/**
 * The XML-RPC client: encode a call, post it through the transport, decode the answer.
 * Also `system.multicall` batching (spec digest §7.4) and the typed proxy.
 */
import { encodeCall } from '../codec/encode.js';
import { decodeResponse } from '../codec/decode.js';
import type { DecodeOptions, EncodeOptions } from '../codec/options.js';
import { DecodeError, Fault, HttpError } from '../core/errors.js';
import { isPlainObject, type XmlRpcValue } from '../core/values.js';
import type { CallOptions, ClientOptions } from './options.js';
import { createRemoteApi, type DynamicApi, type RemoteApi, type RemoteApiOptions } from './proxy.js';
import { contractMulticall, contractProxy } from '../contract/client.js';
import { isContract, type BatchApi, type BatchResults, type Contract, type ContractApi, type PlannedCall } from '../contract/define.js';
import { bodyExcerpt, charsetOf, flattenHeaders, HttpTransport, summarizeBody, type HttpResponse } from './transport.js';

/** One call of a {@link Client.multicall} batch. */
export interface MulticallCall {
  /** The remote method to call; a non-empty string. */
  methodName: string;
  /** Positional parameters; none when left out. */
  params?: readonly unknown[];
}

/** The batch builder of a typed multicall, as the implementation sees it. */
type ContractBatchBuilder = (batch: never) => readonly PlannedCall[];

/** The interop fault code for "method not found" (spec digest §7.6). */
const METHOD_NOT_FOUND = -32601;

/** An XML-RPC client for one server URL. */
export class Client {
  /** The server URL, without credentials. */
  readonly url: string;
  private readonly transport: HttpTransport;
  private readonly encodeOptions: EncodeOptions | undefined;
  private readonly decodeOptions: DecodeOptions | undefined;
  private readonly multicallFallback: boolean;
  /** Learnt from the first multicall: false once the server said it has no `system.multicall`. */
  private multicallSupported: boolean | undefined;

  /**
   * A client for `url`. Bad options throw a `TypeError` here; connections are opened only when calls need them.
   * @param url `http://…`, `https://…`, `http+unix://<percent-encoded socket path>/path` or
   *   `unix:///path/to.sock`. Without a path (`http://host:port`) calls go to `/RPC2`, as in Python.
   */
  constructor(url: string | URL, options: ClientOptions = {}) {
    this.transport = new HttpTransport(url, options);
    this.url = this.transport.endpoint.display;
    this.encodeOptions = options.encode;
    this.decodeOptions = options.decode;
    this.multicallFallback = options.multicallFallback ?? true;
  }

  /**
   * Calls a remote method and returns its result. A fault response rejects with {@link Fault}.
   * The type parameter is a convenience for the caller; the result is not checked against it.
   */
  async call<T = XmlRpcValue>(methodName: string, params: readonly unknown[] = [], options?: CallOptions): Promise<T> {
    if (typeof methodName !== 'string' || methodName === '') {
      throw new TypeError(`The method name must be a non-empty string, got ${describe(methodName)}`);
    }
    if (!Array.isArray(params)) {
      throw new TypeError(`The parameters of ${methodName} must be an array, got ${describe(params)}`);
    }
    const xml = encodeCall(methodName, params, this.encodeOptions);
    const response = await this.transport.post(xml, options);
    return this.decode(response) as T;
  }

  /**
   * Sends several calls in one request through `system.multicall`. Each slot of the result holds
   * the call's value or its {@link Fault} (not thrown). When the server has no `system.multicall`
   * (fault -32601, or Python's "is not supported"), the calls are made one by one, in order.
   */
  multicall(calls: readonly MulticallCall[], options?: CallOptions): Promise<Array<XmlRpcValue | Fault>>;
  /**
   * A typed multicall: `client.multicall(contract, (m) => [m.calc.add(1, 2)])` resolves to a tuple
   * of the slots' values, each checked (or its `Fault`, or the `ContractError` of a breach).
   */
  multicall<C extends Contract, const T extends readonly PlannedCall[]>(contract: C, build: (batch: BatchApi<C>) => T, options?: CallOptions): Promise<BatchResults<T>>;
  async multicall(calls: readonly MulticallCall[] | Contract, options?: CallOptions | ContractBatchBuilder, contractCallOptions?: CallOptions): Promise<unknown[]> {
    if (isContract(calls)) return contractMulticall(this, calls, options as never, contractCallOptions);
    if (typeof options === 'function') throw new TypeError('multicall(calls, options): options must be an object; a builder function goes with a contract');
    if (!Array.isArray(calls)) throw new TypeError(`multicall takes an array of calls, got ${describe(calls)}`);
    const batch = calls.map((c: MulticallCall, i) => {
      if (!isPlainObject(c) || typeof c.methodName !== 'string' || c.methodName === '') {
        throw new TypeError(`multicall: calls[${i}] must be { methodName: string, params?: unknown[] }`);
      }
      if (c.params !== undefined && !Array.isArray(c.params)) {
        throw new TypeError(`multicall: calls[${i}].params must be an array, got ${describe(c.params)}`);
      }
      return { methodName: c.methodName, params: c.params ?? [] };
    });
    if (batch.length === 0) return [];
    if (this.multicallSupported === false) return this.callEach(batch, options);
    let result: XmlRpcValue;
    try {
      result = await this.call('system.multicall', [batch], options);
    } catch (error) {
      if (this.multicallFallback && error instanceof Fault && isMethodMissing(error)) {
        this.multicallSupported = false;
        return this.callEach(batch, options);
      }
      throw error;
    }
    this.multicallSupported = true;
    return unpackMulticall(result, batch.length);
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
    if (isContract(options)) return contractProxy(this, options) as never;
    const call = (name: string, params: unknown[], callOptions: CallOptions | undefined): Promise<unknown> =>
      this.call(name, params, callOptions);
    return createRemoteApi(call, options) as RemoteApi<T>;
  }

  /** Closes the connections once calls in flight are done; later calls fail with a `NetworkError`. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private async callEach(batch: Array<{ methodName: string; params: readonly unknown[] }>, options?: CallOptions): Promise<Array<XmlRpcValue | Fault>> {
    const out: Array<XmlRpcValue | Fault> = [];
    for (const c of batch) {
      try {
        out.push(await this.call(c.methodName, c.params, options));
      } catch (error) {
        if (!(error instanceof Fault)) throw error;
        out.push(error);
      }
    }
    return out;
  }

  private decode(response: HttpResponse): XmlRpcValue {
    const contentType = headerText(response.headers['content-type']);
    try {
      // A document that declares no encoding is read in the charset of the Content-Type (RFC 7303 §3.2).
      const charset = charsetOf(contentType);
      const options = charset === undefined ? this.decodeOptions : { ...this.decodeOptions, defaultEncoding: charset };
      return decodeResponse(response.body, options);
    } catch (error) {
      if (error instanceof DecodeError && error.reason !== 'limit' && isNotXmlRpc(response.body, contentType)) {
        const text = bodyExcerpt(response.body, contentType);
        const gist = summarizeBody(text, contentType);
        throw new HttpError(
          `Expected an XML-RPC response from ${this.url}, got ${contentType ?? 'a body without Content-Type'}` +
            (gist === '' ? '' : `: ${gist}`),
          200, flattenHeaders(response.headers), text, { cause: error },
        );
      }
      throw error;
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A body that is plainly not XML-RPC: a non-XML media type, or an HTML page. */
function isNotXmlRpc(body: Buffer, contentType: string | undefined): boolean {
  const head = body.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return true;
  if (contentType === undefined) return false;
  return !/xml/i.test(contentType);
}

function isMethodMissing(fault: Fault): boolean {
  if (fault.faultCode === METHOD_NOT_FOUND) return true;
  // Python answers faultCode 1 'method "system.multicall" is not supported'; others word it alike.
  return /system\.multicall/.test(fault.faultString) &&
    /not (supported|found|defined|exist)|unknown|no such/i.test(fault.faultString);
}

/** Checks and unpacks a `system.multicall` result: `[value]` entries and fault structs. */
function unpackMulticall(result: XmlRpcValue, expected: number): Array<XmlRpcValue | Fault> {
  if (!Array.isArray(result)) {
    throw new DecodeError('structure', `system.multicall returned ${describe(result)}, not an array`);
  }
  if (result.length !== expected) {
    throw new DecodeError('structure', `system.multicall returned ${result.length} results for ${expected} calls`);
  }
  return result.map((entry, i) => {
    if (Array.isArray(entry) && entry.length === 1) return entry[0] as XmlRpcValue;
    if (isPlainObject(entry) && 'faultCode' in entry && 'faultString' in entry) {
      const code = entry['faultCode'];
      const text = entry['faultString'];
      if ((typeof code === 'number' || typeof code === 'string') && typeof text === 'string') return new Fault(code, text);
    }
    throw new DecodeError('structure', 'system.multicall result is neither a one-element array nor a fault struct', `[${i}]`);
  });
}
