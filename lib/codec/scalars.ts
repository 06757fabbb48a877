/**
 * The lexical rules of every scalar type, in one place: the grammars and ranges (int, i8,
 * double, dateTime, base64, boolean), the characters XML cannot carry, one table from tag name
 * to reader (decoding) and the formatting helpers the writer uses (encoding). Spec digest §3
 * and §7. The CLI and the docs page import these rules; they never copy them.
 *
 * Every regular expression here runs in linear time (spec-tests/core/regex.test.js checks it),
 * and numbers are range-checked on their digits before any conversion, so a 16 Mi-digit scalar
 * costs one pass, never BigInt parsing of the whole text.
 */
import { excerpt } from '../core/excerpt.js';
import { TypedValue, XmlRpcDateTime, type DateTimeFields, type XmlRpcValue } from '../core/values.js';
// Node gets its own byte buffers' codec here; every other runtime the portable module (package.json `imports`).
import { NATIVE_BASE64 } from '#native-base64';
// Speed-only shortcuts; browser bundles get stubs that always decline (package.json `imports`).
import { decodeBase64Lines, specFormUtc } from '#fast-paths';

/** Which part of a date-time is impossible, for callers that phrase their own message (the CLI). */
export type DateTimeField = 'month' | 'day' | 'time' | 'zone';

/** A scalar reader failed: the message says what the text should have been; `offset` says where in it. */
export class ScalarError extends Error {
  /** Where in the scalar's text the problem starts (0: the whole text). */
  declare readonly offset: number;
  /** For a well-formed but impossible date-time: the field that is wrong. */
  declare readonly field: DateTimeField | undefined;
  /** Builds the error; `offset` is where in the scalar's text the problem starts (0: the whole text). */
  constructor(message: string, offset = 0, field?: DateTimeField) {
    super(message);
    this.name = 'ScalarError';
    this.offset = offset;
    this.field = field;
  }
}

/** What a scalar reader needs to know of the decode options. */
export interface ScalarContext {
  /** `<i8>` and oversize `<int>`: bigint always, or a number when it is a safe integer. */
  i8: 'bigint' | 'number';
  /** `<int>`/`<i4>` beyond int32: read like `<i8>`, or refused. */
  oversizeInt: 'i8' | 'error';
  /** `<dateTime.iso8601>` as a `Date` or an {@link XmlRpcDateTime}. */
  dateTime: 'date' | 'lossless';
  /** The zone a naive date-time is read in. */
  naiveTimeZone: 'UTC' | 'local';
}

/** A built-in scalar reader: the element's text, the decode context and its table key (the tag its messages name) in, the value out. */
export type BuiltinScalarReader = (text: string, ctx: ScalarContext, tag: string) => XmlRpcValue;

// ---------------------------------------------------------------------------------------------
// Grammars and ranges

/** The smallest `<int>`/`<i4>`. */
export const INT32_MIN = -2147483648;
/** The largest `<int>`/`<i4>`. */
export const INT32_MAX = 2147483647;
/** The smallest `<i8>`. */
export const I8_MIN = -(2n ** 63n);
/** The largest `<i8>`. */
export const I8_MAX = 2n ** 63n - 1n;

/** An integer's text: an optional sign and ASCII digits (no spaces: spec §3). */
export const INTEGER_RE = /^[+-]?[0-9]+$/;
/**
 * A decimal number: digits with an optional point, or a point and digits, then an optional
 * exponent (Python and Java send exponents; the spec's own form has none). Each digit run has
 * one way to match, so a failing match is linear (the `[0-9]+\.?[0-9]*` it replaced was not).
 */
export const DECIMAL_RE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const NON_FINITE_RE = /^([+-]?)(?:(nan)|(inf|infinity))$/i;
/** Largest `ex:biginteger` read, in digits: BigInt parsing is quadratic in the length. */
export const MAX_BIGINTEGER_DIGITS = 4096;

/** True when `text` is an integer by {@link INTEGER_RE}. */
export function isIntegerText(text: string): boolean {
  return INTEGER_RE.test(text);
}

/** True when `text` is a decimal number by {@link DECIMAL_RE} (no nan/inf). */
export function isDecimalText(text: string): boolean {
  return DECIMAL_RE.test(text);
}

