// The strings of a long array take a shortcut (lib/codec/fast-paths.ts StringRun: UTF-16 units in
// a buffer, one native decode per 16 Ki units). It must change no output and no error: an array is
// held against its elements written one by one (a single value never takes the shortcut, so that
// is the general escape), on edge cases and on random arrays, in this process and in a child that
// loads the browser stub (--conditions=browser), which makes no run at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { EncodeError, encodeResponse, encodeValue } from 'xmlrpc-ts/codec';
import { xmlString } from './support.js';

const CODEC_URL = new URL('../../dist/codec/index.js', import.meta.url).href;
const ROOT = new URL('../../', import.meta.url);

/** What the array must encode to: each element by the general writer, in order. */
const oneByOne = (items) => `<value><array><data>${items.map((v) => encodeValue(v)).join('')}</data></array></value>`;
const same = (items) => assert.equal(encodeValue(items), oneByOne(items));

/** The error an encode throws, as comparable fields (the message ends with the path, when there is one). */
function failure(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EncodeError, String(e));
    return { message: e.message, path: e.path };
  }
  assert.fail('no error');
}

const ESCAPED = (i) => `Tom & Jerry <${i}> café “naïve” — 東京 ${i % 97} ö > ü \r\n\t\u{1F600}`;
const PLAIN = (i) => `plain text ${i} é 東`;
// The longest string the shortcut takes (1,984 units), all of it escaped (five units each), and one more.
const LONGEST = 1984;

describe('string runs: arrays write what their elements write one by one', () => {
  it('runs: escaped, plain, mixed, long and short strings, in arrays on both sides of the 64-element threshold', () => {
    for (const n of [1, 63, 64, 65, 500]) {
      same(Array.from({ length: n }, (_, i) => ESCAPED(i)));
      same(Array.from({ length: n }, (_, i) => PLAIN(i)));
      same(Array.from({ length: n }, (_, i) => (i % 3 ? ESCAPED(i) : PLAIN(i))));
      same(Array.from({ length: n }, (_, i) => (i % 2 ? ESCAPED(i) : i)));
    }
  });
  it('runs: more than one buffer (16 Ki units, 1 Mi for 4,096 elements) of escaped text, and plain text between buffers', () => {
    same(Array.from({ length: 5000 }, (_, i) => ESCAPED(i)));
    same(Array.from({ length: 5000 }, (_, i) => (i % 100 < 50 ? PLAIN(i) : ESCAPED(i))));
    same(Array.from({ length: 400 }, (_, i) => '&'.repeat(LONGEST - (i % 3))));
    // All-escaped strings of every size up to twice the longest, so that some arrive with the buffer nearly full.
    same(Array.from({ length: 600 }, (_, i) => '&'.repeat((i * 397) % (2 * LONGEST + 100))));
    same(Array.from({ length: 100 }, (_, i) => '&'.repeat(i % 2 ? LONGEST : 1400 + 3 * i)));
    // Arrays of 4,096 elements and more use a 1 Mi-unit buffer: filled several times over.
    same(Array.from({ length: 4096 }, (_, i) => (i % 64 ? ESCAPED(i) : '&'.repeat(LONGEST - (i % 5)))));
  });
  it('runs: strings too long for the buffer, an empty string, a leading U+FEFF and the private use area', () => {
    const items = [];
    for (let i = 0; i < 200; i++) {
      items.push(ESCAPED(i), '&'.repeat(LONGEST + (i % 2)), '', '\ufeff&\ufeff', '\ue000<\ufffd', 'x'.repeat(LONGEST + 1));
    }
    same(items);
  });
  it('runs: a run interrupted by other values (ints, structs, booleans, nested arrays) keeps the order', () => {
    const items = [];
    for (let i = 0; i < 300; i++) {
      items.push(ESCAPED(i));
      if (i % 40 === 7) items.push(i, { name: ESCAPED(i), list: Array.from({ length: 70 }, (_, k) => ESCAPED(k)) }, true, [ESCAPED(i), PLAIN(i)]);
    }
    same(items);
  });
  it('runs: arrays nested in arrays, each a run', () => {
    const items = Array.from({ length: 80 }, (_, i) => Array.from({ length: 80 }, (_, k) => (k % 5 ? ESCAPED(i * k) : PLAIN(k))));
    same(items);
  });
  it('runs: random arrays of XML text, with other values between', () => {
    const element = fc.oneof(
      { weight: 8, arbitrary: xmlString },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 1, arbitrary: fc.array(xmlString, { minLength: 60, maxLength: 90 }) },
    );
    fc.assert(fc.property(fc.array(element, { minLength: 60, maxLength: 400 }), (items) => {
      same(items);
    }), { numRuns: 300, seed: 4 });
  });
  it('runs: an encode started by a getter while a run holds text gets its own buffer', () => {
    const inner = Array.from({ length: 100 }, (_, i) => ESCAPED(i + 1000));
    let innerXml;
    const items = Array.from({ length: 100 }, (_, i) => ESCAPED(i));
    const plain = [...items];
    Object.defineProperty(items, 70, {
      get() {
        innerXml = encodeValue(inner);
        return ESCAPED(70);
      },
    });
    assert.equal(encodeValue(items), oneByOne(plain));
    assert.equal(innerXml, oneByOne(inner));
  });
});

