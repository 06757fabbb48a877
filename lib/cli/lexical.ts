/**
 * The text forms the CLI accepts for each scalar type, in one table, shared by the typed
 * argument syntax (args.ts) and the tagged JSON form (json.ts). Each reader returns the value
 * to encode or throws a {@link LexicalError} saying what is wrong and where in the text.
 */
import { asBigDecimal, asDouble, XmlRpcDateTime, type XmlRpcValue } from '../index.js';

/** Bad scalar text; `offset` is where in the text the problem starts (0 for the whole text). */
export class LexicalError extends Error {
  constructor(message: string, readonly offset = 0) {
    super(message);
    this.name = 'LexicalError';
  }
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const I8_MIN = -(2n ** 63n);
const I8_MAX = 2n ** 63n - 1n;

const INTEGER_RE = /^[+-]?[0-9]+$/;
// Plain decimals as XML-RPC writes them, plus exponents (Python sends them).
const DECIMAL_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const NON_FINITE: Readonly<Record<string, number>> = {
  nan: NaN, '+nan': NaN, '-nan': NaN,
  inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity,
  '-inf': -Infinity, '-infinity': -Infinity,
};
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? text.slice(0, 37) + '...' : text);
}

/** Offset of the first character of `text` that is not in `allowed`, or -1. */
function firstBad(text: string, allowed: RegExp): number {
  for (let i = 0; i < text.length; i++) if (!allowed.test(text[i] as string)) return i;
  return -1;
}

function integerProblem(text: string): LexicalError {
  if (text === '') return new LexicalError('expected an integer, found nothing');
  const start = text[0] === '+' || text[0] === '-' ? 1 : 0;
  const bad = firstBad(text.slice(start), /[0-9]/);
  return new LexicalError(`${shown(text)} is not an integer`, bad < 0 ? 0 : start + bad);
}

/** `<int>`: a 32-bit integer. */
export function readInt(text: string): number {
  if (!INTEGER_RE.test(text)) throw integerProblem(text);
  const n = BigInt(text);
  if (n < INT32_MIN || n > INT32_MAX) {
    throw new LexicalError(`${text} is outside the int range (-2147483648 to 2147483647); use I/ for a 64-bit <i8>`);
  }
  return Number(n);
}

/** `<i8>`: a 64-bit integer, as a bigint (exact beyond 2^53). */
export function readI8(text: string): bigint {
  if (!INTEGER_RE.test(text)) throw integerProblem(text);
  const n = BigInt(text);
  if (n < I8_MIN || n > I8_MAX) throw new LexicalError(`${text} is outside the 64-bit range of <i8>`);
  return n;
}

/** `<double>`: decimal or exponent notation, or Python's `nan`/`inf`/`-inf` spellings. */
export function readDouble(text: string): XmlRpcValue {
  const special = NON_FINITE[text.toLowerCase()];
  if (special !== undefined) return asDouble(special);
  if (!DECIMAL_RE.test(text)) {
    if (text === '') throw new LexicalError('expected a number, found nothing');
    throw new LexicalError(`${shown(text)} is not a number; write e.g. 1.5, -2, 6.02e23, nan or inf`);
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new LexicalError(`${text} is too large for a double`);
  return asDouble(n);
}

/**
 * A received `<double>` kept as a double (so `2.0` is not shown as the integer 2), under the
 * codec's rules: decimal or exponent text, Python's non-finite spellings; `1e400` is infinity.
 */
export function readReceivedDouble(text: string): XmlRpcValue {
  const special = NON_FINITE[text.toLowerCase()];
  if (special !== undefined) return asDouble(special);
  if (!DECIMAL_RE.test(text)) throw new LexicalError(`<double> must be a decimal number, got ${shown(text)}`);
  return asDouble(Number(text));
}

/** `<boolean>`: true/false, t/f (xmlrpc-c's spellings) or 1/0. */
export function readBoolean(text: string): boolean {
  switch (text.toLowerCase()) {
    case 'true': case 't': case '1': return true;
    case 'false': case 'f': case '0': return false;
  }
  throw new LexicalError(`${shown(text)} is not a boolean; write true, false, t, f, 1 or 0`);
}

/** `<nil/>`: takes no text. */
export function readNil(text: string): null {
  if (text !== '') throw new LexicalError(`nil takes no value, found ${shown(text)}`);
  return null;
}

/** `<base64>` from hexadecimal digits, two per byte (xmlrpc-c's `h/`). */
export function readHex(text: string): Buffer {
  const bad = firstBad(text, /[0-9A-Fa-f]/);
  if (bad >= 0) throw new LexicalError(`${JSON.stringify(text[bad])} is not a hexadecimal digit`, bad);
  if (text.length % 2 !== 0) throw new LexicalError(`hexadecimal bytes need an even number of digits, found ${text.length}`);
  return Buffer.from(text, 'hex');
}

/** `<base64>` from base64 text (standard alphabet, padded); whitespace is ignored as in the spec. */
export function readBase64(text: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (!BASE64_RE.test(compact)) {
    const bad = firstBad(text, /[A-Za-z0-9+/= \t\r\n]/);
    if (bad >= 0) throw new LexicalError(`${JSON.stringify(text[bad])} is not a base64 character`, bad);
    throw new LexicalError(`${shown(text)} is not valid base64 (length or padding is wrong)`);
  }
  return Buffer.from(compact, 'base64');
}

/** `ex:bigdecimal`: exact decimal text without exponent, sent as `<double>`. */
export function readBigDecimal(text: string): XmlRpcValue {
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) {
    throw new LexicalError(`${shown(text)} is not decimal text (digits with an optional point, no exponent)`);
  }
  return asBigDecimal(text);
}

