/**
 * `defineContract(methods)`: the interface of a server written once, as values. TypeScript
 * infers the handlers' and the proxy's types from it; both sides check and convert with it.
 */
import { isPlainObject } from '../core/values.js';
import type { Signature } from '../server/signature.js';
import type { DecodeError, Fault } from '../core/errors.js';
import { Breach } from './errors.js';
import type { ContractError } from './errors.js';
import { ContractType } from './types.js';
import { CONTRACT_CLIENT_SIDE, type ContractClientSide } from '../core/contract-seam.js';
import { contractMulticall, contractProxy } from './client.js';
import type { ValueOf } from './types.js';

/**
 * One signature of a method: its param types in order, and its result type.
 * @group Contracts
 */
export interface MethodSignatureSpec {
  /** The param types, in order. */
  readonly params: readonly ContractType[];
  /** The result type. */
  readonly result: ContractType;
  /** The type of any number of further params (a method whose params introspection cannot tell: `rpc.any`). */
  readonly rest?: ContractType;
}

/**
 * A method with one signature.
 * @group Contracts
 */
export interface SingleMethodSpec extends MethodSignatureSpec {
  /** Text for `system.methodHelp` and the docs page. */
  readonly help?: string;
}

/**
 * A method with several signatures (overloads); a call takes the first that fits its params.
 * @group Contracts
 */
export interface OverloadedMethodSpec {
  /** The signatures, tried in order. */
  readonly overloads: readonly MethodSignatureSpec[];
  /** Text for `system.methodHelp` and the docs page. */
  readonly help?: string;
}

/**
 * How a method is declared in {@link defineContract}.
 * @group Contracts
 */
export type MethodSpec = SingleMethodSpec | OverloadedMethodSpec;

/**
 * The methods of a contract, by their full (dotted) name.
 * @group Contracts
 */
export type ContractMethods = Readonly<Record<string, MethodSpec>>;

/** @internal A method as both sides use it. */
export interface ContractEntry {
  readonly name: string;
  readonly overloads: readonly MethodSignatureSpec[];
  readonly help: string;
  /** What introspection reports; `undefined` when a top-level type is "any value". */
  readonly signatures: readonly Signature[] | undefined;
}

/**
 * A contract made by {@link defineContract}; `M` is its methods as declared.
 * @group Contracts
 */
export class Contract<M extends ContractMethods = ContractMethods> {
  /** @internal The methods, normalized, by name. */
  readonly entries: ReadonlyMap<string, ContractEntry>;

  /** @internal Use {@link defineContract}. */
  constructor(
    /** The methods as declared. */
    readonly methods: M,
  ) {
    const entries = new Map<string, ContractEntry>();
    for (const [name, spec] of Object.entries(methods)) entries.set(name, normalize(name, spec as unknown));
    this.entries = entries;
  }

  /** @internal How `Client` reaches the contract's proxy and multicall without importing them. */
  get [CONTRACT_CLIENT_SIDE](): ContractClientSide {
    return { proxy: contractProxy, multicall: contractMulticall } as unknown as ContractClientSide;
  }

