/**
 * Method signatures as the introspection convention has them: arrays of type names, return
 * type first, then one name per parameter. A method may declare several (overloads).
 */
import { TypedValue, XmlRpcDateTime, isPlainObject } from '../core/values.js';

/**
 * A type name a signature may use.
 * @group Server
 */
export type SignatureType =
  | 'int'
  | 'i4'
  | 'i8'
  | 'boolean'
  | 'string'
  | 'double'
  | 'dateTime.iso8601'
  | 'base64'
  | 'struct'
  | 'array'
  | 'nil';

/**
 * One signature: the return type, then the parameter types in order.
 * @group Server
 */
export type Signature = readonly SignatureType[];

// One row per type: does a decoded parameter value fit it?
const FITS: Readonly<Record<SignatureType, (value: unknown) => boolean>> = {
  int: isInt32,
  i4: isInt32,
  // Python cannot send <i8>, so an <int> must fit an i8 parameter.
  i8: (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  // Clients write 2 for 2.0 (Python sends an int): any number fits a double, so does ex:bigdecimal.
  double: (v) => typeof v === 'number' || (v instanceof TypedValue && v.type === 'bigdecimal'),
  'dateTime.iso8601': (v) => v instanceof Date || v instanceof XmlRpcDateTime,
  base64: (v) => v instanceof Uint8Array,
  struct: (v) => isPlainObject(v) || v instanceof Map,
  array: (v) => Array.isArray(v),
  nil: (v) => v === null,
};

function isInt32(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

/** The XML-RPC type name of a decoded value, for messages. */
export function typeNameOf(value: unknown): string {
  if (value === null) return 'nil';
  if (typeof value === 'number') return isInt32(value) ? 'int' : 'double';
  if (typeof value === 'bigint') return 'i8';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  if (value instanceof Date || value instanceof XmlRpcDateTime) return 'dateTime.iso8601';
  if (value instanceof Uint8Array) return 'base64';
  if (Array.isArray(value)) return 'array';
  if (value instanceof TypedValue) return value.type;
  if (isPlainObject(value) || value instanceof Map) return 'struct';
  return typeof value;
}

/**
 * Checks and copies what a user declared: one signature or a list of them.
 * Throws a `TypeError` naming the bad entry.
 */
export function normalizeSignatures(methodName: string, declared: Signature | readonly Signature[] | undefined): readonly Signature[] | undefined {
  if (declared === undefined) return undefined;
  if (!Array.isArray(declared)) throw new TypeError(`signature of '${methodName}' must be an array of type names`);
  const list = (declared.length > 0 && typeof declared[0] === 'string' ? [declared] : declared) as readonly unknown[];
  if (list.length === 0) throw new TypeError(`signature of '${methodName}' is empty`);
  return Object.freeze(
    list.map((signature, i) => {
      if (!Array.isArray(signature) || signature.length === 0) {
        throw new TypeError(`signature ${i} of '${methodName}' must be a non-empty array: return type, then parameter types`);
      }
      for (const type of signature as unknown[]) {
        if (typeof type !== 'string' || !Object.hasOwn(FITS, type)) {
          throw new TypeError(`signature ${i} of '${methodName}' has an unknown type ${JSON.stringify(type)}; known: ${Object.keys(FITS).join(', ')}`);
        }
      }
      return Object.freeze([...(signature as SignatureType[])]);
    }),
  );
}

/**
 * Why `params` fit none of `signatures`, or `undefined` when one fits. The message names the
 * first parameter that does not fit a signature of the right length.
 */
export function signatureMismatch(methodName: string, signatures: readonly Signature[], params: readonly unknown[]): string | undefined {
  let firstProblem: string | undefined;
  for (const signature of signatures) {
    if (signature.length - 1 !== params.length) continue;
    const bad = params.findIndex((value, i) => !FITS[signature[i + 1] as SignatureType](value));
    if (bad === -1) return undefined;
    firstProblem ??=
      `param ${bad + 1} (params[${bad}]) of '${methodName}' must be ${signature[bad + 1] as string}, ` +
      `got ${typeNameOf(params[bad])}`;
  }
  if (firstProblem !== undefined) return firstProblem;
  const counts = [...new Set(signatures.map((s) => s.length - 1))].sort((a, b) => a - b);
  const expected = counts.length === 1 ? String(counts[0]) : `${counts.slice(0, -1).join(', ')} or ${String(counts.at(-1))}`;
  return `'${methodName}' takes ${expected} param${counts.length === 1 && counts[0] === 1 ? '' : 's'}, got ${params.length}`;
}
