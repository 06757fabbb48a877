// Fuzzing with fast-check, a bounded number of runs (about 3,500 cases in all, a few seconds).
// The long run is fuzz-long.js (`npm run fuzz`). Set FUZZ_SEED to replay a CI failure.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DecodeError } from 'xmlrpc-ts';
import {
  fc, READERS, valuePair, encodeOptions, methodNameArb, randomBytes, tokenDocument, mutatedDocument,
  dispatchBody, checkRoundTrip, checkHostileInput, checkDispatch, fuzzDispatcher, outcome,
  fuzzServer, framing, httpBody, checkHttp, checkStillServing,
} from './properties.js';

const SEED = process.env.FUZZ_SEED === undefined ? 424242 : Number(process.env.FUZZ_SEED);
const params = (numRuns) => ({ numRuns, seed: SEED, endOnFailure: true });

describe('decode(encode(v)) is v, through both readers', () => {
  test('responses and calls of arbitrary values (300 cases)', () => {
    fc.assert(fc.property(valuePair, encodeOptions, methodNameArb, (p, o, m) => checkRoundTrip(p, o, m)), params(300));
  });
});

describe('hostile input gives a value or a DecodeError, quickly, and the readers agree', () => {
  test('arbitrary bytes (500 cases)', () => {
    fc.assert(fc.property(randomBytes, checkHostileInput), params(500));
  });
  test('documents put together from XML-RPC and XML pieces (1,000 cases)', () => {
    fc.assert(fc.property(tokenDocument, checkHostileInput), params(1000));
  });
  test('valid documents after truncation, cuts, repeats, swapped tags, inserted entities, other encodings (1,000 cases)', () => {
    fc.assert(fc.property(mutatedDocument, checkHostileInput), params(1000));
  });
});

// Each of these came out of the fuzzer: the scanner's verdict is the right one (XML 1.0), and the
// fast-xml-parser reader must reach the same. They stay as regression tests.
describe('the readers agree on the documents the fuzzer found', () => {
  const R = '<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>';
  const refused = {
    'an XML declaration after the root': R + '<?xml version="1.0"?>',
    'an XML declaration inside the document': R.replace('<params>', '<params><?xml version="1.0"?>'),
    'a mangled XML declaration': '<?xml v<x/>ersion="1.0"?>' + R,
    'a processing instruction without a target': '<??>' + R,
    'a processing instruction target glued to its data': '<?xmln="1.0"?>' + R,
    '"--" inside a comment': R + '<!-- a -- b -->',
    '"<" in an attribute value': R.replace('<int>', '<int a="<">'),
    'U+FEFF inside an end tag name (a different name)': R.replace('</methodResponse>', '</\ufeffmethodResponse>'),
    'U+00A0 after a tag name (not XML whitespace)': R.replace('<value>', '<value\u00a0>'),
    'an XML declaration whose version is not a version number': '<?xml version="<?xml?>1.0"?>' + R,
    'a character reference after the root': R + '&#65;',
    'an entity reference after the root': R + '&apos;',
    'an undefined entity in an attribute value': R.replace('<int>', '<int a="&x;">'),
    'U+3000 at the start of an end tag name': R.replace('</methodResponse>', '</\u3000methodResponse>'),
  };
  for (const [name, doc] of Object.entries(refused)) {
    test(`refused by both: ${name}`, () => {
      for (const reader of READERS) {
        const o = outcome(doc, reader);
        assert.ok(o.crash === undefined, `${reader} threw ${o.crash}`);
        assert.equal(o.ok, false, `${reader} accepted ${JSON.stringify(doc)}`);
      }
    });
  }
  test('accepted by both: a processing instruction whose data holds an unbalanced quote', () => {
    const doc = '<?a "?>' + R;
    for (const reader of READERS) {
      const o = outcome(doc, reader);
      assert.equal(o.ok, true, `${reader} refused: ${o.error?.message ?? o.crash}`);
      assert.deepEqual(o.message, { kind: 'response', value: 1 });
    }
  });
});

describe('the dispatcher answers any body with a methodResponse and never rejects', () => {
  test('hostile bodies, valid calls, multicalls (500 cases)', async () => {
    const dispatcher = fuzzDispatcher();
    await fc.assert(fc.asyncProperty(dispatchBody, async (body) => {
      await checkDispatch(dispatcher, body);
    }), params(500));
  });
});

describe('the HTTP server answers any body with a methodResponse or an HTTP error status', () => {
  const server = fuzzServer();
  after(() => server.close());

  test('hostile bodies in various framings and codings (150 cases)', async () => {
    const { port } = await server.listen(0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      await fc.assert(fc.asyncProperty(httpBody, framing, async (body, how) => {
        await checkHttp(agent, port, body, how);
      }), params(150));
      await checkStillServing(agent, port);
    } finally {
      agent.destroy();
    }
  });
});

test('outcome() tells a DecodeError from a crash', () => {
  assert.equal(outcome('<x', 'scanner').error instanceof DecodeError, true);
});
