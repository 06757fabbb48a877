/**
 * The XML-RPC value model: what JavaScript values stand for which XML-RPC types.
 * docs/values.md has the full table and the reasons behind each choice.
 */

/**
 * A decoded XML-RPC struct: a plain object whose keys are own data properties.
 * @group Values
 */
export interface XmlRpcStruct {
  [member: string]: XmlRpcValue;
}

/**
 * An XML-RPC array.
 * @group Values
 */
export type XmlRpcArray = XmlRpcValue[];

/**
 * Every value the codec can encode or may return from decoding.
 * - `string` is `<string>`; `boolean` is `<boolean>`; `null` is `<nil/>`.
 * - `number` is `<int>` when it is an integer in the int32 range, else `<double>`.
 * - `bigint` is `<i8>`; `Date` and {@link XmlRpcDateTime} are `<dateTime.iso8601>`.
 * - `Uint8Array` (Node's byte buffers included: they are one) is `<base64>`.
 * - arrays are `<array>`; plain objects and `Map<string, …>` are `<struct>`.
 * - {@link TypedValue} forces a type (see {@link asDouble} and friends).
 * @group Values
 */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | bigint
  | null
  | Date
  | Uint8Array
  | XmlRpcDateTime
  | TypedValue
  | XmlRpcValue[]
  | XmlRpcStruct
  | Map<string, XmlRpcValue>;

/**
 * The names of XML-RPC scalar types that a {@link TypedValue} can force.
 * @group Values
 */
export type ScalarTypeName =
  | 'int'
  | 'i8'
  | 'double'
  | 'boolean'
  | 'string'
  | 'base64'
  | 'dateTime.iso8601'
  | 'nil'
  | 'bigdecimal';

/**
 * A value with its XML-RPC type fixed by the caller, e.g. a whole number that must
 * travel as `<double>`. Also what `ex:bigdecimal` decodes to (its exact decimal text).
 * @group Values
 */
export class TypedValue {
  // `declare`: fields set in the constructor are not emitted twice (bundle size).
  /** The XML-RPC type to write. */
  declare readonly type: ScalarTypeName;
  /** The value: a number, bigint, string, boolean, Uint8Array, Date or null, by type. */
  declare readonly value: number | bigint | string | boolean | Uint8Array | Date | XmlRpcDateTime | null;

  /** Pairs a value with the type to write; a value that does not fit the type is refused when encoding. */
  constructor(type: ScalarTypeName, value: number | bigint | string | boolean | Uint8Array | Date | XmlRpcDateTime | null) {
    this.type = type;
    this.value = value;
  }
}

/**
 * Forces `<int>` (32-bit checked when encoding).
 * @group Values
 */
export function asInt(value: number): TypedValue {
  return new TypedValue('int', value);
}
/**
 * Forces `<i8>` (64-bit checked when encoding), from a number or a bigint.
 * @group Values
 */
export function asI8(value: number | bigint): TypedValue {
  return new TypedValue('i8', value);
}
/**
 * Forces `<double>`, so `asDouble(5)` is written `5.0`.
 * @group Values
 */
export function asDouble(value: number): TypedValue {
  return new TypedValue('double', value);
}
/**
 * Forces `<string>`.
 * @group Values
 */
export function asString(value: string): TypedValue {
  return new TypedValue('string', value);
}
/**
 * Forces `<boolean>`.
 * @group Values
 */
export function asBoolean(value: boolean): TypedValue {
  return new TypedValue('boolean', value);
}
/**
 * Forces `<base64>`; a string is taken as UTF-8 text to encode.
 * @group Values
 */
export function asBase64(value: Uint8Array | string): TypedValue {
  return new TypedValue('base64', value);
}
/**
 * Forces `<dateTime.iso8601>`.
 * @group Values
 */
export function asDateTime(value: Date | XmlRpcDateTime): TypedValue {
  return new TypedValue('dateTime.iso8601', value);
}
/**
 * `<nil/>`: the same as `null`, spelled out.
 * @group Values
 */
export function asNil(): TypedValue {
  return new TypedValue('nil', null);
}
/**
 * An exact decimal, as Apache's `ex:bigdecimal`; written as `<double>` with the exact text.
 * @group Values
 */
export function asBigDecimal(text: string): TypedValue {
  return new TypedValue('bigdecimal', text);
}

/**
 * The fields of a date-time as written on the wire.
 * @group Values
 */
