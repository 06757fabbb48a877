/**
 * Values → XML. The writer builds strings directly (the hot path); `pretty: true` indents
 * the result for people reading documents (see {@link indentXml}).
 */
import { EncodeError } from '../core/errors.js';
import { excerpt } from '../core/excerpt.js';
import { formatPath } from '../core/paths.js';
import { TypedValue, XmlRpcDateTime } from '../core/values.js';
import { resolveEncodeOptions, type EncodeOptions, type ResolvedEncodeOptions } from './options.js';
import { messageOf } from '../core/message.js';
import { stringRun } from '#fast-paths';
import {
  I8_MAX, I8_MIN, INT32_MAX, INT32_MIN, encodeBase64, formatDate, formatDouble, formatNonFinite, isDecimalText, isXmlChar, parseDateTime,
} from './scalars.js';

// Characters needing an escape, plus every UTF-16 unit that may be a character XML 1.0 cannot
// carry (surrogates, C0 controls, U+FFFE/F): the slow path tells them apart with isXmlChar.
const NEEDS_ESCAPE_RE = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

type WriteFn = (w: Writer, value: never) => void;

/**
 * A failure on its way up: each container it leaves adds its key, and the entry point turns it
 * into an {@link EncodeError} with the whole path. Building the path only when something fails
 * keeps key bookkeeping off the hot path (every member and element).
 */
class Failure {
  readonly keys: (string | number)[] = [];
  constructor(
    readonly detail: string,
    /** What application code threw (a getter, a Proxy trap, a TypeEncoder), when that is the failure. */
    readonly cause?: unknown,
  ) {}
}

/** Adds `key` to what is thrown through a container, made a {@link Failure} first if it is not one. */
function through(e: unknown, key: string | number): Failure {
  const failure = asFailure(e);
  failure.keys.push(key);
  return failure;
}

/**
 * `e` as a failure. An error that did not come from the writer is the stack running out (the
 * writer recurses once per level, so a maxDepth raised far enough exhausts V8's stack first),
 * or application code run while reading the value (a getter, a Proxy trap, a TypeEncoder)
 * throwing; the latter keeps what was thrown as `cause`, so the EncodeError can still say where.
 */
function asFailure(e: unknown): Failure {
  if (e instanceof Failure) return e;
  if (e instanceof RangeError && e.message.includes('call stack')) return new Failure(STACK_EXHAUSTED);
  return new Failure(`reading the value threw: ${messageOf(e)}`, e);
}

const STACK_EXHAUSTED = 'the value is nested too deep for the call stack; lower maxDepth';

/** Runs one encode; a failure anywhere in it becomes an EncodeError naming the path. */
function run(opts: ResolvedEncodeOptions, body: (w: Writer) => void): string {
  const w = new Writer(opts);
  try {
    body(w);
  } catch (e) {
    const failure = asFailure(e);
    let detail = failure.detail;
    if (detail === STACK_EXHAUSTED) {
      // Shallow: not deep data, but encoders handing each other values without end.
      detail = w.depth >= 100 ? `${detail} (reached at depth ${w.depth})`
        : `the call stack ran out at a nesting depth of only ${w.depth}: do TypeEncoders return values to encode again without end?`;
    }
    // Keys were added innermost first, on the way up.
    throw new EncodeError(detail, formatPath([...failure.keys].reverse()), failure.cause === undefined ? undefined : { cause: failure.cause });
  }
  return w.text();
}

/** Holds the output and the state of one encode: the open containers (for cycles and depth). */
class Writer {
  /** The piece being written; every writer appends here. */
  out = '';
  /** What was written before `out`, kept as a few flat pieces (see {@link settle}). */
  private written = '';
  private readonly open: object[] = [];

  constructor(readonly opts: ResolvedEncodeOptions) {}

  /**
   * Moves `out` into `written` once it passes 8 KiB. Reading a character flattens the rope of
   * small appends into one flat string while it is small: without it the final string is a rope
   * of millions of pieces, and the collector spent 70% of the encode walking it (profiled).
   */
  settle(): void {
    if (this.out.length > 8192) {
      this.out.charCodeAt(0);
      this.written += this.out;
      this.out = '';
    }
  }

  /** Everything written. */
  text(): string {
    return this.written + this.out;
  }

  /** Containers open now (after a stack overflow: where it happened, as none was closed). */
  get depth(): number {
    return this.open.length;
  }

  fail(detail: string): Failure {
    return new Failure(detail);
  }

