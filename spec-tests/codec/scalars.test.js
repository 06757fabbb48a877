// The lexical rules of every scalar type on decode (spec digest §3, §7, §12), through both readers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError, TypedValue, XmlRpcDateTime, decodeResponse, encodeValue } from 'xmlrpc-ts';
import { forEachReader, response, thrown } from './support.js';

const EX = ' xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"';

/** The value of a one-value response, decoded with `reader`. */
function value(inner, reader, options = {}, rootAttributes = '') {
  return decodeResponse(response(inner, rootAttributes), { ...options, reader });
}

/** Asserts that decoding fails with a value error located at params[0]. */
function rejects(inner, reader, options = {}, rootAttributes = '') {
  const e = thrown(() => value(inner, reader, options, rootAttributes));
  assert.ok(e instanceof DecodeError, `${inner}: expected a DecodeError, got ${e}`);
  assert.equal(e.reason, 'value', `${inner}: ${e.message}`);
  assert.equal(e.path, 'params[0]', inner);
}

describe('int: <int> and <i4> are the same 32-bit type and decode to a number', () => {
  it('int: <int> and <i4> are synonyms', () => forEachReader((r) => {
    assert.equal(value('<int>42</int>', r), 42);
    assert.equal(value('<i4>42</i4>', r), 42);
  }));
  it('int: leading zeros collapse', () => forEachReader((r) => {
    assert.equal(value('<int>007</int>', r), 7);
    assert.equal(value('<i4>+0002147483647</i4>', r), 2147483647);
    assert.equal(value('<int>-0000000000000000000001</int>', r), -1);
  }));
  it('int: an optional sign; -0 is plain 0', () => forEachReader((r) => {
    assert.equal(value('<int>+5</int>', r), 5);
    assert.equal(value('<int>-5</int>', r), -5);
    assert.ok(Object.is(value('<int>-0</int>', r), 0));
  }));
  it('int: -2147483648 and 2147483647 are the ends of the range', () => forEachReader((r) => {
    assert.equal(value('<int>-2147483648</int>', r), -2147483648);
    assert.equal(value('<int>2147483647</int>', r), 2147483647);
  }));
  it("int: an oversize <int>/<i4> that fits 64 bits is read like <i8> by default (Ruby sends them; Python reads them)", () => forEachReader((r) => {
    assert.equal(value('<int>2147483648</int>', r), 2147483648n);
    assert.equal(value('<i4>-2147483649</i4>', r), -2147483649n);
    assert.equal(value('<i4>9223372036854775807</i4>', r), 2n ** 63n - 1n);
    assert.equal(value('<int>2147483648</int>', r, { i8: 'number' }), 2147483648);
    assert.equal(value('<int>9007199254740993</int>', r, { i8: 'number' }), 9007199254740993n);
  }));
  it('int: beyond 64 bits an <int> is out of range → value error at params[0]', () => forEachReader((r) => {
    rejects('<int>9223372036854775808</int>', r);
    rejects('<i4>-9223372036854775809</i4>', r);
  }));
  it("int: with { oversizeInt: 'error' } 2147483648 and -2147483649 are out of range → value error at params[0]", () => forEachReader((r) => {
    rejects('<int>2147483648</int>', r, { oversizeInt: 'error' });
    rejects('<i4>-2147483649</i4>', r, { oversizeInt: 'error' });
    assert.equal(value('<int>2147483647</int>', r, { oversizeInt: 'error' }), 2147483647);
  }));
  it('int: only ASCII digits after an optional sign (no hex, exponent, point, separators or other digits)', () => forEachReader((r) => {
    for (const t of ['12abc', '0x10', '1_000', '1e3', '1.0', '1,000', '\u0663', '\uff15', '', '+', '+-5', '--5', 'Infinity', '0b11']) {
      rejects(`<int>${t}</int>`, r);
    }
  }));
  it('int: no whitespace inside the element (spec clarification: "no whitespace")', () => forEachReader((r) => {
    for (const t of [' 5', '5 ', '\n5\n', '\t5']) rejects(`<int>${t}</int>`, r);
  }));
});

