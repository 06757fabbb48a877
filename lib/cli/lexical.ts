/**
 * The text forms the CLI accepts for each scalar type, in one table, shared by the typed
 * argument syntax (args.ts) and the tagged JSON form (json.ts). Each reader returns the value
 * to encode or throws a {@link LexicalError} saying what is wrong and where in the text.
 * The grammars and ranges are the codec's (lib/codec/scalars.ts), imported, never copied; only
 * the CLI's own spellings (true/false, hex bytes, inferred numbers) and its messages live here.
 */
import { asBigDecimal, asDouble, XmlRpcDateTime, type XmlRpcValue } from '../index.js';
import { cut, excerpt } from '../core/excerpt.js';
import {
  I8_MAX, I8_MIN, INT32_MAX, INT32_MIN, INTEGER_RE, ScalarError, decodeBase64, integerInRange, int32Of, isDecimalText, parseDateTime,
  parseNonFinite,
} from '../codec/scalars.js';

/** Bad scalar text; `offset` is where in the text the problem starts (0 for the whole text). */
export class LexicalError extends Error {
  constructor(message: string, readonly offset = 0) {
    super(message);
    this.name = 'LexicalError';
  }
}

const shown = (text: string): string => excerpt(text);

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
  const n = int32Of(text);
  if (n === undefined) {
    throw new LexicalError(`${cut(text)} is outside the int range (${INT32_MIN} to ${INT32_MAX}); use I/ for a 64-bit <i8>`);
  }
  return n;
}

/** `<i8>`: a 64-bit integer, as a bigint (exact beyond 2^53). */
export function readI8(text: string): bigint {
  if (!INTEGER_RE.test(text)) throw integerProblem(text);
  const n = integerInRange(text, I8_MIN, I8_MAX);
  if (n === undefined) throw new LexicalError(`${cut(text)} is outside the 64-bit range of <i8>`);
  return n;
}

/** `<double>`: decimal or exponent notation, or Python's `nan`/`inf`/`-inf` spellings. */
export function readDouble(text: string): XmlRpcValue {
  const special = parseNonFinite(text);
  if (special !== undefined) return asDouble(special);
  if (!isDecimalText(text)) {
    if (text === '') throw new LexicalError('expected a number, found nothing');
    throw new LexicalError(`${shown(text)} is not a number; write e.g. 1.5, -2, 6.02e23, nan or inf`);
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new LexicalError(`${cut(text)} is too large for a double`);
  return asDouble(n);
}

/**
 * A received `<double>` kept as a double (so `2.0` is not shown as the integer 2), under the
 * codec's rules: decimal or exponent text, Python's non-finite spellings; `1e400` is infinity.
 */
export function readReceivedDouble(text: string): XmlRpcValue {
  const special = parseNonFinite(text);
  if (special !== undefined) return asDouble(special);
  if (!isDecimalText(text)) throw new LexicalError(`<double> must be a decimal number, got ${shown(text)}`);
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
export function readBase64(text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch (e) {
    if (!(e instanceof ScalarError)) throw e;
    const bad = firstBad(text, /[A-Za-z0-9+/= \t\r\n]/);
    if (bad >= 0) throw new LexicalError(`${JSON.stringify(text[bad])} is not a base64 character`, bad);
    throw new LexicalError(`${shown(text)} is not valid base64 (length or padding is wrong)`);
  }
}

/** `ex:bigdecimal`: exact decimal text (the codec's decimal grammar, exponent allowed), sent as `<double>`. */
export function readBigDecimal(text: string): XmlRpcValue {
  if (!isDecimalText(text)) {
    throw new LexicalError(`${shown(text)} is not decimal text (digits with an optional point and exponent)`);
  }
  return asBigDecimal(text);
}

/**
 * `<dateTime.iso8601>`: the spec form `19980717T14:08:55`, or `1998-07-17T14:08:55`, with an
 * optional `.fraction` and zone (`Z`, `+02:00`). Sent as written (naive unless a zone is given).
 */
export function readDateTime(text: string): XmlRpcDateTime {
  try {
    return new XmlRpcDateTime(parseDateTime(text));
  } catch (e) {
    if (!(e instanceof ScalarError)) throw e;
    const at = e.offset;
    switch (e.field) {
      case 'month': throw new LexicalError(`month ${text.slice(at, at + 2)} does not exist`, at);
      case 'day': {
        const extended = text[at - 1] === '-';
        const monthAt = at - 2 - (extended ? 1 : 0);
        const year = text.slice(0, monthAt - (extended ? 1 : 0));
        throw new LexicalError(`day ${text.slice(at, at + 2)} does not exist in ${year}-${text.slice(monthAt, monthAt + 2)}`, at);
      }
      case 'time': throw new LexicalError(`${shown(text)} has a time of day that does not exist`, at);
      case 'zone': throw new LexicalError(`time zone ${cut(text.slice(at))} does not exist`, at);
      default: throw new LexicalError(`${shown(text)} is not a date-time; write YYYYMMDDTHH:MM:SS, e.g. 19980717T14:08:55`);
    }
  }
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
    const small = int32Of(text);
    if (small !== undefined) return small;
    const n = integerInRange(text, I8_MIN, I8_MAX);
    if (n !== undefined) return n;
    throw new LexicalError(`${cut(text)} is too large for any XML-RPC integer; write s/… to send it as a string or d/… as a double`);
  }
  if (/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new LexicalError(`${cut(text)} is too large for a double; write s/… to send it as a string`);
    return asDouble(n);
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}
