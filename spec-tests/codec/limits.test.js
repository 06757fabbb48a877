// Safety limits checked while reading (spec digest §9): depth (iterative, never a stack
// overflow), value count, string and name lengths, document size. And the encoder's depth limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DECODE_LIMITS, DecodeError, EncodeError, decodeCall, decodeResponse, encodeResponse } from 'xmlrpc-ts';
// Internal (no longer exported from the package): the fast-xml-parser reader's own depth bound.
import { FAST_XML_PARSER_MAX_DEPTH } from '../../dist/codec/options.js';
import { call, forEachReader, nestedArrays, nestedStructs, response, thrown } from './support.js';

function limitError(fn, message) {
  const e = thrown(fn);
  assert.ok(e instanceof DecodeError, `${message}: expected a DecodeError, got ${e?.name}: ${e?.message}`);
  assert.equal(e.reason, 'limit', `${message}: ${e.message}`);
  return e;
}

/** Depth of nested arrays/structs, walked without recursion. */
function depthOf(v) {
  let depth = 0;
  while (v !== null && typeof v === 'object') {
    depth++;
    v = Array.isArray(v) ? v[0] : v.m;
  }
  return depth;
}

describe('depth: nesting of arrays and structs is bounded by maxDepth, never by the stack', () => {
  it('depth: 500 nested arrays and 500 nested structs decode with the default options', () => forEachReader((r) => {
    assert.equal(depthOf(decodeResponse(response(nestedArrays(500)), { reader: r })), 500);
    assert.equal(depthOf(decodeResponse(response(nestedStructs(500)), { reader: r })), 500);
  }));
  it('depth: the default limit is maxDepth = DEFAULT_DECODE_LIMITS.maxDepth, inclusive', () => forEachReader((r) => {
    const max = DEFAULT_DECODE_LIMITS.maxDepth;
    assert.ok(max >= 500);
    assert.equal(depthOf(decodeResponse(response(nestedArrays(max)), { reader: r })), max);
    limitError(() => decodeResponse(response(nestedArrays(max + 1)), { reader: r }), 'max + 1');
  }));
  it("depth: 10,000 nested arrays → 'limit' error, not a stack overflow", () => forEachReader((r) => {
    limitError(() => decodeResponse(response(nestedArrays(10_000)), { reader: r }), 'arrays');
    limitError(() => decodeResponse(response(nestedStructs(10_000)), { reader: r }), 'structs');
  }));
  // The scanner only: fast-xml-parser itself takes time quadratic in the depth (about 40 s here).
  it('depth: 10,000 nested arrays decode when maxDepth allows them (the scanner and builder are iterative)', () => {
    assert.equal(depthOf(decodeResponse(response(nestedArrays(10_000)), { maxDepth: 10_000 })), 10_000);
    assert.equal(depthOf(decodeResponse(response(nestedStructs(10_000)), { maxDepth: 10_000 })), 10_000);
  });
  it("depth: the fast-xml-parser reader takes at most FAST_XML_PARSER_MAX_DEPTH levels, whatever maxDepth says, and says where", () => {
    // Its cost is quadratic in the depth: a raised maxDepth must not turn it into a hang.
    for (const n of [FAST_XML_PARSER_MAX_DEPTH + 1, 100_000]) {
      const started = performance.now();
      const e = limitError(() => decodeResponse(response(nestedArrays(n)), { reader: 'fast-xml-parser', maxDepth: 1e6 }), `${n}`);
      assert.ok(performance.now() - started < 5000, `${n} levels took ${performance.now() - started} ms`);
      assert.match(e.message, /fast-xml-parser reader/);
      // Just past the bound the value builder names the path; far past it the depth guard of the
      // well-formedness pass stops first and gives the position.
      if (n === FAST_XML_PARSER_MAX_DEPTH + 1) assert.match(e.path, /^params\[0\](\[0\]){999}/);
      else assert.ok(e.position.offset > 0 && e.position.line === 1, JSON.stringify(e.position));
    }
    assert.equal(depthOf(decodeResponse(response(nestedArrays(FAST_XML_PARSER_MAX_DEPTH)), { reader: 'fast-xml-parser', maxDepth: 1e6 })), FAST_XML_PARSER_MAX_DEPTH);
  });
  it('depth: 10,000 unclosed <value><array><data> openings → an error, not a stack overflow', () => forEachReader((r) => {
    const doc = response('<array><data><value>'.repeat(10_000));
    const e = thrown(() => decodeResponse(doc, { reader: r }));
    assert.ok(e instanceof DecodeError && (e.reason === 'limit' || e.reason === 'xml'), `${e?.name}: ${e?.message}`);
  }));
  it('depth: a custom maxDepth counts arrays and structs alike', () => forEachReader((r) => {
    const mixed = '<array><data><value><struct><member><name>m</name><value><array><data><value>1</value></data></array></value></member></struct></value></data></array>';
    assert.deepStrictEqual(decodeResponse(response(mixed), { reader: r, maxDepth: 3 }), [{ m: ['1'] }]);
    limitError(() => decodeResponse(response(mixed), { reader: r, maxDepth: 2 }), 'maxDepth 2');
  }));
  it('depth: an error names the path down to where the limit was crossed', () => forEachReader((r) => {
    const e = limitError(() => decodeResponse(response(nestedArrays(5)), { reader: r, maxDepth: 3 }), 'path');
    assert.match(e.path, /^params\[0\]\[0\]\[0\]/);
  }));
});