  enterContainer(obj: object): void {
    if (this.open.includes(obj)) throw this.fail('a cycle: this value contains itself');
    if (this.open.length >= this.opts.maxDepth) {
      throw this.fail(`arrays and structs nested deeper than ${this.opts.maxDepth} (maxDepth)`);
    }
    this.open.push(obj);
  }

  leaveContainer(): void {
    this.open.pop();
  }

  escape(text: string): string {
    return NEEDS_ESCAPE_RE.test(text) ? this.escapeSlow(text) : text;
  }

  private escapeSlow(text: string): string {
    let out = '';
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Most characters, above '>' and below the surrogates, need nothing: one test skips them.
      if (c > 62 && c < 0xd800) continue;
      let rep: string;
      if (c === 38) rep = '&amp;';
      else if (c === 60) rep = '&lt;';
      else if (c === 62) rep = '&gt;';
      else if (c === 13) rep = '&#13;'; // a raw CR would arrive as LF (XML 1.0 §2.11)
      else if (c < 32) {
        if (isXmlChar(c)) continue;
        throw this.fail(`the character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i} is not allowed in XML; send bytes as a Uint8Array`);
      } else if (c < 0xd800) continue;
      else if (c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
        throw this.fail(`a lone surrogate U+${c.toString(16).toUpperCase()} at index ${i} is not a character`);
      } else if (c <= 0xdfff) {
        throw this.fail(`a lone surrogate U+${c.toString(16).toUpperCase()} at index ${i} is not a character`);
      } else if (c >= 0xfffe) {
        // U+FFFE/U+FFFF, the only non-characters (by isXmlChar) a code unit can still be here.
        throw this.fail(`the character U+${c.toString(16).toUpperCase()} at index ${i} is not allowed in XML`);
      } else continue;
      // Appended piece by piece, empty slices skipped: fewer and smaller rope nodes (A/B).
      if (i > from) out += text.slice(from, i);
      out += rep;
      from = i + 1;
    }
    // Nothing replaced (the test matched surrogate pairs only): the text as it is.
    return from === 0 ? text : out + text.slice(from);
  }

  /**
   * Writes one value by its JS type. A `switch` on `typeof` compiles to type checks and direct
   * calls; the table lookup it replaced was a megamorphic keyed load and an indirect call per
   * value (10 % of an encode of 10,000 structs, profiled).
   */
  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return writeString(this, v);
      case 'number':
        return writeNumber(this, v);
      case 'object':
        return writeObject(this, v);
      case 'boolean':
        return writeBoolean(this, v);
      case 'bigint':
        return writeI8(this, v);
      case 'undefined':
        throw this.fail('undefined cannot be encoded; use null for <nil/>');
      default:
        return writeFromTypes(this, v);
    }
  }
}

function writeInt(w: Writer, n: number): void {
  w.out += `<value><int>${n}</int></value>`;
}

function writeDouble(w: Writer, n: number): void {
  if (!Number.isFinite(n)) {
    if (!w.opts.allowNonFinite) {
      throw w.fail(`${n} cannot be sent: XML-RPC has no NaN or Infinity (see allowNonFinite)`);
    }
    w.out += `<value><double>${formatNonFinite(n)}</double></value>`;
    return;
  }
  w.out += `<value><double>${formatDouble(n)}</double></value>`;
}

function writeI8(w: Writer, n: bigint): void {
  if (n < I8_MIN || n > I8_MAX) throw w.fail(`${excerpt(String(n))} is outside the 64-bit range of <i8>`);
  w.out += `<value><i8>${n}</i8></value>`;
}

function writeNumber(w: Writer, n: number): void {
  if (Number.isInteger(n)) {
    if (n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0)) return writeInt(w, n);
    // Beyond 2^53 a whole number is a float that lost its fraction, never an exact integer.
    if (Object.is(n, -0) || !Number.isSafeInteger(n)) return writeDouble(w, n);
    switch (w.opts.largeIntegers) {
      case 'i8':
        return writeI8(w, BigInt(n));
      case 'double':
        return writeDouble(w, n);
      default:
        throw w.fail(`${n} is outside the int32 range of <int>; pass a bigint or asDouble(), or set largeIntegers`);
    }
  }
  writeDouble(w, n);
}

function writeString(w: Writer, s: string): void {
  w.out += `<value><string>${w.escape(s)}</string></value>`;
}

function writeBoolean(w: Writer, b: boolean): void {
  w.out += b ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
}

function writeNil(w: Writer): void {
  if (!w.opts.allowNil) throw w.fail('null cannot be sent: allowNil is false');
  w.out += '<value><nil/></value>';
}

