// The byte fast path (lib/node/fast-decode-bytes.ts: UTF-8 bytes read without the document as one
// string) against the general path: same value or same error for every fixture, for seeded random
// documents and their mutations as bytes, for bytes that are not UTF-8 and characters XML forbids
// at every place of several documents, for each encoding rule, limit and text form it meets.
// `scalars: {}` makes decode.ts take the general path only; fastDecodeBytes, imported from its
// module, shows which documents the byte path reads itself (and which it must give up).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResponse, encodeCall, encodeResponse } from 'xmlrpc-ts';
import { fastDecodeBytes } from '../../dist/node/fast-decode-bytes.js';
import { encodePythonLayout } from '../../bench/codec/workloads.js';
import { assertSame, lcg, mutate, randomDocument, randomOptions, settings } from './random-documents.js';
import { fixtureNames, loadManifest, readFixture } from './support.js';

const utf8 = (text) => new TextEncoder().encode(text);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** What the byte path makes of `bytes` (undefined: it gives up). */
const byteRead = (bytes, options = {}, expect = 'any') => fastDecodeBytes(bytes, settings(' ', options, expect), options.defaultEncoding);
const reads = (bytes, options, expect) => byteRead(bytes, options, expect) !== undefined;
/** The value of a response decoded by both paths (asserted equal). */
const sameValue = (bytes, options = {}) => assertSame(bytes, options, 'response').value;

const response = (inner, head = '<?xml version="1.0"?>') => `${head}<methodResponse><params><param><value>${inner}</value></param></params></methodResponse>`;
const structs = (rows) => response(`<array><data>${rows.map((r) => `<value><struct>${Object.entries(r).map(([k, v]) => `<member><name>${k}</name><value>${v}</value></member>`).join('')}</struct></value>`).join('')}</data></array>`);

