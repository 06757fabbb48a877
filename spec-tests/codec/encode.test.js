// Values → XML: the writer's choices (spec digest §3, §10.5), its errors with paths, and its options.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EncodeError, TypedValue, XmlRpcDateTime, asBase64, asBigDecimal, asBoolean, asDateTime, asDouble, asI8, asInt, asNil, asString,
  decodeCall, decodeMessage, decodeResponse, encodeCall, encodeFault, encodeResponse, encodeValue,
} from 'xmlrpc-ts';
import { READERS, forEachReader, thrown, toTagged } from './support.js';

/** The XML written for one value, without the frame. */
const written = (v, options) => encodeValue(v, options);

function encodeError(fn) {
  const e = thrown(fn);
  assert.ok(e instanceof EncodeError, `expected an EncodeError, got ${e?.name}: ${e?.message}`);
  assert.equal(e.code, 'ERR_XMLRPC_ENCODE');
  return e;
}

/** decode(encode(v)) through both readers, as tagged JSON. */
function roundTrip(v, options) {
  const xml = encodeResponse(v, options);
  const [a, b] = READERS.map((reader) => toTagged(decodeResponse(xml, { reader })));
  assert.deepStrictEqual(b, a);
  return a;
}

describe('numbers: int32 integers are <int>, other finite numbers <double>', () => {
  it('numbers: integers in the int32 range are <int>', () => {
    assert.equal(written(5), '<value><int>5</int></value>');
    assert.equal(written(-2147483648), '<value><int>-2147483648</int></value>');
    assert.equal(written(2147483647), '<value><int>2147483647</int></value>');
  });
  it('numbers: other finite numbers are <double>', () => {
    assert.equal(written(5.5), '<value><double>5.5</double></value>');
    assert.equal(written(-0.125), '<value><double>-0.125</double></value>');
  });
  it('numbers: -0 is <double>-0.0</double> and keeps its sign', () => {
    assert.equal(written(-0), '<value><double>-0.0</double></value>');
    assert.deepStrictEqual(roundTrip(-0), { $double: '-0' });
  });
  it('numbers: asDouble(5) forces <double>5.0</double>', () => {
    assert.equal(written(asDouble(5)), '<value><double>5.0</double></value>');
  });
  it('numbers: doubles are written in decimal point notation, never with an exponent', () => {
    for (const n of [1e-7, 5e-324, 1.7976931348623157e308, 1.2345678901234568e17, 1e21, 0.1, 123.456, -2.5e-300]) {
      const xml = written(asDouble(n));
      const text = /<double>(.*)<\/double>/.exec(xml)[1];
      assert.match(text, /^-?[0-9]+\.[0-9]+$/, String(n));
      assert.equal(Number(text), n, String(n));
    }
  });
  it('numbers: a safe integer beyond int32 (Date.now(), a file size) is <i8> by default: Python, xmlrpc-c, Perl, Ruby and Java read it', () => {
    assert.equal(written(2147483648), '<value><i8>2147483648</i8></value>');
    const now = Date.now();
    assert.equal(written(now), `<value><i8>${now}</i8></value>`);
    assert.equal(written(-2147483649), '<value><i8>-2147483649</i8></value>');
    assert.equal(written(2147483647), '<value><int>2147483647</int></value>');
  });
  it("numbers: largeIntegers 'error' refuses them with EncodeError at params[0] and a hint (Python's choice)", () => {
    const e = encodeError(() => encodeResponse(2147483648, { largeIntegers: 'error' }));
    assert.equal(e.path, 'params[0]');
    assert.match(e.message, /bigint|largeIntegers|asDouble/);
    assert.equal(encodeError(() => encodeCall('m', [1, -2147483649], { largeIntegers: 'error' })).path, 'params[1]');
  });
  it("numbers: largeIntegers 'i8' writes <i8> for safe integers; unsafe ones are doubles whatever the option", () => {
    assert.equal(written(2147483648, { largeIntegers: 'i8' }), '<value><i8>2147483648</i8></value>');
    assert.equal(written(-9007199254740991, { largeIntegers: 'i8' }), '<value><i8>-9007199254740991</i8></value>');
    assert.equal(written(2 ** 60, { largeIntegers: 'i8' }), '<value><double>1152921504606847000.0</double></value>');
    assert.equal(written(7, { largeIntegers: 'i8' }), '<value><int>7</int></value>');
  });
  it('numbers: a whole number beyond 2^53 (1e100, MAX_VALUE) is a <double> by default: it cannot be an exact integer', () => {
    assert.deepStrictEqual(roundTrip(1e100), 1e100);
    assert.deepStrictEqual(roundTrip(Number.MAX_VALUE), Number.MAX_VALUE);
    assert.equal(written(2 ** 53), '<value><double>9007199254740992.0</double></value>');
    assert.equal(written(2 ** 53 - 1), '<value><i8>9007199254740991</i8></value>');
  });
  it("numbers: largeIntegers 'double' writes <double>", () => {
    assert.equal(written(2147483648, { largeIntegers: 'double' }), '<value><double>2147483648.0</double></value>');
    assert.deepStrictEqual(roundTrip(1e300, { largeIntegers: 'double' }), 1e300);
  });
  it('numbers: NaN and ±Infinity → EncodeError by default', () => {
    for (const n of [NaN, Infinity, -Infinity]) assert.equal(encodeError(() => encodeCall('m', [[n]])).path, 'params[0][0]');
  });
  it("numbers: allowNonFinite writes Python's nan, inf, -inf, which decode back", () => {
    assert.equal(written(NaN, { allowNonFinite: true }), '<value><double>nan</double></value>');
    assert.equal(written(Infinity, { allowNonFinite: true }), '<value><double>inf</double></value>');
    assert.equal(written(-Infinity, { allowNonFinite: true }), '<value><double>-inf</double></value>');
    assert.deepStrictEqual(roundTrip([NaN, Infinity, -Infinity], { allowNonFinite: true }),
      [{ $double: 'NaN' }, { $double: 'Infinity' }, { $double: '-Infinity' }]);
  });
});

