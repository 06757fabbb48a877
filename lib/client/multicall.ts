/** `system.multicall` for the client: the batch and slot types, and the error of a slot that could not be read (the reading itself is multicall-read.ts, loaded by the first multicall). */
import { DecodeError, type Fault } from '../core/errors.js';
import type { XmlRpcValue } from '../core/values.js';
import type { CallOptions } from './options.js';

/**
 * One call of a `Client.multicall` batch.
 * @group Client
 */
export interface MulticallCall {
  /** The remote method to call; a non-empty string. */
  methodName: string;
  /** Positional parameters; none when left out. */
  params?: readonly unknown[];
}

/**
 * How a server shapes its `system.multicall` results: see the module comment.
 * @group Client
 */
export type MulticallShape = 'conforming' | 'unwrapped';

/**
 * Options of one `Client.multicall`: the call's options and how to read the results.
 * @group Client
 */
export interface ClientMulticallOptions extends CallOptions {
  /**
   * `'auto'` (default): decided by the results (see docs/client.md). `'conforming'` or
   * `'unwrapped'`: read every slot that way; a slot that does not fit becomes a
   * {@link MulticallResultError} in its place.
   */
  resultShape?: 'auto' | MulticallShape;
}

/**
 * One slot of a multicall result: the call's value, its fault, or why its result could not be read.
 * @group Client
 */
export type MulticallSlot = XmlRpcValue | Fault | MulticallResultError;

/**
 * A `system.multicall` result that could not be read. In a slot: that call's result only, the
 * other slots keep their values. Thrown: the answer as a whole does not line up with the calls.
 * Either way `value` holds what the server sent, so nothing it produced is lost.
 * @group Errors
 */
export class MulticallResultError extends DecodeError {
  /** The slot (call index) whose result this is; `undefined` when the whole answer is wrong. */
  readonly index: number | undefined;
  /** What the server sent for that slot, or the whole answer. */
  readonly value: XmlRpcValue;

  /** `index` is the slot, or `undefined` for the whole answer; `value` is what the server sent there. */
  constructor(detail: string, index: number | undefined, value: XmlRpcValue) {
    super('structure', detail, index === undefined ? '' : `[${index}]`);
    this.name = 'MulticallResultError';
    this.index = index;
    this.value = value;
  }
}