describe('i8: a 64-bit integer, decoded to a bigint by default', () => {
  it('i8: decodes to a bigint, exact beyond 2^53', () => forEachReader((r) => {
    assert.equal(value('<i8>9007199254740993</i8>', r), 9007199254740993n);
    assert.equal(value('<i8>5</i8>', r), 5n);
    assert.equal(value('<i8>+007</i8>', r), 7n);
  }));
  it('i8: -9223372036854775808 and 9223372036854775807 are the ends of the range', () => forEachReader((r) => {
    assert.equal(value('<i8>-9223372036854775808</i8>', r), -(2n ** 63n));
    assert.equal(value('<i8>9223372036854775807</i8>', r), 2n ** 63n - 1n);
  }));
  it('i8: 9223372036854775808 is out of range → value error at params[0]', () => forEachReader((r) => {
    rejects('<i8>9223372036854775808</i8>', r);
    rejects('<i8>-9223372036854775809</i8>', r);
  }));
  it('i8: the lexical rules of int apply', () => forEachReader((r) => {
    for (const t of ['12abc', '0x10', '1_000', '1e3', '']) rejects(`<i8>${t}</i8>`, r);
  }));
  it("i8: with { i8: 'number' } safe integers become numbers and unsafe ones stay bigint", () => forEachReader((r) => {
    assert.equal(value('<i8>9007199254740991</i8>', r, { i8: 'number' }), 9007199254740991);
    assert.equal(value('<i8>-42</i8>', r, { i8: 'number' }), -42);
    assert.equal(value('<i8>9007199254740993</i8>', r, { i8: 'number' }), 9007199254740993n);
  }));
  it('i8: ex:i8 is the same type; ex:biginteger is any size', () => forEachReader((r) => {
    assert.equal(value('<ex:i8>-42</ex:i8>', r, {}, EX), -42n);
    rejects('<ex:i8>9223372036854775808</ex:i8>', r, {}, EX);
    assert.equal(value('<ex:biginteger>123456789012345678901234567890</ex:biginteger>', r, {}, EX), 123456789012345678901234567890n);
    rejects('<ex:biginteger>12.5</ex:biginteger>', r, {}, EX);
  }));
  it('i8: ex:i1 is 8-bit and ex:i2 16-bit, both numbers', () => forEachReader((r) => {
    assert.equal(value('<ex:i1>-128</ex:i1>', r, {}, EX), -128);
    assert.equal(value('<ex:i1>127</ex:i1>', r, {}, EX), 127);
    rejects('<ex:i1>128</ex:i1>', r, {}, EX);
    assert.equal(value('<ex:i2>-32768</ex:i2>', r, {}, EX), -32768);
    rejects('<ex:i2>32768</ex:i2>', r, {}, EX);
  }));
});

describe('boolean: exactly 0 or 1', () => {
  it('boolean: 1 is true and 0 is false', () => forEachReader((r) => {
    assert.equal(value('<boolean>1</boolean>', r), true);
    assert.equal(value('<boolean>0</boolean>', r), false);
  }));
  it('boolean: true, false, 2, yes, 00, empty → value error (Python refuses them too)', () => forEachReader((r) => {
    for (const t of ['true', 'false', 'TRUE', '2', '-1', 'yes', '00', '01', '']) rejects(`<boolean>${t}</boolean>`, r);
  }));
  it('boolean: " 1" with whitespace → value error (as Python)', () => forEachReader((r) => {
    for (const t of [' 1', '0 ', '\n1\n']) rejects(`<boolean>${t}</boolean>`, r);
  }));
});

