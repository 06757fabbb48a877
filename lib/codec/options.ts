/**
 * Options of the codec and their defaults, in one place, and their one check (unknown names are
 * refused with the closest known name suggested). docs/values.md and docs/security.md explain
 * each one.
 */
import { checkChoice, checkInteger, checkOptionNames } from '../core/options.js';
import { OptionError } from '../core/errors.js';
import type { XmlRpcValue } from '../core/values.js';

/**
 * Safety limits checked while a document is read.
 * @group Codec
 */
export interface DecodeLimits {
  /** Largest document, in bytes (or characters for a string input). Default 32 MiB. */
  maxDocumentBytes: number;
  /** Deepest nesting of arrays and structs. Default 1,000. */
  maxDepth: number;
  /** Most `<value>` elements in one document. Default 1,000,000. */
  maxValues: number;
  /** Longest string, base64 text or other scalar text, in characters. Default 16 Mi. */
  maxStringLength: number;
  /** Longest method name or struct member name, in characters. Default 4,096. */
  maxNameLength: number;
  /** Longest XML element or attribute name, in characters. Default 256 (XML-RPC's own are at most 16). */
  maxXmlNameLength: number;
}

/**
 * The decoder's limits when none are given (docs/security.md lists them).
 * @group Codec
 */
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxDocumentBytes: 32 * 1024 * 1024,
  maxDepth: 1000,
  maxValues: 1_000_000,
  maxStringLength: 16 * 1024 * 1024,
  maxNameLength: 4096,
  maxXmlNameLength: 256,
});

/**
 * A custom scalar reader: the element's text in, the value out (throw to reject it).
 * @group Codec
 */
export type ScalarReader = (text: string) => XmlRpcValue;

/**
 * How documents are read.
 * @group Codec
 */
export interface DecodeOptions extends Partial<DecodeLimits> {
  /**
   * `'scanner'` (default, fast) or `'fast-xml-parser'` (the independent second reader, loaded
   * on demand: `await loadFastXmlParser()` once before decoding with it).
   */
  reader?: 'scanner' | 'fast-xml-parser';
  /** `<i8>`, `ex:i8`, `ex:biginteger`, oversize `<int>`: `'bigint'` (default, lossless) or `'number'` when safe (bigint beyond 2^53). */
  i8?: 'bigint' | 'number';
  /**
   * `<int>`/`<i4>` beyond int32 but within 64 bits, as Ruby sends: `'i8'` (default) reads it like
   * `<i8>`, as Python does; `'error'` refuses it, as the spec says.
   */
  oversizeInt?: 'i8' | 'error';
  /** `<dateTime.iso8601>`: `'date'` (default) gives `Date`; `'lossless'` gives `XmlRpcDateTime`. */
  dateTime?: 'date' | 'lossless';
  /** How a naive date-time (no zone, the spec's form) becomes a `Date`: `'UTC'` (default) or `'local'`. */
  naiveTimeZone?: 'UTC' | 'local';
  /** Readers for type elements by tag name (e.g. `'ex:bigdecimal'`), taking precedence over the built-in ones. */
  scalars?: Record<string, ScalarReader>;
  /**
   * The encoding of a byte document that has neither a BOM nor an encoding declaration; UTF-8
   * when not given. This is XML's "external encoding information": the client sets it from the
   * response's `Content-Type` charset (RFC 7303). Ignored for string input.
   */
  defaultEncoding?: string;
}

/**
 * A user type that the encoder turns into an XML-RPC value (like msgpack's ExtensionCodec).
 * @group Codec
 */
export interface TypeEncoder<T = unknown> {
  /** True when this encoder handles the value. */
  match(value: unknown): value is T;
  /** The XML-RPC value to write instead. */
  encode(value: T): XmlRpcValue;
}

/**
 * How values are written.
 * @group Codec
 */
export interface EncodeOptions {
  /**
   * Safe integers outside int32 given as `number`: `'i8'` (default; Python, xmlrpc-c, Perl, Ruby
   * and Java read it), `'double'`, or `'error'` (Python's own choice).
   */
  largeIntegers?: 'error' | 'i8' | 'double';
  /** NaN and ±Infinity: refused (default) or written in Python's spelling (`nan`, `inf`, `-inf`). */
  allowNonFinite?: boolean;
  /** Whether `null` may be written as `<nil/>` (default true; Python needs `allow_none` to read it). */
  allowNil?: boolean;
  /** The zone whose wall clock a `Date` is written in: `'UTC'` (default) or `'local'`. */
  dateTimeZone?: 'UTC' | 'local';
  /** Deepest nesting of arrays and structs (default 1,000); cycles are always refused. */
  maxDepth?: number;
  /** Indented output (for people reading documents). Default false. */
  pretty?: boolean;
  /** Write the `<?xml version="1.0"?>` declaration (default true). */
  declaration?: boolean;
  /** Encoders for user types, tried in order before an object is refused. */
  types?: TypeEncoder[];
}

/**
 * Encode options with every default filled in (the shape of {@link DEFAULT_ENCODE_OPTIONS}).
 * @group Codec
 */
