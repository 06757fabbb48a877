/**
 * `xmlrpc multicall URL [FILE|-]`: several calls in one `system.multicall` request, read as
 * JSON (`[{"methodName": "…", "params": […]}, …]`) from a file or standard input.
 */
import { Fault, MulticallResultError, type MulticallSlot, type XmlRpcValue } from '../../index.js';
import { UsageError } from '../flags.js';
import { isJsonObject, JsonInputError, jsonToValue, member, memberNames, parseJson, valueToJson } from '../json.js';
import { ExitCode, faultLine, formatValue } from '../output.js';
import { rawBody } from './call.js';
import { CONNECTION_OPTIONS, HELP_OPTION, JSON_OPTION, positionals, readInputFile, withClient, type Command, type Context } from './common.js';

/** Reads the text of FILE, or of standard input for `-` or no FILE. */
export async function readTextInput(context: Context, file: string | undefined, what: string): Promise<{ text: string; source: string }> {
  if (file === undefined || file === '-') return { text: (await context.stdin()).toString('utf8'), source: 'standard input' };
  return { text: readInputFile(file, context.cwd, what).toString('utf8'), source: file };
}

/** Reads the calls of a multicall from JSON text. */
export function readCalls(text: string, source: string): Array<{ methodName: string; params: XmlRpcValue[] }> {
  const root = parseJson(text, source);
  if (!Array.isArray(root)) throw new JsonInputError(source, 'expected a JSON array of calls: [{"methodName": "...", "params": [...]}, ...]');
  return root.map((node, i) => {
    const at = `calls[${i}]`;
    if (!isJsonObject(node)) throw new JsonInputError(source, `${at} must be an object {"methodName": "...", "params": [...]}`);
    const extra = memberNames(node).filter((n) => n !== 'methodName' && n !== 'params');
    if (extra.length > 0) throw new JsonInputError(source, `${at} has unknown member ${JSON.stringify(extra[0])} (expected methodName and params)`);
    const methodName = member(node, 'methodName');
    if (typeof methodName !== 'string' || methodName === '') throw new JsonInputError(source, `${at}.methodName must be a non-empty string`);
    const params = member(node, 'params') ?? [];
    if (!Array.isArray(params)) throw new JsonInputError(source, `${at}.params must be an array`);
    return { methodName, params: params.map((p, j) => jsonToValue(p, `${at}.params[${j}]`, source)) };
  });
}

/** `xmlrpc multicall`. */
export const multicallCommand: Command = {
  name: 'multicall',
  summary: 'make several calls in one request (system.multicall)',
  usage: ['multicall URL [FILE|-]'],
  description: [
    'The calls are a JSON array read from FILE or standard input:',
    '  [{"methodName": "sample.add", "params": [3, 5]}, {"methodName": "system.listMethods"}]',
    'Parameters use the JSON form of `xmlrpc help json`. Each result prints on its own line as',
    '[index] value on stdout, or [index] Fault CODE: STRING on stderr; the exit code is 1 when',
    'any call faulted. With --json, stdout is one JSON array of {"value": ...} or {"fault": ...}.',
    'Servers without system.multicall get the calls one by one. Results in supervisord\'s unwrapped',
    'shape are read too. A result that cannot be read prints as [index] unreadable result on',
    'stderr (exit 4; with --json {"unreadable": {"message": ..., "value": ...}}); it is not asked',
    'again, because the server has already run the call.',
  ].join('\n'),
  options: [HELP_OPTION, JSON_OPTION, { name: 'xml', help: 'print the raw response XML' }, ...CONNECTION_OPTIONS],
  async run(context) {
    const all = context.line.positionals;
    if (all.length > 2) throw new UsageError(`unexpected argument ${JSON.stringify(all[2])}`);
    const { named } = positionals(context, ['URL'], true);
    const { text, source } = await readTextInput(context, all[1], 'the calls file');
    const calls = readCalls(text, source);
    const { output, line } = context;
    return withClient(context, named[0] as string, async (client, tap) => {
      let results: MulticallSlot[];
      try {
        results = await client.multicall(calls);
      } catch (error) {
        if (line.flags.has('xml')) output.out(await rawBody(tap));
        throw error;
      }
      const faults = results.filter((r) => r instanceof Fault).length;
      const unreadable = results.filter((r) => r instanceof MulticallResultError).length;
      if (line.flags.has('xml')) output.out(await rawBody(tap));
      else if (line.flags.has('json')) output.out(valueToJson(results.map(slotJson)) + '\n');
      // For people: values on stdout, faults and unreadable results on stderr, each with its
      // slot. With --json or --xml, stdout already holds every slot; the rest is repeated on stderr.
      const listValues = !line.flags.has('json') && !line.flags.has('xml');
      results.forEach((r, i) => {
        const label = `[${i}] `;
        if (r instanceof Fault) output.err(label + faultLine(r) + '\n');
        else if (r instanceof MulticallResultError) output.err(`${label}unreadable result (${r.detail}): ${formatValue(r.value, ' '.repeat(label.length))}\n`);
        else if (listValues) output.out(label + formatValue(r, ' '.repeat(label.length)) + '\n');
      });
      if (faults > 0) output.err(`xmlrpc multicall: ${faults} of ${results.length} calls faulted\n`);
      if (unreadable > 0) output.err(`xmlrpc multicall: ${unreadable} of ${results.length} results could not be read\n`);
      if (unreadable > 0) return ExitCode.decode;
      return faults > 0 ? ExitCode.fault : ExitCode.ok;
    });
  },
};

/** One slot as --json prints it. */
function slotJson(slot: MulticallSlot): XmlRpcValue {
  if (slot instanceof Fault) return { fault: { faultCode: slot.faultCode, faultString: slot.faultString } };
  if (slot instanceof MulticallResultError) return { unreadable: { message: slot.detail, value: slot.value } };
  return { value: slot };
}