/** Python's spellings of the non-finite doubles (`nan`, `inf`, `-infinity`…, any case), or undefined. */
export function parseNonFinite(text: string): number | undefined {
  if (text.length > 9) return undefined;
  const m = NON_FINITE_RE.exec(text);
  if (m === null) return undefined;
  if (m[2] !== undefined) return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Digits of an integer text (valid by {@link INTEGER_RE}) without sign and leading zeros. */
function significantDigits(text: string): number {
  let i = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0;
  while (i < text.length - 1 && text.charCodeAt(i) === 48) i++;
  return text.length - i;
}

/**
 * The value of an integer text when it lies in `[min, max]`, else undefined. The digits are
 * counted before anything is converted: a text too long for the range costs no BigInt parse.
 */
export function integerInRange(text: string, min: bigint, max: bigint): bigint | undefined {
  const limitDigits = Math.max(String(min).length - 1, String(max).length);
  if (significantDigits(text) > limitDigits) return undefined;
  const n = BigInt(text.charCodeAt(0) === 43 ? text.slice(1) : text);
  return n < min || n > max ? undefined : n;
}

/** A number within int32, read from an integer text (valid by {@link INTEGER_RE}), or undefined. */
export function int32Of(text: string): number | undefined {
  if (significantDigits(text) > 10) return undefined;
  const n = Number(text);
  return n < INT32_MIN || n > INT32_MAX ? undefined : n === 0 ? 0 : n; // collapse -0
}

function notInteger(tag: string, text: string): ScalarError {
  return new ScalarError(`<${tag}> must be an optional sign and ASCII digits, got ${excerpt(text)}`);
}

function readInteger(text: string, bits: number, tag: string): number {
  if (!INTEGER_RE.test(text)) throw notInteger(tag, text);
  const limit = 2 ** (bits - 1);
  const n = bits === 32 ? int32Of(text) : significantDigits(text) > 5 ? undefined : Number(text);
  if (n === undefined || n < -limit || n > limit - 1) {
    throw new ScalarError(`<${tag}> ${excerpt(text)} is outside the ${bits}-bit range ${-limit}…${limit - 1}`);
  }
  return n === 0 ? 0 : n;
}

function asI8Policy(big: bigint, ctx: ScalarContext): bigint | number {
  if (ctx.i8 === 'number' && big >= -9007199254740991n && big <= 9007199254740991n) return Number(big);
  return big;
}

/** `<int>`/`<i4>`: int32; beyond it (Ruby sends 64-bit values so) read like `<i8>` unless refused. */
function readInt(text: string, ctx: ScalarContext, tag: string): number | bigint {
  if (!INTEGER_RE.test(text)) throw notInteger(tag, text);
  const n = int32Of(text);
  if (n !== undefined) return n;
  const big = ctx.oversizeInt === 'i8' ? integerInRange(text, I8_MIN, I8_MAX) : undefined;
  if (big === undefined) {
    const range = ctx.oversizeInt === 'i8' ? 'the 64-bit range' : `the 32-bit range ${INT32_MIN}…${INT32_MAX} (oversizeInt is 'error')`;
    throw new ScalarError(`<${tag}> ${excerpt(text)} is outside ${range}`);
  }
  return asI8Policy(big, ctx);
}

function readBigInteger(text: string, tag: string, bounded: boolean, ctx: ScalarContext): bigint | number {
  if (!INTEGER_RE.test(text)) throw notInteger(tag, text);
  // Small values (the common case) skip BigInt parsing of a string with a sign.
  if (text.length <= 15) return asI8Policy(BigInt(Number(text)), ctx);
  if (bounded) {
    const big = integerInRange(text, I8_MIN, I8_MAX);
    if (big === undefined) throw new ScalarError(`<${tag}> ${excerpt(text)} is outside the 64-bit range`);
    return asI8Policy(big, ctx);
  }
  if (significantDigits(text) > MAX_BIGINTEGER_DIGITS) {
    throw new ScalarError(`<${tag}> ${excerpt(text)} has more than ${MAX_BIGINTEGER_DIGITS} digits`);
  }
  return asI8Policy(BigInt(text.charCodeAt(0) === 43 ? text.slice(1) : text), ctx);
}

function readDouble(text: string, _ctx: unknown, tag: string): number {
  if (DECIMAL_RE.test(text)) return Number(text);
  const special = parseNonFinite(text);
  if (special !== undefined) return special;
  throw new ScalarError(`<${tag}> must be a decimal number, got ${excerpt(text)}`);
}

function readBoolean(text: string): boolean {
  if (text === '1') return true;
  if (text === '0') return false;
  throw new ScalarError(`<boolean> must be 0 or 1, got ${excerpt(text)}`);
}

// ---------------------------------------------------------------------------------------------
// base64 (RFC 4648): atob/btoa everywhere, the runtime's native codec for large values where it
// has one (`#native-base64`: lib/codec/native-base64.ts, on Node lib/node/native-base64.ts).

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_SPACES_RE = /[ \t\n\r]+/g;

/** `bytes` as base64 text, padded, on one line. */
export function encodeBase64(bytes: Uint8Array): string {
  if (NATIVE_BASE64 !== undefined) return NATIVE_BASE64.encode(bytes);
  // btoa takes one byte a character; spread in chunks, under the engines' argument limits.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

/**
 * Strict base64 (RFC 4648 alphabet, padding required) to bytes; whitespace anywhere is ignored
 * (MIME lines). Non-zero bits in the padding are tolerated, as by Python.
 */
export function decodeBase64(text: string): Uint8Array {
  if (NATIVE_BASE64 !== undefined && text.length > 1024) {
    const lined = decodeBase64Lines(text, NATIVE_BASE64, paddingOf);
    if (lined !== undefined) return lined;
  }
  const t = text.indexOf('\n') >= 0 || text.indexOf(' ') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\t') >= 0
    ? text.replace(BASE64_SPACES_RE, '')
    : text;
  const len = t.length;
  if (len % 4 !== 0) throw base64Problem(t);
  if (NATIVE_BASE64 !== undefined && len > 1024) {
    // Canonical base64 (what every encoder writes) re-encodes to itself: one native round trip
    // checks alphabet, padding and length at once (a regex over megabytes is several times
    // slower). Anything else, or a native reader that throws, takes the general path below,
    // whose error says what is wrong and where.
    let bytes: Uint8Array | undefined;
    try {
      bytes = NATIVE_BASE64.decode(t);
    } catch {
      bytes = undefined;
    }
    if (bytes !== undefined && NATIVE_BASE64.encode(bytes) === t) return bytes;
  }
  // After the strip and the length check above, atob (forgiving-base64) accepts what the strict
  // reader does but a form feed, which it skips as white space: the byte count catches that.
  let binary: string;
  try {
    binary = atob(t);
  } catch {
    throw base64Problem(t);
  }
  const out = new Uint8Array((len / 4) * 3 - paddingOf(t));
  if (binary.length !== out.length) throw base64Problem(t);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** How many "=" end a base64 text: 0, 1 or 2. */
function paddingOf(text: string): number {
  return text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
}

function base64Problem(t: string): ScalarError {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 61 && i >= t.length - 2) continue;
    if (BASE64_ALPHABET.indexOf(String.fromCharCode(c)) < 0) {
      return new ScalarError(`<base64> has the character ${JSON.stringify(t[i])}, outside the base64 alphabet`, i);
    }
  }
  return new ScalarError('<base64> has bad padding or a length that is not a multiple of 4');
}

// ---------------------------------------------------------------------------------------------
// dateTime

// Spec form and the variants real peers send (§3.5): basic or extended date, with or without
// time colons, optional fraction, optional zone.
const DATE_RE =
  /^(-?[0-9]{4})(?:-([0-9]{2})-([0-9]{2})|([0-9]{2})([0-9]{2}))T([0-9]{2})(?::([0-9]{2}):([0-9]{2})|([0-9]{2})([0-9]{2}))(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1–12) of `year`, leap years counted. */
export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1] ?? 0;
}

