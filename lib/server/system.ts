/**
 * The `system.*` methods: introspection (listMethods, methodHelp, methodSignature),
 * getCapabilities and multicall. They are ordinary registered methods: `removeMethod` turns
 * one off, and a user may register their own under the same name.
 */
import type { EncodedValue } from '../codec/encode.js';
import { messageOf } from '../core/message.js';
import { Fault } from '../core/errors.js';
import { FaultCode } from '../core/fault-codes.js';
import { isPlainObject } from '../core/values.js';
import type { CallContext, CallState } from './context.js';
import { stateOf } from './context.js';
import { asFault, methodLabel, toXmlSafeText } from './faults.js';
import type { MethodInfo, MethodRegistry } from './registry.js';

/**
 * Which `system.*` methods a dispatcher registers; each defaults to true.
 * @group Server
 */
export interface SystemMethodsOptions {
  /** Register `system.listMethods`: the names of all methods. */
  listMethods?: boolean;
  /** Register `system.methodHelp`: a method's help text. */
  methodHelp?: boolean;
  /** Register `system.methodSignature`: a method's declared signatures. */
  methodSignature?: boolean;
  /** Register `system.getCapabilities`: the specifications the server implements. */
  getCapabilities?: boolean;
  /** Register `system.multicall`: several calls in one request. */
  multicall?: boolean;
}

/**
 * What the system methods register on: a method registry, plus (for `system.multicall`) a way to
 * run calls on behalf of the running one. The dispatcher gives one; the methods know nothing else of it.
 */
export interface SystemRegistry extends MethodRegistry {
  /** Most calls in one `system.multicall` batch. */
  readonly maxCalls: number;
  /** Run a batch's calls concurrently. */
  readonly parallel: boolean;
  /** Whether responses may carry `<nil/>` (reported by `system.getCapabilities`). */
  readonly allowNil: boolean;
  /** Runs a method on behalf of the running call; rejects with a `Fault`. */
  callSub(state: CallState, methodName: string, params: unknown[]): Promise<unknown>;
  /**
   * The `[value]` slot of a call to `methodName`, encoded (written as it is into the response),
   * or why it cannot be (a string; the error is reported to `onError`).
   */
  encodeSlot(state: CallState, methodName: string, slot: [unknown]): EncodedValue | string;
}

/** A capability as `system.getCapabilities` reports it. */
interface Capability {
  specUrl: string;
  specVersion: number;
}

const CAPABILITIES = {
  xmlrpc: { specUrl: 'http://www.xmlrpc.com/spec', specVersion: 1 },
  faults_interop: { specUrl: 'http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php', specVersion: 20010516 },
  introspect: { specUrl: 'http://xmlrpc-c.sourceforge.net/introspection.html', specVersion: 1 },
  'system.multicall': { specUrl: 'http://www.xmlrpc.com/discuss/msgReader$1208', specVersion: 1 },
  nil: { specUrl: 'http://www.ontosys.com/xml-rpc/extensions.php', specVersion: 20010518 },
} satisfies Record<string, Capability>;

/** Registers the enabled `system.*` methods on `dispatcher`. */
export function registerSystemMethods(dispatcher: SystemRegistry, which: boolean | SystemMethodsOptions): void {
  const on = (name: keyof SystemMethodsOptions): boolean => (typeof which === 'boolean' ? which : which[name] ?? true);

  if (on('listMethods')) {
    dispatcher.addMethod('system.listMethods', () => dispatcher.listMethods(), {
      signature: ['array'],
      help: 'The names of the methods this server offers.',
    });
  }
  if (on('methodHelp')) {
    dispatcher.addMethod('system.methodHelp', (name: string) => infoOf(dispatcher, name).help, {
      signature: ['string', 'string'],
      help: 'The help text of a method ("" when it has none).',
    });
  }
  if (on('methodSignature')) {
    dispatcher.addMethod('system.methodSignature', (name: string) => infoOf(dispatcher, name).signatures?.map((s) => [...s]) ?? 'undef', {
      signature: ['array', 'string'],
      help: 'The signatures of a method: arrays of type names, return type first; "undef" when none was declared.',
    });
  }
  if (on('getCapabilities')) {
    dispatcher.addMethod('system.getCapabilities', () => capabilities(dispatcher, dispatcher.allowNil), {
      signature: ['struct'],
      help: 'The specifications this server implements, by name: {specUrl, specVersion}.',
    });
  }
  if (on('multicall')) {
    dispatcher.addMethod('system.multicall', function (this: CallContext, calls: unknown[]) {
      return multicall(dispatcher, stateOf(this), calls);
    }, {
      signature: ['array', 'array'],
      help:
        'Runs a batch of calls, each a struct {methodName, params}. The result has one entry per call: ' +
        'a one-element array holding the value, or a struct {faultCode, faultString}.',
    });
  }
}

