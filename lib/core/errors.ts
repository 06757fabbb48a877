/**
 * Every error a user of xmlrpc-ts can catch. Each has a stable string `code`
 * (`ERR_XMLRPC_…`) to switch on; wrapped errors keep theirs as `cause`.
 */

/**
 * Where in a document something was found: 0-based offset, 1-based line and column. For bytes
 * that are invalid in their encoding (the text could not be decoded) they count bytes of the
 * input instead (UTF-16 columns count code units), and the message says so.
 * @group Errors
 */
export interface DocumentPosition {
  /** 0-based offset into the decoded document text, in UTF-16 code units (bytes of the input for an invalid byte). */
  offset: number;
  /** 1-based line number; lines end at `\n`. */
  line: number;
  /** 1-based column within the line, in UTF-16 code units (bytes for an invalid byte). */
  column: number;
}

/** A path shortened for messages (the `path` property keeps it whole). */
function shortPath(path: string): string {
  return path.length <= 160 ? path : `${path.slice(0, 60)}…(${path.length - 120} characters)…${path.slice(-60)}`;
}

/**
 * The base of every error this package throws: switch on `code` (stable), or test `instanceof XmlRpcError`.
 * @group Errors
 */
export abstract class XmlRpcError extends Error {
  /** A stable machine-readable code, `ERR_XMLRPC_…`. */
  abstract readonly code: string;
}

/**
 * A fault response: the remote method failed (spec §5). Sent by a server, thrown by a client.
 * @example
 * ```ts
 * import { Client, createServer, Fault } from 'xmlrpc-ts';
 *
 * // In a handler: throw a Fault to answer with a fault response.
 * const server = createServer().addMethod('sample.checkAge', (age: number) => {
 *   if (age < 0) throw new Fault(4, `age must not be negative, got ${age}`);
 *   return true;
 * });
 * // In a client: a fault response rejects with a Fault.
 * const client = new Client('http://127.0.0.1:8000/RPC2');
 * try {
 *   await client.call('sample.checkAge', [-1]);
 * } catch (error) {
 *   if (error instanceof Fault) console.log(error.faultCode, error.faultString);
 * } finally {
 *   await client.close();
 * }
 * void server;
 * ```
 * @group Errors
 */
export class Fault extends XmlRpcError {
  /** Always `'ERR_XMLRPC_FAULT'`; the remote code is {@link Fault.faultCode}. */
  override readonly code = 'ERR_XMLRPC_FAULT';
  /** The fault code; an integer as the spec says, or the string a non-conforming peer sent. */
  declare readonly faultCode: number | string;
  /** The fault's message text. */
  declare readonly faultString: string;

  /** A fault with the given code and text; thrown from a method handler, the server sends it as the fault response. */
  constructor(faultCode: number | string, faultString: string, options?: { cause?: unknown }) {
    super(`Fault ${String(faultCode)}: ${faultString}`, options);
    this.name = 'Fault';
    this.faultCode = faultCode;
    this.faultString = faultString;
  }

  /** Python's spelling, `<Fault 7: 'seven'>`: a fault is an answer, not a crash, so no stack. */
  override toString(): string {
    const quoted = this.faultString.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n');
    return `<Fault ${String(this.faultCode)}: '${quoted}'>`;
  }

  /** `console.log` and `util.inspect` (Node, Deno, Bun) show {@link Fault.toString}'s text, not a stack trace. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Why a document could not be decoded.
 * @group Errors
 */
export type DecodeErrorReason =
  /** Not well-formed XML: syntax, undefined entity, illegal character, bad bytes, encoding, empty, junk after root. */
  | 'xml'
  /** A DOCTYPE: refused before anything is expanded or fetched. */
  | 'dtd'
  /** Well-formed XML that is not an XML-RPC message of the expected kind. */
  | 'structure'
  /** A scalar's text is invalid or out of range, or a type element is unknown. */
  | 'value'
  /** A safety limit was reached (size, depth, count, length). */
  | 'limit';

/**
 * A document could not be decoded; `reason`, `path` and `position` say why and where.
 * @group Errors
 */
export class DecodeError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_DECODE'`. */
  override readonly code = 'ERR_XMLRPC_DECODE';
  /** What kind of problem it is; see {@link DecodeErrorReason}. */
  declare readonly reason: DecodeErrorReason;
  /** Where in the message, e.g. `params[1][3].id`; `""` at document level. */
  declare readonly path: string;
  /** Where in the text, when the reader knows it. */
  declare readonly position: DocumentPosition | undefined;
  /** The message without the location suffix. */
  declare readonly detail: string;
  /**
   * For reason `'xml'`: `'encoding'` when the declared encoding is not supported,
   * `'character'` for bytes or characters invalid in the encoding or in XML, else `'syntax'`.
   * Servers map these to the interop fault codes -32701, -32702 and -32700.
   */
  declare readonly xmlKind: 'syntax' | 'encoding' | 'character' | undefined;