describe('byte path: every fixture, as bytes, decodes as by the general path', () => {
  const manifest = loadManifest();
  for (const name of fixtureNames()) {
    it(name, () => {
      const options = { ...manifest[name]?.options };
      for (const expect of ['any', 'call', 'response']) assertSame(readFixture(name), options, expect, name);
    });
  }
  it("reads Python's own documents itself (every python/ fixture in UTF-8 that decodes)", () => {
    let read = 0;
    for (const name of fixtureNames().filter((n) => n.startsWith('python/'))) {
      const bytes = readFixture(name);
      const text = new TextDecoder().decode(bytes);
      // A U+FFFD sent as such gives up (the byte path cannot tell it from bytes that are not UTF-8).
      if (text.includes('__proto__') || text.includes('\ufffd') || 'error' in (loadManifest()[name] ?? {}) || /encoding=["'](?!utf-?8["'])/i.test(text) || bytes[0] !== 0x3c) continue;
      assert.ok(reads(bytes), name);
      read++;
    }
    assert.ok(read >= 10, `${read} fixtures`);
  });
});

describe('byte path: seeded random documents and their mutations, as bytes', () => {
  it('valid documents in three layouts: the byte path reads them, with the same result', () => {
    const r = lcg(4);
    const until = Date.now() + 4000;
    let n = 0;
    for (; n < 1500 && Date.now() < until; n++) {
      const bytes = utf8(randomDocument(r));
      assert.ok(reads(bytes), new TextDecoder().decode(bytes));
      assert.ok(!('error' in assertSame(bytes, {}, 'any', `#${n}`)));
      assertSame(bytes, {}, r.pick(['call', 'response']), `#${n}`);
    }
    assert.ok(n >= 200, `${n} documents`);
  });
  it('mutated documents and limits set around what they need: same value or same error', () => {
    const r = lcg(2027);
    const until = Date.now() + 6000;
    let n = 0;
    let errors = 0;
    for (; n < 4000 && Date.now() < until; n++) {
      let doc = randomDocument(r);
      for (let k = r.int(3); k > 0; k--) doc = mutate(doc, r);
      if ('error' in assertSame(utf8(doc), randomOptions(doc, r), r.pick(['any', 'call', 'response']), `#${n}`)) errors++;
    }
    assert.ok(n >= 300, `${n} documents`);
    assert.ok(errors > n / 10 && errors < n, `${errors} errors in ${n}`);
  });
});

// Bytes that are not UTF-8, characters XML forbids, and what stands next to them in valid text.
const INVALID = [
  [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc3], [0xe6, 0x97], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x80, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xe0, 0x80, 0x80],
];
const FORBIDDEN = [[0x00], [0x01], [0x08], [0x0b], [0x0c], [0x1f], [0xef, 0xbf, 0xbe], [0xef, 0xbf, 0xbf], ...['&#0;', '&#xFFFE;', '&#x1;'].map(utf8)];
/** True when `bytes` are UTF-8 without a character XML forbids (what the byte path may read). */
const clean = (bytes) => {
  try {
    return !/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/.test(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return false;
  }
};
const VALID = [[0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf], [0xc3, 0xa9], [0xf0, 0x9f, 0x98, 0x80], [0x7f], [0x09], [0x0d], [0x0d, 0x0a], [0xee, 0x80, 0x80]];
const TEXTUAL = ['&', ']]>', ']', '&#65536;', '&#x1F600;', '&#233;', '&bogus;', '&lt', '&#x;', '&#x00000041;', '&amp;lt;', '&#13;'].map(utf8);
const SAMPLES = [
  structs([{ id: '<int>1</int>', name: '<string>Tom &amp; Jerry é</string>' }, { id: '<int>2</int>', name: '<string>東京 &lt;2&gt;</string>' }]),
  encodePythonLayout({ kind: 'call', methodName: 'a.b', params: ['café “naïve”', [1, { k: 'x' }], new Date(0)] }),
  encodeCall('m', ['x'.repeat(300) + 'é&<', { a: 'ü'.repeat(140) }], { pretty: true }),
];

describe('byte path: bytes that are not UTF-8 and characters XML forbids, at every place', () => {
  for (const [i, doc] of SAMPLES.entries()) {
    const bytes = utf8(doc);
    it(`document ${i}: bytes that are not UTF-8 give up and have the general path's error`, () => {
      let n = 0;
      for (let at = 0; at <= bytes.length; at++) {
        for (const bad of INVALID) {
          const input = concat(bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at));
          assert.equal(byteRead(input), undefined, `${bad} at ${at}`);
          assert.ok('error' in assertSame(input, {}, 'any', `${bad} at ${at}`));
          n++;
        }
      }
      assert.ok(n > 1000);
    });
    it(`document ${i}: forbidden characters give up, with the general path's error`, () => {
      for (let at = 0; at <= bytes.length; at++) {
        for (const bad of FORBIDDEN) {
          const input = concat(bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at));
          assert.equal(byteRead(input), undefined, `${bad} at ${at}`);
          assertSame(input, {}, 'any', `${bad} at ${at}`);
        }
      }
    });
    it(`document ${i}: a byte overwritten by one that is not UTF-8 or not allowed, anywhere`, () => {
      let refused = 0;
      for (let at = 0; at < bytes.length; at++) {
        for (const bad of [0x00, 0x0b, 0x80, 0xbf, 0xc3, 0xe6, 0xef, 0xf0, 0xff]) {
          const input = Uint8Array.from(bytes);
          input[at] = bad;
          if (!clean(input)) {
            assert.equal(byteRead(input), undefined, `${bad} at ${at}`);
            refused++;
          }
          assertSame(input, {}, 'any', `${bad} at ${at}`);
        }
      }
      assert.ok(refused > bytes.length * 4, `${refused}`);
    });
    it(`document ${i}: valid characters and references inserted anywhere: same value or same error`, () => {
      let read = 0;
      for (let at = 0; at <= bytes.length; at++) {
        for (const good of [...VALID, ...TEXTUAL]) {
          const input = concat(bytes.subarray(0, at), Uint8Array.from(good), bytes.subarray(at));
          const out = assertSame(input, {}, 'any', `${good} at ${at}`);
          if (reads(input)) {
            assert.ok(!('error' in out), `${good} at ${at}`);
            read++;
          }
        }
      }
      assert.ok(read > 100, `${read} read by the byte path`);
    });
  }
});

