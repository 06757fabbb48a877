/**
 * What the commands share: their shape, the connection options of the commands that talk to a
 * server, the client they get (with the wire tap for `--trace`/`--xml`), and input reading.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, type ClientOptions } from '../../client/index.js';
import type { DecodeOptions } from '../../codec/index.js';
import { OptionError } from '../../core/errors.js';
import { optionValue, UsageError, type CommandLine, type OptionSpec } from '../flags.js';
import { readReceivedDouble } from '../lexical.js';
import { errInOrder, type Output } from '../output.js';
import { formatFailure, formatRequest, formatResponse, WireTap } from '../trace.js';

/** What a command runs with. */
export interface Context {
  readonly line: CommandLine;
  readonly output: Output;
  /** Reads all of standard input (once; later calls get the same bytes). */
  readonly stdin: () => Promise<Buffer>;
  readonly cwd: string;
  readonly version: string;
}

/** A command of the CLI. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines, without the leading `xmlrpc `. */
  readonly usage: readonly string[];
  /** Paragraphs shown by `--help` after the usage. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Runs the command; resolves with the exit code, or rejects with the error to report. */
  run(context: Context): Promise<number>;
}

/** `-h, --help`, which every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'show this help' };
/** `--json`: machine-readable output. */
export const JSON_OPTION: OptionSpec = { name: 'json', help: 'print JSON (tagged for i8, dateTime, base64; see xmlrpc help json)' };

/** The options of every command that talks to a server. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { name: 'header', short: 'H', value: "'K: V'", repeat: true, help: 'send this HTTP header (repeatable)' },
  { name: 'user', short: 'u', value: 'USER:PASS', help: 'basic authentication' },
  { name: 'timeout', value: 'TIME', help: 'give up after TIME (seconds, or 500ms, 2m; 0: no limit); default: 30s' },
  { name: 'insecure', short: 'k', help: 'do not verify the server\'s TLS certificate' },
  { name: 'ca', value: 'FILE', help: 'trust the CA certificates in this PEM file' },
  { name: 'unix-socket', value: 'PATH', help: 'connect through this Unix domain socket' },
  { name: 'proxy', short: 'x', value: 'URL', help: 'send requests through this HTTP proxy' },
  { name: 'gzip', help: 'gzip-compress the request body' },
  { name: 'trace', help: 'print the HTTP request and response on stderr' },
];

/**
 * The URL a user typed: a URL without a scheme is `http://HOST[:PORT]/RPC2` (xmlrpc-c's
 * convention), or `http://HOST[:PORT]/PATH` when it has a path.
 */
export function normalizeUrl(text: string): string {
  if (text === '') throw new UsageError('the URL is empty');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return text;
  if (text.startsWith('/')) throw new UsageError(`${JSON.stringify(text)} is a path, not a server; use --unix-socket ${text} with a URL such as http://localhost/RPC2`);
  return text.includes('/') ? `http://${text}` : `http://${text}/RPC2`;
}

/** How long a network command waits for its call (or calls) unless `--timeout` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Milliseconds from `30`, `30s`, `500ms`, `2m`; `0` only when `zeroAllowed`. */
export function parseDuration(text: string, option: string, zeroAllowed = false): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${option} takes a duration such as 30, 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  const factor = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000;
  const ms = Math.round(Number(m[1]) * factor);
  if (ms === 0 && zeroAllowed && Number(m[1]) === 0) return 0;
  if (ms <= 0 || !Number.isSafeInteger(ms)) throw new UsageError(`${option} must be more than 0, got ${JSON.stringify(text)}`);
  return ms;
}