describe('bigint: <i8>, 64-bit checked', () => {
  it('bigint: any bigint in the 64-bit range is <i8>, small ones too', () => {
    assert.equal(written(5n), '<value><i8>5</i8></value>');
    assert.equal(written(-(2n ** 63n)), '<value><i8>-9223372036854775808</i8></value>');
    assert.equal(written(2n ** 63n - 1n), '<value><i8>9223372036854775807</i8></value>');
  });
  it('bigint: outside the 64-bit range → EncodeError with the path', () => {
    assert.equal(encodeError(() => encodeResponse({ big: 2n ** 63n })).path, 'params[0].big');
    encodeError(() => written(-(2n ** 63n) - 1n));
  });
  it('bigint: asI8 forces <i8> from a safe number or a bigint; asInt is 32-bit checked', () => {
    assert.equal(written(asI8(5)), '<value><i8>5</i8></value>');
    assert.equal(written(asI8(5n)), '<value><i8>5</i8></value>');
    encodeError(() => written(asI8(2 ** 60)));
    encodeError(() => written(asI8(1.5)));
    assert.equal(written(asInt(-7)), '<value><int>-7</int></value>');
    encodeError(() => written(asInt(2147483648)));
    encodeError(() => written(asInt(1.5)));
  });
});

describe('strings: escaped, never trimmed, CR kept, XML-illegal characters refused', () => {
  it('strings: &, < and > are escaped; the text comes back exactly', () => {
    assert.equal(written('a&b<c>d'), '<value><string>a&amp;b&lt;c&gt;d</string></value>');
    assert.equal(roundTrip('x ]]> y <![CDATA[ &amp; "\''), 'x ]]> y <![CDATA[ &amp; "\'');
  });
  it('strings: the empty string is <string></string>, never <string/>', () => {
    assert.equal(written(''), '<value><string></string></value>');
  });
  it('strings: leading and trailing whitespace is kept', () => {
    assert.equal(roundTrip('  \t two  \n'), '  \t two  \n');
  });
  it('strings: \\r is written as &#13; and survives the round trip', () => {
    assert.equal(written('a\r\nb\r'), '<value><string>a&#13;\nb&#13;</string></value>');
    assert.equal(roundTrip('a\r\nb\rc'), 'a\r\nb\rc');
  });
  it('strings: non-ASCII and astral characters are written as they are', () => {
    assert.equal(roundTrip('caf\u00e9 \u4e2d \u{1F600} \ufffd \u2028'), 'caf\u00e9 \u4e2d \u{1F600} \ufffd \u2028');
  });
  it('strings: U+0001 and other C0 controls → EncodeError with the path, never invalid XML', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f']) {
      const e = encodeError(() => encodeResponse({ list: ['ok', `a${c}b`] }));
      assert.equal(e.path, 'params[0].list[1]', JSON.stringify(c));
    }
  });
  it('strings: lone surrogates and U+FFFE/U+FFFF → EncodeError', () => {
    for (const s of ['\ud800', 'a\udc00', '\ud83d', '\ude00\ud83d', '\ufffe', '\uffff']) encodeError(() => written(s));
  });
  it('strings: illegal characters in member names and method names are refused too', () => {
    const e = encodeError(() => encodeResponse({ ['bad\u0001name']: 1 }));
    assert.match(e.path, /^params\[0\]/);
    encodeError(() => encodeCall('m\u0002', []));
  });
  it('strings: asString forces <string> and asBase64 takes text as UTF-8', () => {
    assert.equal(written(asString('5')), '<value><string>5</string></value>');
    assert.equal(written(asBase64('h\u00e9')), `<value><base64>${Buffer.from('h\u00e9').toString('base64')}</base64></value>`);
    assert.equal(written(asBoolean(true)), '<value><boolean>1</boolean></value>');
  });
});

