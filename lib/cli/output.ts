/**
 * What the CLI prints: values for people (types visible where JSON would hide them), the exit
 * codes, and the one place that turns an error into a message on stderr and an exit code.
 */
import { DecodeError, EncodeError, Fault, HttpError, NetworkError, TimeoutError, AbortError, TypedValue, XmlRpcDateTime } from '../index.js';
import { isPlainObject } from '../core/values.js';
import { UsageError } from './flags.js';

/** The documented exit codes. */
export const ExitCode = Object.freeze({
  ok: 0,
  /** The server answered with a fault (or a multicall entry did). */
  fault: 1,
  /** A mistake on the command line or in its input files. */
  usage: 2,
  /** The server could not be reached, timed out, or answered with an HTTP error. */
  network: 3,
  /** The response (or a document given to `decode`) could not be decoded. */
  decode: 4,
  /** A bug: please report it. */
  internal: 5,
});

/** Where a command writes. */
export interface Output {
  /** Standard output; bytes are written as they are (raw XML). */
  out(data: string | Uint8Array): void;
  err(text: string): void;
}

const IDENTIFIER = /^[A-Za-z_$][\w$.-]*$/;

/**
 * A value for people: strings quoted, integers and doubles bare, and the types JSON lacks
 * spelled out (`i8 9007199254740993`, `dateTime 19980717T14:08:55`, `base64 aGk= (2 bytes)`, `nil`).
 */
export function formatValue(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `i8 ${value}`;
  if (value instanceof Date) return `dateTime ${XmlRpcDateTime.fromDate(value).toString()}`;
  if (value instanceof XmlRpcDateTime) return `dateTime ${value.toString()}`;
  if (value instanceof Uint8Array) {
    const b64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    return `base64 ${b64 === '' ? '""' : b64} (${value.byteLength} byte${value.byteLength === 1 ? '' : 's'})`;
  }
  if (value instanceof TypedValue) {
    if (value.type === 'bigdecimal') return `bigdecimal ${String(value.value)}`;
    if (value.type === 'double' && typeof value.value === 'number') return formatDouble(value.value);
    return formatValue(value.type === 'i8' && typeof value.value === 'number' ? BigInt(value.value) : value.value, indent);
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + formatValue(v, inner)).join('\n')}\n${indent}]`;
  }
  if (value instanceof Map || isPlainObject(value)) {
    const entries = value instanceof Map ? [...(value as Map<string, unknown>)] : Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v]) => `${inner}${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${formatValue(v, inner)}`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return String(value);
}

/** A double as a double: `2.0`, not `2`. */
export function formatDouble(n: number): string {
  const text = formatNumber(n);
  return /^-?[0-9]+$/.test(text) ? text + '.0' : text;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Object.is(n, -0)) return '-0.0';
  return String(n);
}

/** The line a fault is reported with. */
export function faultLine(fault: Fault): string {
  return `Fault ${String(fault.faultCode)}: ${fault.faultString}`;
}

/**
 * Reports an error on stderr and returns the exit code. Faults print as `Fault CODE: STRING`;
 * everything else as `xmlrpc: message`, never with a stack trace.
 */
export function reportError(error: unknown, output: Output, command: string): number {
  const prefix = command === '' ? 'xmlrpc: ' : `xmlrpc ${command}: `;
  if (error instanceof Fault) {
    output.err(faultLine(error) + '\n');
    return ExitCode.fault;
  }
  if (error instanceof UsageError) {
    output.err(prefix + error.message + '\n' + error.details.map((l) => l + '\n').join(''));
    output.err(`(see xmlrpc ${command === '' ? '' : command + ' '}--help)\n`);
    return ExitCode.usage;
  }
  if (error instanceof EncodeError) {
    output.err(`${prefix}cannot send ${error.path === '' ? 'the call' : error.path}: ${error.detail}\n`);
    return ExitCode.usage;
  }
  if (error instanceof HttpError) {
    output.err(`${prefix}${error.message}\n`);
    return ExitCode.network;
  }
  if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof AbortError) {
    output.err(`${prefix}${error.message}${causeText(error)}\n`);
    return ExitCode.network;
  }
  if (error instanceof DecodeError) {
    output.err(`${prefix}could not decode the response (${error.reason}): ${error.message}\n`);
    return ExitCode.decode;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // Socket errors outside the client, e.g. `serve` finding its port taken.
  if (typeof code === 'string' && ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ECONNREFUSED', 'ENOTFOUND'].includes(code)) {
    output.err(`${prefix}${(error as Error).message}\n`);
    return ExitCode.network;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  output.err(`${prefix}unexpected error (please report it): ${message}\n`);
  if (process.env['XMLRPC_DEBUG'] !== undefined && error instanceof Error && error.stack !== undefined) output.err(error.stack + '\n');
  return ExitCode.internal;
}

function causeText(error: Error): string {
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  if (cause === undefined || cause === null || typeof cause.message !== 'string') return '';
  if (error.message.includes(cause.message)) return '';
  return ` (${cause.message})`;
}