export interface ResolvedEncodeOptions {
  /** See {@link EncodeOptions.largeIntegers}. */
  largeIntegers: 'error' | 'i8' | 'double';
  /** See {@link EncodeOptions.allowNonFinite}. */
  allowNonFinite: boolean;
  /** See {@link EncodeOptions.allowNil}. */
  allowNil: boolean;
  /** See {@link EncodeOptions.dateTimeZone}. */
  dateTimeZone: 'UTC' | 'local';
  /** See {@link EncodeOptions.maxDepth}. */
  maxDepth: number;
  /** See {@link EncodeOptions.pretty}. */
  pretty: boolean;
  /** See {@link EncodeOptions.declaration}. */
  declaration: boolean;
  /** See {@link EncodeOptions.types}. */
  types: readonly TypeEncoder[];
}

/**
 * The encoder's options when none are given.
 * @group Codec
 */
export const DEFAULT_ENCODE_OPTIONS: Readonly<ResolvedEncodeOptions> = Object.freeze({
  largeIntegers: 'i8',
  allowNonFinite: false,
  allowNil: true,
  dateTimeZone: 'UTC',
  maxDepth: 1000,
  pretty: false,
  declaration: true,
  types: Object.freeze([]) as readonly TypeEncoder[],
});

/**
 * What each option may be: a list of choices, `0` for an integer ≥ 0, or a check of its own
 * (true when the value is fine) with what it should be. One table per side, read by one checker.
 */
type OptionRule = readonly unknown[] | 0 | [(value: unknown) => boolean, string];
const isFunctionTable = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.values(v).every((f) => typeof f === 'function');
const isTypeEncoders = (v: unknown): boolean =>
  Array.isArray(v) && v.every((t) => typeof (t as TypeEncoder | null)?.match === 'function' && typeof (t as TypeEncoder).encode === 'function');
const BOOLEAN = [true, false];
const ZONES = ['UTC', 'local'];

const DECODE_RULES: Record<string, OptionRule> = {
  maxDocumentBytes: 0, maxDepth: 0, maxValues: 0, maxStringLength: 0, maxNameLength: 0, maxXmlNameLength: 0,
  reader: ['scanner', 'fast-xml-parser'],
  i8: ['bigint', 'number'],
  oversizeInt: ['i8', 'error'],
  dateTime: ['date', 'lossless'],
  naiveTimeZone: ZONES,
  scalars: [isFunctionTable, 'an object of functions (tag name → reader)'],
  defaultEncoding: [(v) => typeof v === 'string', 'a string (an encoding name)'],
};

const ENCODE_RULES: Record<string, OptionRule> = {
  largeIntegers: ['error', 'i8', 'double'],
  allowNonFinite: BOOLEAN, allowNil: BOOLEAN, pretty: BOOLEAN, declaration: BOOLEAN,
  dateTimeZone: ZONES,
  maxDepth: 0,
  types: [isTypeEncoders, 'an array of TypeEncoders ({ match, encode })'],
};

function checkOptions(owner: string, options: unknown, rules: Record<string, OptionRule>): void {
  if (options === undefined) return;
  checkOptionNames(owner, options, Object.keys(rules));
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    const rule = rules[name]!;
    if (rule === 0) checkInteger(owner, name, value, 0);
    else if (typeof rule[0] !== 'function') checkChoice(owner, name, value, rule);
    else if (value !== undefined && !(rule[0] as (value: unknown) => boolean)(value)) {
      throw new OptionError(`${owner}.${name}`, `${owner}.${name} must be ${String(rule[1])}`);
    }
  }
}

/** Refuses decode options with an unknown name or a bad value ({@link OptionError}); `owner` names them in messages. */
export function checkDecodeOptions(options: unknown, owner = 'decode options'): void {
  checkOptions(owner, options, DECODE_RULES);
}

/** Refuses encode options with an unknown name or a bad value ({@link OptionError}). */
export function checkEncodeOptions(options: unknown, owner = 'encode options'): void {
  checkOptions(owner, options, ENCODE_RULES);
}

/**
 * The deepest value nesting the fast-xml-parser reader takes, whatever maxDepth says:
 * fast-xml-parser's cost grows with the square of the depth (about 0.25 s at 1,000 levels, 30 s
 * at 10,000, measured), so a deeper document would be a way to hang the reader. The scanner has
 * no such bound. Internal: not exported from the package.
 */
export const FAST_XML_PARSER_MAX_DEPTH = 1000;

/** The message of a depth 'limit' error: `capped` when the fast-xml-parser reader's own bound was the one crossed. */
export function depthLimitDetail(maxDepth: number, capped: boolean): string {
  return capped
    ? `arrays and structs nested deeper than the ${FAST_XML_PARSER_MAX_DEPTH} levels the fast-xml-parser reader takes`
    : `arrays and structs nested deeper than ${maxDepth} (maxDepth)`;
}

/** Checks `options` and fills in the defaults. */
export function resolveEncodeOptions(options: EncodeOptions | undefined): ResolvedEncodeOptions {
  if (options === undefined) return DEFAULT_ENCODE_OPTIONS;
  checkEncodeOptions(options);
  // The check refused unknown names, so every name given is one of the defaults'.
  const resolved: Record<string, unknown> = { ...DEFAULT_ENCODE_OPTIONS };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) resolved[name] = value;
  return resolved as unknown as ResolvedEncodeOptions;
}
