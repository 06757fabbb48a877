// Document structure (spec digest §2, §4, §5): calls, responses, faults, structs and arrays,
// and the reason and path of every structural error. Through both readers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError, Fault, decodeCall, decodeMessage, decodeResponse } from 'xmlrpc-ts';
import { call, forEachReader, response, thrown } from './support.js';

function decodeError(fn) {
  const e = thrown(fn);
  assert.ok(e instanceof DecodeError, `expected a DecodeError, got ${e}`);
  return e;
}

const FAULT = (code, string, extra = '') => '<?xml version="1.0"?><methodResponse><fault><value><struct>'
  + `<member><name>faultCode</name><value>${code}</value></member>`
  + `<member><name>faultString</name><value>${string}</value></member>${extra}`
  + '</struct></value></fault></methodResponse>';

describe('methodCall: a methodName and zero or more positional params', () => {
  it('call: decodeCall gives the method name and the params in order', () => forEachReader((r) => {
    const c = decodeCall(call('example.add', '<int>1</int>', '<string>two</string>', '<array><data/></array>'), { reader: r });
    assert.deepStrictEqual(c, { methodName: 'example.add', params: [1, 'two', []] });
  }));
  it('call: no <params>, <params/> and <params></params> all mean zero params', () => forEachReader((r) => {
    for (const doc of ['<methodCall><methodName>m</methodName></methodCall>',
      '<methodCall><methodName>m</methodName><params/></methodCall>',
      '<methodCall><methodName>m</methodName><params>\n</params></methodCall>']) {
      assert.deepStrictEqual(decodeCall(doc, { reader: r }).params, [], doc);
    }
  }));
  it('call: the method name may hold any Unicode text (the spec charset is a recommendation)', () => forEachReader((r) => {
    assert.equal(decodeCall(call('m\u00e9thode.\u540d&amp;x'), { reader: r }).methodName, 'm\u00e9thode.\u540d&x');
  }));
  it('call: a missing or second <methodName> → structure error', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeCall('<methodCall><params/></methodCall>', { reader: r })).reason, 'structure');
    assert.equal(decodeError(() => decodeCall('<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>', { reader: r })).reason, 'structure');
  }));
  it('call: decodeCall refuses a methodResponse → structure error', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeCall(response('<int>1</int>'), { reader: r })).reason, 'structure');
  }));
  it('call: a <param> holds exactly one <value>; <params> holds only <param>s', () => forEachReader((r) => {
    for (const doc of ['<methodCall><methodName>m</methodName><params><param/></params></methodCall>',
      '<methodCall><methodName>m</methodName><params><param><value>a</value><value>b</value></param></params></methodCall>',
      '<methodCall><methodName>m</methodName><params><value>a</value></params></methodCall>']) {
      assert.equal(decodeError(() => decodeCall(doc, { reader: r })).reason, 'structure', doc);
    }
  }));
});

describe('methodResponse: exactly one param, or a fault', () => {
  it('response: decodeResponse returns the one value', () => forEachReader((r) => {
    assert.deepStrictEqual(decodeResponse(response('<array><data><value><int>1</int></value></data></array>'), { reader: r }), [1]);
  }));
  it('response: no params, empty params, two params, or params and fault → structure error', () => forEachReader((r) => {
    const p = '<param><value><int>1</int></value></param>';
    for (const doc of ['<methodResponse></methodResponse>', '<methodResponse/>', '<methodResponse><params/></methodResponse>',
      `<methodResponse><params>${p}${p}</params></methodResponse>`,
      `<methodResponse><params>${p}</params><params>${p}</params></methodResponse>`,
      `<methodResponse><params>${p}</params><fault><value><struct/></value></fault></methodResponse>`]) {
      assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'structure', doc);
    }
  }));
  it('response: decodeResponse refuses a methodCall → structure error', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeResponse(call('m'), { reader: r })).reason, 'structure');
  }));
  it('response: another root element (an HTML error page) → structure error', () => forEachReader((r) => {
    for (const doc of ['<html><body>502 Bad Gateway</body></html>', '<foo><params><param><value>1</value></param></params></foo>']) {
      assert.equal(decodeError(() => decodeMessage(doc, { reader: r })).reason, 'structure', doc);
    }
  }));
  it('response: decodeMessage tells calls, responses and faults apart', () => forEachReader((r) => {
    assert.deepStrictEqual(decodeMessage(call('m', '<int>1</int>'), { reader: r }), { kind: 'call', methodName: 'm', params: [1] });
    assert.deepStrictEqual(decodeMessage(response('x'), { reader: r }), { kind: 'response', value: 'x' });
    const f = decodeMessage(FAULT('<int>4</int>', '<string>Too many</string>'), { reader: r });
    assert.equal(f.kind, 'fault');
    assert.ok(f.fault instanceof Fault);
  }));
});

