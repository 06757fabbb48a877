/**
 * The introspection commands: `list` (system.listMethods) and `describe` (signatures and help
 * of one method, through system.multicall when the server has it).
 */
import { Fault, type XmlRpcValue } from '../../index.js';
import { UsageError } from '../flags.js';
import { valueToJson } from '../json.js';
import { ExitCode, formatValue, type Output } from '../output.js';
import { faultJson } from './call.js';
import { CONNECTION_OPTIONS, HELP_OPTION, JSON_OPTION, positionals, withClient, type Command } from './common.js';

/** `xmlrpc list`. */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the methods of a server (system.listMethods)',
  usage: ['list URL'],
  description: 'Prints one method name a line, as the server lists them.',
  options: [HELP_OPTION, JSON_OPTION, ...CONNECTION_OPTIONS],
  async run(context) {
    const { named } = positionals(context, ['URL'], false);
    const json = context.line.flags.has('json');
    return withClient(context, named[0] as string, async (client) => {
      let names: XmlRpcValue;
      try {
        names = await client.call('system.listMethods');
      } catch (error) {
        if (error instanceof Fault && json) context.output.out(faultJson(error));
        throw error;
      }
      if (json) context.output.out(valueToJson(names) + '\n');
      else if (Array.isArray(names) && names.every((n) => typeof n === 'string')) context.output.out(names.map((n) => n + '\n').join(''));
      else {
        context.output.err('xmlrpc list: system.listMethods did not return an array of names; it returned:\n');
        context.output.out(formatValue(names) + '\n');
      }
      return ExitCode.ok;
    });
  },
};

/** What `describe` learns about a method. */
export interface MethodDescription {
  name: string;
  /** Each signature: return type first, then the parameter types; `null` when the server does not say. */
  signatures: string[][] | null;
  /** What the server answered for the signature when it is not a list (e.g. "undef"). */
  signatureNote: string | null;
  help: string;
}

/** Reads a `system.methodSignature` answer: an array of arrays of type names, or anything else for "unknown". */
export function readSignatures(value: XmlRpcValue | Fault): { signatures: string[][] | null; note: string | null } {
  if (value instanceof Fault) return { signatures: null, note: `Fault ${String(value.faultCode)}: ${value.faultString}` };
  if (Array.isArray(value) && value.every((s) => Array.isArray(s) && s.length > 0 && s.every((t) => typeof t === 'string'))) {
    return { signatures: value as string[][], note: null };
  }
  // supervisord answers one signature flat: ['boolean', 'string', 'boolean'].
  if (Array.isArray(value) && value.length > 0 && value.every((t) => typeof t === 'string')) return { signatures: [value as string[]], note: null };
  return { signatures: null, note: typeof value === 'string' ? value : formatValue(value) };
}

/** Fetches the signatures and help of `names` in batches, through system.multicall when possible. */
export async function describeMethods(
  client: { multicall(calls: Array<{ methodName: string; params: unknown[] }>): Promise<Array<XmlRpcValue | Fault>> },
  names: readonly string[],
): Promise<MethodDescription[]> {
  const out: MethodDescription[] = [];
  const batch = 100; // methods per request: two calls each
  for (let i = 0; i < names.length; i += batch) {
    const slice = names.slice(i, i + batch);
    const results = await client.multicall(slice.flatMap((name) => [
      { methodName: 'system.methodSignature', params: [name] },
      { methodName: 'system.methodHelp', params: [name] },
    ]));
    slice.forEach((name, j) => {
      const { signatures, note } = readSignatures(results[2 * j] as XmlRpcValue | Fault);
      const help = results[2 * j + 1];
      out.push({ name, signatures, signatureNote: note, help: typeof help === 'string' ? help : '' });
    });
  }
  return out;
}

function printDescription(d: MethodDescription, output: Output): void {
  if (d.signatures === null || d.signatures.length === 0) {
    output.out(`${d.name}(...)   signature not given${d.signatureNote === null ? '' : ` (the server says ${JSON.stringify(d.signatureNote)})`}\n`);
  } else {
    for (const [ret, ...params] of d.signatures) output.out(`${d.name}(${params.join(', ')}) -> ${ret}\n`);
  }
  const help = d.help.trim();
  output.out(help === '' ? '\n(no help text)\n' : '\n' + help.split('\n').map((l) => `  ${l}`.trimEnd()).join('\n') + '\n');
}

/** `xmlrpc describe`. */
export const describeCommand: Command = {
  name: 'describe',
  summary: 'show the signatures and help of a method',
  usage: ['describe URL METHOD'],
  description: [
    'Asks system.methodSignature and system.methodHelp (in one system.multicall request when the',
    'server has it). Signatures print as name(param types) -> return type.',
  ].join('\n'),
  options: [HELP_OPTION, JSON_OPTION, ...CONNECTION_OPTIONS],
  async run(context) {
    const { named } = positionals(context, ['URL', 'METHOD'], false);
    const [url, method] = named as [string, string];
    if (method === '') throw new UsageError('the method name is empty');
    const { output, line } = context;
    return withClient(context, url, async (client) => {
      const results = await client.multicall([
        { methodName: 'system.methodSignature', params: [method] },
        { methodName: 'system.methodHelp', params: [method] },
      ]);
      const [signature, help] = results as [XmlRpcValue | Fault, XmlRpcValue | Fault];
      // Both failing means the server knows no such method (or no introspection).
      if (signature instanceof Fault && help instanceof Fault) {
        if (line.flags.has('json')) output.out(faultJson(help));
        throw help;
      }
      const { signatures, note } = readSignatures(signature);
      const description: MethodDescription = { name: method, signatures, signatureNote: note, help: typeof help === 'string' ? help : '' };
      if (line.flags.has('json')) output.out(valueToJson({ ...description }) + '\n');
      else printDescription(description, output);
      return ExitCode.ok;
    });
  },
};
