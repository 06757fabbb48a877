// Every fixture in fixtures/codec/ decodes to its expected outcome in expected.json, through
// both readers, and the two readers agree (differential testing: the scanner is checked against
// fast-xml-parser behind the same value builder).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  READERS, comparable, expectationOf, fixtureNames, loadManifest, outcomeOf, readFixture,
} from './support.js';

const manifest = loadManifest();
const names = fixtureNames();

describe('fixtures: the manifest and the files match one to one', () => {
  it('every fixture file has an expected outcome', () => {
    assert.deepEqual(names.filter((n) => !(n in manifest)), []);
  });
  it('every expected outcome has a fixture file', () => {
    assert.deepEqual(Object.keys(manifest).filter((n) => !names.includes(n)), []);
  });
  it('each expectation is exactly one of value, call, fault or error', () => {
    for (const [name, entry] of Object.entries(manifest)) {
      const kinds = Object.keys(expectationOf(entry));
      assert.equal(kinds.length, 1, name);
      assert.ok(['value', 'call', 'fault', 'error'].includes(kinds[0]), name);
      if (kinds[0] === 'error') {
        assert.ok(['xml', 'dtd', 'structure', 'value', 'limit'].includes(entry.error.reason), name);
      }
    }
  });
});

for (const group of ['python', 'peers', 'malformed']) {
  const rule = {
    python: 'python: documents written by xmlrpc.client.dumps decode to what Python itself decoded',
    peers: 'peers: variants from other implementations decode to their documented values',
    malformed: 'malformed: hostile and broken documents fail with the documented reason and path',
  }[group];
  describe(rule, () => {
    for (const name of names.filter((n) => n.startsWith(group + '/'))) {
      const entry = manifest[name];
      if (entry === undefined) continue; // reported by the one-to-one check above
      const expected = expectationOf(entry);
      for (const reader of READERS) {
        it(`${name} [${reader}]`, () => {
          const actual = outcomeOf(readFixture(name), { ...entry.options, reader });
          assert.deepStrictEqual(comparable(actual, expected), expected);
        });
      }
    }
  });
}

describe('differential: the scanner and fast-xml-parser give the same result for every fixture', () => {
  for (const name of names) {
    it(name, () => {
      const options = manifest[name]?.options ?? {};
      const bytes = readFixture(name);
      const [a, b] = READERS.map((reader) => outcomeOf(bytes, { ...options, reader }));
      if (a.error !== undefined && b.error !== undefined) {
        // XML errors are found by each reader at its own pace; from the value builder on, the path
        // must agree too, and for a scalar's value the position (both readers know where its tags are).
        const same = (e) => (e.reason === 'xml' || e.reason === 'dtd' ? { reason: e.reason }
          : e.reason === 'value' ? { reason: e.reason, path: e.path, position: e.position } : { reason: e.reason, path: e.path });
        assert.deepStrictEqual(same(b.error), same(a.error));
      } else {
        assert.deepStrictEqual(b, a);
      }
    });
  }
});

describe('fixtures: documents given as a string decode like their UTF-8 bytes', () => {
  // A string input skips byte decoding; the XML and the value must not change.
  for (const name of names.filter((n) => n.startsWith('peers/') || n.startsWith('python/'))) {
    const entry = manifest[name];
    const bytes = readFixture(name);
    const utf8 = bytes.toString('utf8');
    const plainUtf8 = Buffer.from(utf8, 'utf8').equals(bytes) && !/encoding=["'](?!utf-?8)/i.test(utf8.slice(0, 100));
    if (entry === undefined || !plainUtf8) continue;
    it(name, () => {
      assert.deepStrictEqual(outcomeOf(utf8, { ...entry.options }), expectationOf(entry));
    });
  }
});
