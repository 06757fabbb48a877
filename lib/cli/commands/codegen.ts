/**
 * `xmlrpc codegen URL`: a module exporting the server's contract (`defineContract`, for
 * `client.proxy(api)`), or with `--interface` a bare TypeScript interface for
 * `client.proxy<Api>()`; built from system.listMethods, system.methodSignature and
 * system.methodHelp.
 */
import { DecodeError, type XmlRpcValue } from '../../index.js';
import { optionValue, UsageError } from '../flags.js';
import { ExitCode } from '../output.js';
import { CONNECTION_OPTIONS, HELP_OPTION, positionals, withClient, type Command } from './common.js';
import { describeMethods, type MethodDescription } from './introspect.js';

/** XML-RPC signature type names → TypeScript types, as the client decodes them. */
const TS_TYPES: Readonly<Record<string, string>> = {
  int: 'number', i4: 'number', double: 'number',
  i8: 'bigint',
  boolean: 'boolean',
  string: 'string',
  'dateTime.iso8601': 'Date',
  base64: 'Uint8Array',
  struct: 'XmlRpcStruct',
  array: 'XmlRpcValue[]',
  nil: 'null',
};

/** Names the typed proxy keeps for JavaScript (see ReservedProxyName). */
const RESERVED = new Set(['then', 'toJSON', 'valueOf', 'toString']);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function tsType(name: string): string {
  return TS_TYPES[name] ?? 'XmlRpcValue';
}

function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A tree of namespaces: `calc.add` is the member `add` of the namespace `calc`. */
interface Namespace {
  method: MethodDescription | undefined;
  children: Map<string, Namespace>;
}

function buildTree(methods: readonly MethodDescription[]): Namespace {
  const root: Namespace = { method: undefined, children: new Map() };
  for (const m of methods) {
    let node = root;
    for (const part of m.name.split('.')) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = { method: undefined, children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.method = m;
  }
  return root;
}

function docComment(method: MethodDescription, indent: string): string[] {
  const lines = method.help.trim() === '' ? [] : method.help.trim().split(/\r?\n/).map((l) => l.trimEnd());
  const signatures = method.signatures ?? [];
  if (signatures.length > 1) {
    if (lines.length > 0) lines.push('');
    for (const [ret, ...params] of signatures) lines.push(`- \`${method.name}(${params.join(', ')}) -> ${ret}\``);
  }
  lines.push(`XML-RPC \`${method.name}\``);
  if (lines.length === 1) return [`${indent}/** ${safe(lines[0] as string)} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} *${l === '' ? '' : ' ' + safe(l)}`), `${indent} */`];
}

