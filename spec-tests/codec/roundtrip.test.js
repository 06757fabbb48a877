// Round-trip properties (fast-check, bounded runs): decode(encode(v)) equals v for arbitrary
// values of the model, through both readers, with the model's normalisations (dates to whole
// seconds, Map to plain object, bytes to Buffer).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  EncodeError, XmlRpcDateTime, decodeCall, decodeMessage, decodeResponse, encodeCall, encodeFault, encodeResponse,
} from 'xmlrpc-ts';
import { READERS, modelValue, roundTripped, toTagged, xmlString } from './support.js';

const RUNS = { numRuns: 300 };

describe('round trip: decode(encode(v)) deep-equals v for any value of the model', () => {
  for (const reader of READERS) {
    it(`round trip: responses [${reader}]`, () => {
      fc.assert(fc.property(modelValue, (v) => {
        assert.deepStrictEqual(toTagged(decodeResponse(encodeResponse(v), { reader })), roundTripped(v));
      }), RUNS);
    });
    it(`round trip: calls with any method name and params [${reader}]`, () => {
      fc.assert(fc.property(xmlString.filter((s) => s !== ''), fc.array(modelValue, { maxLength: 4 }), (name, params) => {
        const c = decodeCall(encodeCall(name, params), { reader });
        assert.equal(c.methodName, name);
        assert.deepStrictEqual(toTagged(c.params), roundTripped(params));
      }), RUNS);
    });
    it(`round trip: faults with int32 or string codes [${reader}]`, () => {
      fc.assert(fc.property(fc.oneof(fc.integer(), xmlString), xmlString, (faultCode, faultString) => {
        const m = decodeMessage(encodeFault({ faultCode, faultString }), { reader });
        assert.equal(m.kind, 'fault');
        assert.deepStrictEqual([m.fault.faultCode, m.fault.faultString], [faultCode, faultString]);
      }), RUNS);
    });
    it(`round trip: pretty output decodes to the same values [${reader}]`, () => {
      fc.assert(fc.property(modelValue, (v) => {
        assert.deepStrictEqual(toTagged(decodeResponse(encodeResponse(v, { pretty: true }), { reader })), roundTripped(v));
      }), { numRuns: 150 });
    });
  }
  it('round trip: the encoded text read as UTF-8 bytes decodes the same', () => {
    fc.assert(fc.property(modelValue, (v) => {
      assert.deepStrictEqual(toTagged(decodeResponse(Buffer.from(encodeResponse(v), 'utf8'))), roundTripped(v));
    }), { numRuns: 150 });
  });
});

describe('round trip: numbers keep their exact value under each number option', () => {
  it("round trip: any finite double with largeIntegers 'double' (sign of zero included)", () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      for (const reader of READERS) {
        assert.ok(Object.is(decodeResponse(encodeResponse(n, { largeIntegers: 'double' }), { reader }), n), `${n} [${reader}]`);
      }
    }), RUNS);
  });
  it('round trip: any double, NaN and infinities included, with allowNonFinite', () => {
    fc.assert(fc.property(fc.double(), (n) => {
      const back = decodeResponse(encodeResponse(n, { allowNonFinite: true, largeIntegers: 'double' }));
      assert.ok(Object.is(back, n), String(n));
    }), RUNS);
  });
  it('round trip: any int32 number is an <int> and comes back as the same number', () => {
    fc.assert(fc.property(fc.integer(), (n) => {
      const xml = encodeResponse(n);
      assert.match(xml, /<int>/);
      assert.ok(Object.is(decodeResponse(xml), n));
    }), RUNS);
  });
  it("round trip: any 64-bit bigint comes back as a bigint, or as a number with { i8: 'number' } when safe", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
      assert.equal(decodeResponse(encodeResponse(b)), b);
      const asNumber = decodeResponse(encodeResponse(b), { i8: 'number' });
      assert.equal(asNumber, Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : b);
    }), RUNS);
  });
});

describe('round trip: strings either travel exactly or are refused, never sent as invalid XML', () => {
  const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const anyUnit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0, max: 0x3f }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\ud83d\ude00', '\r', '&', '<', ']]>'),
  );
  it('round trip: any UTF-16 string: EncodeError exactly when it holds a character XML 1.0 cannot carry', () => {
    fc.assert(fc.property(fc.string({ unit: anyUnit, maxLength: 12 }), (s) => {
      let xml;
      try {
        xml = encodeResponse(s);
      } catch (e) {
        assert.ok(e instanceof EncodeError, String(e));
        assert.ok(ILLEGAL.test(s), `refused a legal string ${JSON.stringify(s)}`);
        return;
      }
      assert.ok(!ILLEGAL.test(s), `accepted an illegal string ${JSON.stringify(s)}`);
      for (const reader of READERS) assert.equal(decodeResponse(xml, { reader }), s);
    }), { numRuns: 500 });
  });
});

describe("round trip: { dateTime: 'lossless' } keeps every field of an XmlRpcDateTime", () => {
  const dateTime = fc.record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.stringMatching(/^[0-9]{0,6}$/),
    offsetMinutes: fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), { nil: null }),
  }).map((f) => new XmlRpcDateTime(f));
  it('round trip: fields, fraction digits and zone (or its absence) come back as sent', () => {
    fc.assert(fc.property(dateTime, (dt) => {
      for (const reader of READERS) {
        const back = decodeResponse(encodeResponse(dt), { reader, dateTime: 'lossless' });
        assert.ok(back instanceof XmlRpcDateTime);
        assert.deepStrictEqual({ ...back }, { ...dt });
      }
    }), RUNS);
  });
  it('round trip: the Date it decodes to by default is the same instant as toDate()', () => {
    fc.assert(fc.property(dateTime, (dt) => {
      assert.equal(decodeResponse(encodeResponse(dt)).getTime(), dt.toDate().getTime());
    }), RUNS);
  });
});
