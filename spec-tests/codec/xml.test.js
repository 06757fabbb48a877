// XML-level rules (spec digest §8, §9): encodings and the BOM, character references and legal
// characters, CDATA, comments and PIs, the declaration, DTD refusal, error kinds and positions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError, decodeResponse } from 'xmlrpc-ts';
import { forEachReader, response, thrown } from './support.js';

function decodeError(fn) {
  const e = thrown(fn);
  assert.ok(e instanceof DecodeError, `expected a DecodeError, got ${e}`);
  return e;
}

const withDeclaration = (decl, inner) => response(inner).replace('<?xml version="1.0"?>', decl);

describe('encodings: UTF-8 by default; the BOM and the declaration decide, bad bytes are errors', () => {
  it('encodings: bytes without BOM or declaration are UTF-8', () => forEachReader((r) => {
    const bytes = Buffer.from(response('<string>\u00e9\u4e2d\u{1F600}</string>').replace('<?xml version="1.0"?>', ''), 'utf8');
    assert.equal(decodeResponse(bytes, { reader: r }), '\u00e9\u4e2d\u{1F600}');
  }));
  it('encodings: a Uint8Array that is not a Buffer is read the same', () => forEachReader((r) => {
    const b = Buffer.from(response('<string>\u00e9</string>'), 'utf8');
    const u8 = new Uint8Array(b.length + 4).subarray(2, 2 + b.length);
    u8.set(b);
    assert.equal(decodeResponse(u8, { reader: r }), '\u00e9');
  }));
  it('encodings: UTF-16 LE and BE with a BOM', () => forEachReader((r) => {
    const text = withDeclaration('<?xml version="1.0" encoding="UTF-16"?>', '<string>\u00e9\u{1F600}</string>');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    assert.equal(decodeResponse(le, { reader: r }), '\u00e9\u{1F600}');
    assert.equal(decodeResponse(be, { reader: r }), '\u00e9\u{1F600}');
  }));
  it('encodings: ISO-8859-1 declared; every byte is a character', () => forEachReader((r) => {
    const text = withDeclaration("<?xml version='1.0' encoding='iso-8859-1'?>", '<string>caf\u00e9 \u00ff</string>');
    assert.equal(decodeResponse(Buffer.from(text, 'latin1'), { reader: r }), 'caf\u00e9 \u00ff');
  }));
  it('encodings: windows-1252 maps 0x80-0x9F to its own characters (0x80 is €)', () => forEachReader((r) => {
    const head = Buffer.from(withDeclaration('<?xml version="1.0" encoding="windows-1252"?>', '<string>@</string>'), 'latin1');
    const at = head.indexOf(0x40);
    const bytes = Buffer.concat([head.subarray(0, at), Buffer.from([0x80, 0x93, 0x94, 0x99, 0xe9]), head.subarray(at + 1)]);
    assert.equal(decodeResponse(bytes, { reader: r }), '\u20ac\u201c\u201d\u2122\u00e9');
  }));
  it('encodings: US-ASCII declared, non-ASCII carried by references; a high byte → xml error (character)', () => forEachReader((r) => {
    const text = withDeclaration('<?xml version="1.0" encoding="US-ASCII"?>', '<string>na&#239;ve</string>');
    assert.equal(decodeResponse(Buffer.from(text, 'latin1'), { reader: r }), 'na\u00efve');
    const bad = withDeclaration('<?xml version="1.0" encoding="US-ASCII"?>', '<string>caf\u00e9</string>');
    const e = decodeError(() => decodeResponse(Buffer.from(bad, 'latin1'), { reader: r }));
    assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'character']);
  }));
  it('encodings: a UTF-8 BOM is allowed, with or without a declaration', () => forEachReader((r) => {
    for (const text of [response('<string>\u00e9</string>'), response('<string>\u00e9</string>').replace('<?xml version="1.0"?>', '')]) {
      assert.equal(decodeResponse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), { reader: r }), '\u00e9');
    }
  }));
  it('encodings: invalid, overlong, surrogate and truncated UTF-8 → xml error (character), never U+FFFD', () => forEachReader((r) => {
    for (const bad of [[0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const [head, tail] = response('<string>@</string>').split('@');
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
      const e = decodeError(() => decodeResponse(bytes, { reader: r }));
      assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'character'], JSON.stringify(bad));
    }
  }));
  it('encodings: a bad byte is located: byte offset, line and column of the first one', () => forEachReader((r) => {
    const [head, tail] = response('<string>\n x@</string>').split('@');
    const at = Buffer.byteLength(head);
    const line = head.split('\n').length;
    const column = head.length - head.lastIndexOf('\n');
    const utf8 = decodeError(() => decodeResponse(Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28]), Buffer.from(tail)]), { reader: r }));
    assert.deepStrictEqual(utf8.position, { offset: at, line, column });
    assert.match(utf8.message, new RegExp(`byte 0xC3 at byte offset ${at} `));
    const withBom = decodeError(() => decodeResponse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]), { reader: r }));
    assert.equal(withBom.position.offset, at + 3);
    const ascii = withDeclaration('<?xml version="1.0" encoding="US-ASCII"?>', '<string>\ncaf\u00e9</string>');
    assert.equal(decodeError(() => decodeResponse(Buffer.from(ascii, 'latin1'), { reader: r })).position.offset, ascii.indexOf('\u00e9'));
    const cp1252 = withDeclaration('<?xml version="1.0" encoding="windows-1252"?>', '<string>\u0081</string>');
    assert.equal(decodeError(() => decodeResponse(Buffer.from(cp1252, 'latin1'), { reader: r })).position.offset, cp1252.indexOf('\u0081'));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(head, 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00]), Buffer.from(tail, 'utf16le')]);
    const e16 = decodeError(() => decodeResponse(utf16, { reader: r }));
    assert.deepStrictEqual([e16.position.offset, e16.position.line, e16.position.column], [2 + 2 * head.length, line, column]);
    assert.match(e16.message, /code unit 0xD800/);
  }));
  it('encodings: UTF-16 lines are counted by code unit: U+0A41 and U+010A hold a 0x0A byte but are not line feeds', () => forEachReader((r) => {
    const text = '<methodResponse>\u0a41\u010a\u0a0a\nab';
    for (const [bom, order] of [[[0xff, 0xfe], 'le'], [[0xfe, 0xff], 'be']]) {
      const body = Buffer.from(text, 'utf16le');
      if (order === 'be') body.swap16();
      const lone = order === 'le' ? [0x00, 0xd8, 0x41, 0x00] : [0xd8, 0x00, 0x00, 0x41];
      const e = decodeError(() => decodeResponse(Buffer.concat([Buffer.from(bom), body, Buffer.from(lone)]), { reader: r }));
      assert.deepStrictEqual(e.position, { offset: 2 + body.length, line: 2, column: 3 }, order);
    }
  }));
  it('encodings: defaultEncoding (the transport charset) reads bytes that declare nothing; a BOM or a declaration wins', () => forEachReader((r) => {
    const bare = response('<string>caf\u00e9</string>').replace('<?xml version="1.0"?>', '');
    assert.equal(decodeResponse(Buffer.from(bare, 'latin1'), { reader: r, defaultEncoding: 'ISO-8859-1' }), 'caf\u00e9');
    // A declaration without an encoding declares nothing either.
    assert.equal(decodeResponse(Buffer.from(response('<string>\u20ac</string>'), 'latin1').map((b) => (b === 0xac ? 0x80 : b)), { reader: r, defaultEncoding: 'windows-1252' }), '\u20ac');
    const declared = withDeclaration('<?xml version="1.0" encoding="UTF-8"?>', '<string>caf\u00e9</string>');
    assert.equal(decodeResponse(Buffer.from(declared, 'utf8'), { reader: r, defaultEncoding: 'ISO-8859-1' }), 'caf\u00e9');
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bare, 'utf8')]);
    assert.equal(decodeResponse(withBom, { reader: r, defaultEncoding: 'ISO-8859-1' }), 'caf\u00e9');
    const e = decodeError(() => decodeResponse(Buffer.from(bare, 'latin1'), { reader: r, defaultEncoding: 'x-no-such' }));
    assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'encoding']);
  }));
  it('encodings: an unknown encoding name → xml error (encoding)', () => forEachReader((r) => {
    const e = decodeError(() => decodeResponse(Buffer.from(withDeclaration('<?xml version="1.0" encoding="x-no-such"?>', 'x')), { reader: r }));
    assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'encoding']);
  }));
  it('encodings: a UTF-8 BOM with a declaration of another encoding → xml error', () => forEachReader((r) => {
    const text = withDeclaration('<?xml version="1.0" encoding="ISO-8859-1"?>', 'x');
    const e = decodeError(() => decodeResponse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), { reader: r }));
    assert.equal(e.reason, 'xml');
  }));
  it('encodings: a string input is used as it is; its declaration does not re-decode it', () => forEachReader((r) => {
    assert.equal(decodeResponse(withDeclaration('<?xml version="1.0" encoding="ISO-8859-1"?>', '<string>\u00e9\u4e2d</string>'), { reader: r }), '\u00e9\u4e2d');
  }));
});