describe('string runs: what XML cannot carry is still refused by the general escape', () => {
  const ILLEGAL = ['\u0000', '\u0001', '\u000b', '\u001f', '\ud800', '\udbff', '\udc00', '\udfff', '\ufffe', '\uffff', 'ok\ud83d', '\ud83d\ud83d\ude00'];
  it('runs: an illegal unit in a string after a run, after plain text, and as the first string: same message, index and path', () => {
    for (const bad of ILLEGAL) {
      const expected = failure(() => encodeValue(`ab&${bad}`)).message;
      for (const [before, at] of [[Array.from({ length: 100 }, (_, i) => ESCAPED(i)), 100], [Array.from({ length: 100 }, (_, i) => PLAIN(i)), 100], [[], 0]]) {
        const items = [...before, `ab&${bad}`, ...Array.from({ length: 70 }, (_, i) => ESCAPED(i))];
        assert.deepEqual(failure(() => encodeResponse(items)), { message: `${expected} at params[0][${at}]`, path: `params[0][${at}]` }, JSON.stringify(bad));
      }
    }
  });
  it('runs: an encode after a refused one (its run never taken) is still right', () => {
    const items = Array.from({ length: 100 }, (_, i) => ESCAPED(i));
    for (let k = 0; k < 3; k++) {
      assert.throws(() => encodeValue([...items, 'x\u0000']), EncodeError);
      same(items);
    }
  });
  it('runs: random strings with one illegal unit are refused at the first one', () => {
    fc.assert(fc.property(fc.array(xmlString, { minLength: 64, maxLength: 120 }), xmlString, fc.constantFrom(...ILLEGAL), fc.nat(), (items, prefix, bad, at) => {
      const k = at % items.length;
      const bad2 = `${prefix}${bad}`;
      const list = [...items];
      list[k] = bad2;
      const expected = failure(() => encodeValue(bad2)).message;
      assert.deepEqual(failure(() => encodeResponse(list)), { message: `${expected} at params[0][${k}]`, path: `params[0][${k}]` });
    }), { numRuns: 200, seed: 5 });
  });
});

describe('string runs: browser bundles (no shortcut) write the same', () => {
  const inputs = [
    Array.from({ length: 5000 }, (_, i) => ESCAPED(i)),
    Array.from({ length: 300 }, (_, i) => (i % 2 ? ESCAPED(i) : PLAIN(i))),
    Array.from({ length: 300 }, (_, i) => (i % 7 ? ESCAPED(i) : i)),
    Array.from({ length: 200 }, (_, i) => ['&'.repeat(LONGEST + (i % 2)), '\ufeff<', '']).flat(),
    fc.sample(fc.array(xmlString, { minLength: 64, maxLength: 200 }), { numRuns: 20, seed: 6 }),
    [...Array.from({ length: 100 }, (_, i) => ESCAPED(i)), 'ab&\ud800'],
  ];
  const outcomes = (encodeValue, inputs) => inputs.map((v) => {
    try {
      return { xml: encodeValue(v) };
    } catch (e) {
      return { error: e.name, message: e.message, path: e.path };
    }
  });
  const here = outcomes(encodeValue, inputs);
  const script = `const { encodeValue } = await import(${JSON.stringify(CODEC_URL)});
    const { stringRun } = await import('#fast-paths');
    const inputs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const outcomes = ${outcomes.toString()};
    console.log(JSON.stringify({ stub: stringRun(1000) === undefined, outcomes: outcomes(encodeValue, inputs) }));`;
  const child = JSON.parse(execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e',
    `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(CODEC_URL)}); ${script}`],
  { encoding: 'utf8', timeout: 60_000, cwd: ROOT, input: JSON.stringify(inputs), maxBuffer: 64 * 1024 * 1024 }));

  it('runs: the child has the stub, this process the shortcut', async () => {
    assert.equal(child.stub, true);
    const { stringRun } = await import('#fast-paths');
    assert.ok(stringRun(1000) !== undefined);
    assert.equal(stringRun(63), undefined);
  });
  it('runs: values and errors alike', () => {
    assert.ok(here.at(-1).error !== undefined);
    assert.deepEqual(child.outcomes, JSON.parse(JSON.stringify(here)));
  });
});
