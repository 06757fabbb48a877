/**
 * The server side of a contract: each handler is registered through the dispatcher's public
 * `addMethod` (with the contract's signatures and help), wrapped so that its params are checked
 * and converted to the declared types and its result is encoded as declared.
 */
import { Fault } from '../core/errors.js';
import type { XmlRpcDispatcher } from '../server/dispatcher.js';
import type { MethodHandler } from '../server/registry.js';
import { FaultCode } from '../core/fault-codes.js';
import { convertParams, type Contract, type ContractEntry, type ContractHandlers, type MethodSignatureSpec } from './define.js';
import { Breach, ContractError } from './errors.js';

/** The contract methods each dispatcher implements, for the docs page (full types, struct members included). */
const implemented = new WeakMap<XmlRpcDispatcher, Map<string, ContractEntry>>();

/**
 * What a contract declares about a method a dispatcher implements.
 * @group Contracts
 */
export interface ImplementedMethod {
  /** The method's signatures as declared, struct members included. */
  readonly overloads: readonly MethodSignatureSpec[];
  /** Its help text, `""` when none was given. */
  readonly help: string;
}

/**
 * What a contract declares about a method a dispatcher implements, or `undefined`.
 * @group Contracts
 */
export function implementedMethod(dispatcher: XmlRpcDispatcher, name: string): ImplementedMethod | undefined {
  return implemented.get(dispatcher)?.get(name);
}

/**
 * A method's declared signatures as a documentation page shows them, one a line, struct members
 * included: `users.get(int) → struct {id: int, name: string, email?: string}`.
 * @group Contracts
 */
export function describeImplementedMethod(name: string, method: ImplementedMethod): string[] {
  return method.overloads.map((o) => {
    const params = o.params.map((p) => p.description);
    if (o.rest !== undefined) params.push(`...${o.rest.description}`);
    return `${name}(${params.join(', ')}) → ${o.result.description}`;
  });
}

/**
 * Registers `handlers` for the methods of `contract` on `dispatcher`. Methods named `system.*`
 * are answered by the dispatcher's own system methods and take no handler. Throws a `TypeError`
 * for a missing handler or one the contract does not list.
 * @group Contracts
 */
export function implementContract<C extends Contract>(dispatcher: XmlRpcDispatcher, contract: C, handlers: ContractHandlers<C>): void {
  if (typeof handlers !== 'object' || handlers === null) throw new TypeError('implement takes an object of handlers by method name');
  const given = handlers as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(given)) {
    if (!contract.entries.has(name)) throw new TypeError(`implement: the contract has no method '${name}' (handlers are keyed by full name, e.g. 'calc.add')`);
    if (name.startsWith('system.')) throw new TypeError(`implement: '${name}' is answered by the dispatcher's own system methods; replace it with addMethod if you must`);
  }
  const wrapped: Array<[ContractEntry, MethodHandler]> = [];
  for (const entry of contract.entries.values()) {
    if (entry.name.startsWith('system.')) continue;
    const handler = Object.hasOwn(given, entry.name) ? given[entry.name] : undefined;
    if (typeof handler !== 'function') throw new TypeError(`implement: no handler for '${entry.name}'`);
    wrapped.push([entry, wrapHandler(entry, handler as (...params: unknown[]) => unknown)]);
  }
  let registry = implemented.get(dispatcher);
  if (registry === undefined) implemented.set(dispatcher, (registry = new Map()));
  for (const [entry, handler] of wrapped) {
    dispatcher.addMethod(entry.name, handler, entry.signatures === undefined ? { help: entry.help } : { signature: entry.signatures, help: entry.help });
    registry.set(entry.name, entry);
  }
}

function wrapHandler(entry: ContractEntry, handler: (...params: unknown[]) => unknown): MethodHandler {
  const name = entry.name;
  // `params` is the wrapper's own array (a rest parameter): converted in place.
  return ((...params: unknown[]): unknown => {
    const overload = convertParams(entry, params, 'accept');
    if (typeof overload === 'string' || overload instanceof Breach) throw new Fault(FaultCode.INVALID_PARAMS, paramProblem(name, overload));
    const emit = overload.result.emit;
    const result = handler(...params);
    if (isThenable(result)) return Promise.resolve(result).then((value) => emitResult(name, emit, value));
    return emitResult(name, emit, result);
  }) as MethodHandler;
}

/** A param fault in the dispatcher's words: `param 2 (params[1].id) of 'users.add' must be int, got string`. */
function paramProblem(name: string, problem: Breach | string): string {
  if (typeof problem === 'string') return problem;
  const index = /^params\[(\d+)\]/.exec(problem.path)?.[1] ?? '0';
  return `param ${Number(index) + 1} (${problem.path}) of '${name}' must be ${problem.expected}, got ${problem.got}`;
}

/** The result as the encoder should write it, or a -32603 fault (reported to onError) when it breaks the contract. */
function emitResult(name: string, emit: (value: unknown) => unknown, value: unknown): unknown {
  try {
    return emit(value);
  } catch (error) {
    if (!(error instanceof Breach)) throw error;
    const breach = new ContractError(name, 'result', error, value);
    throw new Fault(FaultCode.INTERNAL_ERROR, `internal error: ${breach.message}`, { cause: breach });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