/** Reads a file named on the command line; a failure is a usage error naming the option. */
export function readInputFile(path: string, cwd: string, what: string): Buffer {
  try {
    return readFileSync(resolve(cwd, path));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${reason}`);
  }
}

/**
 * How the CLI decodes: values as sent, so they can be shown as sent: date-time fields as
 * written, i8 as bigint, and doubles marked as doubles (a whole-number double prints as `2.0`).
 */
export const CLI_DECODE_OPTIONS: DecodeOptions = Object.freeze({
  dateTime: 'lossless',
  scalars: { double: readReceivedDouble },
});

/** The client options the connection options ask for. */
export function clientOptions(context: Context): ClientOptions {
  const { line, cwd, version } = context;
  const options: ClientOptions = {
    userAgent: `xmlrpc-ts/${version} (cli)`,
    decode: CLI_DECODE_OPTIONS,
    // The user typed nan or inf on purpose; Python's spelling is the only one there is.
    encode: { allowNonFinite: true },
  };
  const headers: Record<string, string> = {};
  for (const header of line.values.get('header') ?? []) {
    const colon = header.indexOf(':');
    const name = colon < 0 ? '' : header.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header takes 'Name: value', got ${JSON.stringify(header)}`);
    const value = header.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new UsageError(`--header ${name}: the value has a line break or NUL`);
    headers[name] = value;
  }
  if (Object.keys(headers).length > 0) options.headers = headers;
  const user = optionValue(line, 'user');
  if (user !== undefined) {
    const colon = user.indexOf(':');
    if (colon < 0) throw new UsageError(`--user takes USER:PASS, got no ':' (write ${JSON.stringify(user + ':')} for an empty password)`);
    options.auth = { username: user.slice(0, colon), password: user.slice(colon + 1) };
  }
  const timeout = optionValue(line, 'timeout');
  // The client's whole-call limit (0: none).
  options.timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeout, '--timeout', true);
  const ca = optionValue(line, 'ca');
  if (line.flags.has('insecure') || ca !== undefined) {
    options.tls = {};
    if (line.flags.has('insecure')) options.tls.rejectUnauthorized = false;
    if (ca !== undefined) options.tls.ca = readInputFile(ca, cwd, '--ca file');
  }
  const socket = optionValue(line, 'unix-socket');
  if (socket !== undefined) options.socketPath = resolve(cwd, socket);
  const proxy = optionValue(line, 'proxy');
  if (proxy !== undefined) {
    if (!/^https?:\/\//i.test(proxy)) throw new UsageError(`--proxy takes an http:// or https:// URL, got ${JSON.stringify(proxy)}`);
    options.httpProxy = proxy;
  }
  if (line.flags.has('gzip')) options.gzipRequestThresholdBytes = 0;
  return options;
}

/**
 * Runs `work` with a client for `url`, tapping the wire when `--trace` or `--xml` asks for it,
 * and closes the client afterwards, whatever happens.
 */
export async function withClient<T>(context: Context, url: string, work: (client: Client, tap: WireTap | undefined) => Promise<T>): Promise<T> {
  const options = clientOptions(context);
  let client: Client;
  try {
    client = new Client(normalizeUrl(url), options);
  } catch (error) {
    if (error instanceof TypeError || error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
  const trace = context.line.flags.has('trace');
  const tap = trace || context.line.flags.has('xml')
    ? new WireTap(trace ? (event, exchange) => {
      // Inflating a body for display is asynchronous; what is printed after it waits its turn.
      const text = event === 'request' ? formatRequest(exchange) : event === 'response' ? formatResponse(exchange) : Promise.resolve(formatFailure(exchange));
      errInOrder(context.output, text);
    } : undefined)
    : undefined;
  tap?.start();
  try {
    return await work(client, tap);
  } catch (error) {
    throw error;
  } finally {
    tap?.stop();
    await client.close();
  }
}

/** Positional arguments: exactly the named ones, then the rest. */
export function positionals(context: Context, names: readonly string[], restAllowed: boolean): { named: string[]; rest: string[] } {
  const all = context.line.positionals;
  if (all.length < names.length) {
    const missing = names.slice(all.length).join(' ');
    throw new UsageError(`missing ${missing}`);
  }
  if (!restAllowed && all.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(all[names.length])}`);
  }
  return { named: all.slice(0, names.length), rest: all.slice(names.length) };
}