describe('fault: a struct of faultCode (int) and faultString (string)', () => {
  it('fault: decodeResponse throws a Fault carrying faultCode and faultString', () => forEachReader((r) => {
    const e = thrown(() => decodeResponse(FAULT('<int>4</int>', '<string>Too many parameters</string>'), { reader: r }));
    assert.ok(e instanceof Fault && e instanceof Error);
    assert.equal(e.code, 'ERR_XMLRPC_FAULT');
    assert.equal(e.faultCode, 4);
    assert.equal(e.faultString, 'Too many parameters');
  }));
  it('fault: an untyped faultString and an <i4> faultCode are fine', () => forEachReader((r) => {
    const e = thrown(() => decodeResponse(FAULT('<i4>-32601</i4>', 'no such method'), { reader: r }));
    assert.equal(e.faultCode, -32601);
    assert.equal(e.faultString, 'no such method');
  }));
  it('fault: a string faultCode from a lax peer is kept as sent', () => forEachReader((r) => {
    const e = thrown(() => decodeResponse(FAULT('<string>Client</string>', '<string>bad user</string>'), { reader: r }));
    assert.equal(e.faultCode, 'Client');
  }));
  it("fault: extra members such as Apache's faultCause are ignored, never deserialized", () => forEachReader((r) => {
    const e = thrown(() => decodeResponse(FAULT('<int>0</int>', '<string>boom</string>',
      '<member><name>faultCause</name><value><base64>rO0ABXNy</base64></value></member>'), { reader: r }));
    assert.ok(e instanceof Fault);
    assert.deepStrictEqual([e.faultCode, e.faultString], [0, 'boom']);
    assert.equal(Object.hasOwn(e, 'faultCause'), false);
  }));
  it('fault: a missing faultCode or faultString, or a fault that is not a struct → structure error at fault', () => forEachReader((r) => {
    for (const doc of [
      '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>',
      '<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>',
      '<methodResponse><fault><value><int>1</int></value></fault></methodResponse>',
      '<methodResponse><fault></fault></methodResponse>',
    ]) {
      const e = decodeError(() => decodeResponse(doc, { reader: r }));
      assert.equal(e.reason, 'structure', doc);
      assert.equal(e.path, 'fault', doc);
    }
  }));
  it('fault: an empty struct (npm xmlrpc\'s answer to a throwing handler) is tolerated as faultCode 0 with a message saying so', () => forEachReader((r) => {
    let caught;
    try {
      decodeResponse('<methodResponse><fault><value><struct/></value></fault></methodResponse>', { reader: r });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof Fault);
    assert.equal(caught.faultCode, 0);
    assert.match(caught.faultString, /no faultCode and no faultString/);
  }));
  it('fault: a faultString that is not a string → structure error', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeResponse(FAULT('<int>1</int>', '<int>2</int>'), { reader: r })).reason, 'structure');
  }));
});