describe('other scalars: boolean, null, Date, bytes', () => {
  it('boolean: true is 1, false is 0', () => {
    assert.equal(written(true), '<value><boolean>1</boolean></value>');
    assert.equal(written(false), '<value><boolean>0</boolean></value>');
  });
  it('null: <nil/> by default; allowNil: false → EncodeError with the path', () => {
    assert.equal(written(null), '<value><nil/></value>');
    assert.equal(written(asNil()), '<value><nil/></value>');
    assert.equal(encodeError(() => encodeResponse([1, null], { allowNil: false })).path, 'params[0][1]');
    encodeError(() => written(asNil(), { allowNil: false }));
  });
  it('undefined: a struct member is left out; a param or array element → EncodeError', () => {
    assert.deepStrictEqual(roundTrip({ a: 1, b: undefined }), { a: 1 });
    assert.deepStrictEqual(roundTrip(new Map([['a', 1], ['b', undefined]])), { a: 1 });
    assert.equal(encodeError(() => encodeCall('m', [1, undefined])).path, 'params[1]');
    assert.equal(encodeError(() => encodeResponse([undefined])).path, 'params[0][0]');
  });
  it('Date: YYYYMMDDTHH:MM:SS on the UTC wall clock; milliseconds dropped', () => {
    assert.equal(written(new Date('1998-07-17T14:08:55.999Z')), '<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>');
    assert.equal(written(new Date('0099-01-02T03:04:05Z')), '<value><dateTime.iso8601>00990102T03:04:05</dateTime.iso8601></value>');
  });
  it("Date: dateTimeZone 'local' writes the local wall clock", () => {
    const d = new Date(2001, 1, 3, 4, 5, 6);
    assert.equal(written(d, { dateTimeZone: 'local' }), '<value><dateTime.iso8601>20010203T04:05:06</dateTime.iso8601></value>');
  });
  it('Date: an invalid Date or a year outside 0000-9999 → EncodeError', () => {
    assert.equal(encodeError(() => encodeResponse({ when: new Date(NaN) })).path, 'params[0].when');
    encodeError(() => written(new Date('+010000-01-01T00:00:00Z')));
    encodeError(() => written(new Date('-000001-01-01T00:00:00Z')));
  });
  it('XmlRpcDateTime: written as sent (fraction and zone kept), and decodes back losslessly', () => {
    const dt = new XmlRpcDateTime({ year: 1998, month: 7, day: 17, hour: 14, minute: 8, second: 55, fraction: '250', offsetMinutes: 120 });
    assert.equal(written(dt), '<value><dateTime.iso8601>19980717T14:08:55.250+02:00</dateTime.iso8601></value>');
    assert.equal(written(asDateTime(dt)), written(dt));
    const back = decodeResponse(encodeResponse(dt), { dateTime: 'lossless' });
    assert.deepEqual({ ...back }, { ...dt });
  });
  it('bytes: Buffer and Uint8Array are <base64>; a view writes only its own bytes', () => {
    assert.equal(written(Buffer.from('hello')), '<value><base64>aGVsbG8=</base64></value>');
    const whole = new Uint8Array([0, 1, 2, 104, 105, 3]);
    assert.equal(written(whole.subarray(3, 5)), '<value><base64>aGk=</base64></value>');
    assert.equal(written(new Uint8Array(0)), '<value><base64></base64></value>');
    const back = decodeResponse(encodeResponse(new Uint8Array([255, 0, 128])));
    assert.ok(back instanceof Uint8Array);
    assert.deepEqual([...back], [255, 0, 128]);
  });
  it('bigdecimal: asBigDecimal writes its exact text as <double>, exponent included; other text is refused', () => {
    assert.equal(written(asBigDecimal('1.50')), '<value><double>1.50</double></value>');
    assert.equal(written(asBigDecimal('-123456789012345678901234567890.5')), '<value><double>-123456789012345678901234567890.5</double></value>');
    assert.equal(written(asBigDecimal('1e5')), '<value><double>1e5</double></value>');
    encodeError(() => written(asBigDecimal('1.5<')));
    encodeError(() => written(asBigDecimal('1e')));
  });
  it('bigdecimal: what the decoder accepts as <ex:bigdecimal>, the encoder writes back (1e5 round trips)', () => {
    for (const text of ['1e5', '-2.5E-3', '.5', '7.', '+12']) {
      const doc = `<methodResponse><params><param><value><ex:bigdecimal>${text}</ex:bigdecimal></value></param></params></methodResponse>`;
      const v = decodeResponse(doc);
      assert.ok(v instanceof TypedValue && v.type === 'bigdecimal' && v.value === text, text);
      assert.equal(encodeValue(v), `<value><double>${text}</double></value>`, text);
      assert.equal(decodeResponse(encodeResponse(v)), Number(text), text);
    }
  });
});