function safe(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

/**
 * The call signature of a method. Several XML-RPC signatures merge into one (a union per
 * position; parameters some signatures lack are optional), because the typed proxy types a
 * method from one call signature: TypeScript's `infer` sees only the last overload.
 */
function callSignature(method: MethodDescription): string {
  const signatures = method.signatures;
  if (signatures === null || signatures.length === 0) return '(...params: XmlRpcValue[]): XmlRpcValue';
  const union = (types: Iterable<string>): string => [...new Set(types)].join(' | ');
  const arities = signatures.map((s) => s.length - 1);
  const longest = Math.max(...arities);
  const params: string[] = [];
  for (let i = 0; i < longest; i++) {
    const types = signatures.filter((s) => s.length - 1 > i).map((s) => tsType(s[i + 1] as string));
    const optional = arities.some((n) => n <= i);
    params.push(`arg${i + 1}${optional ? '?' : ''}: ${union(types)}`);
  }
  return `(${params.join(', ')}): ${union(signatures.map((s) => tsType(s[0] as string)))}`;
}

function emit(node: Namespace, indent: string, out: string[]): void {
  for (const [name, child] of [...node.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (RESERVED.has(name)) {
      out.push(`${indent}// ${propertyName(name)}: reserved by the typed proxy; call ${child.method?.name ?? name} with client.call()`);
      continue;
    }
    const method = child.method;
    if (method !== undefined && child.children.size === 0) {
      out.push(...docComment(method, indent));
      out.push(`${indent}${propertyName(name)}${callSignature(method)};`);
      continue;
    }
    // A namespace, which may be callable itself.
    if (method !== undefined) out.push(...docComment(method, indent));
    out.push(`${indent}${propertyName(name)}: {`);
    if (method !== undefined) out.push(`${indent}  ${callSignature(method)};`);
    emit(child, indent + '  ', out);
    out.push(`${indent}};`);
  }
}

/** The TypeScript source for an interface named `name` describing `methods`. */
export function generateInterface(name: string, url: string, methods: readonly MethodDescription[]): string {
  const out = [
    `// Generated by \`xmlrpc codegen ${url}\` from system.listMethods, methodSignature and methodHelp.`,
    "import type { XmlRpcStruct, XmlRpcValue } from 'xmlrpc-ts';",
    '',
    `/** The methods of ${safe(url)}: \`new Client(url).proxy<${name}>()\`. */`,
    `export interface ${name} {`,
  ];
  emit(buildTree(methods), '  ', out);
  out.push('}', '');
  return out.join('\n');
}

/** Signature type names → contract type builders; a struct or array introspection cannot say more about. */
const CONTRACT_TYPES: Readonly<Record<string, string>> = {
  int: 'rpc.int', i4: 'rpc.int', i8: 'rpc.i8', double: 'rpc.double',
  boolean: 'rpc.boolean', string: 'rpc.string',
  'dateTime.iso8601': 'rpc.dateTime', base64: 'rpc.base64', nil: 'rpc.nil',
  struct: 'rpc.anyStruct', array: 'rpc.arrayOf(rpc.any)',
};

/** The system methods, typed more precisely than their introspected `array`/`struct`: [params, result]. */
const SYSTEM_METHODS: Readonly<Record<string, readonly [string, string]>> = {
  'system.listMethods': ['[]', 'rpc.arrayOf(rpc.string)'],
  'system.methodHelp': ['[rpc.string]', 'rpc.string'],
  // An array of signatures, or a string such as "undef" or "signatures not supported".
  'system.methodSignature': ['[rpc.string]', 'rpc.any'],
  'system.multicall': ['[rpc.arrayOf(rpc.struct({ methodName: rpc.string, params: rpc.arrayOf(rpc.any) }))]', 'rpc.arrayOf(rpc.any)'],
  'system.getCapabilities': ['[]', 'rpc.anyStruct'],
};

/** Longest entry written on one line; longer ones get a line per field. */
const ONE_LINE = 100;

function contractType(name: string): string {
  return Object.hasOwn(CONTRACT_TYPES, name) ? (CONTRACT_TYPES[name] as string) : 'rpc.any';
}

function contractSignature(signature: readonly string[]): string {
  const [result, ...params] = signature;
  return `{ params: [${params.map(contractType).join(', ')}], result: ${contractType(result as string)} }`;
}

/** An object literal of `fields` at `indent`: on one line when short, else one field a line. */
function objectLiteral(fields: readonly string[], indent: string, head: string): string {
  const line = `${indent}${head}{ ${fields.join(', ')} },`;
  if (line.length <= ONE_LINE && !fields.some((f) => f.includes('\n'))) return line;
  const field = (f: string): string => f.split('\n').map((l) => `${indent}  ${l}`).join('\n') + ',';
  return [`${indent}${head}{`, ...fields.map(field), `${indent}},`].join('\n');
}

/** One `name: { … }` entry of the generated contract. */
function contractEntry(method: MethodDescription): string {
  const help = method.help.trim() === '' ? [] : [`help: ${JSON.stringify(method.help.trim())}`];
  const head = `${IDENTIFIER.test(method.name) ? method.name : JSON.stringify(method.name)}: `;
  const system = Object.hasOwn(SYSTEM_METHODS, method.name) ? SYSTEM_METHODS[method.name] : undefined;
  if (system !== undefined) return objectLiteral([`params: ${system[0]}`, `result: ${system[1]}`, ...help], '  ', head);
  const signatures = method.signatures ?? [];
  // The server does not say: any number of params of any type, any result.
  if (signatures.length === 0) return objectLiteral(['params: []', 'rest: rpc.any', 'result: rpc.any', ...help], '  ', head);
  if (signatures.length === 1) {
    const [result, ...params] = signatures[0] as string[];
    return objectLiteral([`params: [${params.map(contractType).join(', ')}]`, `result: ${contractType(result as string)}`, ...help], '  ', head);
  }
  const overloads = ['overloads: [', ...signatures.map((sig) => `  ${contractSignature(sig)},`), ']'].join('\n');
  return objectLiteral([overloads, ...help], '  ', head);
}

/** The TypeScript module exporting the contract `name` of `methods`. */
export function generateContract(name: string, url: string, methods: readonly MethodDescription[]): string {
  const sorted = [...methods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    `// Generated by \`xmlrpc codegen ${url}\` from system.listMethods, methodSignature and methodHelp.`,
    "import { defineContract, rpc } from 'xmlrpc-ts';",
    '',
    `/** The methods of ${safe(url)}: \`new Client(url).proxy(${name})\`. Struct members are not introspected: fill them in. */`,
    `export const ${name} = defineContract({`,
    ...sorted.map(contractEntry),
    '});',
    '',
  ].join('\n');
}

/** `xmlrpc codegen`. */
export const codegenCommand: Command = {
  name: 'codegen',
  summary: 'print a TypeScript contract (or interface) of a server\'s methods',
  usage: ['codegen URL [--name NAME] [--interface]'],
  description: [
    'Builds a module exporting the contract (defineContract) from system.listMethods,',
    'system.methodSignature (overloads for several signatures; any params when the server gives',
    'none) and system.methodHelp; use it with client.proxy(api). Structs are "any struct":',
    'introspection does not list their members. --interface prints a bare interface for',
    'client.proxy<Api>() instead, where dotted names become nested namespaces.',
  ].join('\n'),
  options: [
    HELP_OPTION,
    { name: 'name', value: 'NAME', help: 'the name of the exported contract (default api) or interface (default Api)' },
    { name: 'interface', help: 'print a bare TypeScript interface instead of a contract' },
    ...CONNECTION_OPTIONS,
  ],
  async run(context) {
    const { named } = positionals(context, ['URL'], false);
    const asInterface = context.line.flags.has('interface');
    const name = optionValue(context.line, 'name') ?? (asInterface ? 'Api' : 'api');
    if (!IDENTIFIER.test(name)) throw new UsageError(`--name must be a TypeScript identifier, got ${JSON.stringify(name)}`);
    return withClient(context, named[0] as string, async (client) => {
      const listed: XmlRpcValue = await client.call('system.listMethods');
      if (!Array.isArray(listed) || !listed.every((n) => typeof n === 'string')) {
        throw new DecodeError('structure', 'system.listMethods did not return an array of method names');
      }
      const methods = await describeMethods(client, listed as string[]);
      context.output.out(asInterface ? generateInterface(name, client.url, methods) : generateContract(name, client.url, methods));
      return ExitCode.ok;
    });
  },
};
