/**
 * The lexical rules of every scalar type, in one place: one table from tag name to reader
 * (decoding) and the formatting helpers the writer uses (encoding). Spec digest §3 and §7.
 */
import { TypedValue, XmlRpcDateTime, type DateTimeFields, type XmlRpcValue } from '../core/values.js';

/** A scalar reader failed: the message says what the text should have been. */
export class ScalarError extends Error {}

/** What a scalar reader needs to know of the decode options. */
export interface ScalarContext {
  i8: 'bigint' | 'number';
  dateTime: 'date' | 'lossless';
  naiveTimeZone: 'UTC' | 'local';
}

export type BuiltinScalarReader = (text: string, ctx: ScalarContext) => XmlRpcValue;

const INT_RE = /^[+-]?[0-9]+$/;
const DOUBLE_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const NON_FINITE_RE = /^([+-]?)(?:(nan)|(inf|infinity))$/i;
const I8_MIN = -(2n ** 63n);
const I8_MAX = 2n ** 63n - 1n;

function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text);
}

// No whitespace inside numbers, booleans and dates: the spec says so (§3, 1/21/99 clarification).
function readInteger(text: string, bits: number, tag: string): number {
  const t = text;
  if (!INT_RE.test(t)) {
    throw new ScalarError(`<${tag}> must be an optional sign and ASCII digits, got ${shown(text)}`);
  }
  const n = Number(t);
  const limit = 2 ** (bits - 1);
  if (n < -limit || n > limit - 1) {
    throw new ScalarError(`<${tag}> ${t} is outside the ${bits}-bit range ${-limit}…${limit - 1}`);
  }
  return n === 0 ? 0 : n; // collapse -0
}

function readBigInteger(text: string, tag: string, bounded: boolean, ctx: ScalarContext): bigint | number {
  const t = text;
  if (!INT_RE.test(t)) {
    throw new ScalarError(`<${tag}> must be an optional sign and ASCII digits, got ${shown(text)}`);
  }
  // Small values (the common case) skip BigInt parsing of a string with a sign.
  const big = t.length <= 15 ? BigInt(Number(t)) : BigInt(t.charCodeAt(0) === 43 ? t.slice(1) : t);
  if (bounded && (big < I8_MIN || big > I8_MAX)) {
    throw new ScalarError(`<${tag}> ${t} is outside the 64-bit range`);
  }
  if (ctx.i8 === 'number' && big >= -9007199254740991n && big <= 9007199254740991n) return Number(big);
  return big;
}

function readDouble(text: string, tag: string): number {
  const t = text;
  if (DOUBLE_RE.test(t)) return Number(t);
  const m = NON_FINITE_RE.exec(t);
  if (m !== null) {
    if (m[2] !== undefined) return NaN;
    return m[1] === '-' ? -Infinity : Infinity;
  }
  throw new ScalarError(`<${tag}> must be a decimal number, got ${shown(text)}`);
}