describe('double: decimal point notation, plus the exponents and non-finite spellings real peers send', () => {
  it('double: the spec form, including .5 and 5.', () => forEachReader((r) => {
    assert.equal(value('<double>-12.214</double>', r), -12.214);
    assert.equal(value('<double>.5</double>', r), 0.5);
    assert.equal(value('<double>5.</double>', r), 5);
    assert.equal(value('<double>+1.5</double>', r), 1.5);
  }));
  it("double: Python's exponents are accepted (1e+100, 1e-07, 1.2345678901234568e+17)", () => forEachReader((r) => {
    assert.equal(value('<double>1e+100</double>', r), 1e100);
    assert.equal(value('<double>1e-07</double>', r), 1e-7);
    assert.equal(value('<double>1.2345678901234568e+17</double>', r), 1.2345678901234568e17);
    assert.equal(value('<double>2.5E3</double>', r), 2500);
  }));
  it('double: nan, inf, -inf (Python), NaN, Infinity, -Infinity (Java, JS) are accepted on decode', () => forEachReader((r) => {
    for (const t of ['nan', 'NaN']) assert.ok(Number.isNaN(value(`<double>${t}</double>`, r)), t);
    for (const t of ['inf', 'Infinity', '+inf']) assert.equal(value(`<double>${t}</double>`, r), Infinity, t);
    for (const t of ['-inf', '-Infinity']) assert.equal(value(`<double>${t}</double>`, r), -Infinity, t);
  }));
  it("double: -0.0 keeps its sign", () => forEachReader((r) => {
    assert.ok(Object.is(value('<double>-0.0</double>', r), -0));
    assert.ok(Object.is(value('<double>0.0</double>', r), 0));
  }));
  it('double: text parses to the nearest IEEE-754 double', () => forEachReader((r) => {
    assert.equal(value('<double>0.1</double>', r), 0.1);
    assert.equal(value('<double>9007199254740993.0</double>', r), 9007199254740992);
    assert.equal(value('<double>4.9e-324</double>', r), 5e-324);
    assert.equal(value(`<double>0.${'0'.repeat(323)}5</double>`, r), 5e-324);
  }));
  it('double: anything else → value error (two points, letters, hex, comma, underscore, empty)', () => forEachReader((r) => {
    for (const t of ['1.2.3', 'abc', '0x10', '1,5', '1_0.5', '', '.', 'e5', '1e', '--1.0', 'nan(1)', 'infinite', 'Inf inity']) {
      rejects(`<double>${t}</double>`, r);
    }
  }));
  it('double: no whitespace inside the element (spec clarification: "no whitespace")', () => forEachReader((r) => {
    for (const t of [' 1.5', '1.5 ', '\n1.5\n']) rejects(`<double>${t}</double>`, r);
  }));
  it('double: ex:float reads like double', () => forEachReader((r) => {
    assert.equal(value('<ex:float>1.5</ex:float>', r, {}, EX), 1.5);
    rejects('<ex:float>x</ex:float>', r, {}, EX);
  }));
  it('double: ex:bigdecimal keeps its exact text as a TypedValue', () => forEachReader((r) => {
    const v = value('<ex:bigdecimal>1.50</ex:bigdecimal>', r, {}, EX);
    assert.ok(v instanceof TypedValue);
    assert.equal(v.type, 'bigdecimal');
    assert.equal(v.value, '1.50');
    const big = value('<ex:bigdecimal>-123456789012345678901234567890.000000000000000000001</ex:bigdecimal>', r, {}, EX);
    assert.equal(big.value, '-123456789012345678901234567890.000000000000000000001');
    rejects('<ex:bigdecimal>1.5x</ex:bigdecimal>', r, {}, EX);
  }));
});

