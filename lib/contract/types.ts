/**
 * The type builders of a contract (`rpc.int`, `rpc.arrayOf(rpc.string)`, `rpc.struct({…})`) and
 * the two conversions every type knows: `accept` (a decoded value to the declared JavaScript
 * value) and `emit` (a JavaScript value to what the encoder writes as the declared type).
 */
import { asDouble, asI8, isPlainObject, TypedValue, XmlRpcDateTime } from '../core/values.js';
import type { XmlRpcStruct, XmlRpcValue } from '../core/values.js';
import type { SignatureType } from '../server/signature.js';
import { typeNameOf } from '../server/signature.js';
import { Breach } from './errors.js';

/**
 * The kinds of type a contract can declare.
 * @group Contracts
 */
export type ContractTypeKind =
  | 'int' | 'i8' | 'double' | 'boolean' | 'string' | 'dateTime' | 'base64' | 'nil'
  | 'any' | 'anyStruct' | 'array' | 'struct';

/** The phantom key that carries a type's JavaScript value type (never set at run time). */
declare const valueType: unique symbol;

/**
 * One declared XML-RPC type; `T` is the JavaScript value a handler or caller sees.
 * @group Contracts
 */
export class ContractType<T = unknown> {
  /** Never set: lets TypeScript infer `T` from the value. */
  declare readonly [valueType]: T;
  /** @internal The conversion of a decoded value; throws a Breach. */
  readonly accept: (value: unknown) => T;
  /** @internal The conversion of a JavaScript value into what the encoder writes as declared; throws a Breach. */
  readonly emit: (value: unknown) => unknown;

  /** @internal Made by the {@link rpc} builders only. */
  constructor(
    /** What kind of type it is. */
    readonly kind: ContractTypeKind,
    /** The name introspection reports (`system.methodSignature`), `undefined` for "any value". */
    readonly signatureName: SignatureType | undefined,
    /** How messages and the docs name it, e.g. `array of string`. */
    readonly description: string,
    accept: (value: unknown) => T,
    emit: (value: unknown) => unknown,
    /** The item type of an array. */
    readonly items?: ContractType,
    /** The members of a struct. */
    readonly members?: Readonly<Record<string, StructMember>>,
  ) {
    this.accept = accept;
    this.emit = emit;
  }
}

/**
 * A struct member that may be left out: `rpc.optional(rpc.string)`.
 * @group Contracts
 */
export class OptionalMember<T = unknown> {
  /** Wraps the member's type. */
  constructor(
    /** The member's type when it is present. */
    readonly type: ContractType<T>,
  ) {}
}

/**
 * A struct member's declaration: a type (required) or {@link OptionalMember}.
 * @group Contracts
 */
export type StructMember = ContractType | OptionalMember;

/**
 * The JavaScript value type of a declared type.
 * @group Contracts
 */
export type ValueOf<C> = C extends ContractType<infer T> ? T : never;

type RequiredKeys<M> = { [K in keyof M]: M[K] extends OptionalMember ? never : K }[keyof M];
type OptionalKeys<M> = { [K in keyof M]: M[K] extends OptionalMember ? K : never }[keyof M];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The JavaScript object type of a struct declared with `members`.
 * @group Contracts
 */
export type StructOf<M extends Readonly<Record<string, StructMember>>> = Simplify<
  { [K in RequiredKeys<M>]: ValueOf<M[K]> } & { [K in OptionalKeys<M>]?: M[K] extends OptionalMember<infer T> ? T : never }
>;

function breach(expected: string, value: unknown): never {
  throw new Breach('', expected, typeNameOf(value));
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

const I8_MIN = -(2n ** 63n);
const I8_MAX = 2n ** 63n - 1n;

function scalar<T>(kind: ContractTypeKind, name: SignatureType, description: string, accept: (v: unknown) => T, emit: (v: unknown) => unknown): ContractType<T> {
  return new ContractType<T>(kind, name, description, accept, emit);
}

const intType = scalar<number>(
  'int', 'int', 'int',
  (v) => (isInt32(v) ? v : typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n ? Number(v) : breach('int', v)),
  (v) => (isInt32(v) ? v : breach('int (a whole number in the 32-bit range)', v)),
);

// Python cannot send <i8>: an <int> (a number) is taken for an i8 and arrives as a bigint.
const i8Type = scalar<bigint>(
  'i8', 'i8', 'i8',
  (v) => (typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v as number) : breach('i8', v)),
  (v) => {
    if (typeof v === 'bigint') return v >= I8_MIN && v <= I8_MAX ? v : breach('i8 (a 64-bit whole number)', v);
    return Number.isSafeInteger(v) ? asI8(v as number) : breach('i8 (a bigint or a safe whole number)', v);
  },
);

