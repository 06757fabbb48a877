/**
 * What the CLI prints: values for people (types visible where JSON would hide them), the exit
 * codes, and the one place that turns an error into a message on stderr and an exit code.
 */
import { AbortError, DecodeError, EncodeError, Fault, HttpError, NetworkError, TimeoutError } from '../core/errors.js';
import { isPlainObject, TypedValue, XmlRpcDateTime } from '../core/values.js';
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
 * Nesting levels that get their own indentation; deeper values are written on one line, so the
 * indentation of a deep response (the decoder allows 1000 levels) cannot multiply its size.
 */
export const MAX_INDENT_LEVELS = 16;

/** Where streamed text goes: `put` as often as you like, `end` once. */
export interface TextSink {
  put(text: string): void;
  end(): void;
}

/** A sink that passes text on to `write` in pieces of about `chunkChars`, never as one giant string. */
export function chunkedSink(write: (text: string) => void, chunkChars = 64 * 1024): TextSink {
  let buffer = '';
  return {
    put(text) {
      buffer += text;
      if (buffer.length >= chunkChars) {
        write(buffer);
        buffer = '';
      }
    },
    end() {
      if (buffer !== '') write(buffer);
      buffer = '';
    },
  };
}

/** The one-token form of a scalar for people, or `undefined` for an array or struct. */
function formatScalar(value: unknown): string | undefined {
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
    return formatScalar(value.type === 'i8' && typeof value.value === 'number' ? BigInt(value.value) : value.value);
  }
  if (Array.isArray(value) || value instanceof Map || isPlainObject(value)) return undefined;
  return String(value);
}

function entriesOf(value: unknown): Array<[string, unknown]> | undefined {
  if (value instanceof Map) return [...(value as Map<string, unknown>)];
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

/**
 * Writes a value for people to `sink`: strings quoted, integers and doubles bare, and the types
 * JSON lacks spelled out (`i8 9007199254740993`, `dateTime 19980717T14:08:55`,
 * `base64 aGk= (2 bytes)`, `nil`). `indent` prefixes continuation lines; nesting past
 * {@link MAX_INDENT_LEVELS} is written on one line.
 */
export function writeValue(sink: TextSink, value: unknown, indent = '', level = 0): void {
  const scalar = formatScalar(value);
  if (scalar !== undefined) return sink.put(scalar);
  const compact = level >= MAX_INDENT_LEVELS;
  const inner = compact ? '' : indent + '  ';
  const open = compact ? '' : '\n' + inner;
  const between = compact ? ', ' : '\n' + inner;
  const close = compact ? '' : '\n' + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return sink.put('[]');
    sink.put('[' + open);
    value.forEach((item, i) => {
      if (i > 0) sink.put(between);
      writeValue(sink, item, inner, level + 1);
    });
    return sink.put(close + ']');
  }
  const entries = entriesOf(value) ?? [];
  if (entries.length === 0) return sink.put('{}');
  sink.put('{' + open);
  entries.forEach(([k, v], i) => {
    sink.put((i > 0 ? between : '') + (IDENTIFIER.test(k) ? k : JSON.stringify(k)) + ': ');
    writeValue(sink, v, inner, level + 1);
  });
  sink.put(close + '}');
}

/** {@link writeValue} into a string, for small values (a line of a listing). */
export function formatValue(value: unknown, indent = ''): string {
  const parts: string[] = [];
  writeValue({ put: (text) => void parts.push(text), end: () => {} }, value, indent);
  return parts.join('');
}

/** Prints on `output` what `write` puts into its sink, streamed, then a newline. */
export function printStreamed(output: Output, write: (sink: TextSink) => void): void {
  const sink = chunkedSink((text) => output.out(text));
  write(sink);
  sink.put('\n');
  sink.end();
}

/** Prints a value for people on `output`, streamed, with a final newline. */
export function printValue(output: Output, value: unknown): void {
  printStreamed(output, (sink) => writeValue(sink, value));
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
 * An {@link Output} that keeps order across asynchronous text: {@link OrderedOutput.errLater}
 * queues text still being made (a traced body being inflated), and every write after it waits
 * its turn, so a trace still comes before the result it led to.
 */
export class OrderedOutput implements Output {
  private tail: Promise<void> | undefined;

  constructor(private readonly target: Output) {}

  /** Writes to standard output, after whatever is queued. */
  out(data: string | Uint8Array): void {
    this.write(() => this.target.out(data));
  }

  /** Writes to standard error, after whatever is queued. */
  err(text: string): void {
    this.write(() => this.target.err(text));
  }

  /** Writes `text` to standard error once it is made, in its turn; a failure to make it is dropped. */
  errLater(text: Promise<string>): void {
    this.track((this.tail ?? Promise.resolve()).then(() => text).then((t) => this.target.err(t), () => undefined));
  }

  /** Resolves once everything queued has been written. */
  async drained(): Promise<void> {
    while (this.tail !== undefined) await this.tail;
  }

  private write(write: () => void): void {
    if (this.tail === undefined) write();
    else this.track(this.tail.then(write));
  }

  private track(work: Promise<void>): void {
    this.tail = work;
    void work.then(() => {
      if (this.tail === work) this.tail = undefined;
    });
  }
}

/** Writes text that is still being made to standard error, in order where `output` keeps order. */
export function errInOrder(output: Output, text: Promise<string>): void {
  if (output instanceof OrderedOutput) output.errLater(text);
  else void text.then((t) => output.err(t), () => undefined);
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
  // The client's message names the cause's code when it has already said what the cause means.
  if (typeof cause.code === 'string' && cause.code !== '' && error.message.includes(cause.code)) return '';
  return ` (${cause.message})`;
}
