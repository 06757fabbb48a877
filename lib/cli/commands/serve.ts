/**
 * `xmlrpc serve MODULE`: serves the exported functions and objects of a JavaScript module as
 * XML-RPC methods, introspection and multicall included, until SIGINT or SIGTERM.
 */
import { basename } from 'node:path';
import type { Signature, XmlRpcServer } from '../../server/index.js';
import { optionValue, UsageError } from '../flags.js';
import { valueToJson } from '../json.js';
import { loadModule } from '../module-loader.js';
import { ExitCode } from '../output.js';
import { LoggedServer, logRequests } from '../request-log.js';
import { HELP_OPTION, JSON_OPTION, type Command, type Context } from './common.js';

type AnyFunction = (...args: never[]) => unknown;

/** What a function may carry for introspection: `fn.signature = ['int', 'int', 'int']`, `fn.help = '…'`. */
interface Described {
  signature?: unknown;
  help?: unknown;
}

function isClass(fn: AnyFunction): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function describedOf(fn: AnyFunction, name: string): { signature?: Signature | readonly Signature[]; help?: string } {
  const d = fn as unknown as Described;
  const out: { signature?: Signature | readonly Signature[]; help?: string } = {};
  if (d.signature !== undefined) {
    if (!Array.isArray(d.signature)) throw new UsageError(`${name}.signature must be an array of type names (return type first)`);
    out.signature = d.signature as Signature;
  }
  if (d.help !== undefined) {
    if (typeof d.help !== 'string') throw new UsageError(`${name}.help must be a string`);
    out.help = d.help;
  }
  return out;
}

/** The method functions of an object as addMethods sees them, for their signature/help maps. */
function methodFunctions(target: object): Map<string, AnyFunction> {
  const found = new Map<string, AnyFunction>();
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) {
      const value: unknown = Object.getOwnPropertyDescriptor(o, key)?.value;
      if (!found.has(key) && typeof value === 'function') found.set(key, value as AnyFunction);
    }
  }
  return found;
}

function addObject(server: XmlRpcServer, target: object, prefix: string): void {
  const signatures: Record<string, Signature | readonly Signature[]> = {};
  const help: Record<string, string> = {};
  for (const [key, fn] of methodFunctions(target)) {
    const d = describedOf(fn, prefix === '' ? key : `${prefix}.${key}`);
    if (d.signature !== undefined) signatures[key] = d.signature;
    if (d.help !== undefined) help[key] = d.help;
  }
  server.addMethods(target, { prefix, signatures, help });
}

/**
 * Registers a module's exports: a function export is a method of its name; an object export
 * (plain or an instance) gives its methods under its name as a prefix (`calc.add`); a default
 * export object gives its methods without a prefix. Classes and other values are skipped.
 */
export function registerModule(server: XmlRpcServer, exports: Record<string, unknown>, warn: (text: string) => void): void {
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === 'function') {
      const fn = value as AnyFunction;
      if (isClass(fn)) {
        warn(`skipping export ${name}: a class (export an instance to serve its methods)`);
        continue;
      }
      const methodName = name === 'default' ? fn.name : name;
      if (methodName === '' || methodName === 'default') {
        warn('skipping the default export: an anonymous function (name it, or export it by name)');
        continue;
      }
      server.addMethod(methodName, fn, describedOf(fn, methodName));
    } else if (typeof value === 'object' && value !== null) {
      addObject(server, value, name === 'default' ? '' : name);
    }
  }
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new UsageError(`--port takes a port number 0-65535 (0 picks a free one), got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `xmlrpc serve`. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the functions of a JavaScript module as XML-RPC methods',
  usage: ['serve MODULE [--port N] [--host H] [--no-docs] [--quiet]'],
  description: [
    'Exported functions become methods of their names; an exported object (or instance) serves',
    'its methods as NAME.method; a default-exported object serves its methods without a prefix.',
    'A function may carry .signature (e.g. [\'int\', \'int\', \'int\'], return type first) and .help.',
    'system.listMethods, methodSignature, methodHelp, getCapabilities and multicall are on.',
    'A browser opening the URL gets a page documenting the methods, with a form to call each.',
    'Prints "Listening on URL" once it accepts calls; stops on SIGINT/SIGTERM (Ctrl-C).',
    'Each request is logged on stderr (client, time, request line, status, methods called,',
    'duration), as Python\'s server does; --quiet turns that off. Failures are always reported.',
    'A .ts module needs a Node.js that strips types (22.18+), or compile it first.',
  ].join('\n'),
  options: [
    HELP_OPTION,
    { name: 'port', short: 'p', value: 'N', help: 'port to listen on (default 8080; 0 picks a free port)' },
    { name: 'host', value: 'HOST', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    { name: 'no-docs', help: 'answer browsers with 405 instead of the documentation page' },
    { name: 'quiet', short: 'q', help: 'do not log each request on stderr' },
    JSON_OPTION,
  ],
  async run(context: Context) {
    const { line, output } = context;
    if (line.positionals.length !== 1) {
      throw new UsageError(line.positionals.length === 0 ? 'missing MODULE' : `unexpected argument ${JSON.stringify(line.positionals[1])}`);
    }
    const modulePath = line.positionals[0] as string;
    const port = parsePort(optionValue(line, 'port'));
    const host = optionValue(line, 'host') ?? '127.0.0.1';
    const exports = await loadModule(modulePath, context.cwd);
    const docs = !line.flags.has('no-docs');
    const server = new LoggedServer({
      onError: (error, call) => output.err(`xmlrpc serve: ${call === undefined ? 'request' : call.methodName} failed: ${error.message}\n`),
      docsPage: docs && { title: basename(modulePath), description: `The functions of ${modulePath}, served by xmlrpc serve.` },
    });
    const before = server.listMethods().length;
    registerModule(server, exports, (text) => output.err(`xmlrpc serve: ${text}\n`));
    const methods = server.listMethods().filter((m) => !m.startsWith('system.'));
    if (server.listMethods().length === before) throw new UsageError(`${JSON.stringify(modulePath)} exports no functions or objects with methods to serve`);
    const address = await server.listen(port, host);
    if (!line.flags.has('quiet') && server.httpServer !== undefined) logRequests(server.httpServer, (text) => output.err(text));
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${shownHost}:${address.port}/RPC2`;
    if (line.flags.has('json')) output.out(valueToJson({ url, host: address.address, port: address.port, methods }, 0) + '\n');
    else {
      output.out(`Serving ${methods.length} method${methods.length === 1 ? '' : 's'} from ${modulePath}: ${methods.join(', ')}\nListening on ${url}\n`);
      if (docs) output.out(`Documentation: open ${url} in a browser\n`);
    }
    const signal = await untilSignal();
    output.err(`xmlrpc serve: ${signal}, closing\n`);
    await server.close();
    return ExitCode.ok;
  },
};