describe('string: any XML text, never trimmed', () => {
  it('string: <string> text is kept exactly, whitespace included', () => forEachReader((r) => {
    assert.equal(value('<string>  two  spaces \t</string>', r), '  two  spaces \t');
    assert.equal(value('<string>\n</string>', r), '\n');
    // Single line ends take the scanner's shortcut; CR and CRLF are still normalized.
    for (const nl of ['\r', '\r\n']) assert.equal(value(`<string>${nl}</string>`, r), '\n');
    assert.equal(value('\n', r), '\n');
    assert.deepEqual(value('<array><data>\n<value>\n</value>\n</data></array>', r), ['\n']);
  }));
  it('string: an untyped <value> is a string, whitespace included', () => forEachReader((r) => {
    assert.equal(value('hello', r), 'hello');
    assert.equal(value('  padded  ', r), '  padded  ');
    assert.equal(value('   ', r), '   ');
    assert.equal(value(' 5 ', r), ' 5 ');
  }));
  it('string: <value/>, <value></value>, <string/> and <string></string> are the empty string', () => forEachReader((r) => {
    for (const doc of [
      '<?xml version="1.0"?><methodResponse><params><param><value/></param></params></methodResponse>',
      response(''), response('<string/>'), response('<string></string>'),
    ]) assert.equal(decodeResponse(doc, { reader: r }), '', doc);
  }));
  it('string: the five predefined entities and character references are decoded', () => forEachReader((r) => {
    assert.equal(value('<string>&lt;&gt;&amp;&quot;&apos;</string>', r), '<>&"\'');
    assert.equal(value('<string>&#65;&#x42;&#x0043;&#233;</string>', r), 'ABC\u00e9');
  }));
  it('string: an astral character is one reference or raw, never two surrogate references', () => forEachReader((r) => {
    assert.equal(value('<string>&#x1F600;&#128512;\u{1F600}</string>', r), '\u{1F600}'.repeat(3));
    const e = thrown(() => value('<string>&#xD83D;&#xDE00;</string>', r));
    assert.ok(e instanceof DecodeError && e.reason === 'xml', String(e));
  }));
  it('string: a raw CR or CRLF arrives as LF; &#13; and &#xD; survive as CR', () => forEachReader((r) => {
    assert.equal(value('<string>a\r\nb\rc\n</string>', r), 'a\nb\nc\n');
    assert.equal(value('<string>a&#13;&#10;b&#xD;c&#x0d;</string>', r), 'a\r\nb\rc\r');
  }));
  it('string: CDATA is character data, in <string> and in untyped values', () => forEachReader((r) => {
    assert.equal(value('<string><![CDATA[<x>&amp;</x>]]></string>', r), '<x>&amp;</x>');
    assert.equal(value('<![CDATA[  untyped  ]]>', r), '  untyped  ');
    assert.equal(value('<string>a<![CDATA[]]]]><![CDATA[>]]>b</string>', r), 'a]]>b');
  }));
  it('string: comments and PIs are not character data (a<!--c-->b is "ab")', () => forEachReader((r) => {
    assert.equal(value('<string>a<!--c-->b</string>', r), 'ab');
    assert.equal(value('<string>a<?pi x?>b</string>', r), 'ab');
    assert.equal(value('a<!--c-->b', r), 'ab');
    assert.equal(value('<int>1<!--c-->2</int>', r), 12);
  }));
});