describe('containers: arrays, plain objects and Maps; everything else refused with its path', () => {
  it('containers: arrays and plain objects nest', () => {
    assert.deepStrictEqual(roundTrip({ a: [1, { b: [] }], c: {} }), { a: [1, { b: [] }], c: {} });
  });
  it('containers: a null-prototype object is a struct', () => {
    const o = Object.create(null);
    o.x = 1;
    assert.deepStrictEqual(roundTrip(o), { x: 1 });
  });
  it('containers: a Map with string keys is a struct; another key → EncodeError', () => {
    assert.deepStrictEqual(roundTrip(new Map([['k', 'v'], ['n', 2]])), { k: 'v', n: 2 });
    encodeError(() => written(new Map([[1, 'v']])));
  });
  it('containers: member names are escaped and kept exactly, __proto__ included', () => {
    const o = JSON.parse('{"__proto__": {"x": 1}, "a<b&c": 2, " sp ": 3, "": 4}');
    const back = decodeResponse(encodeResponse(o));
    assert.ok(Object.hasOwn(back, '__proto__'));
    assert.deepStrictEqual(toTagged(back), toTagged(o));
    assert.equal({}.x, undefined);
  });
  it('containers: a member named "constructor" is data, whatever its value', () => {
    assert.deepStrictEqual(roundTrip({ constructor: 'x', toString: 1 }), { constructor: 'x', toString: 1 });
    for (const ctor of [Date, Map, Uint8Array, Array]) {
      const e = encodeError(() => encodeResponse({ a: { constructor: ctor } }));
      assert.equal(e.path, 'params[0].a.constructor');
    }
  });
  it('containers: member names are cached per name, and each struct still gets its own', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ id: i, 'a&b': i }));
    assert.deepStrictEqual(roundTrip(rows), rows);
    assert.match(written({ 'a&b': 1 }), /<name>a&amp;b<\/name>/);
  });
  it('containers: class instances → EncodeError naming the class and the path', () => {
    class Point { constructor() { this.x = 1; } }
    const e = encodeError(() => encodeCall('m', [{ user: { where: new Point() } }]));
    assert.equal(e.path, 'params[0].user.where');
    assert.match(e.message, /Point/);
    for (const v of [new Set([1]), new WeakMap(), /re/, new Error('x'), Promise.resolve(), new Int32Array(2)]) {
      encodeError(() => written([v]));
    }
  });
  it('containers: functions and symbols → EncodeError with the path', () => {
    assert.equal(encodeError(() => encodeResponse({ f() {} })).path, 'params[0].f');
    assert.equal(encodeError(() => encodeResponse([Symbol('s')])).path, 'params[0][0]');
  });
  it('containers: what a getter, Proxy trap or TypeEncoder throws → EncodeError at its path, the thrown error as cause', () => {
    const boom = new TypeError('boom');
    const getter = Object.defineProperty({}, 'bad', { enumerable: true, get() { throw boom; } });
    const e1 = encodeError(() => encodeCall('m', [1, { rows: [getter] }]));
    assert.deepStrictEqual([e1.path, e1.detail, e1.cause], ['params[1].rows[0].bad', 'reading the value threw: TypeError: boom', boom]);
    const e2 = encodeError(() => encodeResponse([new Proxy({}, { ownKeys() { throw boom; } })]));
    assert.deepStrictEqual([e2.path, e2.cause], ['params[0][0]', boom]);
    const types = [{ match: (v) => v instanceof Set, encode() { throw boom; } }];
    const e3 = encodeError(() => encodeResponse({ s: new Set() }, { types }));
    assert.deepStrictEqual([e3.path, e3.cause], ['params[0].s', boom]);
  });
  it('containers: a TypeEncoder that returns what it matches, or encoders that hand values back and forth → EncodeError, not a hang', () => {
    class A {}
    class B {}
    const self = encodeError(() => encodeResponse({ a: new A() }, { types: [{ match: (v) => v instanceof A, encode: () => new A() }] }));
    assert.deepStrictEqual([self.path, self.detail], ['params[0].a', 'a TypeEncoder returned a value that it matches itself (it would be encoded again forever)']);
    const types = [{ match: (v) => v instanceof A, encode: () => new B() }, { match: (v) => v instanceof B, encode: () => new A() }];
    const loop = encodeError(() => encodeResponse({ a: new A() }, { types }));
    assert.match(loop.detail, /^the call stack ran out at a nesting depth of only 1: do TypeEncoders return values/);
    assert.equal(loop.path, 'params[0].a');
  });
  it('containers: a thrown value whose message cannot be read is still an EncodeError at its path', () => {
    const unreadable = Object.create(null);
    const e = encodeError(() => encodeResponse({ a: { get b() { throw unreadable; } } }));
    assert.deepStrictEqual([e.path, e.detail, e.cause], ['params[0].a.b', 'reading the value threw: an error whose message cannot be read', unreadable]);
  });
  it('containers: a path quotes member names that are not identifiers', () => {
    assert.equal(encodeError(() => encodeResponse({ 'a b': [NaN] })).path, 'params[0]["a b"][0]');
  });
  it('containers: a cycle → EncodeError (array, object, Map)', () => {
    const a = [1];
    a.push(a);
    assert.equal(encodeError(() => encodeResponse(a)).path, 'params[0][1]');
    const o = { x: { } };
    o.x.back = o;
    assert.equal(encodeError(() => encodeResponse(o)).path, 'params[0].x.back');
    const m = new Map();
    m.set('self', m);
    encodeError(() => written(m));
  });
  it('containers: the same object twice (no cycle) is written twice', () => {
    const shared = { n: 1 };
    assert.deepStrictEqual(roundTrip([shared, shared, { s: shared }]), [{ n: 1 }, { n: 1 }, { s: { n: 1 } }]);
  });
  it('containers: types registers an encoder for a user class', () => {
    class Money { constructor(cents) { this.cents = cents; } }
    const types = [{ match: (v) => v instanceof Money, encode: (m) => asBigDecimal((m.cents / 100).toFixed(2)) }];
    assert.equal(written([new Money(150)], { types }), '<value><array><data><value><double>1.50</double></value></data></array></value>');
  });
});