  /** The method names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}

/**
 * Whether `value` is a contract (made by {@link defineContract}).
 * @group Contracts
 */
export function isContract(value: unknown): value is Contract {
  return value instanceof Contract;
}

/**
 * Defines a contract: `{ 'calc.add': { params: [rpc.int, rpc.int], result: rpc.int, help: '…' } }`.
 * A method with several signatures lists them under `overloads`. Throws a `TypeError` naming a
 * bad declaration.
 * @example
 * ```ts
 * import { Client, createServer, defineContract, rpc } from 'xmlrpc-ts';
 *
 * // Written once, used by both sides.
 * const calc = defineContract({
 *   'calc.add': { params: [rpc.int, rpc.int], result: rpc.int, help: 'Adds two integers.' },
 *   'calc.scale': { params: [rpc.double, rpc.double], result: rpc.double },
 * });
 * // Server: params are checked and converted before the handler runs (a and b are numbers).
 * const server = createServer().implement(calc, {
 *   'calc.add': (a, b) => a + b,
 *   'calc.scale': (x, factor) => x * factor,
 * });
 * // Client: params are encoded as declared, results checked at run time.
 * const client = new Client('http://127.0.0.1:8000/RPC2');
 * const api = client.proxy(calc);
 * const sum: number = await api.calc.add(2, 3);
 * console.log(sum, await api.calc.scale(2, 3)); // 5 6 (sent as <double>)
 * await client.close();
 * void server;
 * ```
 * @group Contracts
 */
export function defineContract<const M extends ContractMethods>(methods: M): Contract<M> {
  if (!isPlainObject(methods)) throw new TypeError('defineContract takes an object of methods by name');
  return new Contract(methods);
}

function normalize(name: string, spec: unknown): ContractEntry {
  if (name === '') throw new TypeError('defineContract: a method name must be non-empty');
  if (!isPlainObject(spec)) throw new TypeError(`defineContract: '${name}' must be { params, result, help? } or { overloads, help? }`);
  const help = spec['help'] ?? '';
  if (typeof help !== 'string') throw new TypeError(`defineContract: help of '${name}' must be a string`);
  const declared: unknown[] = Object.hasOwn(spec, 'overloads') ? (Array.isArray(spec['overloads']) ? spec['overloads'] : [undefined]) : [spec];
  if (declared.length === 0) throw new TypeError(`defineContract: '${name}' has no overloads`);
  const overloads = declared.map((o, i): MethodSignatureSpec => {
    const where = declared.length === 1 && !Object.hasOwn(spec, 'overloads') ? `'${name}'` : `overload ${i} of '${name}'`;
    if (!isPlainObject(o) || !Array.isArray(o['params'])) throw new TypeError(`defineContract: ${where} needs params: an array of types`);
    const params = o['params'] as unknown[];
    params.forEach((p, j) => {
      if (!(p instanceof ContractType)) throw new TypeError(`defineContract: params[${j}] of ${where} is not a type (rpc.int, rpc.struct({…}), …)`);
    });
    if (!(o['result'] instanceof ContractType)) throw new TypeError(`defineContract: the result of ${where} is not a type (rpc.int, …)`);
    const rest = o['rest'];
    if (rest !== undefined && !(rest instanceof ContractType)) throw new TypeError(`defineContract: rest of ${where} is not a type (rpc.any, …)`);
    return rest === undefined ? { params: params as ContractType[], result: o['result'] } : { params: params as ContractType[], result: o['result'], rest };
  });
  // Introspection has no words for "any value" or "any number of params": such a method declares no signature.
  const named = overloads.every((o) => o.rest === undefined && o.result.signatureName !== undefined && o.params.every((p) => p.signatureName !== undefined));
  const signatures = named ? overloads.map((o) => [o.result, ...o.params].map((t) => t.signatureName) as Signature) : undefined;
  return { name, overloads, help, signatures };
}

/**
 * Converts `params` in place with the first overload of the right length they fit (`direction`
 * says which way; pass an array of your own: it is written to). Returns that overload, or why
 * none fits: the breach of the first param that does not fit, or a message on the count.
 */
export function convertParams(entry: ContractEntry, params: unknown[], direction: 'accept' | 'emit'): MethodSignatureSpec | Breach | string {
  const overloads = entry.overloads;
  let first: Breach | undefined;
  for (const overload of overloads) {
    const types = overload.params;
    const rest = overload.rest;
    if (rest === undefined ? types.length !== params.length : params.length < types.length) continue;
    // What a conversion replaced, put back when a later param does not fit: the next overload,
    // and the error, see the params as given.
    let replaced: Map<number, unknown> | undefined;
    let i = 0;
    try {
      for (; i < params.length; i++) {
        const value = params[i];
        const converted = (i < types.length ? (types[i] as ContractType) : (rest as ContractType))[direction](value);
        if (converted !== value) {
          (replaced ??= new Map()).set(i, value);
          params[i] = converted;
        }
      }
      return overload;
    } catch (error) {
      if (!(error instanceof Breach)) throw error;
      first ??= error.under(`params[${i}]`);
      if (replaced !== undefined) for (const [j, value] of replaced) params[j] = value;
    }
  }
  if (first !== undefined) return first;
  const counts = [...new Set(overloads.map((o) => (o.rest === undefined ? String(o.params.length) : `${o.params.length} or more`)))];
  const expected = counts.length === 1 ? (counts[0] as string) : `${counts.slice(0, -1).join(', ')} or ${String(counts.at(-1))}`;
  return `'${entry.name}' takes ${expected} param${expected === '1' ? '' : 's'}, got ${params.length}`;
}

// ---- Types inferred from a contract ----

type SignaturesOf<S> = S extends { readonly overloads: readonly (infer O)[] } ? O : S;
type ParamsOf<P> = { -readonly [I in keyof P]: ValueOf<P[I]> };
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The params tuple of one signature.
 * @group Contracts
 */
export type SignatureParams<S> = S extends MethodSignatureSpec
  ? 'rest' extends keyof S ? [...ParamsOf<S['params']>, ...Array<ValueOf<S['rest']>>] : ParamsOf<S['params']>
  : never;
/**
 * The result value of one signature.
 * @group Contracts
 */
export type SignatureResult<S> = S extends MethodSignatureSpec ? ValueOf<S['result']> : never;

/**
 * A server-side handler of a method: params as declared (a union over overloads), the result or its promise.
 * @group Contracts
 */
export type MethodHandlerOf<S> = (
  ...params: SignatureParams<SignaturesOf<S>>
) => SignatureResult<SignaturesOf<S>> | Promise<SignatureResult<SignaturesOf<S>>>;

/** Names the server's own `system.*` methods answer: `implement` never asks for them. */
type MethodsWithHandlers<M> = Exclude<keyof M & string, `system.${string}`>;

/**
 * The handlers `implement` takes: one per method of the contract (not `system.*`), by full name.
 * @group Contracts
 */
export type ContractHandlers<C> = C extends Contract<infer M> ? { readonly [K in MethodsWithHandlers<M>]: MethodHandlerOf<M[K]> } : never;

/**
 * The per-call options marker: pass `callOptions({ timeoutMs, signal })` as the last argument
 * of a proxy method. A class of its own, so it never reads as a param nor shadows a method name.
 * @group Contracts
 */
export class PerCallOptions<O = unknown> {
  /** Wraps the options of one call. */
  constructor(
    /** The call options, as the client's `call()` takes them. */
    readonly options: O,
  ) {}
}

// After a rest of params, the options marker can only be typed as one more item.
type WithOptions<G, O> = G extends MethodSignatureSpec
  ? 'rest' extends keyof G
    ? [...ParamsOf<G['params']>, ...Array<ValueOf<G['rest']> | PerCallOptions<O>>]
    : [...ParamsOf<G['params']>, options?: PerCallOptions<O>]
  : never;

/**
 * A proxy method: every overload, params as declared, an optional {@link PerCallOptions} last.
 * @group Contracts
 */
export type ContractMethodOf<S, O> = UnionToIntersection<
  SignaturesOf<S> extends infer G ? (G extends unknown ? (...args: WithOptions<G, O>) => Promise<SignatureResult<G>> : never) : never
>;

/**
 * One call planned inside a typed multicall: sent with the batch, its result checked on return.
 * @group Contracts
 */
export class PlannedCall<R = unknown> {
  /** Never set: carries the result type. */
  declare readonly resultType: R;
  /** @internal Made by the batch proxy. */
  constructor(
    /** The remote method. */
    readonly methodName: string,
    /** The params as encoded. */
    readonly params: readonly unknown[],
    /** @internal Converts the slot's decoded value; throws a Breach. */
    readonly acceptResult: (value: unknown) => unknown,
  ) {}
}

/**
 * A batch proxy method: same params as the proxy's, returns the planned call.
 * @group Contracts
 */
export type PlannedMethodOf<S> = UnionToIntersection<
  SignaturesOf<S> extends infer G ? (G extends unknown ? (...args: SignatureParams<G>) => PlannedCall<SignatureResult<G>> : never) : never
>;

/** `calc.add` as nested namespaces `{ calc: { add: V } }`. */
type Nest<Name extends string, V> = Name extends `${infer Head}.${infer Rest}` ? { readonly [P in Head]: Nest<Rest, V> } : { readonly [P in Name]: V };

type ContractTree<M, F extends 'call' | 'plan', O> = UnionToIntersection<
  { [K in keyof M & string]: Nest<K, F extends 'call' ? ContractMethodOf<M[K], O> : PlannedMethodOf<M[K]>> }[keyof M & string]
>;

/**
 * The typed proxy of a contract: `await api.calc.add(1, 2)`; `O` is the client's call options.
 * @group Contracts
 */
export type ContractApi<C, O = unknown> = C extends Contract<infer M> ? ContractTree<M, 'call', O> : never;

/**
 * The batch proxy given to a typed multicall's builder: `m.calc.add(1, 2)` plans that call.
 * @group Contracts
 */
export type BatchApi<C> = C extends Contract<infer M> ? ContractTree<M, 'plan', unknown> : never;

/**
 * The results of a typed multicall: per slot the value, its `Fault`, the `ContractError` of a
 * result that broke the contract, or a `DecodeError` (the client's `MulticallResultError`) for a
 * slot whose answer could not be read.
 * @group Contracts
 */
export type BatchResults<T extends readonly PlannedCall[]> = { -readonly [I in keyof T]: T[I] extends PlannedCall<infer R> ? R | Fault | ContractError | DecodeError : never };