describe('characters: only XML 1.0 characters, raw or as references', () => {
  it('characters: references to C0 controls, NUL, surrogates, U+FFFE/U+FFFF and beyond U+10FFFF → xml error (character)', () => forEachReader((r) => {
    for (const ref of ['&#1;', '&#0;', '&#x1F;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#1114112;']) {
      const e = decodeError(() => decodeResponse(response(`<string>${ref}</string>`), { reader: r }));
      assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'character'], ref);
    }
  }));
  it('characters: TAB, LF, CR and the edges of the legal ranges are fine as references', () => forEachReader((r) => {
    assert.equal(decodeResponse(response('<string>&#9;&#10;&#13;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;</string>'), { reader: r }),
      '\t\n\r \ud7ff\ue000\ufffd\u{10000}\u{10FFFF}');
  }));
  it('characters: raw illegal characters in a string input (U+0001, U+FFFF, a lone surrogate) → xml error (character)', () => forEachReader((r) => {
    for (const c of ['\u0001', '\u0000', '\u001f', '\uffff', '\ud800', '\udc00x']) {
      const e = decodeError(() => decodeResponse(response(`<string>a${c}b</string>`), { reader: r }));
      assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'character'], JSON.stringify(c));
    }
  }));
  it('characters: malformed references and undefined entities → xml error', () => forEachReader((r) => {
    for (const t of ['&#X41;', '&#;', '&#x;', '&#12a;', '&nbsp;', '&amp', 'a & b', '&foo;', '&#65']) {
      assert.equal(decodeError(() => decodeResponse(response(`<string>${t}</string>`), { reader: r })).reason, 'xml', t);
    }
  }));
  it('characters: a raw "<" or "]]>" in text → xml error; a raw ">" is fine', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeResponse(response('<string>a < b</string>'), { reader: r })).reason, 'xml');
    assert.equal(decodeError(() => decodeResponse(response('<string>a ]]> b</string>'), { reader: r })).reason, 'xml');
    assert.equal(decodeResponse(response('<string>a > b ]] ></string>'), { reader: r }), 'a > b ]] >');
  }));
});