export interface DateTimeFields {
  /** The year, e.g. `1998` (written as four digits). */
  year: number;
  /** The month, 1–12 (not 0-based as in `Date`). */
  month: number;
  /** The day of the month, from 1. */
  day: number;
  /** The hour, 0–23. */
  hour: number;
  /** The minute, 0–59. */
  minute: number;
  /** The whole second, 0–59; parts of a second are in `fraction`. */
  second: number;
  /** Fraction-of-second digits as sent (`"250000"` for `.250000`), or `""`. */
  fraction: string;
  /** Offset from UTC in minutes, or `null` for a naive (floating) time as the spec has it. */
  offsetMinutes: number | null;
}

/**
 * A lossless XML-RPC date-time: the fields as sent, naive or zoned. Decoding returns it
 * instead of `Date` with `{ dateTime: 'lossless' }`.
 * @group Values
 */
export class XmlRpcDateTime implements DateTimeFields {
  /** The year, e.g. `1998` (written as four digits). */
  declare readonly year: number;
  /** The month, 1–12 (not 0-based as in `Date`). */
  declare readonly month: number;
  /** The day of the month, from 1. */
  declare readonly day: number;
  /** The hour, 0–23. */
  declare readonly hour: number;
  /** The minute, 0–59. */
  declare readonly minute: number;
  /** The whole second, 0–59; parts of a second are in `fraction`. */
  declare readonly second: number;
  /** Fraction-of-second digits as sent (`"250000"` for `.250000`), or `""`. */
  declare readonly fraction: string;
  /** Offset from UTC in minutes, or `null` for a naive (floating) time as the spec has it. */
  declare readonly offsetMinutes: number | null;

  /** Copies the fields as given; they are not checked here, but encoding refuses impossible ones. */
  constructor(fields: DateTimeFields) {
    this.year = fields.year;
    this.month = fields.month;
    this.day = fields.day;
    this.hour = fields.hour;
    this.minute = fields.minute;
    this.second = fields.second;
    this.fraction = fields.fraction;
    this.offsetMinutes = fields.offsetMinutes;
  }

  /** Whether the time carries no zone (the spec's form). */
  get naive(): boolean {
    return this.offsetMinutes === null;
  }

  /**
   * The instant this stands for. A naive time is read in `naiveTimeZone`
   * (`'UTC'` by default, or `'local'`); milliseconds beyond the third fraction digit are dropped.
   */
  toDate(naiveTimeZone: 'UTC' | 'local' = 'UTC'): Date {
    const ms = this.fraction === '' ? 0 : Number((this.fraction + '00').slice(0, 3));
    if (this.offsetMinutes === null && naiveTimeZone === 'local') {
      const d = new Date(2000, 0, 1, this.hour, this.minute, this.second, ms);
      d.setFullYear(this.year, this.month - 1, this.day);
      return d;
    }
    const offsetMs = (this.offsetMinutes ?? 0) * 60_000;
    // Date.UTC reads years 0-99 as 1900-1999; only those need the slower path.
    if (this.year >= 100) {
      return new Date(Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second, ms) - offsetMs);
    }
    const d = new Date(Date.UTC(2000, this.month - 1, this.day, this.hour, this.minute, this.second, ms));
    d.setUTCFullYear(this.year);
    return new Date(d.getTime() - offsetMs);
  }

  /** The spec form `YYYYMMDDTHH:MM:SS`, followed by `.fraction` and the zone when they were sent. */
  toString(): string {
    let s =
      pad(this.year, 4) + pad(this.month, 2) + pad(this.day, 2) + 'T' +
      pad(this.hour, 2) + ':' + pad(this.minute, 2) + ':' + pad(this.second, 2);
    if (this.fraction !== '') s += '.' + this.fraction;
    if (this.offsetMinutes !== null) {
      if (this.offsetMinutes === 0) return s + 'Z';
      const abs = Math.abs(this.offsetMinutes);
      s += (this.offsetMinutes < 0 ? '-' : '+') + pad(Math.floor(abs / 60), 2) + ':' + pad(abs % 60, 2);
    }
    return s;
  }

  /** The same date-time as a `Date` reading fields in UTC. */
  static fromDate(date: Date, timeZone: 'UTC' | 'local' = 'UTC'): XmlRpcDateTime {
    const utc = timeZone === 'UTC';
    return new XmlRpcDateTime({
      year: utc ? date.getUTCFullYear() : date.getFullYear(),
      month: (utc ? date.getUTCMonth() : date.getMonth()) + 1,
      day: utc ? date.getUTCDate() : date.getDate(),
      hour: utc ? date.getUTCHours() : date.getHours(),
      minute: utc ? date.getUTCMinutes() : date.getMinutes(),
      second: utc ? date.getUTCSeconds() : date.getSeconds(),
      fraction: '',
      offsetMinutes: null,
    });
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** True for a value the codec encodes as `<struct>` from a plain object. */
export function isPlainObject(value: unknown): value is XmlRpcStruct {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
