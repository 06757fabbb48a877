/**
 * `ContractError`: a value broke a contract. `Breach` is its internal seed, thrown by the type
 * conversions and given its path on the way out (no path is built while values fit).
 */
import { XmlRpcError } from '../core/errors.js';

/** @internal Where and how a value did not fit its declared type; `path` grows as it unwinds. */
export class Breach {
  /** `path` is relative to the value being converted (`.id`, `[3]`, or `''`). */
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: string,
  ) {}

  /** The same breach one level further out. */
  under(segment: string): Breach {
    return new Breach(segment + this.path, this.expected, this.got);
  }
}

/**
 * Which value broke the contract: the params of a call or its result.
 * @group Contracts
 */
export type ContractSide = 'params' | 'result';

/**
 * A value broke a contract: `methodName`, `path` (e.g. `result.items[3].id`) and `expected`
 * say what and where; `value` is the whole decoded (or given) value.
 * @group Errors
 */
export class ContractError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_CONTRACT'`. */
  override readonly code = 'ERR_XMLRPC_CONTRACT';
  /** The method whose params or result broke the contract. */
  readonly methodName: string;
  /** Whether the params or the result broke it. */
  readonly side: ContractSide;
  /** Where inside the value, e.g. `params[1].items[3].id` or `result.email`. */
  readonly path: string;
  /** What the contract declares there, e.g. `int` or `member 'email' (string)`. */
  readonly expected: string;
  /** The XML-RPC type found there, e.g. `string`, or `no such member`. */
  readonly got: string;
  /** The whole value that broke the contract: the params array, or the result as decoded. */
  readonly value: unknown;

  /** The message names the method, the path, what was expected and what was found. */
  constructor(methodName: string, side: ContractSide, breach: Breach, value: unknown) {
    const path = side === 'result' ? `result${breach.path}` : breach.path;
    super(`${side === 'result' ? 'the result' : 'a param'} of '${methodName}' breaks the contract at ${path}: expected ${breach.expected}, got ${breach.got}`);
    this.name = 'ContractError';
    this.methodName = methodName;
    this.side = side;
    this.path = path;
    this.expected = breach.expected;
    this.got = breach.got;
    this.value = value;
  }
}