function writeDate(w: Writer, d: Date): void {
  const text = formatDate(d, w.opts.dateTimeZone);
  if (text === null) throw w.fail('an invalid Date, or a year outside 0…9999, cannot be sent');
  w.out += `<value><dateTime.iso8601>${text}</dateTime.iso8601></value>`;
}

function writeDateTime(w: Writer, d: XmlRpcDateTime): void {
  const text = d.toString();
  // Its fields are public: check them with the decoder's own rule, so nothing invalid goes out.
  try {
    parseDateTime(text);
  } catch (e) {
    throw w.fail(`an XmlRpcDateTime with impossible fields (${e instanceof Error ? e.message : String(e)})`);
  }
  w.out += `<value><dateTime.iso8601>${text}</dateTime.iso8601></value>`;
}

function writeBytes(w: Writer, b: Uint8Array): void {
  w.out += `<value><base64>${encodeBase64(b)}</base64></value>`;
}

function writeArray(w: Writer, a: readonly unknown[]): void {
  w.enterContainer(a);
  w.out += '<value><array><data>';
  // Outside browser bundles, long arrays write their strings through a buffer (fast-paths.ts);
  // what it declines, and everything else, is written here, after what it holds.
  const run = stringRun(a.length);
  let i = 0;
  try {
    for (; i < a.length; i++) {
      const item = a[i];
      if (run !== undefined) {
        if (typeof item === 'string' && run.add(item)) continue;
        if (run.pending) w.out += run.take();
      }
      if (item === undefined) throw w.fail('undefined cannot be an array element; use null for <nil/>');
      w.value(item);
      w.settle();
    }
  } catch (e) {
    throw through(e, i);
  }
  w.out += (run === undefined ? '' : run.take()) + '</data></array></value>';
  w.leaveContainer();
}

// `<member><name>NAME</name>` for the member names seen so far: a struct array repeats a few
// names thousands of times, and this skips their escape check and the temporary string. Once
// full it stays as it is (no eviction): names seen later are escaped each time, as without it.
const MEMBER_OPENINGS = new Map<string, string>();
const MEMBER_OPENINGS_MAX = 1024;
const MEMBER_NAME_CACHED_MAX = 64;

function memberOpening(w: Writer, name: string): string {
  let opening = MEMBER_OPENINGS.get(name);
  if (opening === undefined) {
    opening = `<member><name>${w.escape(name)}</name>`;
    if (name.length <= MEMBER_NAME_CACHED_MAX && MEMBER_OPENINGS.size < MEMBER_OPENINGS_MAX) MEMBER_OPENINGS.set(name, opening);
  }
  return opening;
}

function writeMember(w: Writer, name: string, v: unknown): void {
  if (v === undefined) return; // an optional property left out, as JSON does
  try {
    w.out += memberOpening(w, name);
    w.value(v);
  } catch (e) {
    throw through(e, name);
  }
  w.out += '</member>';
  w.settle();
}

function writeStruct(w: Writer, o: Record<string, unknown>): void {
  w.enterContainer(o);
  w.out += '<value><struct>';
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    let v: unknown;
    try {
      v = o[key]; // a getter is application code
    } catch (e) {
      throw through(e, key);
    }
    writeMember(w, key, v);
  }
  w.out += '</struct></value>';
  w.leaveContainer();
}

function writeMap(w: Writer, m: Map<unknown, unknown>): void {
  w.enterContainer(m);
  w.out += '<value><struct>';
  for (const [key, v] of m) {
    if (typeof key !== 'string') throw w.fail(`a Map key must be a string to be a struct member name, got ${typeof key}`);
    writeMember(w, key, v);
  }
  w.out += '</struct></value>';
  w.leaveContainer();
}