// YYYYMMDDTHH:MM:SS (spec) or YYYY-MM-DDTHH:MM:SS, optional fraction and zone.
const DATE_TIME_RE =
  /^([0-9]{4})(-?)([0-9]{2})\2([0-9]{2})T([0-9]{2}):?([0-9]{2}):?([0-9]{2})(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * `<dateTime.iso8601>`: the spec form `19980717T14:08:55`, or `1998-07-17T14:08:55`, with an
 * optional `.fraction` and zone (`Z`, `+02:00`). Sent as written (naive unless a zone is given).
 */
export function readDateTime(text: string): XmlRpcDateTime {
  const m = DATE_TIME_RE.exec(text);
  if (m === null) {
    throw new LexicalError(`${shown(text)} is not a date-time; write YYYYMMDDTHH:MM:SS, e.g. 19980717T14:08:55`);
  }
  const [year, month, day, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6], m[7]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) throw new LexicalError(`month ${m[3]} does not exist`, m[2] === '' ? 4 : 5);
  if (day < 1 || day > daysIn(year, month)) throw new LexicalError(`day ${m[4]} does not exist in ${year}-${m[3]}`, m[2] === '' ? 6 : 8);
  if (hour > 23 || minute > 59 || second > 59) throw new LexicalError(`${shown(text)} has a time of day that does not exist`, text.indexOf('T') + 1);
  let offsetMinutes: number | null = null;
  const zone = m[9];
  if (zone === 'Z') offsetMinutes = 0;
  else if (zone !== undefined) {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 23 || minutes > 59) throw new LexicalError(`time zone ${zone} does not exist`, text.length - zone.length);
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return new XmlRpcDateTime({ year, month, day, hour, minute, second, fraction: m[8] ?? '', offsetMinutes });
}

/** A typed scalar reader: the text after `TYPE/` in, the value out. */
export type ScalarRead = (text: string) => XmlRpcValue;

/**
 * Type names of the typed argument syntax (xmlrpc-c's short names first) to their readers.
 * Adding a type is adding a row here.
 */
export const SCALAR_TYPES: ReadonlyMap<string, ScalarRead> = new Map<string, ScalarRead>([
  ['i', readInt], ['int', readInt], ['i4', readInt],
  ['I', readI8], ['i8', readI8],
  ['d', readDouble], ['double', readDouble],
  ['b', readBoolean], ['bool', readBoolean], ['boolean', readBoolean],
  ['s', (text) => text], ['string', (text) => text],
  ['n', readNil], ['nil', readNil],
  ['h', readHex], ['hex', readHex],
  ['base64', readBase64],
  ['t', readDateTime], ['dateTime', readDateTime],
]);

/** Container type names of the typed argument syntax. */
export const CONTAINER_TYPES: ReadonlySet<string> = new Set(['array', 'struct']);

/**
 * What an untyped value stands for when types are inferred: JSON-style numbers (an integer
 * is `<int>`, or `<i8>` beyond 32 bits; a fraction or exponent makes a `<double>`), `true` and
 * `false`; anything else is a string. A leading zero (`007`) keeps it a string.
 */
export function inferUntyped(text: string): XmlRpcValue {
  if (/^-?(?:0|[1-9][0-9]*)$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT32_MIN && n <= INT32_MAX) return Number(n);
    if (n >= I8_MIN && n <= I8_MAX) return n;
    throw new LexicalError(`${text} is too large for any XML-RPC integer; write s/${text} to send it as a string or d/${text} as a double`);
  }
  if (/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new LexicalError(`${text} is too large for a double; write s/${text} to send it as a string`);
    return asDouble(n);
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}
