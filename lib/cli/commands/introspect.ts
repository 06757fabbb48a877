/**
 * The introspection commands: `list` (system.listMethods) and `describe` (signatures and help
 * of one method, through system.multicall when the server has it).
 */
import { Fault, type XmlRpcValue } from '../../index.js';
import { UsageError } from '../flags.js';
import { introspectMethods, missingIntrospection, toDescription, type MethodIntrospection } from '../introspection.js';
import { valueToJson } from '../json.js';
import { ExitCode, faultLine, formatValue, type Output } from '../output.js';
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

export { describeMethods, readSignatures, type MethodDescription } from '../introspection.js';

function printDescription(d: ReturnType<typeof toDescription>, output: Output): void {
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
    'server has it; one by one when it has not, or when its answer cannot be read). Signatures',
    'print as name(param types) -> return type; a single signature not wrapped in a list',
    '(supervisord) is read as one. A server without introspection is named as such.',
  ].join('\n'),
  options: [HELP_OPTION, JSON_OPTION, ...CONNECTION_OPTIONS],
  async run(context) {
    const { named } = positionals(context, ['URL', 'METHOD'], false);
    const [url, method] = named as [string, string];
    if (method === '') throw new UsageError('the method name is empty');
    const { output, line } = context;
    return withClient(context, url, async (client) => {
      const [asked] = await introspectMethods(client, [method]);
      const { signature, help } = asked as MethodIntrospection;
      // Both failing means the server knows no such method, or offers no introspection at all.
      if (signature instanceof Fault && help instanceof Fault) {
        const missing = await missingIntrospection(client);
        if (line.flags.has('json')) output.out(faultJson(help));
        if (missing === undefined) throw help;
        output.err(`xmlrpc describe: the server offers no introspection: ${missing} (system.methodHelp answered ${faultLine(help)})\n`);
        return ExitCode.fault;
      }
      const description = toDescription(asked as MethodIntrospection);
      if (line.flags.has('json')) output.out(valueToJson({ ...description }) + '\n');
      else printDescription(description, output);
      return ExitCode.ok;
    });
  },
};
