/**
 * The typed proxy: `await api.calc.add(2, 3)` calls `calc.add`. An ES Proxy over a function, so
 * every property is both a namespace and a callable method. It is never thenable: `then` is
 * undefined at every level, so `await api` or returning it from an async function makes no call.
 */
import type { XmlRpcValue } from '../core/values.js';
import type { CallOptions } from './options.js';

/**
 * Property names the proxy keeps for JavaScript itself; call such remote methods with `client.call`.
 * @group Client
 */
export type ReservedProxyName = 'then' | 'toJSON' | 'valueOf' | 'toString';

/**
 * One member of a {@link RemoteApi}: a method (which may have sub-methods) or a namespace.
 * @group Client
 */
export type RemoteMember<M> = M extends (...args: infer A) => infer R
  ? ((...args: A) => Promise<Awaited<R>>) & RemoteApi<M>
  : M extends object
    ? RemoteApi<M>
    : never;

/**
 * The remote form of an interface `T`: each method returns a Promise of its result; nested
 * objects are dotted namespaces (`{ calc: { add(a: number, b: number): number } }` is `calc.add`).
 * @group Client
 */
export type RemoteApi<T> = {
  readonly [K in keyof T & string as K extends ReservedProxyName ? never : K]: RemoteMember<T[K]>;
};

/**
 * A method of an untyped proxy: any parameters, any result; its properties are sub-methods.
 * @group Client
 */
export interface DynamicMethod {
  (...params: unknown[]): Promise<XmlRpcValue>;
  readonly [name: string]: DynamicMethod;
}

/**
 * The untyped proxy: every property is a method or namespace.
 * @group Client
 */
export interface DynamicApi {
  readonly [name: string]: DynamicMethod;
}

/**
 * Options of `client.proxy()`.
 * @group Client
 */
export interface RemoteApiOptions {
  /** A namespace prepended to every name, e.g. `'supervisor'` makes `api.getState()` call `supervisor.getState`. */
  prefix?: string;
  /**
   * Parameters put before the caller's on every call: an aria2 `token:…` secret, or Odoo's
   * `db, uid, password` in front of `execute_kw`'s arguments.
   */
  leadingParams?: readonly unknown[];
  /** Call options applied to every call made through this proxy. */
  callOptions?: CallOptions;
}

/** What the proxy needs from the client. */
export type ProxyCall = (methodName: string, params: unknown[], options: CallOptions | undefined) => Promise<unknown>;

/** Builds the proxy for a namespace; `prefix` is `''` at the root. */
export function createRemoteApi(call: ProxyCall, options: RemoteApiOptions): unknown {
  const leading = options.leadingParams ?? [];
  if (!Array.isArray(leading)) throw new TypeError('leadingParams must be an array');
  const send: ProxyCall = leading.length === 0
    ? call
    : (name, params, callOptions) => call(name, [...leading, ...params], callOptions);
  return node(send, options.prefix ?? '', options.callOptions);
}

function node(call: ProxyCall, name: string, callOptions: CallOptions | undefined): unknown {
  // A named function as target makes the proxy callable and gives util.inspect a useful label.
  const target = { [name === '' ? 'xmlrpc' : name]: function () {} }[name === '' ? 'xmlrpc' : name] as () => void;
  return new Proxy(target, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined;
      if (property === 'then' || property === 'toJSON' || property === 'valueOf') return undefined;
      if (property === 'toString') return () => `[XML-RPC ${name === '' ? 'proxy' : 'method ' + name}]`;
      return node(call, name === '' ? property : `${name}.${property}`, callOptions);
    },
    apply(_target, _this, args: unknown[]) {
      if (name === '') throw new TypeError('Call a method of the proxy, e.g. api.system.listMethods()');
      return call(name, args, callOptions);
    },
    set() {
      return false;
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  });
}
