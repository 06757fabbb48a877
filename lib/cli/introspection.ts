/**
 * Reading a server's introspection (system.listMethods, system.methodSignature,
 * system.methodHelp) for `describe` and `codegen`, tolerant of what real servers send:
 * supervisord's flat signature (`['boolean', 'string', 'boolean']`), multicall answers the
 * client cannot read (those calls are asked again one by one: they only read), and servers
 * that offer no introspection at all.
 */
import { DecodeError, Fault, MulticallResultError, type MulticallSlot, type XmlRpcValue } from '../index.js';
import { formatValue } from './output.js';

/** What a client must do for introspection: plain calls and multicalls (a `Client` does). */
export interface IntrospectionClient {
  call(methodName: string, params?: readonly unknown[]): Promise<XmlRpcValue>;
  multicall(calls: Array<{ methodName: string; params: unknown[] }>): Promise<MulticallSlot[]>;
}

/** What introspection says about one method. */
export interface MethodDescription {
  name: string;
  /** Each signature: return type first, then the parameter types; `null` when the server does not say. */
  signatures: string[][] | null;
  /** What the server answered for the signature when it is not a list (e.g. "undef"). */
  signatureNote: string | null;
  help: string;
}

/** Methods per multicall request when describing many (two calls each). */
const METHODS_PER_BATCH = 100;

const isTypeList = (v: XmlRpcValue): v is string[] => Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string');

/**
 * Reads a `system.methodSignature` answer: a list of signatures (each a list of type names,
 * return type first), or one signature not wrapped in a list (supervisord); anything else is
 * "not given", with what the server said as the note.
 */
export function readSignatures(value: MulticallSlot): { signatures: string[][] | null; note: string | null } {
  if (value instanceof Fault) return { signatures: null, note: `Fault ${String(value.faultCode)}: ${value.faultString}` };
  if (value instanceof Error) return { signatures: null, note: value.message };
  if (Array.isArray(value) && value.every(isTypeList)) return { signatures: value, note: null };
  if (isTypeList(value)) return { signatures: [value], note: null };
  return { signatures: null, note: typeof value === 'string' ? value : formatValue(value) };
}

/** system.listMethods, checked to be a list of names. */
export async function listMethodNames(client: IntrospectionClient): Promise<string[]> {
  const listed = await client.call('system.listMethods');
  if (!Array.isArray(listed) || !listed.every((n) => typeof n === 'string')) {
    throw new DecodeError('structure', 'system.listMethods did not return an array of method names');
  }
  return listed;
}

/** What the server answered for one method: its signature and help slots, faults included. */
export interface MethodIntrospection {
  name: string;
  /** The answer to system.methodSignature. */
  signature: MulticallSlot;
  /** The answer to system.methodHelp. */
  help: MulticallSlot;
}

/**
 * Asks the signature and help of `names`, in batches through system.multicall. A batch (or a
 * slot) the client cannot read is asked again as single calls.
 */
export async function introspectMethods(client: IntrospectionClient, names: readonly string[]): Promise<MethodIntrospection[]> {
  const out: MethodIntrospection[] = [];
  for (let i = 0; i < names.length; i += METHODS_PER_BATCH) {
    const slice = names.slice(i, i + METHODS_PER_BATCH);
    const calls = slice.flatMap((name) => [
      { methodName: 'system.methodSignature', params: [name] },
      { methodName: 'system.methodHelp', params: [name] },
    ]);
    // undefined: not read yet
    let results: Array<MulticallSlot | undefined>;
    try {
      results = await client.multicall(calls);
    } catch (error) {
      if (!(error instanceof DecodeError) || error.reason !== 'structure') throw error;
      results = calls.map(() => undefined);
    }
    const read: MulticallSlot[] = [];
    for (const [k, call] of calls.entries()) {
      const slot = results[k];
      read.push(slot === undefined || slot instanceof MulticallResultError ? await callOnce(client, call.methodName, call.params) : slot);
    }
    slice.forEach((name, j) => out.push({ name, signature: read[2 * j] as MulticallSlot, help: read[2 * j + 1] as MulticallSlot }));
  }
  return out;
}

/** The description of a method from what the server answered. */
export function toDescription({ name, signature, help }: MethodIntrospection): MethodDescription {
  const { signatures, note } = readSignatures(signature);
  return { name, signatures, signatureNote: note, help: typeof help === 'string' ? help : '' };
}

/** The signatures and help of `names` (see {@link introspectMethods}). */
export async function describeMethods(client: IntrospectionClient, names: readonly string[]): Promise<MethodDescription[]> {
  return (await introspectMethods(client, names)).map(toDescription);
}

/** One call whose fault is its result. */
async function callOnce(client: IntrospectionClient, methodName: string, params: unknown[]): Promise<MulticallSlot> {
  try {
    return await client.call(methodName, params);
  } catch (error) {
    if (error instanceof Fault) return error;
    throw error;
  }
}

/**
 * Why the server offers no introspection, or `undefined` when it does: system.listMethods
 * faults, or does not list system.methodSignature or system.methodHelp.
 */
export async function missingIntrospection(client: IntrospectionClient): Promise<string | undefined> {
  let names: string[];
  try {
    names = await listMethodNames(client);
  } catch (error) {
    if (error instanceof Fault) return `system.listMethods answered Fault ${String(error.faultCode)}: ${error.faultString}`;
    if (error instanceof DecodeError) return error.message;
    throw error;
  }
  const lacking = ['system.methodSignature', 'system.methodHelp'].filter((n) => !names.includes(n));
  return lacking.length === 2 ? `system.listMethods does not list ${lacking.join(' or ')}` : undefined;
}