describe('struct: members are own data properties of a plain object', () => {
  const S = (...members) => '<struct>' + members.map(([n, v]) => `<member><name>${n}</name><value>${v}</value></member>`).join('') + '</struct>';
  it('struct: decodes to a plain object', () => forEachReader((r) => {
    const v = decodeResponse(response(S(['a', '<int>1</int>'], ['b', 'x'])), { reader: r });
    const proto = Object.getPrototypeOf(v);
    assert.ok(proto === Object.prototype || proto === null);
    assert.deepEqual(Object.keys(v), ['a', 'b']);
  }));
  it('struct: a member named __proto__ stays own data and never changes a prototype', () => forEachReader((r) => {
    const v = decodeResponse(response(S(['__proto__', S(['polluted', '<boolean>1</boolean>'])])), { reader: r });
    assert.ok(Object.hasOwn(v, '__proto__'));
    const desc = Object.getOwnPropertyDescriptor(v, '__proto__');
    assert.ok('value' in desc && desc.enumerable);
    assert.deepStrictEqual({ ...desc.value }, { polluted: true });
    assert.equal(v.polluted, undefined);
    assert.equal({}.polluted, undefined);
    assert.equal(Object.prototype.polluted, undefined);
  }));
  it('struct: members named constructor, toString, hasOwnProperty, prototype are plain data', () => forEachReader((r) => {
    const v = decodeResponse(response(S(['constructor', S(['prototype', S(['polluted', '<int>1</int>'])])],
      ['toString', 'x'], ['hasOwnProperty', '<int>0</int>'], ['valueOf', '<nil/>'])), { reader: r });
    assert.deepEqual(Object.keys(v).sort(), ['constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    assert.equal(v.toString, 'x');
    assert.equal(Object.hasOwn(v.constructor, 'prototype'), true);
    assert.equal({}.polluted, undefined);
    assert.equal(Object.prototype.polluted, undefined);
    assert.equal(Function.prototype.polluted, undefined);
  }));
  it('struct: a duplicate member name keeps the last value (as Python)', () => forEachReader((r) => {
    const v = decodeResponse(response(S(['a', '<int>1</int>'], ['b', '<int>2</int>'], ['a', '<int>3</int>'])), { reader: r });
    assert.deepStrictEqual({ ...v }, { a: 3, b: 2 });
    const p = decodeResponse(response(S(['__proto__', '<int>1</int>'], ['__proto__', '<int>2</int>'])), { reader: r });
    assert.equal(Object.getOwnPropertyDescriptor(p, '__proto__').value, 2);
  }));
  it('struct: names are text, not trimmed; the empty name is legal; references decode', () => forEachReader((r) => {
    const v = decodeResponse(response(S(['', '<int>0</int>'], [' a ', '<int>1</int>'], ['&lt;&amp;&#x1F600;', '<int>2</int>'])), { reader: r });
    assert.deepStrictEqual({ ...v }, { '': 0, ' a ': 1, '<&\u{1F600}': 2 });
  }));
  it('struct: <struct/> and <struct></struct> are empty objects', () => forEachReader((r) => {
    assert.deepEqual(Object.keys(decodeResponse(response('<struct/>'), { reader: r })), []);
    assert.deepEqual(Object.keys(decodeResponse(response('<struct>\n</struct>'), { reader: r })), []);
  }));
  it('struct: a member without a name or a value, or with two names or values → structure error', () => forEachReader((r) => {
    for (const inner of ['<struct><member><value>1</value></member></struct>', '<struct><member><name>a</name></member></struct>',
      '<struct><member><name>a</name><name>b</name><value>1</value></member></struct>',
      '<struct><member><name>a</name><value>1</value><value>2</value></member></struct>',
      '<struct><value>1</value></struct>', '<struct>text<member><name>a</name><value>1</value></member></struct>',
      '<struct><member><name>a<b/></name><value>1</value></member></struct>']) {
      assert.equal(decodeError(() => decodeResponse(response(inner), { reader: r })).reason, 'structure', inner);
    }
  }));
});

describe('array: exactly one <data> holding zero or more values of any type', () => {
  it('array: elements keep their order and may mix types and nest', () => forEachReader((r) => {
    const v = decodeResponse(response('<array><data><value><int>1</int></value><value>two</value>'
      + '<value><array><data><value><boolean>0</boolean></value></data></array></value><value><nil/></value></data></array>'), { reader: r });
    assert.deepStrictEqual(v, [1, 'two', [false], null]);
  }));
  it('array: <data/> and <data></data> are the empty array', () => forEachReader((r) => {
    assert.deepStrictEqual(decodeResponse(response('<array><data/></array>'), { reader: r }), []);
    assert.deepStrictEqual(decodeResponse(response('<array><data>\n\t</data></array>'), { reader: r }), []);
  }));
  it('array: no <data>, two <data>, text or other elements in <data> → structure error', () => forEachReader((r) => {
    for (const inner of ['<array></array>', '<array/>', '<array><value>1</value></array>', '<array><data/><data/></array>',
      '<array><data>junk</data></array>', '<array><data><member/></data></array>']) {
      assert.equal(decodeError(() => decodeResponse(response(inner), { reader: r })).reason, 'structure', inner);
    }
  }));
});

describe('value: one type element, or text; whitespace around a type element is formatting', () => {
  it('value: whitespace around a type element is ignored (pretty printing)', () => forEachReader((r) => {
    assert.equal(decodeResponse(response('\n\t  <int>5</int>\r\n  '), { reader: r }), 5);
    assert.deepStrictEqual(decodeResponse(response('\n <array>\n <data>\n <value>\n <string> s </string>\n </value>\n </data>\n </array>\n'), { reader: r }), [' s ']);
  }));
  it('value: comments around a type element are not text', () => forEachReader((r) => {
    assert.equal(decodeResponse(response('<!-- a --><int>5</int><!-- b -->'), { reader: r }), 5);
  }));
  it('value: text beside a type element, or two type elements → structure error', () => forEachReader((r) => {
    for (const inner of ['x<int>1</int>', '<int>1</int>x', '<int>1</int><int>2</int>', '<int>1</int><!--c--><string/>', '<![CDATA[x]]><int>1</int>']) {
      assert.equal(decodeError(() => decodeResponse(response(inner), { reader: r })).reason, 'structure', inner);
    }
  }));
  it('value: an element inside a scalar → structure error', () => forEachReader((r) => {
    for (const inner of ['<string>a<b>bold</b></string>', '<int><i4>1</i4></int>']) {
      assert.equal(decodeError(() => decodeResponse(response(inner), { reader: r })).reason, 'structure', inner);
    }
  }));
});

describe('errors: every DecodeError names its reason, the path of the value, and where in the text', () => {
  it('errors: a DecodeError is an Error with code ERR_XMLRPC_DECODE', () => forEachReader((r) => {
    const e = decodeError(() => decodeResponse(response('<int>x</int>'), { reader: r }));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'ERR_XMLRPC_DECODE');
    assert.equal(e.name, 'DecodeError');
    assert.match(e.message, /int/);
  }));
  it('errors: paths index arrays and name struct members: params[0][1].count', () => forEachReader((r) => {
    const doc = response('<array><data><value><int>1</int></value><value><struct><member><name>ok</name><value><int>2</int></value></member>'
      + '<member><name>count</name><value><int>99999999999</int></value></member></struct></value></data></array>');
    const e = decodeError(() => decodeResponse(doc, { reader: r, oversizeInt: 'error' }));
    assert.deepStrictEqual([e.reason, e.path], ['value', 'params[0][1].count']);
  }));
  it('errors: call params are indexed by position: params[2][1]', () => forEachReader((r) => {
    const e = decodeError(() => decodeCall(call('m', '<int>1</int>', 's', '<array><data><value><boolean>1</boolean></value><value><boolean>yes</boolean></value></data></array>'), { reader: r }));
    assert.deepStrictEqual([e.reason, e.path], ['value', 'params[2][1]']);
  }));
  it('errors: a member name that is not an identifier is quoted in the path', () => forEachReader((r) => {
    const e = decodeError(() => decodeResponse(response('<struct><member><name>a b</name><value><double>x</double></value></member></struct>'), { reader: r }));
    assert.equal(e.path, 'params[0]["a b"]');
  }));
  it('errors: the path says which of several struct members failed', () => forEachReader((r) => {
    const e = decodeError(() => decodeResponse(response('<struct><member><name>when</name><value><dateTime.iso8601>19980230T00:00:00</dateTime.iso8601></value></member></struct>'), { reader: r }));
    assert.deepStrictEqual([e.reason, e.path], ['value', 'params[0].when']);
  }));
  it('errors: both readers give the line and column of a value error (its end tag)', () => forEachReader((r) => {
    const doc = '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value>   <int>12x</int></value>\n</param>\n</params>\n</methodResponse>';
    const e = decodeError(() => decodeResponse(doc, { reader: r }));
    assert.deepStrictEqual(e.position, { offset: doc.indexOf('</int>'), line: 5, column: 19 });
    assert.match(e.message, /line 5, column 19/);
  }));
});