describe('dateTime.iso8601: the spec form and the variants peers send; impossible dates refused', () => {
  const d = (inner, r, options) => value(`<dateTime.iso8601>${inner}</dateTime.iso8601>`, r, options);
  it('dateTime: 19980717T14:08:55 decodes to a Date read in UTC by default', () => forEachReader((r) => {
    const v = d('19980717T14:08:55', r);
    assert.ok(v instanceof Date);
    assert.equal(v.toISOString(), '1998-07-17T14:08:55.000Z');
  }));
  it("dateTime: { naiveTimeZone: 'local' } reads a naive time on the local wall clock", () => forEachReader((r) => {
    const v = d('19980717T14:08:55', r, { naiveTimeZone: 'local' });
    assert.equal(v.getTime(), new Date(1998, 6, 17, 14, 8, 55).getTime());
    // A zoned time is an instant: the option does not move it.
    assert.equal(d('19980717T14:08:55Z', r, { naiveTimeZone: 'local' }).toISOString(), '1998-07-17T14:08:55.000Z');
  }));
  it('dateTime: hyphenated dates, compact times, fractions and zones are accepted', () => forEachReader((r) => {
    const cases = {
      '1998-07-17T14:08:55': '1998-07-17T14:08:55.000Z',
      '19980717T140855': '1998-07-17T14:08:55.000Z',
      '19980717T14:08:55Z': '1998-07-17T14:08:55.000Z',
      '19980717T14:08:55+02:00': '1998-07-17T12:08:55.000Z',
      '19980717T14:08:55-0530': '1998-07-17T19:38:55.000Z',
      '19980717T14:08:55+02': '1998-07-17T12:08:55.000Z',
      '1998-07-17T14:08:55.123Z': '1998-07-17T14:08:55.123Z',
      '19980717T14:08:55.250000': '1998-07-17T14:08:55.250Z',
    };
    for (const [text, iso] of Object.entries(cases)) assert.equal(d(text, r).toISOString(), iso, text);
  }));
  it('dateTime: fraction digits beyond milliseconds are dropped, not rounded', () => forEachReader((r) => {
    assert.equal(d('19991231T23:59:59.9999', r).toISOString(), '1999-12-31T23:59:59.999Z');
  }));
  it('dateTime: years before 1000 and before 100 keep their year', () => forEachReader((r) => {
    assert.equal(d('00010101T00:00:00', r).toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(d('00990615T12:00:00', r).toISOString(), '0099-06-15T12:00:00.000Z');
    assert.equal(d('09991231T23:59:59', r).toISOString(), '0999-12-31T23:59:59.000Z');
  }));
  it('dateTime: leap years follow the Gregorian rules (2000-02-29 yes, 1900-02-29 no)', () => forEachReader((r) => {
    assert.equal(d('20000229T00:00:00', r).toISOString(), '2000-02-29T00:00:00.000Z');
    assert.equal(d('20240229T00:00:00', r).toISOString(), '2024-02-29T00:00:00.000Z');
    rejects('<dateTime.iso8601>19000229T00:00:00</dateTime.iso8601>', r);
    rejects('<dateTime.iso8601>19990229T00:00:00</dateTime.iso8601>', r);
  }));
  it('dateTime: Feb 30, month 13, hour 24, missing seconds, date only, a space, garbage, empty → value error', () => forEachReader((r) => {
    for (const t of ['19980230T14:08:55', '19981317T14:08:55', '19980017T14:08:55', '19980732T14:08:55', '19980431T00:00:00',
      '19980717T24:00:00', '19980717T14:60:00', '19980717T14:08:60', '19980717T14:08', '19980717', '19980717 14:08:55',
      'garbage', '', '1998717T1:8:5', '19980717T14:08:55+24:00', '19980717T14:08:55 Z']) {
      rejects(`<dateTime.iso8601>${t}</dateTime.iso8601>`, r);
    }
  }));
  it("dateTime: { dateTime: 'lossless' } gives the fields as sent, naive or zoned", () => forEachReader((r) => {
    const naive = d('19980717T14:08:55.250000', r, { dateTime: 'lossless' });
    assert.ok(naive instanceof XmlRpcDateTime);
    assert.deepEqual({ ...naive }, { year: 1998, month: 7, day: 17, hour: 14, minute: 8, second: 55, fraction: '250000', offsetMinutes: null });
    assert.equal(naive.naive, true);
    const zoned = d('1998-07-17T14:08:55-05:30', r, { dateTime: 'lossless' });
    assert.equal(zoned.offsetMinutes, -330);
    assert.equal(zoned.naive, false);
    assert.equal(zoned.toDate().toISOString(), '1998-07-17T19:38:55.000Z');
  }));
  it('dateTime: ex:dateTime (Apache) takes an xs:dateTime with milliseconds and zone', () => forEachReader((r) => {
    assert.equal(value('<ex:dateTime>1998-07-17T14:08:55.123+02:00</ex:dateTime>', r, {}, EX).toISOString(), '1998-07-17T12:08:55.123Z');
  }));
});

describe('base64: strict RFC 4648 alphabet and padding, whitespace ignored, decoded to a Buffer', () => {
  it('base64: decodes to a Uint8Array', () => forEachReader((r) => {
    const v = value('<base64>aGVsbG8=</base64>', r);
    assert.ok(v instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(v), 'hello');
  }));
  it('base64: every length and every byte value round trips, and agrees with Node\'s own base64', () => forEachReader((r) => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256);
      const text = Buffer.from(bytes).toString('base64');
      assert.equal(/<base64>(.*)<\/base64>/.exec(encodeValue(bytes))[1], text, `length ${n}`);
      assert.deepEqual([...value(`<base64>${text}</base64>`, r)], [...bytes], `length ${n}`);
    }
  }));
  it('base64: whitespace anywhere (MIME 76-column lines, CRLF, tabs) is ignored', () => forEachReader((r) => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
    const mime = bytes.toString('base64').replace(/.{1,76}/g, '$&\r\n');
    assert.deepEqual([...value(`<base64>\n${mime}</base64>`, r)], [...bytes]);
    assert.deepEqual([...value('<base64> aG Vs\tbG\n8= </base64>', r)], [...Buffer.from('hello')]);
  }));
  it('base64: large values in Python\'s layout (76-character LF lines) decode; anything wrong in them is still refused', () => forEachReader((r) => {
    // Over 1,024 characters, lined base64 takes a native path that never strips the line ends.
    for (const n of [3000, 3001, 3002]) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256));
      const lined = `\n${bytes.toString('base64').replace(/.{1,76}/g, '$&\n')}`;
      assert.deepEqual([...value(`<base64>${lined}</base64>`, r)], [...bytes], `length ${n}`);
      assert.deepEqual([...value(`<base64>${lined.replace('\n', '\n\n')}</base64>`, r)], [...bytes], `blank line, length ${n}`);
      const at = 500; // inside the seventh line
      for (const c of ['\u0141', '\u4141', '\u00e9', '-', '_', '*', '.', '=']) {
        const e = thrown(() => value(`<base64>${lined.slice(0, at)}${c}${lined.slice(at + 1)}</base64>`, r));
        assert.equal(e.reason, 'value');
        assert.match(e.message, /outside the base64 alphabet/, `${JSON.stringify(c)}, length ${n}`);
      }
      for (const broken of [`${lined}\u00a0`, `\u2028${lined}`, `${lined.slice(0, at)} ${lined.slice(at + 1)}`, `${lined.slice(0, at)}${lined.slice(at + 1)}`, `${lined.slice(0, -1)}A\n`]) {
        const e = thrown(() => value(`<base64>${broken}</base64>`, r));
        assert.equal(e.reason, 'value');
        assert.match(e.message, /padding or a length|outside the base64 alphabet/, `length ${n}`);
      }
    }
  }));
  it('base64: empty content is zero bytes', () => forEachReader((r) => {
    for (const inner of ['<base64></base64>', '<base64/>', '<base64>\n</base64>']) {
      const v = value(inner, r);
      assert.ok(v instanceof Uint8Array && v.length === 0, inner);
    }
  }));
  it('base64: characters outside the alphabet, URL-safe characters and bad padding → value error', () => forEachReader((r) => {
    for (const t of ['aGVsbG8=aGk=', '-_-_', 'aGVsbG8', 'aGVsbG8=====', 'aG=sbG8=', 'aGVs*bG8=', 'aGVsbG8=\u00e9', '=', 'a===', 'aGVsbA=',
      '\u0141GVs', 'aGV\u0173', 'aG\u013d=', 'aGVsbG8\u013d']) {
      rejects(`<base64>${t}</base64>`, r);
    }
  }));
});

