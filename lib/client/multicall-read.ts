/**
 * Reading `system.multicall` answers (spec digest §7.4), in the two shapes real servers send.
 *
 * - Conforming (Python, xmlrpc-c, aria2, this package): each slot is a one-element array holding
 *   the value, or a fault struct `{faultCode, faultString}`.
 * - Unwrapped (supervisord): each slot is the value itself, or a fault struct.
 *
 * A fault struct reads the same in both. A slot that is not a one-element array can only be
 * unwrapped, and one such slot decides the unwrapped reading for the whole batch. When every
 * value slot is a one-element array the batch is read as conforming, unless this client has
 * already seen the unwrapped shape from the server (or the caller says `resultShape`): an
 * unwrapped server whose every result happens to be a one-element array cannot be told apart.
 */
import { Fault } from '../core/errors.js';
import { isPlainObject, type XmlRpcValue } from '../core/values.js';
import type { CallOptions } from './options.js';
import { MulticallResultError, type ClientMulticallOptions, type MulticallCall, type MulticallShape, type MulticallSlot } from './multicall.js';

/** A batch after its arguments were checked: every call with its params. */
export type MulticallBatch = Array<{ methodName: string; params: readonly unknown[] }>;

/** Checks the calls of a multicall; a bad one throws a `TypeError` naming it (`calls[2].params`). */
export function toMulticallBatch(calls: readonly MulticallCall[]): MulticallBatch {
  if (!Array.isArray(calls)) throw new TypeError(`multicall takes an array of calls, got ${describe(calls)}`);
  return calls.map((c: MulticallCall, i) => {
    if (!isPlainObject(c) || typeof c.methodName !== 'string' || c.methodName === '') {
      throw new TypeError(`multicall: calls[${i}] must be { methodName: string, params?: unknown[] }`);
    }
    if (c.params !== undefined && !Array.isArray(c.params)) {
      throw new TypeError(`multicall: calls[${i}].params must be an array, got ${describe(c.params)}`);
    }
    return { methodName: c.methodName, params: c.params ?? [] };
  });
}

/** The interop fault code for "method not found" (spec digest §7.6). */
const METHOD_NOT_FOUND = -32601;

/** Whether a fault to `system.multicall` says the server has no such method. */
export function isMulticallMissing(fault: Fault): boolean {
  if (fault.faultCode === METHOD_NOT_FOUND) return true;
  // Python answers faultCode 1 'method "system.multicall" is not supported'; others word it alike.
  return /system\.multicall/.test(fault.faultString) &&
    /not (supported|found|defined|exist)|unknown|no such/i.test(fault.faultString);
}

/** Splits the call's own options from `resultShape`, checking its value. */
export function splitMulticallOptions(options: ClientMulticallOptions | undefined): { callOptions: CallOptions | undefined; shape: MulticallShape | undefined } {
  if (options === undefined || !('resultShape' in options)) return { callOptions: options, shape: undefined };
  const { resultShape, ...callOptions } = options;
  if (resultShape !== undefined && resultShape !== 'auto' && resultShape !== 'conforming' && resultShape !== 'unwrapped') {
    throw new TypeError(`multicall: resultShape must be 'auto', 'conforming' or 'unwrapped', got ${describe(resultShape)}`);
  }
  return { callOptions, shape: resultShape === 'auto' ? undefined : resultShape };
}

/** What {@link readMulticallResult} found. */
export interface MulticallReading {
  /** One slot per call, in order. */
  slots: MulticallSlot[];
  /** The shape the results showed by themselves (a slot only the unwrapped shape explains), else `undefined`. */
  evidence: MulticallShape | undefined;
}

/**
 * Reads a `system.multicall` answer for `callCount` calls. `shape` is the reading to use when
 * the answer itself does not decide (or, given by the caller, the one to use always).
 * Throws {@link MulticallResultError} only when the answer is not an array of `callCount` slots.
 */
