/**
 * `xmlrpc call URL METHOD [ARG...]`: one call, its parameters in the typed argument syntax
 * (or one JSON array with --json), its result printed for people, as JSON, or as raw XML.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Fault } from '../../core/errors.js';
import type { XmlRpcValue } from '../../core/values.js';
import { parseArguments } from '../args.js';
import { UsageError } from '../flags.js';
import { jsonParams, printJson, valueToJson } from '../json.js';
import { ExitCode, printValue } from '../output.js';
import { terminalSafeBytes } from '../terminal.js';
import { CONNECTION_OPTIONS, HELP_OPTION, JSON_OPTION, positionals, withClient, type Command, type Context } from './common.js';

/** How a JSON value starts: an argument starting so is JSON under --json. */
const JSON_START = /^\s*[[{"]/;

/**
 * Reads the call's parameters from the arguments after METHOD. With --json, an argument that
 * starts like JSON (`[`, `{` or `"`) must be the only one, and a JSON array of all the
 * parameters; other arguments are typed arguments (--json then only shapes the output).
 */
export async function readParams(context: Context, args: readonly string[]): Promise<XmlRpcValue[]> {
  const { line } = context;
  if (line.flags.has('json')) {
    const at = args.findIndex((a) => JSON_START.test(a));
    if (at >= 0 && args.length > 1) {
      throw new UsageError(`with --json, give all parameters as one JSON array argument, e.g. '[1, "x"]'; argument ${at + 1} is JSON but there are ${args.length} arguments`);
    }
    if (at === 0) return jsonParams(args[0] as string, 'the --json parameters');
  }
  const strings = line.flags.has('strings');
  if (!strings && !line.flags.has('json')) warnJsonLookalikes(context, args);
  const stdin = !strings && args.includes('-') ? await context.stdin() : undefined;
  return parseArguments(args, {
    inferTypes: !strings,
    sources: {
      file: (path) => readFileSync(resolve(context.cwd, path)),
      stdin: () => stdin ?? Buffer.alloc(0),
    },
  });
}

/** Warns on stderr about arguments that look like JSON but will be sent as strings (no --json). */
function warnJsonLookalikes(context: Context, args: readonly string[]): void {
  args.forEach((arg, i) => {
    // A JSON array or object, as someone who meant --json would type it.
    const text = arg.trim();
    if (!((text.startsWith('[') && text.endsWith(']')) || (text.startsWith('{') && text.endsWith('}')))) return;
    try {
      JSON.parse(text);
    } catch {
      return;
    }
    context.output.err(`xmlrpc call: warning: argument ${i + 1} looks like JSON but is sent as a string; to send JSON values, give --json and all parameters as one array, e.g. --json '[${arg.length <= 40 ? arg : '...'}]'\n`);
  });
}

/** A fault as the JSON that --json prints on stdout (the caller still reports it on stderr). */
export function faultJson(fault: Fault): string {
  return valueToJson({ faultCode: fault.faultCode, faultString: fault.faultString }) + '\n';
}

/** `xmlrpc call`. */
export const callCommand: Command = {
  name: 'call',
  summary: 'call a method and print its result',
  usage: ['call URL METHOD [ARG...]', 'call URL METHOD --json \'[PARAM, ...]\''],
  description: [
    'Arguments (xmlrpc-c syntax; the type before the slash):',
    '  i/42  I/9007199254740993 (i8)  d/1.5  b/true  s/text  n/ (nil)  h/0a1b (bytes as hex)',
    '  base64/aGk=  t/19980717T14:08:55 (dateTime)',
    '  array/(i/1,s/x)  struct/{name:s/x,id:i/1}   nest freely; array/() and struct/{} are empty',
    '  42 -7 1.5 true hello   untyped: integers, decimals and true/false are inferred,',
    '                         anything else is a string (--strings: always a string)',
    '  @FILE  -               the bytes of a file, or of standard input, as base64',
    'Inside array/(...) and struct/{...}, write \\, \\) \\} \\: for literal , ) } :',
    'With --json, an argument starting with [ { or " is JSON: the only argument, an array of all',
    'the parameters (xmlrpc help json); other arguments stay typed and --json shapes the output.',
    'URL: http(s)://..., or HOST[:PORT] for http://HOST[:PORT]/RPC2.',
    'Exit codes: 0 success, 1 fault, 2 usage error, 3 network or HTTP error, 4 undecodable response.',
  ].join('\n'),
  options: [
    HELP_OPTION,
    JSON_OPTION,
    { name: 'xml', help: 'print the raw response XML' },
    { name: 'strings', help: 'untyped arguments are strings (no inference)' },
    ...CONNECTION_OPTIONS,
  ],
  async run(context) {
    const { named, rest } = positionals(context, ['URL', 'METHOD'], true);
    const [url, method] = named as [string, string];
    if (method === '') throw new UsageError('the method name is empty');
    const params = await readParams(context, rest);
    const { line, output } = context;
    return withClient(context, url, async (client, tap) => {
      try {
        const value = await client.call(method, params);
        if (line.flags.has('xml')) output.out(await rawBody(tap));
        else if (line.flags.has('json')) printJson(output, value);
        else printValue(output, value);
        return ExitCode.ok;
      } catch (error) {
        if (line.flags.has('xml')) output.out(await rawBody(tap));
        else if (error instanceof Fault && line.flags.has('json')) output.out(faultJson(error));
        throw error;
      }
    });
  },
};

/** The last response body as received (inflated, terminal controls escaped), ending with a newline. */
export async function rawBody(tap: { lastResponseBody(): Promise<Uint8Array | undefined> } | undefined): Promise<Uint8Array> {
  const body = await tap?.lastResponseBody();
  if (body === undefined || body.length === 0) return Buffer.alloc(0);
  const safe = terminalSafeBytes(body);
  return safe[safe.length - 1] === 10 ? safe : Buffer.concat([safe, Buffer.from('\n')]);
}
