// The decoder's fast path (lib/codec/fast-decode.ts) against the general path (scanner + value
// builder): same value or same error, for every fixture, for seeded random documents in three
// layouts and their mutations, and for each case where the fast path gives up. `scalars: {}` (an
// empty table of user readers: no change to what is decoded) makes decode.ts take the general path
// only; fastDecode, imported from its module, shows which documents the fast path reads itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResponse, encodeResponse } from 'xmlrpc-ts';
import { encodePythonLayout } from '../../bench/codec/workloads.js';
import { fastDecode } from '../../dist/codec/fast-decode.js';
import { decodeDocumentBytes } from '../../dist/codec/charset.js';
import { assertSame, lcg, mutate, randomDocument, randomOptions, settings } from './random-documents.js';
import { fixtureNames, loadManifest, readFixture } from './support.js';

/** True when the fast path reads `doc` itself (and does not give up). */
const fastReads = (doc, options, expect) => fastDecode(doc, doc.charCodeAt(0) === 0xfeff ? 1 : 0, settings(doc, options, expect)) !== undefined;

const response = (inner) => `<?xml version="1.0"?><methodResponse><params><param><value>${inner}</value></param></params></methodResponse>`;

// ---------------------------------------------------------------------------------------------

describe('fast path: every fixture decodes as by the general path', () => {
  const manifest = loadManifest();
  for (const name of fixtureNames()) {
    it(name, () => {
      const options = { ...manifest[name]?.options };
      const bytes = readFixture(name);
      for (const expect of ['any', 'call', 'response']) assertSame(bytes, options, expect, name);
      const text = new TextDecoder().decode(bytes);
      assertSame(text, options, 'any', name);
    });
  }
  it("reads Python's own documents itself (every python/ fixture that decodes)", () => {
    let read = 0;
    for (const name of fixtureNames().filter((n) => n.startsWith('python/'))) {
      const text = decodeDocumentBytes(readFixture(name));
      // __proto__ members are the general path's (defineProperty).
      if (text.includes('__proto__') || 'error' in (loadManifest()[name] ?? {})) continue;
      assert.ok(fastReads(text, {}, 'any'), name);
      read++;
    }
    assert.ok(read >= 10, `${read} fixtures`);
  });
});

describe('fast path: seeded random documents and their mutations decode as by the general path', () => {
  it('valid documents in three layouts: the fast path reads them, with the same result', () => {
    const r = lcg(19);
    const until = Date.now() + 4000;
    let n = 0;
    for (; n < 1500 && Date.now() < until; n++) {
      const doc = randomDocument(r);
      assert.ok(fastReads(doc, {}, 'any'), doc);
      assert.ok(!('error' in assertSame(doc, {}, 'any', `#${n}`)), doc);
      assertSame(doc, {}, r.pick(['call', 'response']), `#${n}`);
    }
    assert.ok(n >= 200, `${n} documents`);
  });
  it('mutated documents and limits set around what they need: same value or same error', () => {
    const r = lcg(2026);
    const until = Date.now() + 6000;
    let n = 0;
    let errors = 0;
    for (; n < 4000 && Date.now() < until; n++) {
      let doc = randomDocument(r);
      for (let k = r.int(3); k > 0; k--) doc = mutate(doc, r);
      const options = randomOptions(doc, r);
      if ('error' in assertSame(doc, options, r.pick(['any', 'call', 'response']), `#${n}`)) errors++;
    }
    assert.ok(n >= 300, `${n} documents`);
    assert.ok(errors > n / 10 && errors < n, `${errors} errors in ${n}`); // both kinds were met
  });
  it('a document over 64 KiB (strings copied out of it) decodes the same', () => {
    const r = lcg(7);
    const value = Array.from({ length: 600 }, () => ({ name: 'x'.repeat(20 + r.int(40)), id: r.int(1e6), s: 'y'.repeat(100), d: new Date(r.int(1e9) * 1000) }));
    for (const doc of [encodeResponse(value), encodePythonLayout({ kind: 'response', value })]) {
      assert.ok(doc.length > 64 * 1024 && fastReads(doc, {}, 'response'));
      assert.deepStrictEqual(assertSame(doc, {}, 'response'), { value: structuredClone(value) });
    }
  });
});