/** Parses a dateTime text into its fields, rejecting impossible dates; `offset` in the error says where. */
export function parseDateTime(text: string, tag = 'dateTime.iso8601'): DateTimeFields {
  const m = DATE_RE.exec(text);
  if (m === null) {
    throw new ScalarError(`<${tag}> must look like 19980717T14:08:55, got ${excerpt(text)}`);
  }
  const extended = m[2] !== undefined;
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[4]);
  const day = Number(m[3] ?? m[5]);
  const hour = Number(m[6]);
  const minute = Number(m[7] ?? m[9]);
  const second = Number(m[8] ?? m[10]);
  const yearEnd = m[1]!.length;
  if (month < 1 || month > 12) throw new ScalarError(`<${tag}> ${excerpt(text)} is not a calendar date`, yearEnd + (extended ? 1 : 0), 'month');
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new ScalarError(`<${tag}> ${excerpt(text)} is not a calendar date`, yearEnd + (extended ? 4 : 2), 'day');
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new ScalarError(`<${tag}> ${excerpt(text)} is not a time of day`, text.indexOf('T') + 1, 'time');
  }
  let offsetMinutes: number | null = null;
  const zone = m[12];
  if (zone !== undefined) {
    if (zone === 'Z') offsetMinutes = 0;
    else {
      const hh = Number(zone.slice(1, 3));
      const mm = zone.length > 3 ? Number(zone.slice(zone.length - 2)) : 0;
      if (hh > 23 || mm > 59) throw new ScalarError(`<${tag}> ${excerpt(text)} has an impossible zone offset`, text.length - zone.length, 'zone');
      offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
    }
  }
  return { year, month, day, hour, minute, second, fraction: m[11] ?? '', offsetMinutes };
}