describe('markup: CDATA, comments and processing instructions anywhere outside tags', () => {
  it('markup: comments and PIs before and after the root, and a stylesheet PI', () => forEachReader((r) => {
    const doc = '<?xml version="1.0"?>\n<?xml-stylesheet href="a.xsl"?><!-- c -->\n' + response('<int>1</int>').replace('<?xml version="1.0"?>', '') + '\n<!-- after --><?pi?>\n';
    assert.equal(decodeResponse(doc, { reader: r }), 1);
  }));
  it('markup: CDATA may carry a number, and whitespace around it in a typed value is formatting', () => forEachReader((r) => {
    assert.equal(decodeResponse(response('<int><![CDATA[42]]></int>'), { reader: r }), 42);
    assert.equal(decodeResponse(response('<string><![CDATA[]]></string>'), { reader: r }), '');
  }));
  it('markup: "--" inside a comment, an unterminated comment, CDATA or PI → xml error', () => forEachReader((r) => {
    for (const inner of ['<!-- a -- b --><int>1</int>', '<!-- a ---><int>1</int>', '<string><![CDATA[x</string>', '<string>a<!-- x</string>', '<string>a<?pi x</string>']) {
      assert.equal(decodeError(() => decodeResponse(response(inner), { reader: r })).reason, 'xml', inner);
    }
  }));
});

