// The string writer's escape (lib/codec/encode.ts): its fast skip of plain characters, its pieces
// and its checks, held against a reference written per character, on edge cases and on a
// deterministic random corpus (valid text must come out byte for byte; the first character XML
// cannot carry must be refused with its code point, its index and the path).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, encodeCall, encodeResponse, encodeValue } from 'xmlrpc-ts';

/** What `<string>` must hold for valid text: Python's three replacements, plus CR as `&#13;`. */
const reference = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const written = (s) => encodeValue(s);
const wrapped = (s) => `<value><string>${reference(s)}</string></value>`;

function refused(s) {
  let err;
  try {
    encodeResponse({ list: ['ok', s] });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof EncodeError, `expected an EncodeError for ${JSON.stringify(s)}, got ${String(err)}`);
  assert.equal(err.path, 'params[0].list[1]');
  return err.message;
}

/** A small deterministic PRNG (LCG), so every run sees the same corpus. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

// Valid pieces from every branch of the escape: plain ASCII on both sides of '>', the escaped
// four, tab and LF (C0 but allowed), Latin-1 and BMP text, a surrogate pair, the private use
// area and U+FFFD (above the surrogates, below U+FFFE).
const VALID = ['a', 'Z', ' ', '0', '?', '~', '&', '<', '>', '\r', '\t', '\n', '\u00e9', '\u6771', '\ud7ff', '\u{1F600}', '\ue000', '\ufffd', '&amp;', ']]>'];
// What XML 1.0 cannot carry, with the start of the message that names it.
const ILLEGAL = [
  ['\u0000', 'the character U+0000'], ['\u0001', 'the character U+0001'], ['\u0008', 'the character U+0008'],
  ['\u000b', 'the character U+000B'], ['\u001f', 'the character U+001F'],
  ['\ud800', 'a lone surrogate U+D800'], ['\udbff', 'a lone surrogate U+DBFF'], ['\udc00', 'a lone surrogate U+DC00'], ['\udfff', 'a lone surrogate U+DFFF'],
  ['\ufffe', 'the character U+FFFE'], ['\uffff', 'the character U+FFFF'],
];

/** Up to `maxLength - 1` pieces of VALID, chosen by `next`. */
function validText(next, maxLength) {
  let s = '';
  const len = next() % maxLength;
  for (let k = 0; k < len; k++) s += VALID[next() % VALID.length];
  return s;
}

describe('escape: valid text is written byte for byte', () => {
  it('escape: specials at the start, at the end, side by side and alone', () => {
    for (const s of ['&', '<', '>', '\r', '&&', '<>', '><', '&a', 'a&', 'a&b', '&<>\r', 'a\r\nb\r', '\r\r', '>\u00e9<', '\u6771&\u{1F600}>']) {
      assert.equal(written(s), wrapped(s), JSON.stringify(s));
    }
  });
  it('escape: text with only surrogate pairs (it passes the quick test) comes back unchanged', () => {
    for (const s of ['\u{1F600}', 'a\u{1F600}b', '\u{10000}\u{10FFFF}', '\t\u{1F600}\n']) assert.equal(written(s), `<value><string>${s}</string></value>`);
  });
  it('escape: tab and LF next to escaped characters stay as they are', () => {
    assert.equal(written('\t&\n<\t'), '<value><string>\t&amp;\n&lt;\t</string></value>');
  });
  it('escape: a random corpus of valid text matches the reference', () => {
    const next = lcg(19);
    for (let n = 0; n < 3000; n++) {
      const s = validText(next, 40);
      assert.equal(written(s), wrapped(s), JSON.stringify(s));
    }
  });
  it('escape: member and method names go through the same escape', () => {
    assert.equal(encodeValue({ 'a&<>\rb': 1 }), '<value><struct><member><name>a&amp;&lt;&gt;&#13;b</name><value><int>1</int></value></member></struct></value>');
    assert.match(encodeCall('x<y&\u{1F600}', []), /<methodName>x&lt;y&amp;\u{1F600}<\/methodName>/u);
  });
});

describe('escape: what XML cannot carry is refused with its index and path', () => {
  it('escape: each illegal code unit, alone, after a special and after a surrogate pair', () => {
    for (const [c, named] of ILLEGAL) {
      for (const [prefix, index] of [['', 0], ['ab', 2], ['&<', 2], ['\u{1F600}', 2], ['x\ty\r', 4]]) {
        const message = refused(`${prefix}${c}tail`);
        assert.ok(message.startsWith(`${named} at index ${index} `), `${JSON.stringify(prefix + c)}: ${message}`);
      }
    }
  });
  it('escape: a high surrogate at the very end, or followed by another high surrogate, is lone', () => {
    assert.ok(refused('ok\ud83d').startsWith('a lone surrogate U+D83D at index 2 '));
    assert.ok(refused('\ud83d\ud83d\ude00').startsWith('a lone surrogate U+D83D at index 0 '));
    assert.ok(refused('\ude00\ud83d').startsWith('a lone surrogate U+DE00 at index 0 '));
  });
  it('escape: a random corpus with one illegal unit names the first one', () => {
    const next = lcg(20);
    for (let n = 0; n < 1000; n++) {
      let s = validText(next, 30);
      const [c, named] = ILLEGAL[next() % ILLEGAL.length];
      // VALID holds no lone surrogate, so the unit appended is the first thing refused.
      const at = s.length;
      s += c + VALID[next() % VALID.length];
      assert.ok(refused(s).startsWith(`${named} at index ${at} `), JSON.stringify(s));
    }
  });
});