export function readMulticallResult(
  result: XmlRpcValue,
  callCount: number,
  { known, forced }: { known?: MulticallShape | undefined; forced?: MulticallShape | undefined } = {},
): MulticallReading {
  if (!Array.isArray(result)) {
    throw new MulticallResultError(`system.multicall returned ${describe(result)}, not an array of results`, undefined, result);
  }
  if (result.length !== callCount) {
    throw new MulticallResultError(`system.multicall returned ${result.length} results for ${callCount} calls`, undefined, result);
  }
  const kinds = result.map(slotKind);
  const evidence = kinds.includes('bare') ? 'unwrapped' : undefined;
  const shape = forced ?? evidence ?? known ?? 'conforming';
  const slots = result.map((entry, i): MulticallSlot => {
    switch (kinds[i]) {
      case 'fault':
        return toFault(entry as Record<string, XmlRpcValue>);
      case 'bad-fault':
        return new MulticallResultError('system.multicall result looks like a fault struct but its faultCode or faultString has the wrong type', i, entry);
      case 'wrapped':
        return shape === 'conforming' ? (entry as XmlRpcValue[])[0] as XmlRpcValue : entry;
      default:
        if (shape === 'unwrapped') return entry;
        return new MulticallResultError('system.multicall result is neither a one-element array nor a fault struct', i, entry);
    }
  });
  return { slots, evidence };
}

type SlotKind = 'fault' | 'bad-fault' | 'wrapped' | 'bare';

function slotKind(entry: XmlRpcValue): SlotKind {
  if (Array.isArray(entry) && entry.length === 1) return 'wrapped';
  if (isPlainObject(entry) && 'faultCode' in entry && 'faultString' in entry) {
    const code = entry['faultCode'];
    return (typeof code === 'number' || typeof code === 'string') && typeof entry['faultString'] === 'string' ? 'fault' : 'bad-fault';
  }
  return 'bare';
}

function toFault(entry: Record<string, XmlRpcValue>): Fault {
  return new Fault(entry['faultCode'] as number | string, entry['faultString'] as string);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}

/** What a client's multicalls learnt about its server, kept by the client between batches. */
export interface MulticallState {
  /** Whether to make the calls one by one when the server has no `system.multicall`. */
  readonly fallback: boolean;
  /** Learnt from the first multicall: false once the server said it has no `system.multicall`. */
  supported: boolean | undefined;
  /** Learnt from earlier multicalls: 'unwrapped' once the server answered in supervisord's shape. */
  shape: MulticallShape | undefined;
}

/** How a multicall makes one call: the client's `call`. */
export type CallFunction = (methodName: string, params: readonly unknown[], options: CallOptions | undefined) => Promise<XmlRpcValue>;

/**
 * Sends the calls in one `system.multicall` and reads its slots; when the server has no
 * `system.multicall` (and `state.fallback`), makes them one by one, in order.
 */
export async function runMulticall(
  call: CallFunction, state: MulticallState, calls: readonly MulticallCall[],
  // A function here is a builder given without its contract: refused with a TypeError.
  options: ClientMulticallOptions | ((batch: never) => unknown) | undefined,
): Promise<MulticallSlot[]> {
  if (typeof options === 'function') throw new TypeError('multicall(calls, options): options must be an object; a builder function goes with a contract');
  const batch = toMulticallBatch(calls);
  const { callOptions, shape } = splitMulticallOptions(options);
  if (batch.length === 0) return [];
  if (state.supported === false) return callEach(call, batch, callOptions);
  let result: XmlRpcValue;
  try {
    result = await call('system.multicall', [batch], callOptions);
  } catch (error) {
    if (state.fallback && error instanceof Fault && isMulticallMissing(error)) {
      state.supported = false;
      return callEach(call, batch, callOptions);
    }
    throw error;
  }
  state.supported = true;
  const reading = readMulticallResult(result, batch.length, { known: state.shape, forced: shape });
  state.shape ??= reading.evidence;
  return reading.slots;
}

/** The calls one by one, in order: each slot its value or its {@link Fault}; any other error rejects. */
async function callEach(call: CallFunction, batch: MulticallBatch, options: CallOptions | undefined): Promise<Array<XmlRpcValue | Fault>> {
  const out: Array<XmlRpcValue | Fault> = [];
  for (const c of batch) {
    try {
      out.push(await call(c.methodName, c.params, options));
    } catch (error) {
      if (!(error instanceof Fault)) throw error;
      out.push(error);
    }
  }
  return out;
}
