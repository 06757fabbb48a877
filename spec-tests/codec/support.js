// Shared helpers of the codec spec-tests: the fixture manifest, tagged JSON (values JSON cannot
// express), outcomes of a decode, document builders, value arbitraries, and the Python side.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import {
  DecodeError, Fault, TypedValue, XmlRpcDateTime, asBigDecimal, decodeMessage, loadFastXmlParser,
} from 'xmlrpc-ts';

export const READERS = /** @type {const} */ (['scanner', 'fast-xml-parser']);
// The second reader is loaded on demand; every test that imports this module may use it.
await loadFastXmlParser();

const FIXTURES = new URL('../../fixtures/codec/', import.meta.url);
const MAKE_FIXTURES = fileURLToPath(new URL('../../fixtures/make_fixtures.py', import.meta.url));

/** The manifest: fixture name (`group/file` without `.xml`) → expected outcome (plus `options`). */
export function loadManifest() {
  return JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8'));
}

/** Every fixture file on disk, by name. */
export function fixtureNames() {
  const names = [];
  for (const group of ['python', 'peers', 'malformed']) {
    for (const file of readdirSync(new URL(group + '/', FIXTURES))) {
      if (file.endsWith('.xml')) names.push(`${group}/${file.slice(0, -4)}`);
    }
  }
  return names.sort();
}

/** A fixture's raw bytes. */
export function readFixture(name) {
  return readFileSync(new URL(`${name}.xml`, FIXTURES));
}

// ---------------------------------------------------------------------------------------------
// Tagged JSON

function defineKey(obj, key, value) {
  // Never `obj[key] = v`: a key named __proto__ would change the prototype instead.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function taggedStruct(entries) {
  const out = {};
  for (const [k, v] of entries) defineKey(out, k, toTagged(v));
  const keys = Object.keys(out);
  return keys.length === 1 && keys[0].startsWith('$') ? { $struct: out } : out;
}

/** A model value (decoded or to encode) as tagged JSON; throws for anything outside the model. */
export function toTagged(v) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $double: 'NaN' };
    if (v === Infinity) return { $double: 'Infinity' };
    if (v === -Infinity) return { $double: '-Infinity' };
    if (Object.is(v, -0)) return { $double: '-0' };
    return v;
  }
  if (typeof v === 'bigint') return { $i8: String(v) };
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() };
  if (v instanceof Uint8Array) return { $base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof XmlRpcDateTime) return { $datetime: v.toString() };
  if (v instanceof TypedValue) {
    if (v.type === 'bigdecimal') return { $bigdecimal: v.value };
    return { $typed: { type: v.type, value: toTagged(v.value) } };
  }
  if (Array.isArray(v)) return v.map(toTagged);
  if (v instanceof Map) return taggedStruct(v.entries());
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return taggedStruct(Object.keys(v).map((k) => [k, v[k]]));
  }
  throw new TypeError(`no tagged form for ${Object.prototype.toString.call(v)}`);
}