// Clients write 2 for 2.0 (Python sends an int): any number is a double; the encoder is told to write <double>.
const doubleType = scalar<number>(
  'double', 'double', 'double',
  (v) => {
    if (typeof v === 'number') return v;
    if (v instanceof TypedValue && v.type === 'bigdecimal') return Number(v.value);
    if (typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n) return Number(v);
    return breach('double', v);
  },
  (v) => (typeof v === 'number' ? (Number.isInteger(v) ? asDouble(v) : v) : breach('double (a number)', v)),
);

const booleanType = scalar<boolean>('boolean', 'boolean', 'boolean', (v) => (typeof v === 'boolean' ? v : breach('boolean', v)), (v) => (typeof v === 'boolean' ? v : breach('boolean', v)));

const stringType = scalar<string>('string', 'string', 'string', (v) => (typeof v === 'string' ? v : breach('string', v)), (v) => (typeof v === 'string' ? v : breach('string', v)));

const dateTimeType = scalar<Date>(
  'dateTime', 'dateTime.iso8601', 'dateTime.iso8601',
  (v) => (v instanceof Date ? v : v instanceof XmlRpcDateTime ? v.toDate() : breach('dateTime.iso8601', v)),
  (v) => (v instanceof Date || v instanceof XmlRpcDateTime ? v : breach('dateTime.iso8601 (a Date)', v)),
);

const base64Type = scalar<Uint8Array>(
  'base64', 'base64', 'base64',
  (v) => (v instanceof Uint8Array ? v : breach('base64', v)),
  (v) => (v instanceof Uint8Array ? v : breach('base64 (a Uint8Array)', v)),
);

const nilType = scalar<null>('nil', 'nil', 'nil', (v) => (v === null ? null : breach('nil', v)), (v) => (v === null || v === undefined ? null : breach('nil (null)', v)));

const anyType = new ContractType<XmlRpcValue>('any', undefined, 'any value', (v) => v as XmlRpcValue, (v) => v);

const anyStructType = new ContractType<XmlRpcStruct>(
  'anyStruct', 'struct', 'struct',
  (v) => (isPlainObject(v) ? v : breach('struct', v)),
  (v) => (isPlainObject(v) || v instanceof Map ? v : breach('struct (a plain object)', v)),
);

/** The same breach one level further out, or any other error as it is. */
function under(error: unknown, segment: string): unknown {
  return error instanceof Breach ? error.under(segment) : error;
}

/*
 * `accept` converts in place: it only ever sees values decoded for this call. `emit` copies on
 * the first change: its values belong to the caller. Both return the value itself when every
 * member and item fits as it is (the common case costs no allocation).
 */

function arrayOf<I extends ContractType>(items: I): ContractType<Array<ValueOf<I>>> {
  if (!(items instanceof ContractType)) throw new TypeError('rpc.arrayOf takes a type, e.g. rpc.arrayOf(rpc.string)');
  const description = `array of ${items.description}`;
  const passThrough = items.kind === 'any';
  const accept = (v: unknown): Array<ValueOf<I>> => {
    if (!Array.isArray(v)) return breach(description, v);
    if (passThrough) return v as Array<ValueOf<I>>;
    for (let i = 0; i < v.length; i++) {
      try {
        const item: unknown = v[i];
        const converted = items.accept(item);
        if (converted !== item) v[i] = converted;
      } catch (error) {
        throw under(error, `[${i}]`);
      }
    }
    return v as Array<ValueOf<I>>;
  };
  const emit = (v: unknown): unknown => {
    if (!Array.isArray(v)) return breach(description, v);
    if (passThrough) return v;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      try {
        const item: unknown = v[i];
        const converted = items.emit(item);
        if (converted !== item) (out ??= [...(v as unknown[])])[i] = converted;
      } catch (error) {
        throw under(error, `[${i}]`);
      }
    }
    return out ?? v;
  };
  return new ContractType<Array<ValueOf<I>>>('array', 'array', description, accept, emit, items);
}

/** Sets a member without ever touching the prototype (a member may be named `__proto__`). */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function memberType(member: StructMember): ContractType {
  return member instanceof OptionalMember ? member.type : member;
}

