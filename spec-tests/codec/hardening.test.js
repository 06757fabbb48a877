// Small defects of the hardening issue, codec side: the charset sniffer and the scanner agree on
// the encoding declaration; character references may carry leading zeros; every public codec
// function given the wrong kind of argument or option throws the documented typed error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecodeError, EncodeError, OptionError, XmlRpcError, decodeCall, decodeMessage, decodeResponse,
  encodeCall, encodeFault, encodeResponse, encodeValue,
} from 'xmlrpc-ts';
import { forEachReader, response, thrown } from './support.js';

const latin1Bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('the encoding declaration: the sniffer honours it wherever the scanner accepts it', () => {
  const body = '<methodResponse><params><param><value><string>\u00c3\u00a9</string></value></param></params></methodResponse>';
  it('240 spaces before encoding="iso-8859-1": C3 A9 is read as Latin-1, "Ã©"', () => forEachReader((reader) => {
    const xml = latin1Bytes(`<?xml version="1.0"${' '.repeat(240)}encoding="iso-8859-1"?>${body}`);
    assert.equal(decodeResponse(xml, { reader }), '\u00c3\u00a9');
  }));
  it('a declaration too long for the scanner is refused, not read as UTF-8 behind its back', () => forEachReader((reader) => {
    const xml = latin1Bytes(`<?xml version="1.0"${' '.repeat(600)}encoding="iso-8859-1"?>${body}`);
    const e = thrown(() => decodeResponse(xml, { reader }));
    assert.ok(e instanceof DecodeError && e.reason === 'xml', String(e));
  }));
  it('the same with windows-1252 and with spaces around "="', () => forEachReader((reader) => {
    const xml = latin1Bytes(`<?xml version="1.0"${' '.repeat(300)}encoding =  'windows-1252' ?>${body.replace('\u00c3\u00a9', '\u0080')}`);
    assert.equal(decodeResponse(xml, { reader }), '\u20ac');
  }));
});

describe('character references may carry any number of leading zeros (XML 1.0 §4.1)', () => {
  it('&#x0000000041; and &#0000000065; are "A"', () => forEachReader((reader) => {
    assert.equal(decodeResponse(response('<string>&#x0000000041;&#0000000065;&#x00000001F600;</string>'), { reader }), 'AA\u{1F600}');
  }));
  it('a reference beyond U+10FFFF, however written, is refused as a character error', () => forEachReader((reader) => {
    for (const ref of ['&#x110000;', '&#x00000000110000;', `&#${'9'.repeat(60)};`]) {
      const e = thrown(() => decodeResponse(response(`<string>${ref}</string>`), { reader }));
      assert.equal(e.xmlKind, 'character', ref);
      assert.ok(e.message.length < 200, ref);
    }
  }));
  it('a malformed long reference is quoted short', () => forEachReader((reader) => {
    const e = thrown(() => decodeResponse(response(`<string>&#x${'0'.repeat(10_000)}g;</string>`), { reader }));
    assert.ok(e instanceof DecodeError && e.reason === 'xml');
    assert.ok(e.message.length < 200, e.message);
  }));
});

describe('the wrong kind of argument is a typed error, never a raw TypeError', () => {
  const typed = (fn, cls) => {
    const e = thrown(fn);
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.name}: ${e?.message}`);
    assert.ok(e instanceof XmlRpcError);
    return e;
  };
  it('decodeCall/decodeResponse/decodeMessage of null, a number, an object, an array → DecodeError', () => {
    for (const fn of [decodeCall, decodeResponse, decodeMessage]) {
      for (const bad of [null, undefined, 42, {}, [], new ArrayBuffer(4)]) {
        const e = typed(() => fn(bad), DecodeError);
        assert.match(e.message, /string or a Uint8Array/);
      }
    }
  });
  it('encodeCall without a method name or with params that are not an array → EncodeError', () => {
    typed(() => encodeCall(null), EncodeError);
    typed(() => encodeCall(''), EncodeError);
    typed(() => encodeCall('m', 'x'), EncodeError);
    typed(() => encodeCall('m', { 0: 1 }), EncodeError);
  });
  it('encodeFault of null, a string or a fault without its fields → EncodeError', () => {
    typed(() => encodeFault(null), EncodeError);
    typed(() => encodeFault('boom'), EncodeError);
    typed(() => encodeFault({}), EncodeError);
    typed(() => encodeFault({ faultCode: 1.5, faultString: 'x' }), EncodeError);
  });
  it('options that are not an object → OptionError', () => {
    typed(() => decodeCall('<methodCall><methodName>m</methodName></methodCall>', 'fast'), OptionError);
    typed(() => decodeResponse(response('<int>1</int>'), null), OptionError);
    typed(() => encodeValue(1, 'pretty'), OptionError);
    typed(() => encodeResponse(1, []), OptionError);
  });
  it('an unknown option name → OptionError suggesting the closest known one', () => {
    const e = typed(() => decodeResponse(response('<int>1</int>'), { maxDepht: 3 }), OptionError);
    assert.match(e.message, /did you mean "maxDepth"/);
    assert.equal(e.option, 'decode options.maxDepht');
    const e2 = typed(() => encodeCall('m', [], { largeInteger: 'i8' }), OptionError);
    assert.match(e2.message, /did you mean "largeIntegers"/);
  });
  it('a known option with a bad value → OptionError naming it', () => {
    assert.match(typed(() => decodeResponse(response('<int>1</int>'), { maxDepth: -1 }), OptionError).message, /maxDepth/);
    assert.match(typed(() => decodeResponse(response('<int>1</int>'), { i8: 'BigInt' }), OptionError).message, /i8/);
    assert.match(typed(() => decodeResponse(response('<int>1</int>'), { oversizeInt: 'yes' }), OptionError).message, /oversizeInt/);
    assert.match(typed(() => encodeValue(2 ** 40, { largeIntegers: 'bigint' }), OptionError).message, /largeIntegers/);
    assert.match(typed(() => encodeValue(1, { types: [{}] }), OptionError).message, /types/);
  });
  it("reader 'fast-xml-parser' before loadFastXmlParser() is an OptionError that says what to do", async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `import('xmlrpc-ts/codec').then((c) => { try { c.decodeResponse('<x/>', { reader: 'fast-xml-parser' }); } catch (e) { console.log(e.name, e.message); } })`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.match(out, /^OptionError .*loadFastXmlParser\(\)/);
  });
});