/** Tagged JSON back to a model value (plain objects for structs, Buffer for base64). */
export function fromTagged(t) {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map(fromTagged);
  const keys = Object.keys(t);
  if (keys.length === 1) {
    const [k] = keys;
    const x = t[k];
    switch (k) {
      case '$i8': return BigInt(x);
      case '$date': return new Date(x);
      case '$base64': return Buffer.from(x, 'base64');
      case '$double': return x === '-0' ? -0 : Number(x);
      case '$bigdecimal': return asBigDecimal(x);
      case '$struct': {
        const out = {};
        for (const key of Object.keys(x)) defineKey(out, key, fromTagged(x[key]));
        return out;
      }
      default: break;
    }
  }
  const out = {};
  for (const key of keys) defineKey(out, key, fromTagged(t[key]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/** What decodeMessage made of a document, as tagged JSON; a crash that is not a DecodeError is kept as such. */
export function outcomeOf(input, options = {}) {
  let msg;
  try {
    msg = decodeMessage(input, options);
  } catch (e) {
    if (e instanceof DecodeError) {
      const error = { reason: e.reason, path: e.path };
      if (e.xmlKind !== undefined) error.xmlKind = e.xmlKind;
      return { error };
    }
    return { crash: `${e?.name}: ${e?.message}` };
  }
  switch (msg.kind) {
    case 'call': return { call: { methodName: msg.methodName, params: toTagged(msg.params) } };
    case 'response': return { value: toTagged(msg.value) };
    case 'fault':
      assertFault(msg.fault);
      return { fault: { faultCode: msg.fault.faultCode, faultString: msg.fault.faultString } };
    default: return { crash: `unknown kind ${msg.kind}` };
  }
}

function assertFault(f) {
  if (!(f instanceof Fault)) throw new TypeError('a fault message must carry a Fault');
}

/**
 * The outcome reduced to what `expected` asks about: an error keeps `reason` and only the other
 * fields the expectation names (path, xmlKind); anything else is compared whole.
 */
export function comparable(actual, expected) {
  if (actual.error !== undefined && expected.error !== undefined) {
    const error = { reason: actual.error.reason };
    for (const k of Object.keys(expected.error)) if (k !== 'reason') error[k] = actual.error[k];
    return { error };
  }
  return actual;
}

/** The expectation without its decode options. */
export function expectationOf(entry) {
  const { options: _options, ...rest } = entry;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Documents

/** A methodResponse document around one value's inner XML. */
export function response(inner, rootAttributes = '') {
  return `<?xml version="1.0"?><methodResponse${rootAttributes}><params><param><value>${inner}</value></param></params></methodResponse>`;
}

/** A methodCall document with params given as inner value XML. */
export function call(methodName, ...inners) {
  const params = inners.map((i) => `<param><value>${i}</value></param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${methodName}</methodName><params>${params}</params></methodCall>`;
}

/** Arrays nested `depth` deep around an int. */
export function nestedArrays(depth) {
  return '<array><data><value>'.repeat(depth) + '<int>1</int>' + '</value></data></array>'.repeat(depth);
}

/** Structs nested `depth` deep around an int. */
export function nestedStructs(depth) {
  return '<struct><member><name>m</name><value>'.repeat(depth) + '<int>1</int>' + '</value></member></struct>'.repeat(depth);
}

/** Calls `fn` and returns the error it throws, failing when it returns. */
export function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, but the call returned');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries of the value model

const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('\t', '\n', '\r', '\r\n', '&', '<', '>', '"', "'", ']]>', '&amp;', '&#13;', '\u00a0', '\u2028', '\ufeff', '\ufffd') },
  { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);

/** Strings XML 1.0 can carry (any of its characters, markup-looking text, CR, astral). */
export const xmlString = fc.string({ unit: xmlChar, maxLength: 24 });

/** Finite doubles that are not integers outside int32 (those need an option or a helper). */
export const plainDouble = fc.double({ noNaN: true, noDefaultInfinity: true })
  .filter((n) => !Number.isInteger(n) || (n >= -2147483648 && n <= 2147483647));

/** Dates the spec form can write: years 0001-9999, whole seconds after normalisation. */
export const xmlDate = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

/** Scalars of the model, as JS values. */
export const scalar = fc.oneof(
  xmlString,
  fc.integer(),
  plainDouble,
  fc.boolean(),
  fc.constant(null),
  int64,
  xmlDate,
  fc.uint8Array({ maxLength: 40 }),
);

/** Any model value: scalars, arrays, plain objects and Maps, a few levels deep. */
export const modelValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('array'), tie('struct'), tie('map')),
  scalar,
  array: fc.array(tie('value'), { maxLength: 5 }),
  struct: fc.dictionary(fc.oneof(xmlString, fc.constantFrom('__proto__', 'constructor', 'toString', '$i8', '')), tie('value'), { maxKeys: 5, noNullPrototype: true }),
  map: fc.array(fc.tuple(xmlString, tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
})).value;

/**
 * What a value should decode to after our encoder wrote it: dates lose their milliseconds
 * (the spec form has whole seconds), a Map becomes a plain object (a later duplicate key wins,
 * as Map itself keeps only one), bytes become a Buffer. As tagged JSON.
 */
export function roundTripped(v) {
  return toTagged(normalise(v));
}

function normalise(v) {
  if (v instanceof Date) return new Date(Math.floor(v.getTime() / 1000) * 1000);
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Map) {
    const out = {};
    for (const [k, x] of v) if (x !== undefined) defineKey(out, k, normalise(x));
    return out;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof TypedValue)) {
    const out = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined) defineKey(out, k, normalise(v[k]));
    return out;
  }
  return v;
}