describe('byte path: only what the charset rules decode as UTF-8', () => {
  const body = response('<string>caf\u00e9</string>');
  const cases = [
    ['no declaration', utf8(body.replace('<?xml version="1.0"?>', '')), {}, true],
    ['encoding="UTF-8"', utf8(body.replace('?>', ' encoding="UTF-8"?>')), {}, true],
    ["encoding='utf8'", utf8(body.replace('?>', " encoding='utf8'?>")), {}, true],
    ['a UTF-8 BOM', concat([0xef, 0xbb, 0xbf], utf8(body)), {}, false],
    ['ISO-8859-1 declared, UTF-8 bytes (read as two Latin-1 characters)', utf8(body.replace('?>', ' encoding="ISO-8859-1"?>')), {}, false],
    ['ISO-8859-1 declared, Latin-1 bytes', Uint8Array.from(body.replace('?>', ' encoding="ISO-8859-1"?>'), (c) => c.charCodeAt(0)), {}, false],
    ['windows-1252 declared', utf8(body.replace('?>', ' encoding="windows-1252"?>')), {}, false],
    ['US-ASCII declared, a non-ASCII byte', utf8(body.replace('?>', ' encoding="US-ASCII"?>')), {}, false],
    ['an unknown encoding declared', utf8(body.replace('?>', ' encoding="x-bogus"?>')), {}, false],
    ['a malformed declaration', utf8(body.replace('?>', ' encoding=utf-8?>')), {}, false],
    ['the transport says latin1, no declaration', utf8(body), { defaultEncoding: 'latin1' }, false],
    ['the transport says latin1, the document declares UTF-8', utf8(body.replace('?>', ' encoding="utf-8"?>')), { defaultEncoding: 'latin1' }, true],
    ['the transport says UTF-8', utf8(body), { defaultEncoding: 'UTF-8' }, true],
    ['UTF-16LE with a BOM', Uint8Array.from(Buffer.from(`\ufeff${body}`, 'utf16le')), {}, false],
    ['UTF-16LE declared, no BOM', utf8(body.replace('?>', ' encoding="UTF-16"?>')), {}, false],
  ];
  for (const [name, bytes, options, read] of cases) {
    it(`${name}: ${read ? 'read' : 'given up'}, same outcome`, () => {
      assert.equal(reads(bytes, options), read);
      assertSame(bytes, options, 'any', name);
    });
  }
  it('Latin-1 declared: UTF-8 bytes are two characters, as the general path reads them', () => {
    assert.equal(decodeResponse(utf8(body.replace('?>', ' encoding="ISO-8859-1"?>'))), 'caf\u00c3\u00a9');
    assert.equal(decodeResponse(utf8(body), { defaultEncoding: 'latin1' }), 'caf\u00c3\u00a9');
  });
});