  /** The message is `detail` followed by the path and the line and column, when known. */
  constructor(
    reason: DecodeErrorReason,
    detail: string,
    path = '',
    position?: DocumentPosition,
    options?: { cause?: unknown; xmlKind?: 'syntax' | 'encoding' | 'character' },
  ) {
    const at = path === '' ? '' : ` at ${shortPath(path)}`;
    super(position === undefined ? detail + at : `${detail}${at} (line ${position.line}, column ${position.column})`, options);
    this.name = 'DecodeError';
    this.reason = reason;
    this.detail = detail;
    this.path = path;
    this.position = position;
    this.xmlKind = reason === 'xml' ? (options?.xmlKind ?? 'syntax') : undefined;
  }
}

/**
 * A value could not be encoded; `path` names it, e.g. `params[0].user.photo`.
 * @group Errors
 */
export class EncodeError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_ENCODE'`. */
  override readonly code = 'ERR_XMLRPC_ENCODE';
  /** Where the offending value is, e.g. `params[0].user.photo`; `""` for the top-level value. */
  declare readonly path: string;
  /** The message without the location suffix. */
  declare readonly detail: string;

  /** The message is `detail`, followed by `at` and the path when there is one. */
  constructor(detail: string, path: string, options?: { cause?: unknown }) {
    super(path === '' ? detail : `${detail} at ${shortPath(path)}`, options);
    this.name = 'EncodeError';
    this.detail = detail;
    this.path = path;
  }
}

/**
 * The server answered with an HTTP status other than 200, or a body that is not XML-RPC.
 * @group Errors
 */
export class HttpError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_HTTP'`. */
  override readonly code = 'ERR_XMLRPC_HTTP';
  /** The HTTP status code; 200 when the status was fine but the body was not XML-RPC or could not be inflated. */
  declare readonly status: number;
  /** The response headers: lower-case names, repeated ones joined with `, `; `{}` when a server reports a request it refused. */
  declare readonly headers: Record<string, string>;
  /** The first KiB of the body, decoded as text. */
  declare readonly body: string;

  /** `body` is kept as given, so pass an excerpt rather than a whole large body. */
  constructor(message: string, status: number, headers: Record<string, string>, body: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/**
 * A time limit passed: `phase` says which one (connect, headers, body, call).
 * @group Errors
 */
export class TimeoutError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_TIMEOUT'`. */
  override readonly code = 'ERR_XMLRPC_TIMEOUT';
  /** Which limit passed: `connectTimeout`, `headersTimeout`, `bodyTimeout` or the whole call's `timeout`. */
  declare readonly phase: 'connect' | 'headers' | 'body' | 'call';
  /** The limit that passed, in milliseconds. */
  declare readonly timeoutMs: number;

  /** The message names the phase and the limit, e.g. `XML-RPC call timeout after 5000 ms`. */
  constructor(phase: 'connect' | 'headers' | 'body' | 'call', timeoutMs: number, options?: { cause?: unknown }) {
    super(`XML-RPC ${phase} timeout after ${timeoutMs} ms`, options);
    this.name = 'TimeoutError';
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The call was cancelled through its `AbortSignal`.
 * @group Errors
 */
export class AbortError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_ABORTED'`. */
  override readonly code = 'ERR_XMLRPC_ABORTED';

  /** `cause` is usually the signal's `reason`. */
  constructor(message = 'XML-RPC call aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * The connection failed (refused, reset, DNS, TLS); `cause` holds undici's or Node's error.
 * @group Errors
 */
export class NetworkError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_NETWORK'`. */
  override readonly code = 'ERR_XMLRPC_NETWORK';

  /** `cause` is the underlying error, when there is one. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/**
 * An option had an unknown name, a value of the wrong type, or a value out of its range.
 * @group Errors
 */
export class OptionError extends XmlRpcError {
  /** Always `'ERR_XMLRPC_INVALID_OPTION'`. */
  override readonly code = 'ERR_XMLRPC_INVALID_OPTION';
  /** The option's name as given, with its owner, e.g. `Client options.timeoutMs`. */
  declare readonly option: string;

  /** `option` names the option and where it was given; the message says what was wrong. */
  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OptionError';
    this.option = option;
  }
}
