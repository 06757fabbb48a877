/**
 * The command table and the top level: finds the command, parses its options, prints help and
 * the version, runs it, and turns whatever it throws into a message and an exit code.
 */
import type { Command, Context } from './commands/common.js';
import { formatOptions, nearestName, parseCommandLine, suggest, UsageError } from './flags.js';
import { ExitCode, OrderedOutput, reportError, type Output } from './output.js';
import { safeOutput } from './terminal.js';

/**
 * Every command by name, in the order `--help` lists them, each loaded when it is run: a command
 * loads only its own modules.
 */
const COMMAND_LOADERS: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ['call', async () => (await import('./commands/call.js')).callCommand],
  ['list', async () => (await import('./commands/introspect.js')).listCommand],
  ['describe', async () => (await import('./commands/introspect.js')).describeCommand],
  ['multicall', async () => (await import('./commands/multicall.js')).multicallCommand],
  ['encode', async () => (await import('./commands/documents.js')).encodeCommand],
  ['decode', async () => (await import('./commands/documents.js')).decodeCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['codegen', async () => (await import('./commands/codegen.js')).codegenCommand],
]);

/** The command names, in the order `--help` lists them. */
export const COMMAND_NAMES: readonly string[] = [...COMMAND_LOADERS.keys()];

/** Every command, loaded (for the help texts). */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all([...COMMAND_LOADERS.values()].map((load) => load()));
}

function loadCommand(name: string): Promise<Command> {
  return (COMMAND_LOADERS.get(name) as () => Promise<Command>)();
}

/** What the CLI needs from the process. */
export interface CliEnvironment {
  output: Output;
  /** Reads all of standard input. */
  readStdin(): Promise<Buffer>;
  cwd: string;
  /** The package version, read by the executable (lib/cli/version.cts). */
  version: string;
}

const JSON_HELP = [
  'JSON values (--json output; --json parameters, multicall files, encode input):',
  '  null                         nil',
  '  true / false                 boolean',
  '  "text"                       string',
  '  42                           int (an integer beyond 32 bits is i8)',
  '  1.5, 2.0, 1e3                double (a fraction or exponent makes a double)',
  '  [ ... ] / { ... }            array / struct',
  '  {"$i8": "9007199254740993"}  i8 (a string keeps every digit)',
  '  {"$double": "nan"}           double: also "inf", "-inf", or a number',
  '  {"$base64": "aGk="}          base64',
  '  {"$dateTime": "19980717T14:08:55"}   dateTime.iso8601 (also 1998-07-17T14:08:55, a fraction, a zone)',
  '  {"$bigdecimal": "1.10"}      an exact decimal, sent as <double>',
  '  {"$struct": {"$i8": 1}}      a struct whose only member looks like a tag',
].join('\n');

function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'xmlrpc: an XML-RPC client, server and debugging tool',
    '',
    'Usage: xmlrpc COMMAND [OPTION...] [ARG...]',
    '       xmlrpc URL METHOD [ARG...]        (xmlrpc-c style: the same as xmlrpc call URL ...;',
    '                                          URL may be HOST, HOST:PORT or http(s)://...)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'xmlrpc COMMAND --help shows its arguments and options; xmlrpc help json shows the JSON form.',
    'Exit codes: 0 success, 1 fault, 2 usage error, 3 network or HTTP error,',
    '            4 the response could not be decoded, 5 a bug in xmlrpc (please report it).',
    '',
  ].join('\n');
}