/**
 * What Python's loads(use_builtin_types=True) should give for our encoding of `v`, as tagged
 * JSON: Python has one int type, so an `<i8>` inside the int32 range comes back as a plain int.
 */
export function pythonView(v) {
  return pythonInts(roundTripped(pythonPlain(v)));
}

/** Typed wrappers as the plain values Python reads them as (it has no Decimal for <double>). */
function pythonPlain(v) {
  if (v instanceof TypedValue) {
    const x = v.value;
    switch (v.type) {
      case 'i8': return BigInt(x);
      case 'base64': return typeof x === 'string' ? Buffer.from(x, 'utf8') : x;
      case 'bigdecimal': return Number(x);
      case 'nil': return null;
      default: return pythonPlain(x);
    }
  }
  if (v instanceof XmlRpcDateTime) return v.toDate();
  if (Array.isArray(v)) return v.map(pythonPlain);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, pythonPlain(x)]));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    const out = {};
    for (const k of Object.keys(v)) defineKey(out, k, pythonPlain(v[k]));
    return out;
  }
  return v;
}

function pythonInts(t) {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map(pythonInts);
  const keys = Object.keys(t);
  if (keys.length === 1 && keys[0] === '$i8') {
    const n = BigInt(t.$i8);
    return n >= -2147483648n && n <= 2147483647n ? Number(n) : t;
  }
  if (keys.length === 1 && keys[0] === '$struct') return { $struct: pythonIntsInMembers(t.$struct) };
  if (keys.length === 1 && keys[0].startsWith('$')) return t;
  return pythonIntsInMembers(t);
}

function pythonIntsInMembers(t) {
  const out = {};
  for (const k of Object.keys(t)) defineKey(out, k, pythonInts(t[k]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Python

/**
 * Decodes every document with CPython's xmlrpc.client.loads in ONE python3 process (JSON lines
 * in and out, through fixtures/make_fixtures.py --loads). `docs` maps an id to a string or bytes.
 * Returns id → outcome. The child is killed by its PID if it is still running when this returns.
 */
export async function pythonLoads(docs) {
  const child = spawn('python3', [MAKE_FIXTURES, '--loads'], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.stdin.on('error', () => {}); // a dead child shows up as its exit code below
    const closed = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    for (const [id, doc] of docs) {
      const line = typeof doc === 'string' ? { id, xml: doc } : { id, base64: Buffer.from(doc).toString('base64') };
      child.stdin.write(JSON.stringify(line) + '\n');
    }
    child.stdin.end();
    const code = await closed;
    if (code !== 0) throw new Error(`python3 exited with ${code}: ${Buffer.concat(err).toString()}`);
    const results = new Map();
    for (const line of Buffer.concat(out).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { id, outcome } = JSON.parse(line);
      results.set(id, outcome);
    }
    return results;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding one value through both readers

/** Runs `check(reader)` for each reader, naming the reader when it fails. */
export function forEachReader(check) {
  for (const reader of READERS) {
    try {
      check(reader);
    } catch (e) {
      if (e instanceof Error) e.message = `[reader ${reader}] ${e.message}`;
      throw e;
    }
  }
}