function infoOf(dispatcher: MethodRegistry, name: string): MethodInfo {
  const info = dispatcher.methodInfo(name);
  if (info === undefined) throw new Fault(FaultCode.METHOD_NOT_FOUND, `method ${methodLabel(String(name))} not found`);
  return info;
}

function capabilities(dispatcher: MethodRegistry, nil: boolean): Record<string, Capability> {
  const result: Record<string, Capability> = { xmlrpc: CAPABILITIES.xmlrpc, faults_interop: CAPABILITIES.faults_interop };
  if (dispatcher.hasMethod('system.listMethods')) result['introspect'] = CAPABILITIES.introspect;
  if (dispatcher.hasMethod('system.multicall')) result['system.multicall'] = CAPABILITIES['system.multicall'];
  if (nil) result['nil'] = CAPABILITIES.nil;
  return result;
}

type Slot = EncodedValue | { faultCode: number | string; faultString: string };

async function multicall(host: SystemRegistry, state: CallState | undefined, calls: unknown[]): Promise<Slot[]> {
  if (state === undefined) throw new Fault(FaultCode.INTERNAL_ERROR, 'system.multicall must run inside a dispatched call');
  if (calls.length > host.maxCalls) {
    throw new Fault(FaultCode.INVALID_PARAMS, `system.multicall takes at most ${host.maxCalls} calls, got ${calls.length}`);
  }
  const runOne = async (entry: unknown, i: number): Promise<Slot> => {
    const invalid = (why: string): Slot => ({ faultCode: FaultCode.INVALID_REQUEST, faultString: `system.multicall entry ${i}: ${why}` });
    if (!isPlainObject(entry)) return invalid('must be a struct {methodName, params}');
    const methodName = Object.hasOwn(entry, 'methodName') ? entry['methodName'] : undefined;
    const params = Object.hasOwn(entry, 'params') ? entry['params'] : undefined;
    if (typeof methodName !== 'string') return invalid('methodName must be a string');
    if (!Array.isArray(params)) return invalid('params must be an array');
    // Recursion would let one request fan out without bound.
    if (methodName === 'system.multicall') return invalid('system.multicall cannot be nested');
    try {
      const value = await host.callSub(state, methodName, params);
      const encoded = host.encodeSlot(state, methodName, [value === undefined ? null : value]);
      if (typeof encoded === 'string') return { faultCode: FaultCode.INTERNAL_ERROR, faultString: toXmlSafeText(encoded) };
      return encoded;
    } catch (error) {
      const fault = asFault(error) ?? new Fault(FaultCode.INTERNAL_ERROR, `internal error: ${messageOf(error)}`);
      return { faultCode: fault.faultCode, faultString: toXmlSafeText(fault.faultString) };
    }
  };
  if (host.parallel) return await Promise.all(calls.map(runOne));
  const results: Slot[] = [];
  for (let i = 0; i < calls.length; i++) {
    if (state.aborted !== undefined) throw new Fault(FaultCode.CALL_TIMEOUT, `system.multicall stopped at entry ${i}: ${state.aborted.message}`);
    results.push(await runOne(calls[i], i));
  }
  return results;
}