function writeTyped(w: Writer, t: TypedValue): void {
  const v = t.value;
  const wrong = (): Failure => w.fail(`a TypedValue of type ${t.type} cannot hold ${v === null ? 'null' : typeof v}`);
  switch (t.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
        throw w.fail(`asInt(${String(v)}) is not an integer in the int32 range`);
      }
      return writeInt(w, v === 0 ? 0 : v);
    case 'i8':
      if (typeof v === 'bigint') return writeI8(w, v);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return writeI8(w, BigInt(v));
      throw w.fail(`asI8(${String(v)}) needs a bigint or a safe integer`);
    case 'double':
      if (typeof v !== 'number') throw wrong();
      return writeDouble(w, v);
    case 'string':
      if (typeof v !== 'string') throw wrong();
      return writeString(w, v);
    case 'boolean':
      if (typeof v !== 'boolean') throw wrong();
      return writeBoolean(w, v);
    case 'base64':
      if (typeof v === 'string') return writeBytes(w, UTF8.encode(v));
      if (v instanceof Uint8Array) return writeBytes(w, v);
      throw wrong();
    case 'dateTime.iso8601':
      if (v instanceof Date) return writeDate(w, v);
      if (v instanceof XmlRpcDateTime) return writeDateTime(w, v);
      throw wrong();
    case 'nil':
      return writeNil(w);
    case 'bigdecimal':
      // The decoder's own grammar: what it accepts as ex:bigdecimal, the writer writes back.
      if (typeof v !== 'string' || !isDecimalText(v)) {
        throw w.fail(`asBigDecimal(${typeof v === 'string' ? excerpt(v) : typeof v}) needs decimal text`);
      }
      w.out += `<value><double>${v}</double></value>`;
      return;
    default:
      throw w.fail(`unknown TypedValue type ${String(t.type)}`);
  }
}

function writeObject(w: Writer, o: object | null): void {
  if (o === null) return writeNil(w);
  // By prototype, not by `o.constructor`: a struct may have a member named "constructor".
  const proto = Object.getPrototypeOf(o) as object | null;
  if (proto === Object.prototype || proto === null) return writeStruct(w, o as Record<string, unknown>);
  if (proto === Date.prototype) return writeDate(w, o as Date);
  if (Array.isArray(o)) return writeArray(w, o);
  const write = OBJECT_WRITERS.get(proto) as WriteFn | undefined;
  if (write !== undefined) return write(w, o as never);
  if (writeWithTypes(w, o)) return;
  if (o instanceof Uint8Array) return writeBytes(w, o);
  if (o instanceof ArrayBuffer) return writeBytes(w, new Uint8Array(o));
  if (o instanceof Date) return writeDate(w, o);
  if (o instanceof Map) return writeMap(w, o);
  const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'object';
  throw w.fail(`an instance of ${name} cannot be encoded; register a TypeEncoder for it`);
}

/** Writes `v` with the first registered TypeEncoder that matches it; false when none does. */
function writeWithTypes(w: Writer, v: unknown): boolean {
  for (const t of w.opts.types) {
    if (t.match(v)) {
      const encoded = t.encode(v);
      // Its result is written like any value: one the same encoder matches again would recurse forever.
      if (encoded === v || t.match(encoded)) throw w.fail('a TypeEncoder returned a value that it matches itself (it would be encoded again forever)');
      w.value(encoded);
      return true;
    }
  }
  return false;
}

function writeFromTypes(w: Writer, v: unknown): void {
  if (!writeWithTypes(w, v)) throw w.fail(`a ${typeof v} cannot be encoded`);
}

/**
 * A value encoded already, written as it is (not exported from the package: only our own code
 * makes one, from the encoder's output). The server uses it for multicall slots, which it
 * encodes one by one so that a slot that cannot be encoded becomes a fault in its place.
 */
export class EncodedValue {
  /** `xml` is a `<value>…</value>` fragment that {@link encodeValue} wrote, compact. */
  constructor(readonly xml: string) {}
}

function writeEncoded(w: Writer, v: EncodedValue): void {
  w.out += v.xml;
}

/** Prototype → writer, for the other objects of the value model (the fast, exact-class path). */
const OBJECT_WRITERS = new Map<object, WriteFn>([
  [Date.prototype, writeDate],
  [Uint8Array.prototype, writeBytes],
  [Map.prototype, writeMap],
  [TypedValue.prototype, writeTyped],
  [XmlRpcDateTime.prototype, writeDateTime],
  [EncodedValue.prototype, writeEncoded],
]);

const UTF8 = new TextEncoder();
const DECLARATION = '<?xml version="1.0"?>';

function finish(body: string, opts: ResolvedEncodeOptions): string {
  if (opts.pretty) return (opts.declaration ? DECLARATION + '\n' : '') + indentXml(body) + '\n';
  return opts.declaration ? DECLARATION + body : body;
}

/**
 * Indents this writer's own compact output: whitespace goes only between structural tags,
 * where the spec makes it insignificant (§2.3); leaf elements keep their text on one line.
 * (xmlbuilder2 was measured for this and rejected: it loses `&#13;` and writes `<string/>`.)
 */