describe('documents: calls, responses and faults', () => {
  it('documents: encodeCall writes the declaration, the escaped method name and the params', () => {
    const xml = encodeCall('a<b&c', [1, 'x']);
    assert.ok(xml.startsWith('<?xml version="1.0"?>'));
    assert.deepStrictEqual(decodeCall(xml), { methodName: 'a<b&c', params: [1, 'x'] });
  });
  it('documents: encodeCall with no params decodes to zero params', () => {
    assert.deepStrictEqual(decodeCall(encodeCall('system.listMethods', [])), { methodName: 'system.listMethods', params: [] });
  });
  it('documents: encodeCall refuses an empty method name and non-array params', () => {
    encodeError(() => encodeCall('', []));
    encodeError(() => encodeCall('m', 'not an array'));
  });
  it('documents: encodeFault writes an int code and a string; decodeResponse throws it back', () => forEachReader((r) => {
    const e = thrown(() => decodeResponse(encodeFault({ faultCode: -32601, faultString: 'no <such> method & more' }), { reader: r }));
    assert.deepStrictEqual([e.faultCode, e.faultString], [-32601, 'no <such> method & more']);
    const s = decodeMessage(encodeFault({ faultCode: 'Client', faultString: '' }), { reader: r });
    assert.deepStrictEqual([s.fault.faultCode, s.fault.faultString], ['Client', '']);
  }));
  it('documents: encodeFault refuses a faultCode that is not an int32 or a string', () => {
    assert.equal(encodeError(() => encodeFault({ faultCode: 1.5, faultString: 'x' })).path, 'fault.faultCode');
    encodeError(() => encodeFault({ faultCode: 2 ** 31, faultString: 'x' }));
    encodeError(() => encodeFault({ faultCode: 1, faultString: 5 }));
  });
  it('documents: declaration: false leaves the declaration out', () => {
    assert.ok(encodeResponse(1, { declaration: false }).startsWith('<methodResponse>'));
  });
});