describe('nil: <nil/> and ex:nil are null; nothing else is', () => {
  it('nil: <nil/>, <nil></nil> and <ex:nil/> decode to null', () => forEachReader((r) => {
    assert.equal(value('<nil/>', r), null);
    assert.equal(value('<nil></nil>', r), null);
    assert.equal(value('<ex:nil/>', r, {}, EX), null);
  }));
  it('nil: text inside <nil> → value error', () => forEachReader((r) => rejects('<nil>0</nil>', r)));
});

describe('types: element names are case-sensitive; unknown and refused types are value errors', () => {
  it('types: <INT>, <Boolean>, <datetime.iso8601>, <foo> are unknown → value error', () => forEachReader((r) => {
    for (const inner of ['<INT>1</INT>', '<Boolean>1</Boolean>', '<datetime.iso8601>19980717T14:08:55</datetime.iso8601>', '<foo>1</foo>', '<float>1.5</float>']) {
      rejects(inner, r);
    }
  }));
  it('types: ex:serializable is never deserialized → value error', () => forEachReader((r) => {
    rejects('<ex:serializable>rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==</ex:serializable>', r, {}, EX);
  }));
  it('types: a reader given in options.scalars takes precedence over the built-in one', () => forEachReader((r) => {
    const scalars = { 'ex:bigdecimal': (text) => Number(text), double: (text) => `double:${text}` };
    assert.equal(value('<ex:bigdecimal>1.50</ex:bigdecimal>', r, { scalars }, EX), 1.5);
    assert.equal(value('<double>2.5</double>', r, { scalars }), 'double:2.5');
    const e = thrown(() => value('<double>x</double>', r, { scalars: { double: () => { throw new Error('nope'); } } }));
    assert.ok(e instanceof DecodeError && e.reason === 'value' && e.path === 'params[0]', String(e));
  }));
});