describe('fast path: what it does not read simply goes to the general path', () => {
  const struct = (members) => response(`<struct>${members}</struct>`);
  const cases = {
    'a comment inside a struct': struct('<member><name>a</name><!-- c --><value><int>1</int></value></member>'),
    'CDATA in a string': response('<string><![CDATA[<b>]]></string>'),
    'an attribute': response('<int a="1">5</int>'),
    'an end tag with a space': response('<int>5</int >'),
    'a PI after the root': `${response('<int>5</int>')}<?pi x?>`,
    'a comment before the root': response('<int>5</int>').replace('<methodResponse>', '<!-- c --><methodResponse>'),
    'a member named __proto__': struct('<member><name>__proto__</name><value><int>1</int></value></member>'),
    'value before name in a member': struct('<member><value><int>1</int></value><name>a</name></member>'),
    'methodName after params': '<methodCall><params></params><methodName>m</methodName></methodCall>',
    'self-closed params': '<methodCall><methodName>m</methodName><params/></methodCall>',
    'a self-closed value': '<methodResponse><params><param><value/></param></params></methodResponse>',
    'an empty array written <data/>': response('<array><data/></array>'),
  };
  for (const [what, doc] of Object.entries(cases)) {
    it(`${what}: decoded by the general path, the same as with it alone`, () => {
      assert.equal(fastReads(doc, {}, 'any'), false, 'the fast path gives up');
      const got = assertSame(doc);
      assert.ok(!('error' in got), JSON.stringify(got));
    });
  }

  const wrong = {
    'an unknown type element': [response('<foo>1</foo>'), 'value', 'params[0]'],
    'a reader that throws': [response('<struct><member><name>a</name><value><int>x1</int></value></member></struct>'), 'value', 'params[0].a'],
    'an empty methodName': ['<methodCall><methodName></methodName></methodCall>', 'structure', 'methodName'],
    'two params in a response': ['<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>', 'structure', ''],
    'text after the type element': [response('<int>1</int>x'), 'structure', 'params[0]'],
    'a raw "&" in a member name': [response('<struct><member><name>a&b</name><value>1</value></member></struct>'), 'xml', 'params[0].?'],
    '"]]>" in a string': [response('<string>a]]>b</string>'), 'xml', 'params[0]'],
    'the end of input inside a struct': [response('<struct><member><name>a</name><value>').slice(0, -30), 'xml', undefined],
    'trailing text after the root': [`${response('1')}x`, 'xml', ''],
  };
  for (const [what, [doc, reason, path]] of Object.entries(wrong)) {
    it(`${what}: the general path's error, with its path and position`, () => {
      assert.equal(fastReads(doc, {}, 'any'), false, 'the fast path gives up');
      const got = assertSame(doc);
      assert.equal(got.error?.reason, reason, JSON.stringify(got));
      if (path !== undefined && !path.endsWith('?')) assert.equal(got.error.path, path);
      assert.ok(got.error.message.length > 0);
    });
  }

  it('a limit met deep in a document the fast path started: the path and offset of the general path', () => {
    const doc = response('<struct><member><name>rows</name><value><array><data>'
      + '<value><int>1</int></value><value><struct><member><name>id</name><value><i4>2</i4></value></member></struct></value>'
      + '</data></array></value></member></struct>');
    for (const [options, path] of [[{ maxValues: 4 }, 'params[0].rows[1].id'], [{ maxDepth: 2 }, 'params[0].rows[1]'],
      [{ maxStringLength: 0 }, undefined], [{ maxNameLength: 3 }, 'params[0][?]']]) {
      assert.equal(fastReads(doc, options, 'any'), false, JSON.stringify(options));
      const got = assertSame(doc, options);
      assert.equal(got.error?.reason, 'limit', JSON.stringify(options));
      if (path !== undefined) assert.equal(got.error.path, path, JSON.stringify(options));
      assert.ok(got.error.position.offset > 60, 'a position inside the document');
    }
    assert.ok(fastReads(doc, { maxValues: 5, maxDepth: 3, maxNameLength: 4 }, 'any'), 'at the limits, it reads it');
  });
  it('nesting deeper than the stack (maxDepth raised far above its default): the general path, which never recurses', () => {
    const n = 20_000;
    const doc = response(`${'<array><data><value>'.repeat(n)}<int>1</int>${'</value></data></array>'.repeat(n)}`);
    assert.equal(fastReads(doc, { maxDepth: 100_000 }, 'response'), false);
    let v = decodeResponse(doc, { maxDepth: 100_000 });
    let depth = 0;
    while (Array.isArray(v) && v.length === 1) [v, depth] = [v[0], depth + 1];
    assert.deepStrictEqual([depth, v], [n, 1]); // walked here: a deep compare would itself overflow
  });
  it('maxXmlNameLength under the longest known name: the general path measures names', () => {
    const doc = response('<dateTime.iso8601>20240101T00:00:00</dateTime.iso8601>');
    assert.equal(fastReads(doc, { maxXmlNameLength: 15 }, 'any'), false);
    assert.equal(assertSame(doc, { maxXmlNameLength: 15 }).error.reason, 'limit');
    assert.deepStrictEqual(assertSame(doc, { maxXmlNameLength: 16 }), { value: { kind: 'response', value: new Date(Date.UTC(2024, 0, 1)) } });
  });
  it('a prefixed name longer than maxXmlNameLength gives up; within it, the fast path reads it', () => {
    const doc = response('<averylongprefix:i8>5</averylongprefix:i8>');
    assert.equal(fastReads(doc, { maxXmlNameLength: 17 }, 'any'), false);
    assert.equal(assertSame(doc, { maxXmlNameLength: 17 }).error.reason, 'limit');
    assert.ok(fastReads(doc, { maxXmlNameLength: 18 }, 'any'));
    assert.deepStrictEqual(assertSame(doc, { maxXmlNameLength: 18 }), { value: { kind: 'response', value: 5n } });
  });
});