describe('document: one root, the declaration first, tags nested and matched', () => {
  it('document: empty, whitespace only, declaration only or comment only → xml error', () => forEachReader((r) => {
    for (const doc of ['', ' \n\t', '<?xml version="1.0"?>', '<?xml version="1.0"?><!-- c -->', Buffer.alloc(0)]) {
      assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'xml', JSON.stringify(String(doc)));
    }
  }));
  it('document: the declaration after anything, even one space → xml error', () => forEachReader((r) => {
    for (const doc of [' ' + response('1'), '\n' + response('1'), '<!-- c -->' + response('1')]) {
      assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'xml', doc.slice(0, 12));
    }
  }));
  it("document: single-quoted declarations with standalone are fine", () => forEachReader((r) => {
    assert.equal(decodeResponse(withDeclaration("<?xml version='1.0' encoding='UTF-8' standalone='no'?>", '1'), { reader: r }), '1');
  }));
  it('document: a second root, text after the root, mismatched or unclosed tags → xml error', () => forEachReader((r) => {
    for (const doc of [response('1') + '<methodResponse/>', response('1') + 'junk', response('<int>1</i4>'),
      response('1').replace('</methodResponse>', ''), '<methodResponse><params></methodResponse></params>']) {
      assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'xml', doc);
    }
  }));
  it('document: attributes are ignored, but a duplicate or unquoted attribute → xml error', () => forEachReader((r) => {
    assert.equal(decodeResponse(response('<int>1</int>', ' xmlns:ex="urn:x" a="1"'), { reader: r }), 1);
    assert.equal(decodeError(() => decodeResponse(response('1', ' a="1" a="2"'), { reader: r })).reason, 'xml');
    assert.equal(decodeError(() => decodeResponse(response('1', ' a=1'), { reader: r })).reason, 'xml');
  }));
  it('document: a start tag spelling a known name is read as the general path reads it', () => forEachReader((r) => {
    // The scanner reads `<value>` and its kin without scanning the name: these must still differ.
    assert.equal(decodeResponse(response('<string>a</string>'), { reader: r }), 'a');
    assert.equal(decodeResponse(response('<string >a</string >'), { reader: r }), 'a');
    assert.equal(decodeResponse(response('<string a="1">b</string>'), { reader: r }), 'b');
    assert.equal(decodeResponse(response('<string/>'), { reader: r }), '');
    assert.deepEqual(decodeResponse(response('<array><data><value>1</value><value/></data></array>'), { reader: r }), ['1', '']);
    const longer = decodeError(() => decodeResponse(response('<stringx>a</stringx>'), { reader: r }));
    assert.deepEqual([longer.reason, longer.detail], ['value', 'unknown type element <stringx>']);
    const prefix = decodeError(() => decodeResponse(response('<in>1</in>'), { reader: r }));
    assert.deepEqual([prefix.reason, prefix.detail], ['value', 'unknown type element <in>']);
  }));
  it('document: a second root spelled like the first, open or empty → xml error', () => forEachReader((r) => {
    for (const doc of [response('1') + '<methodResponse>', response('1') + '<methodResponse></methodResponse>', response('1') + '<value>']) {
      assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'xml', doc);
    }
  }));
  it('document: maxXmlNameLength holds for the element names XML-RPC defines too', () => {
    const doc = response('<dateTime.iso8601>20240517T09:30:15</dateTime.iso8601>');
    const e = decodeError(() => decodeResponse(doc, { maxXmlNameLength: 15 }));
    assert.equal(e.reason, 'limit');
    assert.match(e.detail, /longer than 15 characters \(maxXmlNameLength\)/);
    assert.equal(e.position?.offset, doc.indexOf('<dateTime') + 1);
    assert.ok(decodeResponse(doc, { maxXmlNameLength: 16 }) instanceof Date);
  });
  it('document: a syntax error names its kind and line', () => forEachReader((r) => {
    const doc = '<?xml version="1.0"?>\n<methodResponse>\n<params><param><value><int>1</i4></value></param></params>\n</methodResponse>';
    const e = decodeError(() => decodeResponse(doc, { reader: r }));
    assert.deepStrictEqual([e.reason, e.xmlKind], ['xml', 'syntax']);
    assert.equal(e.position?.line, 3);
    assert.equal(e.code, 'ERR_XMLRPC_DECODE');
  }));
});

describe('dtd: any DOCTYPE is refused before anything is expanded or fetched', () => {
  const tail = response('<string>&e;</string>').replace('<?xml version="1.0"?>', '');
  it('dtd: an internal entity that would inject markup → dtd error', () => forEachReader((r) => {
    const e = decodeError(() => decodeResponse('<!DOCTYPE methodResponse [<!ENTITY e "<int>5</int>">]>' + tail, { reader: r }));
    assert.equal(e.reason, 'dtd');
  }));
  it('dtd: a billion laughs → dtd error, without expanding it', () => forEachReader((r) => {
    const ents = ['<!ENTITY e0 "ha">', ...Array.from({ length: 20 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`)];
    const doc = `<?xml version="1.0"?><!DOCTYPE methodResponse [${ents.join('')}<!ENTITY e "&e20;">]>${tail}`;
    assert.equal(decodeError(() => decodeResponse(doc, { reader: r })).reason, 'dtd');
  }));
  it('dtd: external entities (XXE), parameter entities and an external DTD → dtd error', () => forEachReader((r) => {
    for (const dt of ['<!DOCTYPE m [<!ENTITY e SYSTEM "file:///no/such/file">]>', '<!DOCTYPE m [<!ENTITY % p SYSTEM "http://attacker.invalid/p.dtd"> %p;]>',
      '<!DOCTYPE methodResponse SYSTEM "http://attacker.invalid/rpc.dtd">', '<!DOCTYPE methodResponse>']) {
      assert.equal(decodeError(() => decodeResponse('<?xml version="1.0"?>' + dt + tail, { reader: r })).reason, 'dtd', dt);
    }
  }));
  it('dtd: a DOCTYPE after comments and PIs is still refused', () => forEachReader((r) => {
    assert.equal(decodeError(() => decodeResponse('<?xml version="1.0"?><!-- c --><?pi?>\n<!DOCTYPE m [<!ENTITY e "x">]>' + tail, { reader: r })).reason, 'dtd');
  }));
  it('dtd: a DOCTYPE in a UTF-16 document is refused too', () => forEachReader((r) => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE m [<!ENTITY e "x">]>' + tail;
    assert.equal(decodeError(() => decodeResponse(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), { reader: r })).reason, 'dtd');
  }));
});