function readBoolean(text: string): boolean {
  if (text === '1') return true;
  if (text === '0') return false;
  throw new ScalarError(`<boolean> must be 0 or 1, got ${shown(text)}`);
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_SPACES_RE = /[ \t\n\r]+/g;

/** Strict base64 (RFC 4648 alphabet, padding required); whitespace anywhere is ignored (MIME lines). */
export function readBase64(text: string): Buffer {
  // indexOf is a memchr; four of them beat one regex scan over megabytes.
  const t = text.indexOf('\n') >= 0 || text.indexOf(' ') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\t') >= 0
    ? text.replace(BASE64_SPACES_RE, '')
    : text;
  const bytes = Buffer.from(t, 'base64');
  // Canonical base64 (what every encoder writes) re-encodes to itself: one native round trip
  // checks alphabet, padding and length at once. Only other text takes the slow path.
  if (bytes.toString('base64') === t) return bytes;
  if (t.length % 4 !== 0 || !BASE64_RE.test(t)) {
    const bad = /[^A-Za-z0-9+/=]/.exec(t);
    if (bad !== null) {
      throw new ScalarError(`<base64> has the character ${JSON.stringify(bad[0])}, outside the base64 alphabet`);
    }
    throw new ScalarError('<base64> has bad padding or a length that is not a multiple of 4');
  }
  return bytes; // valid, with non-zero bits in the padding (tolerated, as by Python)
}

// Spec form and the variants real peers send (§3.5): basic or extended date, with or without
// time colons, optional fraction, optional zone.
const DATE_RE =
  /^(-?[0-9]{4})(?:-([0-9]{2})-([0-9]{2})|([0-9]{2})([0-9]{2}))T([0-9]{2})(?::([0-9]{2}):([0-9]{2})|([0-9]{2})([0-9]{2}))(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses a dateTime text into its fields, rejecting impossible dates. */
export function parseDateTime(text: string, tag = 'dateTime.iso8601'): DateTimeFields {
  const t = text;
  const m = DATE_RE.exec(t);
  if (m === null) {
    throw new ScalarError(`<${tag}> must look like 19980717T14:08:55, got ${shown(text)}`);
  }
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[4]);
  const day = Number(m[3] ?? m[5]);
  const hour = Number(m[6]);
  const minute = Number(m[7] ?? m[9]);
  const second = Number(m[8] ?? m[10]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (month < 1 || month > 12 || maxDay === undefined || day < 1 || day > maxDay) {
    throw new ScalarError(`<${tag}> ${shown(t)} is not a calendar date`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new ScalarError(`<${tag}> ${shown(t)} is not a time of day`);
  }
  let offsetMinutes: number | null = null;
  const zone = m[12];
  if (zone !== undefined) {
    if (zone === 'Z') offsetMinutes = 0;
    else {
      const hh = Number(zone.slice(1, 3));
      const mm = zone.length > 3 ? Number(zone.slice(zone.length - 2)) : 0;
      if (hh > 23 || mm > 59) throw new ScalarError(`<${tag}> ${shown(t)} has an impossible zone offset`);
      offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
    }
  }
  return { year, month, day, hour, minute, second, fraction: m[11] ?? '', offsetMinutes };
}

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** The spec form `YYYYMMDDTHH:MM:SS` read as UTC straight into a Date (the common case), or null. */
function specFormUtc(text: string): Date | null {
  if (text.length !== 17 || text.charCodeAt(8) !== 84 || text.charCodeAt(11) !== 58 || text.charCodeAt(14) !== 58) return null;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 4) * 10 + digit(text, 5);
  const day = digit(text, 6) * 10 + digit(text, 7);
  const hour = digit(text, 9) * 10 + digit(text, 10);
  const minute = digit(text, 12) * 10 + digit(text, 13);
  const second = digit(text, 15) * 10 + digit(text, 16);
  // NaN fails every comparison below, so a non-digit falls through to the full parser.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) {
    return null; // days 29-31 and years before 100 take the full path, which checks them
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function readDateTime(text: string, ctx: ScalarContext, tag: string): Date | XmlRpcDateTime {
  if (ctx.dateTime === 'date' && ctx.naiveTimeZone === 'UTC') {
    const fast = specFormUtc(text);
    if (fast !== null) return fast;
  }
  const dt = new XmlRpcDateTime(parseDateTime(text, tag));
  return ctx.dateTime === 'lossless' ? dt : dt.toDate(ctx.naiveTimeZone);
}

function readNil(text: string, tag: string): null {
  if (text !== '') throw new ScalarError(`<${tag}> must be empty`);
  return null;
}

function refused(tag: string, why: string): BuiltinScalarReader {
  return () => {
    throw new ScalarError(`<${tag}> is refused: ${why}`);
  };
}

/**
 * Tag name → reader. Adding a type is adding a row. `ex:` rows are Apache ws-xmlrpc's
 * extensions (spec digest §7.3); any prefix is accepted for them, as Python does.
 */
export const SCALAR_READERS: ReadonlyMap<string, BuiltinScalarReader> = new Map<string, BuiltinScalarReader>([
  ['string', (text) => text],
  ['int', (text) => readInteger(text, 32, 'int')],
  ['i4', (text) => readInteger(text, 32, 'i4')],
  ['boolean', (text) => readBoolean(text)],
  ['double', (text) => readDouble(text, 'double')],
  ['dateTime.iso8601', (text, ctx) => readDateTime(text, ctx, 'dateTime.iso8601')],
  ['base64', (text) => readBase64(text)],
  ['nil', (text) => readNil(text, 'nil')],
  ['i8', (text, ctx) => readBigInteger(text, 'i8', true, ctx)],
  ['ex:nil', (text) => readNil(text, 'ex:nil')],
  ['ex:i1', (text) => readInteger(text, 8, 'ex:i1')],
  ['ex:i2', (text) => readInteger(text, 16, 'ex:i2')],
  ['ex:i8', (text, ctx) => readBigInteger(text, 'ex:i8', true, ctx)],
  ['ex:float', (text) => readDouble(text, 'ex:float')],
  ['ex:biginteger', (text, ctx) => readBigInteger(text, 'ex:biginteger', false, ctx)],
  ['ex:bigdecimal', (text) => {
    if (!DOUBLE_RE.test(text)) throw new ScalarError(`<ex:bigdecimal> must be a decimal number, got ${shown(text)}`);
    return new TypedValue('bigdecimal', text);
  }],
  ['ex:dateTime', (text, ctx) => readDateTime(text, ctx, 'ex:dateTime')],
  ['ex:serializable', refused('ex:serializable', 'Java serialized objects are never deserialized')],
  ['ex:dom', refused('ex:dom', 'embedded DOM fragments are not supported')],
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

/** `YYYYMMDDTHH:MM:SS` of a Date's wall clock in the chosen zone, or null for an unwritable date. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

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