describe('fast path: what it reads itself', () => {
  const reads = {
    'references in text, names and methodName': ['<methodCall><methodName>a&amp;b</methodName><params><param><value><struct><member><name>&lt;k&#62;</name><value>x &amp; y</value></member></struct></value></param></params></methodCall>',
      { kind: 'call', methodName: 'a&b', params: [{ '<k>': 'x & y' }] }],
    'a text-only value keeps its white space': [response(' \n a \t'), ' \n a \t'],
    'a CR in a text-only value, normalized': [response('a\r\nb\rc'), 'a\nb\nc'],
    'white space around a type element is ignored': [response(' \n <int>7</int>\n '), 7],
    'empty values and empty type elements': ['<methodCall><methodName>m</methodName><params><param><value></value></param><param><value><string></string></value></param><param><value><nil/></value></param><param><value><base64></base64></value></param></params></methodCall>',
      { kind: 'call', methodName: 'm', params: ['', '', null, new Uint8Array(0)] }],
    'a BOM and no declaration': [`\uFEFF<methodResponse><params><param><value><i4>1</i4></value></param></params></methodResponse>`, 1],
    'CR LF between tags': [response('<array>\r\n<data>\r\n<value>1</value>\r\n</data>\r\n</array>'), ['1']],
    'duplicate member names: the last wins': [response('<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>'), { a: '2' }],
    'a fault': ['<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value>no</value></member></struct></value></fault></methodResponse>', 'fault'],
    'Apache extension types with any prefix': [response('<array><data><value><ex:i8>5</ex:i8></value><value><y:nil/></value><value><ex:biginteger>123456789012345678901234</ex:biginteger></value></data></array>'), [5n, null, 123456789012345678901234n]],
  };
  for (const [what, [doc, expected]] of Object.entries(reads)) {
    it(what, () => {
      assert.ok(fastReads(doc, {}, 'any'), 'the fast path reads it');
      const got = assertSame(doc);
      if (expected === 'fault') assert.equal(got.value.kind, 'fault');
      else if (expected?.kind === 'call') assert.deepStrictEqual(got.value, expected);
      else assert.deepStrictEqual(got.value, { kind: 'response', value: expected });
    });
  }
  it('member names repeated from the last struct: a longer or shorter name, or one with references, is not taken for it', () => {
    const member = (name, v) => `<member><name>${name}</name><value><int>${v}</int></value></member>`;
    const doc = response(`<array><data>${[
      member('id', 1) + member('a&amp;b', 2) + member('x', 3),
      member('idx', 4) + member('a&amp;amp;b', 5) + member('x\r\ny', 6),
      member('i', 7) + member('a&b'.replace('&', '&amp;'), 8) + member('x\ny', 9),
      member('id', 10),
    ].map((m) => `<value><struct>${m}</struct></value>`).join('')}</data></array>`);
    assert.ok(fastReads(doc, {}, 'any'));
    assert.deepStrictEqual(assertSame(doc).value.value, [{ id: 1, 'a&b': 2, x: 3 }, { idx: 4, 'a&amp;b': 5, 'x\ny': 6 }, { i: 7, 'a&b': 8, 'x\ny': 9 }, { id: 10 }]);
  });
  it('members repeated from the last struct (read in two looks): each difference is seen', () => {
    const rows = (...members) => response(`<array><data>${members.map((m) => `<value><struct>${m}</struct></value>`).join('')}</data></array>`);
    const m = (name, inner, after = '') => `<member><name>${name}</name><value>${inner}${after}</value></member>`;
    const first = m('id', '<int>1</int>') + m('s', ' <string>a</string>\n') + m('d', '<dateTime.iso8601>20240101T00:00:00</dateTime.iso8601>');
    const same = (doc, expectFast = true) => {
      assert.equal(fastReads(doc, {}, 'any'), expectFast, doc);
      return assertSame(doc);
    };
    // Read as the first: the value, references and CR in the content, an empty content.
    assert.deepStrictEqual(same(rows(first, first, m('id', '<int>2</int>') + m('s', ' <string>x &amp; y\r\nz</string>\n') + m('d', '<dateTime.iso8601>20240102T00:00:00</dateTime.iso8601>'),
      m('id', '<int>3</int>') + m('s', ' <string></string>\n'))).value.value.slice(1),
    [{ id: 1, s: 'a', d: new Date(Date.UTC(2024, 0, 1)) }, { id: 2, s: 'x & y\nz', d: new Date(Date.UTC(2024, 0, 2)) }, { id: 3, s: '' }]);
    // Another type, another name, other white space: read the long way.
    assert.deepStrictEqual(same(rows(first, first, m('id', '<i8>2</i8>') + m('ss', '<string>b</string>') + m('d', ' <dateTime.iso8601>20240101T00:00:00</dateTime.iso8601>'))).value.value[2],
      { id: 2n, ss: 'b', d: new Date(Date.UTC(2024, 0, 1)) });
    // After the content, only the first's text is read in one look; anything else gives up.
    assert.deepStrictEqual(same(rows(first, first, m('id', '<int>2</int>', ' ')), false).value.value[2], { id: 2 });
    assert.deepStrictEqual(same(rows(first, first, m('id', '<int>2</int >'), m('id', '<int>2</int>')), false).value.value[2], { id: 2 });
    // What is wrong in a repeated member is the general path's error, with its path.
    assert.equal(same(rows(first, first, m('id', '<int>x</int>')), false).error.path, 'params[0][2].id');
    assert.equal(same(rows(first, first, m('id', '<int>2</intx>')), false).error.reason, 'xml');
    assert.equal(same(rows(first, first, m('id', '<int>2</inx>')), false).error.reason, 'xml');
    // A text-only value leaves nothing to repeat: a member that is no member stays an error.
    assert.equal(same(rows(m('a', '<int>1</int>') + m('b', 'text'), m('a', '<int>1</int>') + m('b', 'text'), `${m('a', '<int>1</int>')}<member><name>7</value></member>`), false).error.reason, 'xml');
    assert.equal(same(rows(m('a', '<int>1</int>') + m('b', 'text'), m('a', '<int>1</int>') + m('b', 'text'), `${m('a', '<int>1</int>')}<member><name>5</int></value></member>${m('b', 'text')}`), false).error.reason, 'xml');
    assert.equal(same(rows(m('a', '<int>1</int>') + m('b', '<array><data><value><int>1</int></value></data></array>'), m('a', '<int>1</int>') + m('b', '<array><data><value><int>1</int></value></data></array>'), `${m('a', '<int>1</int>')}<member><name>7</value></member>`), false).error.reason, 'xml');
    assert.equal(same(rows(first, first, m('id', '<int>2<!-- c --></int>')), false).value.value[2].id, 2);
    for (const options of [{ maxValues: 9 }, { maxStringLength: 4 }]) {
      const one = m('id', '<int>1</int>') + m('s', ' <string>a</string>\n');
      const doc = rows(one, one, m('id', '<int>2</int>') + m('s', ' <string>abcde</string>\n'));
      assert.equal(fastReads(doc, options, 'any'), false, JSON.stringify(options));
      assert.equal(assertSame(doc, options).error.path, 'params[0][2].s', JSON.stringify(options));
    }
  });
  it('texts are read as they are only when the whole document has no `&`, CR or `]]>`', () => {
    const texts = (a, b) => response(`<array><data><value>${a}</value><value><string>${b}</string></value></data></array>`);
    assert.deepStrictEqual(assertSame(texts('a b', 'c]]d>')).value.value, ['a b', 'c]]d>']);
    assert.deepStrictEqual(assertSame(texts('a\r\nb', 'x &lt; y')).value.value, ['a\nb', 'x < y']);
    assert.deepStrictEqual(assertSame(texts('a\rb', 'c')).value.value, ['a\nb', 'c']);
    assert.deepStrictEqual(assertSame(texts('a', 'b&#x41;')).value.value, ['a', 'bA']);
    assert.equal(fastReads(texts('a', 'b]]>'), {}, 'any'), false);
    assert.equal(assertSame(texts('a', 'b]]>')).error.reason, 'xml');
  });
  it('the options that shape values: i8, oversizeInt, dateTime, naiveTimeZone', () => {
    const doc = response('<array><data><value><i8>5</i8></value><value><int>3000000000</int></value><value><dateTime.iso8601>20240229T12:00:00</dateTime.iso8601></value></data></array>');
    for (const options of [{}, { i8: 'number' }, { oversizeInt: 'error' }, { dateTime: 'lossless' }, { naiveTimeZone: 'local' }]) {
      assertSame(doc, options, 'response', JSON.stringify(options));
    }
    assert.deepStrictEqual(decodeResponse(doc, { i8: 'number' }).slice(0, 2), [5, 3000000000]);
  });
});