function struct<const M extends Readonly<Record<string, StructMember>>>(members: M): ContractType<StructOf<M>> {
  if (!isPlainObject(members)) throw new TypeError('rpc.struct takes an object of member types, e.g. rpc.struct({ id: rpc.int })');
  const entries = Object.entries(members as Record<string, unknown>).map(([name, member]) => {
    if (!(member instanceof ContractType || member instanceof OptionalMember)) {
      throw new TypeError(`rpc.struct: member '${name}' must be a type (rpc.int, …) or rpc.optional(type)`);
    }
    // Only a name Object.prototype also has (toString, __proto__, …) needs the slower own-property read.
    return { name, type: memberType(member), optional: member instanceof OptionalMember, segment: `.${name}`, inherited: name in Object.prototype };
  });
  const description = `struct {${entries.map((e) => `${e.name}${e.optional ? '?' : ''}: ${e.type.description}`).join(', ')}}`;
  const missing = (e: (typeof entries)[number]): Breach => new Breach(e.segment, `member '${e.name}' (${e.type.description})`, 'no such member');
  // Undeclared members are kept as they are: a contract lists the members it needs, peers may add more.
  const accept = (v: unknown): StructOf<M> => {
    if (!isPlainObject(v)) return breach(description, v);
    for (const e of entries) {
      const value = !e.inherited || Object.hasOwn(v, e.name) ? v[e.name] : undefined;
      if (value === undefined) {
        if (e.optional) continue;
        throw missing(e);
      }
      try {
        const converted = e.type.accept(value);
        if (converted !== value) setMember(v, e.name, converted);
      } catch (error) {
        throw under(error, e.segment);
      }
    }
    return v as StructOf<M>;
  };
  const emit = (v: unknown): unknown => {
    const source = v instanceof Map ? (Object.fromEntries(v) as Record<string, unknown>) : v;
    if (!isPlainObject(source)) return breach(description, v);
    let out: Record<string, unknown> | undefined;
    for (const e of entries) {
      const value = !e.inherited || Object.hasOwn(source, e.name) ? source[e.name] : undefined;
      if (value === undefined) {
        if (!e.optional) throw missing(e);
        // A member set to undefined is left out, as if it were not there.
        if (Object.hasOwn(source, e.name)) delete (out ??= { ...source })[e.name];
        continue;
      }
      try {
        const converted = e.type.emit(value);
        if (converted !== value) setMember((out ??= { ...source }), e.name, converted);
      } catch (error) {
        throw under(error, e.segment);
      }
    }
    return out ?? source;
  };
  return new ContractType<StructOf<M>>('struct', 'struct', description, accept, emit, undefined, members);
}

function optional<T>(type: ContractType<T>): OptionalMember<T> {
  if (!(type instanceof ContractType)) throw new TypeError('rpc.optional takes a type, e.g. rpc.optional(rpc.string)');
  return new OptionalMember(type);
}

/**
 * The type builders of a contract. Scalars are values (`rpc.int`), containers are functions
 * (`rpc.arrayOf(rpc.int)`, `rpc.struct({ id: rpc.int, email: rpc.optional(rpc.string) })`).
 * @group Contracts
 */
export const rpc = Object.freeze({
  /** `<int>`/`<i4>`: a 32-bit whole number, a JavaScript `number`. */
  int: intType,
  /** `<i8>`: a 64-bit whole number, a `bigint` (an `<int>` is accepted and converted). */
  i8: i8Type,
  /** `<double>`: a `number`, always written `<double>` (an `<int>` is accepted). */
  double: doubleType,
  /** `<boolean>`. */
  boolean: booleanType,
  /** `<string>`. */
  string: stringType,
  /** `<dateTime.iso8601>`, a `Date`. */
  dateTime: dateTimeType,
  /** `<base64>`, a `Uint8Array`. */
  base64: base64Type,
  /** `<nil/>`, `null`. */
  nil: nilType,
  /** Any value, unchecked (an {@link XmlRpcValue}). */
  any: anyType,
  /** A struct whose members are not declared (an {@link XmlRpcStruct}). */
  anyStruct: anyStructType,
  /** An array whose items all have the type `items`. */
  arrayOf,
  /** A struct with these members; wrap a member in `rpc.optional(type)` when it may be left out. */
  struct,
  /** A struct member that may be left out. */
  optional,
});
