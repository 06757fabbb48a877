/**
 * Options of the codec and their defaults, in one place. docs/values.md and docs/security.md
 * explain each one.
 */
import type { XmlRpcValue } from '../core/values.js';

/** Safety limits checked while a document is read. */
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
}

/** The decoder's limits when none are given (docs/security.md lists them). */
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxDocumentBytes: 32 * 1024 * 1024,
  maxDepth: 1000,
  maxValues: 1_000_000,
  maxStringLength: 16 * 1024 * 1024,
  maxNameLength: 4096,
});

/** A custom scalar reader: the element's text in, the value out (throw to reject it). */
export type ScalarReader = (text: string) => XmlRpcValue;

/** How documents are read. */
export interface DecodeOptions extends Partial<DecodeLimits> {
  /** `'scanner'` (default, fast) or `'fast-xml-parser'` (the independent second reader). */
  reader?: 'scanner' | 'fast-xml-parser';
  /** `<i8>`, `ex:i8`, `ex:biginteger`: `'bigint'` (default, lossless) or `'number'` when safe (bigint beyond 2^53). */
  i8?: 'bigint' | 'number';
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

/** A user type that the encoder turns into an XML-RPC value (like msgpack's ExtensionCodec). */
export interface TypeEncoder<T = unknown> {
  /** True when this encoder handles the value. */
  match(value: unknown): value is T;
  /** The XML-RPC value to write instead. */
  encode(value: T): XmlRpcValue;
}

/** How values are written. */
export interface EncodeOptions {
  /** Integers outside int32 given as `number`: `'error'` (default, as Python), `'i8'` or `'double'`. */
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

/** Resolved encode options. */
export interface ResolvedEncodeOptions {
  largeIntegers: 'error' | 'i8' | 'double';
  allowNonFinite: boolean;
  allowNil: boolean;
  dateTimeZone: 'UTC' | 'local';
  maxDepth: number;
  pretty: boolean;
  declaration: boolean;
  types: TypeEncoder[];
}

export function resolveEncodeOptions(options: EncodeOptions | undefined): ResolvedEncodeOptions {
  return {
    largeIntegers: options?.largeIntegers ?? 'error',
    allowNonFinite: options?.allowNonFinite ?? false,
    allowNil: options?.allowNil ?? true,
    dateTimeZone: options?.dateTimeZone ?? 'UTC',
    maxDepth: options?.maxDepth ?? 1000,
    pretty: options?.pretty ?? false,
    declaration: options?.declaration ?? true,
    types: options?.types ?? [],
  };
}