/** The `--help` text of a command. */
export function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage.map((u) => `xmlrpc ${u}`).join('\n       ')}`,
    '',
    command.summary.charAt(0).toUpperCase() + command.summary.slice(1) + '.',
    '',
    command.description,
    '',
    'Options:',
    formatOptions(command.options),
    '',
  ].join('\n');
}

/**
 * The command named first, or `call` for xmlrpc-c's form `xmlrpc HOST[:PORT] METHOD [ARG...]`.
 * A first word that is not a command is a server when it has ':', '.' or '/' (localhost:8080,
 * example.com, http://...), which no command name has; or when it is a bare host name
 * (`localhost`, `buildbox`) followed by a method name and is not a command misspelt by one letter
 * (`lsit`), so a typo stays a usage error instead of a call to a host of that name.
 */
async function findCommand(argv: readonly string[]): Promise<{ command: Command; rest: string[] } | undefined> {
  const word = argv[0] as string;
  if (COMMAND_LOADERS.has(word)) return { command: await loadCommand(word), rest: argv.slice(1) };
  if (/[:./]/.test(word)) return { command: await loadCommand('call'), rest: [...argv] };
  const call = await loadCommand('call');
  if (isBareHost(word, argv.slice(1), call)) return { command: call, rest: [...argv] };
  return undefined;
}

/** A DNS label: letters, digits and inner hyphens. */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** A method name: the XML-RPC spec's characters (letters, digits, _ . : /), and '-' which servers accept. */
const METHOD_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;

/** Whether `word` is a bare host in `xmlrpc HOST METHOD [ARG...]`; `rest` are the words after it. */
function isBareHost(word: string, rest: readonly string[], call: Command): boolean {
  // All digits is no host name (a URL parser reads it as an IPv4 number): `xmlrpc 8080 m` is a typo.
  if (!HOST_NAME.test(word) || /^[0-9]+$/.test(word) || nearestName(word, COMMAND_NAMES, 1) !== undefined) return false;
  let method: string | undefined;
  try {
    method = parseCommandLine(rest, call.options).positionals[0];
  } catch {
    return false;
  }
  // A URL or HOST:PORT in second place means the first word was meant as a command.
  return method !== undefined && METHOD_NAME.test(method) && !method.includes('://') && !/^[^:/]*:[0-9]+(?:\/|$)/.test(method);
}

async function helpTopic(topic: string | undefined, output: Output): Promise<number> {
  if (topic === undefined) output.out(mainHelp(await loadCommands()));
  else if (topic === 'json') output.out(JSON_HELP + '\n');
  else {
    if (!COMMAND_LOADERS.has(topic)) {
      return reportError(new UsageError(`no help on ${JSON.stringify(topic)}${suggest(topic, [...COMMAND_NAMES, 'json'], '')}`), output, '');
    }
    output.out(commandHelp(await loadCommand(topic)));
  }
  return ExitCode.ok;
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  // Everything printed may carry text from the network: one filter at the way out.
  const output = new OrderedOutput(safeOutput(env.output));
  try {
    return await run(argv, env, output);
  } finally {
    await output.drained();
  }
}

async function run(argv: readonly string[], env: CliEnvironment, output: Output): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    output.err(mainHelp(await loadCommands()));
    return ExitCode.usage;
  }
  if (first === '--help' || first === '-h') return helpTopic(undefined, output);
  if (first === 'help') return helpTopic(argv[1], output);
  if (first.startsWith('-')) {
    return reportError(new UsageError(`expected a command first, found ${JSON.stringify(first)}; options come after the command`), output, '');
  }
  const found = await findCommand(argv);
  if (found === undefined) {
    const names = COMMAND_NAMES;
    const details = ['Commands: ' + names.join(', ')];
    if (/^[0-9]+$/.test(first)) details.push(`To call a server on port ${first} of this machine: xmlrpc localhost:${first} METHOD [ARG...]`);
    else if (HOST_NAME.test(first)) details.push(`To call a method on the host ${first}: xmlrpc call ${first} METHOD [ARG...]`);
    return reportError(new UsageError(`unknown command ${JSON.stringify(first)}${suggest(first, names, '')}`, details), output, '');
  }
  const { command, rest } = found;
  try {
    const line = parseCommandLine(rest, command.options);
    if (line.flags.has('help')) {
      output.out(commandHelp(command));
      return ExitCode.ok;
    }
    let stdin: Promise<Buffer> | undefined;
    const context: Context = {
      line,
      output,
      cwd: env.cwd,
      version: env.version,
      stdin: () => (stdin ??= env.readStdin()),
    };
    return await command.run(context);
  } catch (error) {
    return reportError(error, output, command.name);
  }
}
