// base64 on every runtime (spec digest §3.6): where there is no native codec (no Buffer, no
// Uint8Array.fromBase64), the codec decodes with atob after its own strict checks and encodes
// with btoa. These tests run the codec in a child Node with Buffer deleted and the `browser`
// condition (so `#native-base64` is the portable module, not Node's), and check that it
// reads and writes what Node's own base64 does, and refuses what the strict reader refuses, with
// the same message and offset. Small values take the same atob path in this Node too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { decodeBase64, encodeBase64, ScalarError } from '../../dist/codec/scalars.js';

const SCALARS_URL = new URL('../../dist/codec/scalars.js', import.meta.url).href;
/** The package root: `#native-base64` in the child resolves by its package.json. */
const ROOT = new URL('../../', import.meta.url);

/** Bytes with every value, deterministic per length. */
const bytesOf = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256);
const LENGTHS = [...Array.from({ length: 40 }, (_, n) => n), 1000, 1001, 1002, 8191, 8192, 8193, 20_000];

/** Texts the strict reader refuses: [text, offset of the problem in the text with white space removed]. */
const REFUSED = [
  ['aGVsbG8=aGk=', 7], ['-_-_', 0], ['aGVsbG8', 0], ['aGVsbG8=====', 7], ['aG=sbG8=', 2], ['aGVs*bG8=', 4], ['aGVsbG8=\u00e9', 8],
  ['=', 0], ['a===', 1], ['====', 0], ['\u0141GVs', 0], ['aGV\u0173', 3], ['aG\u013d=', 2], ['aGVsbG8\u013d', 7],
  // atob skips a form feed as white space; base64 and the strict reader do not.
  ['AB\fC', 2], ['\fABC', 0], ['ABC\f', 3], ['aGVs\fbG8', 4], ['AB\f=', 2],
];

/** What decodeBase64/encodeBase64 do with each case, as JSON (run here, or in a child without Buffer). */
function outcomes(decode, encode, lengths, refused) {
  const read = lengths.map((n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256);
    const text = encode(bytes);
    return { n, text, back: [...decode(text)].join(), mime: [...decode(text.replace(/.{1,76}/g, '$&\r\n'))].join() };
  });
  const errors = refused.map(([text]) => {
    try {
      return { text, decoded: [...decode(text)] };
    } catch (e) {
      return { text, name: e.name, message: e.message, offset: e.offset };
    }
  });
  return { read, errors };
}

/** The same in a child Node whose global object has no Buffer and that loads what browsers load (Node 20+ has atob and btoa). */
function outcomesWithoutBuffer() {
  const script = `delete globalThis.Buffer;
    const { decodeBase64, encodeBase64 } = await import(${JSON.stringify(SCALARS_URL)});
    const outcomes = ${outcomes.toString()};
    const { NATIVE_BASE64 } = await import('#native-base64');
    console.log(JSON.stringify({ native: typeof Uint8Array.fromBase64, nativeCodec: NATIVE_BASE64 === undefined ? 'none' : 'some', ...outcomes(decodeBase64, encodeBase64, ${JSON.stringify(LENGTHS)}, ${JSON.stringify(REFUSED)}) }));`;
  return JSON.parse(execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, cwd: ROOT }));
}

function checkOutcomes({ read, errors }, where) {
  for (const { n, text, back, mime } of read) {
    assert.equal(text, Buffer.from(bytesOf(n)).toString('base64'), `${where}: encode, length ${n}`);
    assert.equal(back, [...bytesOf(n)].join(), `${where}: decode, length ${n}`);
    assert.equal(mime, back, `${where}: decode of CRLF lines, length ${n}`);
  }
  for (const [i, e] of errors.entries()) {
    const [text, offset] = REFUSED[i];
    assert.equal(e.name, 'ScalarError', `${where}: ${JSON.stringify(text)} → ${JSON.stringify(e)}`);
    assert.match(e.message, /^<base64> has (the character .+, outside the base64 alphabet|bad padding or a length that is not a multiple of 4)$/, where);
    assert.equal(e.offset, offset, `${where}: offset for ${JSON.stringify(text)}: ${e.message}`);
  }
}

describe('base64 without a native codec: atob and btoa after the strict checks', () => {
  it('base64: every length round trips and refusals say what and where, in this Node', () => {
    checkOutcomes(outcomes(decodeBase64, encodeBase64, LENGTHS, REFUSED), 'with Buffer');
  });
  it('base64: the same where Buffer does not exist (atob/btoa for every size)', () => {
    const result = outcomesWithoutBuffer();
    if (result.native === 'function') return; // a Node with Uint8Array.fromBase64 takes the standard codec; the same checks hold
    assert.equal(result.nativeCodec, 'none', 'the browser condition loads the portable module, not Node\'s');
    checkOutcomes(result, 'without Buffer');
  });
  it('base64: a form feed is refused at its offset, though atob would skip it', () => {
    let caught;
    try {
      decodeBase64('QUJD\fREVG');
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ScalarError);
    assert.equal(caught.offset, 4);
    assert.match(caught.message, /character "\\f", outside the base64 alphabet/);
  });
  it('base64: non-zero bits in the padding are dropped, as by Python', () => {
    assert.deepEqual([...decodeBase64('QR==')], [65]);
    assert.deepEqual([...decodeBase64('QUJ=')], [65, 66]);
  });
});