function readDateTime(text: string, ctx: ScalarContext, tag: string): Date | XmlRpcDateTime {
  if (ctx.dateTime === 'date' && ctx.naiveTimeZone === 'UTC') {
    const fast = specFormUtc(text);
    if (fast !== null) return fast;
  }
  const dt = new XmlRpcDateTime(parseDateTime(text, tag));
  return ctx.dateTime === 'lossless' ? dt : dt.toDate(ctx.naiveTimeZone);
}

function readNil(text: string, _ctx: unknown, tag: string): null {
  if (text !== '') throw new ScalarError(`<${tag}> must be empty`);
  return null;
}

function readBigDecimal(text: string): TypedValue {
  if (!DECIMAL_RE.test(text)) throw new ScalarError(`<ex:bigdecimal> must be a decimal number, got ${excerpt(text)}`);
  return new TypedValue('bigdecimal', text);
}

function refused(why: string): BuiltinScalarReader {
  return (_text, _ctx, tag) => {
    throw new ScalarError(`<${tag}> is refused: ${why}`);
  };
}

function readI8(text: string, ctx: ScalarContext, tag: string): bigint | number {
  return readBigInteger(text, tag, true, ctx);
}

/**
 * Tag name → reader. Adding a type is adding a row. `ex:` rows are Apache ws-xmlrpc's
 * extensions (spec digest §7.3); any prefix is accepted for them, as Python does.
 */
export const SCALAR_READERS: ReadonlyMap<string, BuiltinScalarReader> = new Map<string, BuiltinScalarReader>([
  ['string', (text) => text],
  ['int', readInt],
  ['i4', readInt],
  ['boolean', readBoolean],
  ['double', readDouble],
  ['dateTime.iso8601', readDateTime],
  ['base64', decodeBase64],
  ['nil', readNil],
  ['i8', readI8],
  ['ex:nil', readNil],
  ['ex:i1', (text, _ctx, tag) => readInteger(text, 8, tag)],
  ['ex:i2', (text, _ctx, tag) => readInteger(text, 16, tag)],
  ['ex:i8', readI8],
  ['ex:float', readDouble],
  ['ex:biginteger', (text, ctx, tag) => readBigInteger(text, tag, false, ctx)],
  ['ex:bigdecimal', readBigDecimal],
  ['ex:dateTime', readDateTime],
  ['ex:serializable', refused('Java serialized objects are never deserialized')],
  ['ex:dom', refused('embedded DOM fragments are not supported')],
]);

/** Apache extension names that may carry any namespace prefix. */
const EX_NAMES = new Set(['nil', 'i1', 'i2', 'i8', 'float', 'biginteger', 'bigdecimal', 'dateTime', 'serializable', 'dom']);

/** The table key for a type element name: `x:i8` is read as `ex:i8`; other names as they are. */
export function scalarKey(tag: string): string {
  const colon = tag.indexOf(':');
  if (colon < 0) return tag;
  const local = tag.slice(colon + 1);
  return EX_NAMES.has(local) ? 'ex:' + local : tag;
}

// ---------------------------------------------------------------------------------------------
// Characters (XML 1.0 §2.2)

/** Characters XML 1.0 forbids, raw or as references, within the BMP (C0 controls but tab, LF, CR; U+FFFE, U+FFFF). */
export const ILLEGAL_XML_CHAR_RE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

/** Whether a code point may appear in an XML 1.0 document (XML 1.0 §2.2 `Char`). */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * A double in the spec's decimal-point notation (no exponent): the shortest digits that
 * round-trip, expanded. Whole values get `.0`, and -0 keeps its sign.
 */
export function formatDouble(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s.indexOf('.') < 0 ? s + '.0' : s;
  const negative = s.charCodeAt(0) === 45;
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length) + '.0';
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return negative ? '-' + out : out;
}

/** Python's spelling of the values the spec cannot write. */
export function formatNonFinite(n: number): string {
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

/** `YYYYMMDDTHH:MM:SS` of a Date's wall clock in the chosen zone, or null for an unwritable date. */
export function formatDate(date: Date, zone: 'UTC' | 'local'): string | null {
  if (Number.isNaN(date.getTime())) return null;
  if (zone === 'local') {
    const dt = XmlRpcDateTime.fromDate(date, zone);
    return dt.year < 0 || dt.year > 9999 ? null : dt.toString();
  }
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  return (year >= 1000 ? String(year) : String(year).padStart(4, '0')) +
    TWO_DIGITS[date.getUTCMonth() + 1]! + TWO_DIGITS[date.getUTCDate()]! + 'T' +
    TWO_DIGITS[date.getUTCHours()]! + ':' + TWO_DIGITS[date.getUTCMinutes()]! + ':' + TWO_DIGITS[date.getUTCSeconds()]!;
}