describe('counts and lengths: maxValues, maxStringLength, maxNameLength, maxDocumentBytes', () => {
  const arrayOf = (n) => '<array><data>' + '<value><int>1</int></value>'.repeat(n) + '</data></array>';
  it('maxValues: counts every <value>, the outer one included', () => forEachReader((r) => {
    assert.equal(decodeResponse(response(arrayOf(4)), { reader: r, maxValues: 5 }).length, 4);
    limitError(() => decodeResponse(response(arrayOf(5)), { reader: r, maxValues: 5 }), 'one over');
  }));
  it('maxStringLength: a string of exactly the limit decodes; one more character → limit at its path', () => forEachReader((r) => {
    assert.equal(decodeResponse(response(`<string>${'x'.repeat(10)}</string>`), { reader: r, maxStringLength: 10 }).length, 10);
    const e = limitError(() => decodeResponse(response(`<struct><member><name>s</name><value><string>${'x'.repeat(11)}</string></value></member></struct>`), { reader: r, maxStringLength: 10 }), 'string');
    assert.equal(e.path, 'params[0].s');
  }));
  it('maxStringLength: counts characters after references are decoded, and covers untyped and base64 text', () => forEachReader((r) => {
    assert.equal(decodeResponse(response(`<string>${'&amp;'.repeat(10)}</string>`), { reader: r, maxStringLength: 10 }), '&'.repeat(10));
    limitError(() => decodeResponse(response('y'.repeat(11)), { reader: r, maxStringLength: 10 }), 'untyped');
    limitError(() => decodeResponse(response(`<base64>${'QUJD'.repeat(3)}</base64>`), { reader: r, maxStringLength: 10 }), 'base64');
  }));
  it('maxNameLength: member names and method names', () => forEachReader((r) => {
    const member = (n) => response(`<struct><member><name>${'n'.repeat(n)}</name><value>1</value></member></struct>`);
    assert.deepEqual(Object.keys(decodeResponse(member(8), { reader: r, maxNameLength: 8 })), ['nnnnnnnn']);
    limitError(() => decodeResponse(member(9), { reader: r, maxNameLength: 8 }), 'member');
    assert.equal(decodeCall(call('m'.repeat(8)), { reader: r, maxNameLength: 8 }).methodName, 'mmmmmmmm');
    limitError(() => decodeCall(call('m'.repeat(9)), { reader: r, maxNameLength: 8 }), 'method');
  }));
  it('maxDocumentBytes: bytes and strings over the limit → limit; at the limit decodes', () => forEachReader((r) => {
    const doc = response('<string>x</string>');
    assert.equal(decodeResponse(doc, { reader: r, maxDocumentBytes: doc.length }), 'x');
    assert.equal(decodeResponse(Buffer.from(doc), { reader: r, maxDocumentBytes: doc.length }), 'x');
    limitError(() => decodeResponse(doc, { reader: r, maxDocumentBytes: doc.length - 1 }), 'string');
    limitError(() => decodeResponse(Buffer.from(doc), { reader: r, maxDocumentBytes: doc.length - 1 }), 'bytes');
  }));
});

describe('encode depth: the encoder refuses values nested deeper than its maxDepth', () => {
  const nest = (n) => {
    let v = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const nestStructs = (n) => {
    let v = 1;
    for (let i = 0; i < n; i++) v = { m: v };
    return v;
  };
  it('encode depth: 500 nested arrays encode with the defaults and decode back', () => {
    const xml = encodeResponse(nest(500));
    assert.equal(depthOf(decodeResponse(xml)), 500);
  });
  it('encode depth: 10,000 nested arrays → EncodeError, not a stack overflow', () => {
    const e = thrown(() => encodeResponse(nest(10_000)));
    assert.ok(e instanceof EncodeError, `${e?.name}: ${e?.message}`);
    assert.match(e.path, /^params\[0\](\[0\])+$/);
  });
  it('encode depth: with maxDepth raised past what the stack holds → EncodeError saying so, never a RangeError', () => {
    for (const v of [nest(200_000), nestStructs(200_000)]) {
      const e = thrown(() => encodeResponse(v, { maxDepth: 1e9 }));
      assert.ok(e instanceof EncodeError, `${e?.name}: ${e?.message}`);
      assert.match(e.detail, /too deep for the call stack; lower maxDepth .*\(reached at depth \d+\)/);
      assert.match(e.path, /^params\[0\]/);
    }
  });
  it('encode depth: maxDepth is an option', () => {
    assert.doesNotThrow(() => encodeResponse(nest(3), { maxDepth: 3 }));
    assert.ok(thrown(() => encodeResponse(nest(4), { maxDepth: 3 })) instanceof EncodeError);
  });
});
