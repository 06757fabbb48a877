// Python as the reference peer: our encoder's output decoded by CPython's xmlrpc.client.loads
// (use_builtin_types=True) gives the same values, and the Python-written fixtures still decode,
// in Python, to the expectations recorded in expected.json. One python3 process for the file.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  XmlRpcDateTime, asBase64, asBigDecimal, asDouble, asI8, asNil, asString, encodeCall, encodeFault, encodeResponse,
} from 'xmlrpc-ts';
import { expectationOf, fixtureNames, loadManifest, modelValue, pythonLoads, pythonView, readFixture, xmlString } from './support.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const protoStruct = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c", "": 0, "a<b&c>": [], " sp ": "x"}');

/** Named values with the encode options they need. */
const CORPUS = [
  ['int: 0, -1 and the ends of int32', [0, -1, 2147483647, -2147483648]],
  ['i8: bigints at the 64-bit ends and small ones', [2n ** 63n - 1n, -(2n ** 63n), 5n, -5n, 2n ** 31n]],
  ['double: fractions, tiny and huge magnitudes, in decimal point notation', [0.1, -12.214, 5e-324, asDouble(1.7976931348623157e308), 1e-7, 2.5e-300, 123456789.123]],
  ['double: -0 keeps its sign', -0],
  ['double: asDouble(5) is a float 5.0', asDouble(5)],
  ['double: a large integer sent with largeIntegers double', [1e300, 2 ** 53 + 2], { largeIntegers: 'double' }],
  ['double: NaN and infinities sent with allowNonFinite', [NaN, Infinity, -Infinity], { allowNonFinite: true }],
  ['string: empty, padded, markup characters', ['', '  padded  ', '<&>"\'', ']]>', '<![CDATA[x]]>']],
  ['string: CR survives as &#13; (Python itself would lose it)', 'a\r\nb\rc\r'],
  ['string: non-ASCII, astral, U+2028, U+FEFF, U+FFFD and TAB', 'caf\u00e9 \u4e2d \u{1F600} \u2028 \ufeff \ufffd\t'],
  ['boolean and nil', [true, false, null, asNil()]],
  ['dateTime: Dates in UTC, milliseconds dropped', [new Date('1998-07-17T14:08:55.999Z'), new Date('0001-01-01T00:00:00Z'), new Date('9999-12-31T23:59:59Z')]],
  ['dateTime: a naive XmlRpcDateTime in the spec form', new XmlRpcDateTime({ year: 2024, month: 2, day: 29, hour: 1, minute: 2, second: 3, fraction: '', offsetMinutes: null })],
  ['base64: every byte value, empty, and text as UTF-8', [allBytes, Buffer.alloc(0), new Uint8Array([1, 2, 3]), asBase64('h\u00e9')]],
  ['typed: asI8, asString, asBigDecimal', [asI8(7), asString('42'), asBigDecimal('1.50')]],
  ['struct: odd member names, __proto__ and constructor included', protoStruct],
  ['struct: a Map', new Map([['k', 1], ['list', [new Map()]]])],
  ['nesting: arrays and structs 50 deep', JSON.parse('['.repeat(25) + '{"a":' .repeat(25) + '1' + '}'.repeat(25) + ']'.repeat(25))],
];

const SAMPLED = fc.sample(modelValue, { numRuns: 150, seed: 20240601 });
const SAMPLED_CALLS = fc.sample(fc.tuple(xmlString.filter((s) => s !== ''), fc.array(modelValue, { maxLength: 3 })), { numRuns: 40, seed: 7 });

const manifest = loadManifest();
const PY_FIXTURES = fixtureNames().filter((n) => n.startsWith('python/'));

/** id → [document, expected outcome] */
const cases = new Map();
for (const [name, v, options] of CORPUS) {
  cases.set(`corpus: ${name}`, [encodeResponse(v, options), { value: pythonView(v) }]);
  cases.set(`corpus, pretty: ${name}`, [encodeResponse(v, { ...options, pretty: true }), { value: pythonView(v) }]);
}
SAMPLED.forEach((v, i) => cases.set(`sampled response #${i}`, [encodeResponse(v), { value: pythonView(v) }]));
SAMPLED_CALLS.forEach(([methodName, params], i) => cases.set(`sampled call #${i}`,
  [encodeCall(methodName, params), { call: { methodName, params: pythonView(params) } }]));
for (const [faultCode, faultString] of [[4, 'Too many parameters'], [-32601, 'no <such> method & "more"'], [0, ''], ['Client', 'string code\r\n']]) {
  cases.set(`fault ${JSON.stringify(faultCode)}`, [encodeFault({ faultCode, faultString }), { fault: { faultCode, faultString } }]);
}
cases.set('call: no params', [encodeCall('system.listMethods', []), { call: { methodName: 'system.listMethods', params: [] } }]);
cases.set('call: escaped method name', [encodeCall('a<b&c', [1]), { call: { methodName: 'a<b&c', params: [1] } }]);

let results;
before(async () => {
  const docs = [...cases].map(([id, [doc]]) => [id, doc]);
  for (const name of PY_FIXTURES) docs.push([`fixture ${name}`, readFixture(name)]);
  results = await pythonLoads(docs);
});

describe("python: CPython's loads reads our encoder's output as the values we encoded", () => {
  for (const [id, [, expected]] of cases) {
    it(id, () => {
      assert.deepStrictEqual(results.get(id), expected);
    });
  }
});

describe('python: the Python-written fixtures still decode, in Python, to what expected.json records', () => {
  for (const name of PY_FIXTURES) {
    it(name, () => {
      assert.deepStrictEqual(results.get(`fixture ${name}`), expectationOf(manifest[name]));
    });
  }
});