export function indentXml(xml: string): string {
  const tokens: string[] = [];
  // Tags and the text between them, by indexOf: our own output, but a regex here was quadratic.
  for (let i = 0; i < xml.length; ) {
    const end = xml.charCodeAt(i) === 60 ? xml.indexOf('>', i) + 1 : xml.indexOf('<', i);
    const stop = end <= 0 ? xml.length : end;
    tokens.push(xml.slice(i, stop));
    i = stop;
  }
  let out = '';
  let depth = 0;
  let inline = false; // the last token opened a leaf or was text: the end tag stays on its line
  for (const tok of tokens) {
    if (tok.charCodeAt(0) !== 60) {
      out += tok;
      inline = true;
    } else if (tok.charCodeAt(1) === 47) {
      depth--;
      out += inline ? tok : '\n' + '  '.repeat(depth) + tok;
      inline = false;
    } else {
      out += (out === '' ? '' : '\n') + '  '.repeat(depth) + tok;
      if (tok.charCodeAt(tok.length - 2) === 47) inline = false;
      else {
        depth++;
        inline = true;
      }
    }
  }
  return out;
}

function writeParams(w: Writer, params: readonly unknown[]): void {
  w.out += '<params>';
  let i = 0;
  try {
    for (; i < params.length; i++) {
      w.out += '<param>';
      w.value(params[i]);
      w.out += '</param>';
    }
  } catch (e) {
    throw through(through(e, i), 'params');
  }
  w.out += '</params>';
}

/**
 * Encodes a `<methodCall>` of `methodName` with positional `params`.
 * @example
 * ```ts
 * import { encodeCall } from 'xmlrpc-ts';
 *
 * const xml: string = encodeCall('sample.add', [2, 3]);
 * // <?xml version="1.0"?><methodCall><methodName>sample.add</methodName><params><param><value><int>2</int></value></param>…
 * ```
 * @group Codec
 */
export function encodeCall(methodName: string, params: readonly unknown[] = [], options?: EncodeOptions): string {
  const opts = resolveEncodeOptions(options);
  if (typeof methodName !== 'string' || methodName === '') throw new EncodeError('the method name must be a non-empty string', 'methodName');
  if (!Array.isArray(params)) throw new EncodeError('params must be an array (positional parameters)', 'params');
  const body = run(opts, (w) => {
    try {
      w.out = `<methodCall><methodName>${w.escape(methodName)}</methodName>`;
    } catch (e) {
      throw through(e, 'methodName');
    }
    writeParams(w, params);
    w.out += '</methodCall>';
  });
  return finish(body, opts);
}

/**
 * Encodes a successful `<methodResponse>` carrying one value.
 * @group Codec
 */
export function encodeResponse(value: unknown, options?: EncodeOptions): string {
  const opts = resolveEncodeOptions(options);
  const body = run(opts, (w) => {
    w.out = '<methodResponse>';
    writeParams(w, [value]);
    w.out += '</methodResponse>';
  });
  return finish(body, opts);
}

/**
 * Encodes a fault response. A string faultCode (not spec-conforming) is written as a string.
 * @group Codec
 */
export function encodeFault(fault: { faultCode: number | string; faultString: string }, options?: EncodeOptions): string {
  const opts = resolveEncodeOptions(options);
  if (typeof fault !== 'object' || fault === null) throw new EncodeError('the fault must be an object { faultCode, faultString }', 'fault');
  const { faultCode, faultString } = fault;
  if (typeof faultCode === 'number') {
    if (!Number.isInteger(faultCode) || faultCode < INT32_MIN || faultCode > INT32_MAX) {
      throw new EncodeError(`faultCode ${String(faultCode)} is not an int32`, 'fault.faultCode');
    }
  } else if (typeof faultCode !== 'string') throw new EncodeError('faultCode must be an integer', 'fault.faultCode');
  if (typeof faultString !== 'string') throw new EncodeError('faultString must be a string', 'fault.faultString');
  const body = run(opts, (w) => {
    w.out = '<methodResponse><fault><value><struct><member><name>faultCode</name>';
    try {
      if (typeof faultCode === 'number') writeInt(w, faultCode);
      else writeString(w, faultCode);
    } catch (e) {
      throw through(through(e, 'faultCode'), 'fault');
    }
    w.out += '</member><member><name>faultString</name>';
    try {
      writeString(w, faultString);
    } catch (e) {
      throw through(through(e, 'faultString'), 'fault');
    }
    w.out += '</member></struct></value></fault></methodResponse>';
  });
  return finish(body, opts);
}

/**
 * Encodes one value as a `<value>…</value>` fragment (no declaration).
 * @group Codec
 */
export function encodeValue(value: unknown, options?: EncodeOptions): string {
  const opts = resolveEncodeOptions(options);
  const text = run(opts, (w) => w.value(value));
  return opts.pretty ? indentXml(text) : text;
}
