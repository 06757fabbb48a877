/**
 * The client side of a contract: a proxy whose params are encoded as declared and whose results
 * are checked and converted, and the typed multicall. Built on any client's public `call()` and
 * `multicall()`.
 */
import { DecodeError, Fault } from '../core/errors.js';
import { convertParams, PerCallOptions, PlannedCall, type BatchApi, type BatchResults, type Contract, type ContractApi, type ContractEntry } from './define.js';
import { Breach, ContractError } from './errors.js';

/**
 * What a contract proxy needs of a client: its `call()` and `multicall()`.
 * @group Contracts
 */
export interface ContractCaller<O = unknown> {
  /** Calls one remote method. */
  call(methodName: string, params: readonly unknown[], options?: O): Promise<unknown>;
  /** Calls several in one request; each slot is the value, its `Fault`, or an error saying why the slot could not be read. */
  multicall(calls: ReadonlyArray<{ methodName: string; params?: readonly unknown[] }>, options?: O): Promise<readonly unknown[]>;
}

/**
 * Options for one call through a contract proxy, given as its last argument: `api.calc.add(1, 2, callOptions({ signal }))`.
 * @group Contracts
 */
export function callOptions<O>(options: O): PerCallOptions<O> {
  return new PerCallOptions(options);
}

// Kept off every proxy node, so awaiting or logging a proxy makes no call.
const RESERVED = new Set(['then', 'toJSON', 'valueOf', 'toString']);

/**
 * The typed proxy of `contract` over `caller` (a Client): `await api.calc.add(1, 2)`. Params
 * that do not fit are refused before sending, results that do not fit reject; both with a
 * {@link ContractError}.
 * @group Contracts
 */
export function contractProxy<C extends Contract, O>(caller: ContractCaller<O>, contract: C): ContractApi<C, O> {
  return buildTree(contract, (entry) => async (...args: unknown[]): Promise<unknown> => {
    const last = args.at(-1);
    const options = last instanceof PerCallOptions ? (args.pop(), last.options as O) : undefined;
    const overload = convertParams(entry, args, 'emit');
    if (typeof overload === 'string' || overload instanceof Breach) throw paramError(entry, overload, args);
    const value = await caller.call(entry.name, args, options);
    return acceptResult(entry.name, overload.result.accept, value);
  }) as ContractApi<C, O>;
}

/**
 * A typed multicall: `build` plans calls on the batch proxy, they go in one `system.multicall`
 * (or one by one where the server has none, as the caller's multicall does), and each slot comes
 * back checked: the value, its `Fault`, or the `ContractError` of a result that broke the contract.
 * @group Contracts
 */
export async function contractMulticall<C extends Contract, const T extends readonly PlannedCall[], O>(
  caller: ContractCaller<O>,
  contract: C,
  build: (batch: BatchApi<C>) => T,
  options?: O,
): Promise<BatchResults<T>> {
  if (typeof build !== 'function') throw new TypeError('multicall(contract, build): build must be a function, e.g. (m) => [m.calc.add(1, 2)]');
  const batch = buildTree(contract, (entry) => (...args: unknown[]): PlannedCall => {
    const overload = convertParams(entry, args, 'emit');
    if (typeof overload === 'string' || overload instanceof Breach) throw paramError(entry, overload, args);
    return new PlannedCall(entry.name, args, overload.result.accept);
  }) as BatchApi<C>;
  const planned: unknown = build(batch);
  if (!Array.isArray(planned) || !planned.every((p) => p instanceof PlannedCall)) {
    throw new TypeError('multicall(contract, build): build must return an array of calls made on its argument, e.g. (m) => [m.calc.add(1, 2)]');
  }
  const calls = planned as readonly PlannedCall[];
  const slots = await caller.multicall(calls.map((c) => ({ methodName: c.methodName, params: c.params })), options);
  return calls.map((c, i) => {
    const slot = slots[i];
    // A fault, or a slot the client could not read (a DecodeError): as it is, not checked.
    if (slot instanceof Fault || slot instanceof DecodeError) return slot;
    try {
      return acceptResult(c.methodName, c.acceptResult, slot);
    } catch (error) {
      if (error instanceof ContractError) return error;
      throw error;
    }
  }) as BatchResults<T>;
}

function paramError(entry: ContractEntry, problem: Breach | string, args: unknown[]): Error {
  return typeof problem === 'string' ? new TypeError(problem) : new ContractError(entry.name, 'params', problem, args);
}

function acceptResult(name: string, accept: (value: unknown) => unknown, value: unknown): unknown {
  try {
    return accept(value);
  } catch (error) {
    if (error instanceof Breach) throw new ContractError(name, 'result', error, value);
    throw error;
  }
}

/** The nested namespaces of a contract's method names, each method made by `method`. */
function buildTree(contract: Contract, method: (entry: ContractEntry) => (...args: unknown[]) => unknown): unknown {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const nodes = new Map<string, Record<string, unknown>>([['', root]]);
  // Shorter names first, so a method that is also a namespace ('a' and 'a.b') exists before its members.
  const entries = [...contract.entries.values()].sort((a, b) => a.name.split('.').length - b.name.split('.').length);
  for (const entry of entries) {
    const parts = entry.name.split('.');
    if (parts.some((p) => RESERVED.has(p))) continue;
    let parent = root;
    let path = '';
    for (const part of parts.slice(0, -1)) {
      path = path === '' ? part : `${path}.${part}`;
      let node = nodes.get(path);
      if (node === undefined) {
        node = Object.create(null) as Record<string, unknown>;
        nodes.set(path, node);
        define(parent, part, node);
      }
      parent = node;
    }
    const fn = method(entry) as unknown as Record<string, unknown>;
    const existing = nodes.get(entry.name);
    if (existing !== undefined) for (const key of Object.keys(existing)) define(fn, key, existing[key]);
    nodes.set(entry.name, fn);
    define(parent, parts.at(-1) as string, fn);
  }
  return root;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: true });
}
