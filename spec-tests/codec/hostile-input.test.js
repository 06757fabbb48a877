// Hostile scalars and names (hardening issue, defects 1 and 3): a scalar of 16 Mi characters of
// any type decodes or fails in milliseconds (linear grammars, numbers range-checked on their
// digits before any conversion), and whatever an error quotes from the input is a short excerpt.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DECODE_LIMITS, DecodeError, decodeCall, decodeResponse } from 'xmlrpc-ts';
import { forEachReader, response, thrown } from './support.js';

const HUGE = DEFAULT_DECODE_LIMITS.maxStringLength; // 16 Mi characters, the most a scalar may hold
// Generous on a shared machine; the quadratic grammar and BigInt-first range check took 3 s to minutes.
const BOUND_MS = 1000;
// A message quotes at most a short excerpt, plus its own words and the path.
const MESSAGE_MAX = 400;

const EX = ' xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"';
const doc = (tag, text) => `<methodResponse${EX}><params><param><value><${tag}>${text}</${tag}></value></param></params></methodResponse>`;

/** Decodes, returning the value or the DecodeError, and how long it took. */
function timed(xml, options) {
  const t0 = performance.now();
  let outcome;
  try {
    outcome = decodeResponse(xml, options);
  } catch (e) {
    outcome = e;
  }
  return { outcome, ms: performance.now() - t0 };
}

const digits = '7'.repeat(HUGE - 1);
const CASES = [
  ['int', [digits, digits.slice(1) + 'x', '-' + digits.slice(1)]],
  ['i4', [digits]],
  ['i8', [digits, digits.slice(1) + 'x', '+' + digits.slice(1)]],
  ['ex:i1', [digits]],
  ['ex:i2', [digits]],
  ['ex:i8', [digits]],
  ['ex:biginteger', [digits, digits.slice(1) + 'x']],
  ['double', [digits, digits.slice(1) + 'x', digits.slice(2) + '.7', '.' + digits.slice(2) + 'e', '1' + 'e'.repeat(HUGE - 1)]],
  ['ex:float', [digits.slice(1) + 'x']],
  ['ex:bigdecimal', [digits.slice(1) + 'x', digits]],
  ['boolean', [digits]],
  ['dateTime.iso8601', ['19980717T14:08:55.' + digits.slice(18), digits]],
  ['ex:dateTime', [digits]],
  ['base64', ['A'.repeat(HUGE), 'A'.repeat(HUGE - 1) + '!']],
  ['nil', [digits]],
  ['string', [digits]],
];

describe('a 16 Mi-character scalar of any type decodes or fails in milliseconds', () => {
  for (const [tag, texts] of CASES) {
    it(`<${tag}>`, () => {
      for (const text of texts) {
        const { outcome, ms } = timed(doc(tag, text));
        const what = `<${tag}> of ${text.slice(0, 12)}…${text.slice(-2)}`;
        assert.ok(ms < BOUND_MS, `${what} took ${ms.toFixed(0)} ms`);
        if (outcome instanceof Error) {
          assert.ok(outcome instanceof DecodeError, `${what}: ${outcome.name}`);
          assert.ok(outcome.message.length < MESSAGE_MAX, `${what}: a message of ${outcome.message.length} characters`);
        }
      }
    });
  }
  it('an out-of-range <i8> is refused on its digit count, whatever the reader', () => forEachReader((reader) => {
    const e = thrown(() => decodeResponse(response(`<i8>${'9'.repeat(200_000)}</i8>`), { reader }));
    assert.equal(e.reason, 'value');
    assert.match(e.message, /outside the 64-bit range/);
    assert.ok(e.message.length < MESSAGE_MAX);
  }));
});

describe('element and attribute names have a length limit (maxXmlNameLength)', () => {
  it('the default is 256 characters; a longer element name is a limit error, quoted short', () => forEachReader((reader) => {
    assert.equal(DEFAULT_DECODE_LIMITS.maxXmlNameLength, 256);
    const long = 'x'.repeat(19 * 1024 * 1024);
    const e = thrown(() => decodeResponse(response(`<${long}>1</${long}>`), { reader, maxDocumentBytes: 64 * 1024 * 1024 }));
    assert.ok(e instanceof DecodeError);
    assert.equal(e.reason, 'limit');
    assert.match(e.message, /maxXmlNameLength/);
    assert.ok(e.message.length < MESSAGE_MAX, `${e.message.length} characters`);
  }));
  it('a name at the limit is read (and unknown, so refused by name, in an excerpt)', () => forEachReader((reader) => {
    const name = 'y'.repeat(256);
    const e = thrown(() => decodeResponse(response(`<${name}>1</${name}>`), { reader }));
    assert.equal(e.reason, 'value');
    assert.match(e.message, /unknown type element <y{40}…>/);
    assert.ok(e.message.length < MESSAGE_MAX);
  }));
  it('attribute names and the root element name are bounded the same way', () => forEachReader((reader) => {
    const attr = 'a'.repeat(300);
    const e1 = thrown(() => decodeResponse(`<methodResponse ${attr}="1"><params/></methodResponse>`, { reader }));
    assert.equal(e1.reason, 'limit');
    const e2 = thrown(() => decodeCall(`<${'r'.repeat(300)}/>`, { reader }));
    assert.equal(e2.reason, 'limit');
    const e3 = thrown(() => decodeCall(`<${'r'.repeat(100)}/>`, { reader }));
    assert.equal(e3.reason, 'structure');
    assert.ok(e3.message.length < MESSAGE_MAX);
  }));
  it('the limit is an option', () => forEachReader((reader) => {
    assert.equal(thrown(() => decodeResponse(response('<string>x</string>'), { reader, maxXmlNameLength: 5 })).reason, 'limit');
    assert.equal(decodeResponse(response('<string>x</string>'), { reader, maxXmlNameLength: 14 }), 'x');
  }));
});

describe('what a DecodeError quotes from the input is a short excerpt', () => {
  const bad = (inner) => `<${inner}>${'5'.repeat(100_000)}x</${inner}>`;
  for (const tag of ['int', 'i4', 'i8', 'double', 'boolean', 'dateTime.iso8601', 'base64', 'ex:bigdecimal']) {
    it(`<${tag}> with 100,000 bad characters`, () => forEachReader((reader) => {
      const e = thrown(() => decodeResponse(doc(tag, bad(tag).slice(tag.length + 2, -(tag.length + 3))), { reader }));
      assert.ok(e instanceof DecodeError, String(e));
      assert.ok(e.message.length < MESSAGE_MAX, `${e.message.length} characters: ${e.message.slice(0, 200)}`);
      // base64 names the first bad character instead of quoting the text.
      if (tag !== 'base64') assert.match(e.message, /5{40}"… \(100001 characters\)/);
    }));
  }
  it('an out-of-range <int> of 16M digits is quoted in 40', () => {
    const e = thrown(() => decodeResponse(response(`<int>${'1'.repeat(HUGE)}</int>`)));
    assert.ok(e.message.length < MESSAGE_MAX);
  });
  it('an unknown encoding name is quoted short', () => {
    const e = thrown(() => decodeResponse(new TextEncoder().encode(response('<string>x</string>')), { defaultEncoding: 'x'.repeat(5000) }));
    assert.equal(e.xmlKind, 'encoding');
    assert.ok(e.message.length < MESSAGE_MAX);
  });
});
