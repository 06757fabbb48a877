// Seeded random XML-RPC documents, their mutations and random limits, and the check that a
// decode by the default path (with its fast paths) and by the general path alone (`scalars: {}`,
// an empty table of user readers) agree: shared by fast-decode.test.js (the string fast path)
// and fast-decode-bytes.test.js (the byte fast path).
import assert from 'node:assert/strict';
import { DecodeError, decodeCall, decodeMessage, decodeResponse, encodeCall, encodeResponse } from 'xmlrpc-ts';
import { encodePythonLayout } from '../../bench/codec/workloads.js';

const DECODERS = { call: decodeCall, response: decodeResponse, any: decodeMessage };

/** What a decode gives: its value, or the error with everything it says. */
export function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    const error = { name: e?.constructor?.name, message: e?.message };
    if (e instanceof DecodeError) Object.assign(error, { reason: e.reason, detail: e.detail, path: e.path, position: e.position, xmlKind: e.xmlKind });
    else if (e?.faultCode !== undefined) Object.assign(error, { faultCode: e.faultCode, faultString: e.faultString });
    return { error };
  }
}

/** Decodes `input` by the default path and by the general path only, and asserts they agree. */
export function assertSame(input, options = {}, expect = 'any', label = '') {
  const decode = DECODERS[expect];
  const fast = outcome(() => decode(input, options));
  const general = outcome(() => decode(input, { ...options, scalars: {} }));
  assert.deepStrictEqual(fast, general, `${label} ${JSON.stringify(options)}\n${typeof input === 'string' ? input.slice(0, 400) : ''}`);
  return fast;
}

/** The settings the value builder gives the fast path for `options`. */
export function settings(doc, options = {}, expect = 'any') {
  return {
    expect,
    ctx: { i8: options.i8 ?? 'bigint', oversizeInt: options.oversizeInt ?? 'i8', dateTime: options.dateTime ?? 'date', naiveTimeZone: options.naiveTimeZone ?? 'UTC' },
    maxDepth: options.maxDepth ?? 1000,
    maxValues: options.maxValues ?? 1_000_000,
    maxStringLength: options.maxStringLength ?? 16 * 1024 * 1024,
    maxNameLength: options.maxNameLength ?? 4096,
    maxXmlNameLength: options.maxXmlNameLength ?? 256,
    copyStrings: doc.length > 64 * 1024,
  };
}

// ---------------------------------------------------------------------------------------------
// A seeded generator of values and documents

export function lcg(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (a) => a[Math.floor(next() * a.length)] };
}

export const CHARS = ['\r', 'a', 'Z', ' ', '&', '<', '>', '"', "'", '\n', '\t', 'é', '東', '😀', ']', ']]>', '#', ';', 'x'];
const NAMES = ['id', 'name', 'n', 'faultCode', 'faultString', 'a&b', 'é', '', 'idx', 'i'];

/** A random value; `py`: only what the Python-layout writer of the bench knows (no null, no bigint). */
export function randomValue(r, depth, py) {
  switch (r.int(depth > 3 ? 9 : 11)) {
    case 0: return r.int(2) === 0 ? r.int(1000) - 500 : (r.next() - 0.5) * 2 ** 40;
    case 1: return r.int(2) === 0 ? (r.next() - 0.5) * 1e6 : r.pick([0.1, -0.5, 1e-7, 1.5e-300]);
    case 2: return r.int(2) === 0;
    case 3: case 4: return Array.from({ length: r.int(12) }, () => r.pick(CHARS)).join('');
    case 5: return new Date(Date.UTC(1900 + r.int(200), r.int(12), 1 + r.int(31), r.int(24), r.int(60), r.int(60)));
    case 6: return new Uint8Array(Array.from({ length: r.int(r.int(8) === 0 ? 800 : 12) }, () => r.int(256)));
    case 7: return py ? 'p' : r.int(3) === 0 ? null : BigInt(r.int(1e8)) * 10_000_000_000n;
    case 8: return '';
    case 9: return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1, py));
    default: {
      const out = {};
      for (let i = r.int(5); i > 0; i--) out[r.pick(NAMES)] = randomValue(r, depth + 1, py);
      return out;
    }
  }
}

/** A random message in the compact, the indented or Python's layout. */
export function randomDocument(r) {
  const isCall = r.int(2) === 0;
  const layout = r.int(3);
  const params = Array.from({ length: isCall ? r.int(4) : 1 }, () => randomValue(r, 0, layout === 2));
  const methodName = r.pick(['m', 'system.listMethods', 'a&b<c']);
  const w = isCall ? { kind: 'call', methodName, params } : { kind: 'response', value: params[0] };
  switch (layout) {
    case 0: return isCall ? encodeCall(methodName, params) : encodeResponse(params[0]);
    case 1: return isCall ? encodeCall(methodName, params, { pretty: true }) : encodeResponse(params[0], { pretty: true });
    default: return encodePythonLayout(w);
  }
}

const TAG_NAMES = ['value', 'struct', 'member', 'name', 'array', 'data', 'int', 'string', 'params', 'param', 'i4', 'nil', 'x:i8', 'ex:nil'];
export const INSERTS = [' ', '\n', '\t', '\r', '\r\n', '<!-- c -->', '<![CDATA[x]]>', '<![CDATA[ ]]>', '&amp;', '&#32;', '&#x41;', '&bogus;', '<?pi x?>',
  'x', '<', '>', '&', ']]>', '</value>', '<value>', '<int>1</int>', '\u0001', '\uFEFF', '<nil/>'];

/** `doc` with one random change: a tag dropped or renamed, something inserted at a tag or anywhere, an attribute. */
export function mutate(doc, r) {
  const tags = [];
  for (let i = doc.indexOf('<'); i >= 0; i = doc.indexOf('<', i + 1)) tags.push(i);
  const at = r.pick(tags);
  const end = doc.indexOf('>', at) + 1;
  switch (r.int(6)) {
    case 0: return doc.slice(0, at) + doc.slice(end);
    case 1: {
      const slash = doc[at + 1] === '/' ? '/' : '';
      return `${doc.slice(0, at)}<${slash}${r.pick(TAG_NAMES)}${r.int(4) === 0 ? 'x' : ''}>${doc.slice(end)}`;
    }
    case 2: return doc.slice(0, at) + r.pick(INSERTS) + doc.slice(at);
    case 3: {
      const i = r.int(doc.length + 1);
      return doc.slice(0, i) + r.pick(INSERTS) + doc.slice(i);
    }
    case 4: return doc.slice(0, end - 1) + r.pick([' a="1"', ' ', '/', ' a="1" a="2"']) + doc.slice(end - 1);
    default: return doc.slice(0, r.int(doc.length));
  }
}

/** Random options, often a limit just below or at what the document needs. */
export function randomOptions(doc, r) {
  const o = {};
  const values = doc.split('<value>').length - 1;
  switch (r.int(8)) {
    case 0: o.maxValues = Math.max(0, values - r.int(2)); break;
    case 1: o.maxDepth = r.int(4); break;
    case 2: o.maxStringLength = r.int(24); break;
    case 3: o.maxNameLength = r.int(4); break;
    case 4: o.maxXmlNameLength = 14 + r.int(4); break;
    case 5: Object.assign(o, { i8: 'number', oversizeInt: 'error' }); break;
    case 6: Object.assign(o, { dateTime: 'lossless', naiveTimeZone: 'local' }); break;
    default: break;
  }
  return o;
}