describe('pretty: indented output for people, the same values for programs', () => {
  const value = { s: '  keep  my\r\nspaces  ', list: [1, 'two', [], {}, null, Buffer.from('hi')], e: '', n: { deep: [true] } };
  it('pretty: the output is indented over several lines', () => {
    const xml = encodeResponse(value, { pretty: true });
    assert.ok(xml.split('\n').length > 10);
    assert.match(xml, /\n {2,}<value>/);
  });
  it('pretty: it decodes to the same value as the compact output, through both readers', () => forEachReader((r) => {
    const compact = toTagged(decodeResponse(encodeResponse(value), { reader: r }));
    assert.deepStrictEqual(toTagged(decodeResponse(encodeResponse(value, { pretty: true }), { reader: r })), compact);
    const c = encodeCall('m', [value, 'x'], { pretty: true });
    assert.deepStrictEqual(toTagged(decodeCall(c, { reader: r }).params), toTagged([value, 'x']));
  }));
  it('pretty: &#13; and whitespace inside strings survive; empty strings stay <string></string>', () => {
    const xml = encodeResponse(value, { pretty: true });
    assert.match(xml, /&#13;/);
    assert.match(xml, /<string><\/string>/);
    assert.equal(decodeResponse(xml).s, value.s);
  });
});

describe('XmlRpcDateTime: its public fields are checked before they are written', () => {
  it('impossible fields (month 13, hour 99, a fraction with markup) are an EncodeError at the path, never invalid XML', () => {
    const bad = new XmlRpcDateTime({ year: 1998, month: 13, day: 45, hour: 99, minute: 0, second: 0, fraction: 'x<', offsetMinutes: null });
    const e = encodeError(() => encodeCall('m', [{ when: bad }]));
    assert.equal(e.path, 'params[0].when');
  });
  it('valid fields, with a fraction and a zone, are written as sent and read back the same', () => {
    const ok = new XmlRpcDateTime({ year: 1998, month: 7, day: 17, hour: 14, minute: 8, second: 55, fraction: '250000', offsetMinutes: 120 });
    assert.equal(written(ok), '<value><dateTime.iso8601>19980717T14:08:55.250000+02:00</dateTime.iso8601></value>');
    forEachReader((reader) => {
      const back = decodeResponse(encodeResponse(ok), { reader, dateTime: 'lossless' });
      assert.deepEqual({ ...back }, { ...ok });
    });
  });
});