describe('byte path: texts, references and limits', () => {
  it('references: the five entities, character references (BMP, astral, CR), long ones; a refused one each time', () => {
    const text = '&lt;&gt;&amp;&quot;&apos; &#233;&#xe9;&#65536;&#x1F600;&#13;&#x00000041; é&amp;東';
    const bytes = utf8(response(`<string>${text}</string>`));
    assert.ok(reads(bytes));
    assert.equal(sameValue(bytes), '<>&"\' éé\u{10000}\u{1F600}\rA é&東');
    for (let k = 0; k < 2; k++) {
      for (const bad of ['&#0;', '&#xD800;', '&bogus;', '&lt', '&#;', '&#12a;', '& ']) {
        const doc = utf8(response(`<string>a${bad}b</string>`));
        assert.equal(byteRead(doc), undefined, bad);
        assert.ok('error' in assertSame(doc, {}, 'any', bad), bad);
      }
    }
  });
  it('more distinct references than the byte path remembers: every one read right', () => {
    const refs = Array.from({ length: 200 }, (_, i) => `&#${0x100 + i};`).join('');
    const doc = utf8(response(`<string>${refs}</string>`));
    const expected = Array.from({ length: 200 }, (_, i) => String.fromCharCode(0x100 + i)).join('');
    for (let k = 0; k < 2; k++) assert.equal(sameValue(doc), expected);
  });
  it('CR and CR LF in text are line ends; ]]> is an error; a lone ] is text', () => {
    for (const [raw, value] of [['a\r\nb\rc', 'a\nb\nc'], ['a]b]]c', 'a]b]]c'], ['&amp;\r\n', '&\n']]) {
      const doc = utf8(response(`<string>${raw}</string>`));
      assert.ok(reads(doc), raw);
      assert.equal(sameValue(doc), value);
    }
    const bad = utf8(response('<string>a]]>b</string>'));
    assert.equal(byteRead(bad), undefined);
    assert.match(assertSame(bad).error.message, /]]>/);
    const sent = utf8(response('<string>a\ufffdb</string>'));
    assert.equal(byteRead(sent), undefined); // U+FFFD sent as such: the general path reads it
    assert.equal(sameValue(sent), 'a\ufffdb');
  });
  it('texts around the short-text bound (256 bytes) and long ones, with references and non-ASCII', () => {
    for (const n of [250, 254, 255, 256, 257, 300, 5000]) {
      for (const tail of ['', 'é', '&amp;', '東&lt;', '\r\n']) {
        const raw = 'x'.repeat(n) + tail;
        const doc = utf8(response(`<string>${raw}</string>`));
        assert.ok(reads(doc), `${n} ${tail}`);
        assertSame(doc, {}, 'any', `${n} ${tail}`);
        for (const bad of [[0x80], [0x01], [0xef, 0xbf, 0xbf]]) {
          const at = doc.indexOf(0x78) + n - 1;
          const input = concat(doc.subarray(0, at), Uint8Array.from(bad), doc.subarray(at));
          assert.equal(byteRead(input), undefined, `${n} ${tail} ${bad}`);
          assertSame(input, {}, 'any', `${n} ${bad}`);
        }
      }
    }
  });
  it('texts of megabytes (one-line and MIME-lined base64, non-ASCII): read by the byte path, same values', () => {
    const blob = Buffer.alloc(900_000, 7).toString('base64');
    for (const text of [blob, blob.replace(/.{76}/g, '$&\n'), 'é'.repeat(700_000) + '&amp;']) {
      const doc = utf8(response(`<${text.startsWith('é') ? 'string' : 'base64'}>${text}</${text.startsWith('é') ? 'string' : 'base64'}>`));
      assert.ok(doc.length > 1 << 20);
      assert.ok(reads(doc));
      assert.equal(sameValue(doc).length, text.startsWith('é') ? 700_001 : 900_000);
      const bad = Uint8Array.from(doc);
      bad[bad.length - 200] = 0x80;
      assert.equal(byteRead(bad), undefined);
      assertSame(bad);
    }
  });
  it('limits counted on bytes: a non-ASCII text at its limit in characters gives up, and the general path reads it', () => {
    const doc = utf8(response('<struct><member><name>éé</name><value><string>東京é</string></value></member></struct>'));
    assert.equal(byteRead(doc, { maxStringLength: 3 }), undefined);
    assert.deepEqual(sameValue(doc, { maxStringLength: 3 }), { éé: '東京é' });
    assert.equal(byteRead(doc, { maxNameLength: 2 }), undefined);
    assert.deepEqual(sameValue(doc, { maxNameLength: 2 }), { éé: '東京é' });
    assert.ok('error' in assertSame(doc, { maxStringLength: 2 }));
    assert.ok(reads(doc, { maxStringLength: 8, maxNameLength: 4 }));
    const ascii = utf8(response('<struct><member><name>ab</name><value><string>xyz</string></value></member></struct>'));
    assert.ok(reads(ascii, { maxStringLength: 3, maxNameLength: 2 }));
    assert.equal(byteRead(ascii, { maxStringLength: 2 }), undefined);
    assert.equal(byteRead(ascii, { maxNameLength: 1 }), undefined);
    for (const options of [{ maxValues: 1 }, { maxValues: 2 }, { maxDepth: 0 }, { maxDepth: 1 }, { maxXmlNameLength: 15 }, { maxXmlNameLength: 16 }]) {
      assertSame(ascii, options, 'any', JSON.stringify(options));
    }
    assert.equal(byteRead(ascii, { maxValues: 1 }), undefined);
    assert.equal(byteRead(ascii, { maxDepth: 0 }), undefined);
    assert.equal(byteRead(ascii, { maxXmlNameLength: 15 }), undefined);
  });
  it('member records: a repeated member with other bytes, non-ASCII names, content that is not UTF-8', () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ 'nom é': `<int>${i}</int>`, b: `<string>v${'é'.repeat(i)}</string>`, c: '<double>1.5</double>' }));
    const doc = utf8(structs(rows));
    assert.ok(reads(doc));
    assertSame(doc);
    for (const [from, to] of [['<int>3</int>', '<i4>3</i4>'], ['<int>3</int>', '<int>3</intx>'], ['<int>3</int>', '<int>3</inT>'], ['<int>4</int>', '<int>4</in>'], ['v\u00e9\u00e9\u00e9', 'v\u00e9\u00e9\u00e9]]>'],
      ['<double>1.5</double></value></member></struct></value><value><struct><member><name>nom é</name><value><int>5', '<double>1.5</double></value></member></struct></value><value><struct><member><name>nom e</name><value><int>5']]) {
      const changed = utf8(structs(rows).replace(from, to));
      assert.notDeepEqual(changed, doc, from);
      assertSame(changed, {}, 'any', to);
    }
    const text = structs(rows);
    const at = utf8(text.slice(0, text.lastIndexOf('v\u00e9'))).length + 1;
    assert.equal(byteRead(concat(doc.subarray(0, at), Uint8Array.of(0xc3), doc.subarray(at))), undefined);
  });
  it('prefixed type names and <nil/>: the byte path gives up on the first, reads the second; same values', () => {
    const prefixed = utf8(response('<ex:i8 xmlns:ex="x">5</ex:i8>'));
    assertSame(prefixed);
    const apache = utf8(response('<struct><member><name>a</name><value><ex:nil/></value></member></struct>'));
    assert.equal(byteRead(apache), undefined);
    assertSame(apache);
    const nil = utf8(response('<array><data><value><nil/></value><value><nil></nil></value><value><string/></value></data></array>'));
    assert.ok(reads(nil));
    assert.deepEqual(sameValue(nil), [null, null, '']);
  });
  it('a document over 64 KiB (where the general path copies its strings) is read by the byte path, same values', () => {
    const value = Array.from({ length: 3000 }, (_, i) => ({ name: `customer ${i} é`, tag: 'x'.repeat(i % 30) }));
    const doc = utf8(encodeResponse(value));
    assert.ok(doc.length > 64 * 1024);
    assert.ok(reads(doc));
    assert.deepEqual(sameValue(doc), value);
  });
});
