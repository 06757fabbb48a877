// The fuzz properties of the codec, the dispatcher and the HTTP server, shared by fuzz.test.js (a
// bounded number of runs in CI) and fuzz-long.js (the long run of `npm run fuzz`). Each property is
// built by a function so both callers choose their run counts.
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import * as fc from 'fast-check';
import {
  DecodeError, Fault, TypedValue, XmlRpcDateTime, XmlRpcDispatcher,
  asBase64, asBigDecimal, asDouble, asI8, asNil, asString, createServer,
  decodeCall, decodeMessage, decodeResponse, encodeCall, encodeResponse, loadFastXmlParser,
} from 'xmlrpc-ts';

export const READERS = ['scanner', 'fast-xml-parser'];
// The second reader is loaded on demand.
await loadFastXmlParser();

/** Longest time one decode of a fuzz input (a few KiB at most) may take before we call it a hang. */
export const HANG_MS = 1000;

// ---------------------------------------------------------------------------------------------
// Values of the model, each with the value decoding must give back (the documented normalisations)

/** Characters XML 1.0 can carry, weighted towards the ones that need care. */
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\t', ']]>', '\r\n', ' ', '&amp;', '<![CDATA[', '-->') },
  { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);

export const xmlString = (maxLength = 40) => fc.array(xmlChar, { maxLength }).map((a) => a.join(''));

/** Struct member names, with the ones that are dangerous as JS property names. */
const memberName = fc.oneof(
  { weight: 4, arbitrary: xmlString(12) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'faultCode', '') },
);

/** A pair: `sent` is what is encoded, `expected` what decoding must return. */
const pair = (sent, expected) => ({ sent, expected });

const MIN_DATE = new Date('0000-01-01T00:00:00Z');
const MAX_DATE = new Date('9999-12-31T23:59:59Z');

function structOf(entries) {
  const obj = {};
  for (const [k, v] of entries) Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
  return obj;
}

const scalarPair = fc.oneof(
  xmlString().map((s) => pair(s, s)),
  fc.integer().map((n) => pair(n, n)),
  fc.double().map((n) => pair(n, n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => pair(n, n)),
  fc.boolean().map((b) => pair(b, b)),
  fc.constant(pair(null, null)),
  fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true })
    .map((d) => pair(d, new Date(Math.floor(d.getTime() / 1000) * 1000))),
  fc.uint8Array({ maxLength: 64 }).map((b) => pair(b, Uint8Array.from(b))),
  fc.record({
    year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }), second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.constantFrom('', '5', '250', '123456'),
    offsetMinutes: fc.constantFrom(null, 0, 120, -300, 330),
  }).map((f) => {
    const dt = new XmlRpcDateTime(f);
    return pair(dt, dt.toDate('UTC'));
  }),
  fc.integer({ min: -1e9, max: 1e9 }).map((n) => pair(asDouble(n), n)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => pair(asI8(n), n)),
  xmlString().map((s) => pair(asString(s), s)),
  xmlString().map((s) => pair(asBase64(s), new TextEncoder().encode(s))),
  fc.constant(pair(asNil(), null)),
  fc.tuple(fc.integer(), fc.nat({ max: 999999 })).map(([i, f]) => {
    const text = `${i}.${String(f).padStart(6, '0')}`;
    return pair(asBigDecimal(text), Number(text));
  }),
);

/** Any value of the model (nested arrays, structs and Maps) with its expected decoding. */
export const valuePair = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarPair, tie('array'), tie('struct'), tie('map')),
  array: fc.array(tie('value'), { maxLength: 5 }).map((items) => pair(items.map((p) => p.sent), items.map((p) => p.expected))),
  struct: fc.array(fc.tuple(memberName, fc.option(tie('value'), { freq: 8, nil: undefined })), { maxLength: 5 }).map((entries) => {
    const sent = structOf(entries.map(([k, p]) => [k, p === undefined ? undefined : p.sent]));
    // A member whose value is undefined is left out, as JSON does.
    const kept = new Map();
    for (const [k, p] of entries) {
      if (p === undefined) kept.delete(k);
      else kept.set(k, p.expected);
    }
    return pair(sent, structOf([...kept]));
  }),
  map: fc.array(fc.tuple(memberName, tie('value')), { maxLength: 4 }).map((entries) => {
    const sent = new Map(entries.map(([k, p]) => [k, p.sent]));
    const expected = new Map(entries.map(([k, p]) => [k, p.expected]));
    return pair(sent, structOf([...expected]));
  }),
})).value;

/** Encode options that must not change what decodes. */
export const encodeOptions = fc.record({
  pretty: fc.boolean(),
  declaration: fc.boolean(),
}).map((o) => ({ ...o, largeIntegers: 'double', allowNonFinite: true }));

// ---------------------------------------------------------------------------------------------
// Hostile and broken documents

/** Pieces of XML-RPC and XML from which documents are put together at random. */
const TOKENS = [
  '<?xml version="1.0"?>', "<?xml version='1.0' encoding='ISO-8859-1'?>", '<?xml version="1.0" encoding="utf-16"?>',
  '<methodCall>', '</methodCall>', '<methodResponse>', '</methodResponse>', '<methodName>', '</methodName>',
  '<params>', '</params>', '<param>', '</param>', '<value>', '</value>', '<value/>', '<fault>', '</fault>',
  '<array>', '</array>', '<data>', '</data>', '<data/>', '<struct>', '</struct>', '<member>', '</member>',
  '<name>', '</name>', '<int>', '</int>', '<i4>', '</i4>', '<i8>', '</i8>', '<string>', '</string>', '<string/>',
  '<double>', '</double>', '<boolean>', '</boolean>', '<base64>', '</base64>', '<nil/>', '<ex:nil/>',
  '<dateTime.iso8601>', '</dateTime.iso8601>', '<ex:serializable>', '</ex:serializable>', '<ex:i8>', '</ex:i8>',
  '<ex:bigdecimal>', '</ex:bigdecimal>', '<x:int>', '</x:int>', '<INT>', '</INT>',
  'faultCode', 'faultString', 'echo', 'system.multicall', 'methodName', 'params',
  '0', '1', '-1', '+007', '2147483648', '9223372036854775808', '1.5', '-0.0', '1e400', 'nan', 'inf', '.5', '5.', '0x10',
  '19980717T14:08:55', '1998-07-17T14:08:55.123Z', 'aGVsbG8=', 'aGVsbG8=aGk=', '====',
  ' ', '\n', '\r\n', '\r', '\t', '\u00a0', 'a', 'é', '😀', '\ud800', '\udc00', '\u0000', '\u0001', '\ufffe', '\uffff',
  '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#13;', '&#x1F600;', '&#xD800;', '&#0;', '&#x110000;', '&#X41;', '&nbsp;',
  '&e;', '&', '<', '>', ']]>', '<![CDATA[', '<![CDATA[x]]>', '<!--', '-->', '<!-- c -->', '<?pi x?>', '<?xml?>',
  '<!DOCTYPE x>', '<!DOCTYPE x [<!ENTITY e "<int>5</int>">]>', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>', '<!ELEMENT', '<!ATTLIST',
  ' a="1"', " b='2'", ' a="1" a="2"', ' xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"', ' a=1', ' a="<"', ' a="&x;"',
  '</', '/>', '<a>', '</a>', '<__proto__>', '</__proto__>', '<constructor>', '</constructor>', '<1a>', '<a b>', '<:a>', '<a:>',
  '\ufeff', '<', '<=', '<!', '<?', '<value >', '</value >', '< value>',
];

export const tokenDocument = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));

/** A valid call or response document (for the mutators) in a random writer style. */
const validDocument = fc.tuple(valuePair, encodeOptions, fc.boolean(), xmlString(10)).map(([p, o, call, name]) =>
  call ? encodeCall(name === '' ? 'm' : name, [p.sent], o) : encodeResponse(p.sent, o));

/** One edit of a document: truncate, cut, repeat, swap two tags, insert a token, change a character. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicate'), at: fc.nat(), length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('swapTags'), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ op: fc.constant('replaceChar'), at: fc.nat(), code: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ op: fc.constant('renameTag'), a: fc.nat(), token: fc.constantFrom('value', 'int', 'string', 'struct', 'array', 'x', 'Value', 'ex:dom') }),
);

function applyMutation(doc, m) {
  const n = doc.length;
  switch (m.op) {
    case 'truncate': return doc.slice(0, n === 0 ? 0 : m.at % n);
    case 'delete': { const at = n === 0 ? 0 : m.at % n; return doc.slice(0, at) + doc.slice(at + m.length); }
    case 'duplicate': { const at = n === 0 ? 0 : m.at % n; return doc.slice(0, at + m.length) + doc.slice(at); }
    case 'insert': { const at = m.at % (n + 1); return doc.slice(0, at) + m.token + doc.slice(at); }
    case 'replaceChar': { if (n === 0) return doc; const at = m.at % n; return doc.slice(0, at) + String.fromCharCode(m.code) + doc.slice(at + 1); }
    case 'swapTags':
    case 'renameTag': {
      const tags = [...doc.matchAll(/<\/?[A-Za-z:._-]+\/?>/g)];
      if (tags.length === 0) return doc;
      const ta = tags[m.a % tags.length];
      if (m.op === 'renameTag') {
        const renamed = ta[0].replace(/[A-Za-z:._-]+/, m.token);
        return doc.slice(0, ta.index) + renamed + doc.slice(ta.index + ta[0].length);
      }
      const tb = tags[m.b % tags.length];
      if (ta.index === tb.index) return doc;
      const [first, second] = ta.index < tb.index ? [ta, tb] : [tb, ta];
      return doc.slice(0, first.index) + second[0] + doc.slice(first.index + first[0].length, second.index) + first[0] +
        doc.slice(second.index + second[0].length);
    }
    default: throw new Error(`unknown mutation ${m.op}`);
  }
}

/** How the text goes on the wire: as a string, or bytes in some encoding, declared truthfully or not. */
const wireForm = fc.constantFrom('string', 'utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom', 'latin1-declared', 'latin1-undeclared', 'ascii-declared', 'windows-1252-declared');

function withDeclaration(doc, encoding) {
  const body = doc.replace(/^\ufeff?<\?xml[^>]*\?>/, '');
  return `<?xml version="1.0" encoding="${encoding}"?>` + body;
}

export function toWire(doc, form) {
  switch (form) {
    case 'string': return doc;
    case 'utf8': return Buffer.from(doc, 'utf8');
    case 'utf8-bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc, 'utf8')]);
    case 'utf16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    case 'utf16be-bom': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, 'utf16le').swap16()]);
    case 'latin1-declared': return Buffer.from(withDeclaration(doc, 'ISO-8859-1'), 'latin1');
    case 'latin1-undeclared': return Buffer.from(doc, 'latin1');
    case 'ascii-declared': return Buffer.from(withDeclaration(doc, 'us-ascii'), 'latin1');
    case 'windows-1252-declared': return Buffer.from(withDeclaration(doc, 'windows-1252'), 'latin1');
    default: throw new Error(`unknown wire form ${form}`);
  }
}

/** A valid document after 1–4 mutations, in some wire form. */
export const mutatedDocument = fc.tuple(validDocument, fc.array(mutation, { minLength: 1, maxLength: 4 }), wireForm)
  .map(([doc, ms, form]) => toWire(ms.reduce(applyMutation, doc), form));

/** Arbitrary bytes, and arbitrary bytes after a plausible start. */
export const randomBytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(fc.constantFrom('<?xml version="1.0"?><methodCall>', '<methodResponse><params><param><value>', '\ufeff<', '<methodCall><methodName>a</methodName><params><param><value><base64>'), fc.uint8Array({ maxLength: 256 }))
    .map(([head, tail]) => Buffer.concat([Buffer.from(head, 'utf8'), tail])),
);

/** Any of the hostile inputs. */
export const hostileInput = fc.oneof(randomBytes, tokenDocument, mutatedDocument);

// ---------------------------------------------------------------------------------------------
// Outcomes

/** What one decode did: a message, a DecodeError, or something else thrown (a bug). */
export function outcome(input, reader) {
  const started = performance.now();
  let result;
  try {
    result = { ok: true, message: decodeMessage(input, { reader }) };
  } catch (error) {
    result = error instanceof DecodeError ? { ok: false, reason: error.reason, error } : { crash: error };
  }
  result.ms = performance.now() - started;
  return result;
}

/** An input for a failure message: the text, or the first bytes in hex. */
export function show(input) {
  const text = typeof input === 'string' ? input : `bytes ${Buffer.from(input).toString('hex').slice(0, 400)}`;
  return JSON.stringify(text.length > 600 ? text.slice(0, 600) + '…' : text);
}

/**
 * The decoder returns a message or throws DecodeError (never anything else, never slowly), and
 * both readers agree on accept/reject, and on the message when both accept.
 */
export function checkHostileInput(input) {
  const [a, b] = READERS.map((reader) => outcome(input, reader));
  for (const [reader, o] of [['scanner', a], ['fast-xml-parser', b]]) {
    if (o.crash !== undefined) {
      throw new Error(`${reader} threw ${o.crash?.name}: ${o.crash?.message} for ${show(input)}`, { cause: o.crash });
    }
    if (o.ms > HANG_MS) throw new Error(`${reader} took ${o.ms.toFixed(0)} ms for ${show(input)}`);
  }
  if (a.ok !== b.ok) {
    const which = a.ok ? 'scanner accepts, fast-xml-parser refuses' : 'fast-xml-parser accepts, scanner refuses';
    throw new Error(`readers disagree (${which}: ${(a.error ?? b.error).message}) for ${show(input)}`);
  }
  if (a.ok) assert.deepStrictEqual(b.message, a.message, `readers decode differently: ${show(input)}`);
}

/** decode(encode(v)) gives v back (normalised), through both readers, for a response and a call. */
export function checkRoundTrip({ sent, expected }, options, methodName) {
  const response = encodeResponse(sent, options);
  const call = encodeCall(methodName, [sent, sent], options);
  for (const reader of READERS) {
    assert.deepStrictEqual(decodeResponse(response, { reader }), expected, `response through ${reader}: ${show(response)}`);
    assert.deepStrictEqual(decodeCall(Buffer.from(call, 'utf8'), { reader }), { methodName, params: [expected, expected] },
      `call through ${reader}: ${show(call)}`);
  }
}

export const methodNameArb = xmlString(30).filter((s) => s !== '');

/** A dispatcher with a few methods, as a server has them. */
export function fuzzDispatcher() {
  const dispatcher = new XmlRpcDispatcher({ callTimeoutMs: 1000 });
  dispatcher.addMethod('echo', (...params) => params);
  dispatcher.addMethod('add', (a, b) => a + b, { signature: ['int', 'int', 'int'] });
  dispatcher.addMethod('fail', () => {
    throw new Fault(42, 'expected');
  });
  dispatcher.addMethod('boom', () => {
    throw new TypeError('handler bug');
  });
  dispatcher.addMethod('later', async (x) => x);
  return dispatcher;
}

/** Any body: hostile inputs, and valid calls to the methods above and to system.*. */
export const dispatchBody = fc.oneof(
  { weight: 3, arbitrary: hostileInput },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('echo', 'add', 'fail', 'boom', 'later', 'nope', 'system.multicall', 'system.listMethods', 'system.methodHelp'), fc.array(valuePair, { maxLength: 3 }))
      .map(([name, params]) => encodeCall(name, params.map((p) => p.sent), { largeIntegers: 'double', allowNonFinite: true })),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.record({ methodName: fc.constantFrom('echo', 'add', 'fail', 'nope', 'system.multicall'), params: fc.array(fc.integer(), { maxLength: 3 }) }), { maxLength: 4 })
      .map((calls) => encodeCall('system.multicall', [calls])),
  },
);

/** The dispatcher answers any body with a well-formed methodResponse (a value or a fault); it never rejects. */
export async function checkDispatch(dispatcher, body) {
  let xml;
  try {
    xml = await dispatcher.dispatch(body);
  } catch (error) {
    throw new Error(`dispatch rejected with ${error?.name}: ${error?.message} for ${show(body)}`, { cause: error });
  }
  assert.equal(typeof xml, 'string');
  const message = decodeMessage(xml);
  assert.ok(message.kind === 'response' || message.kind === 'fault', `not a methodResponse: ${xml.slice(0, 200)}`);
  if (message.kind === 'fault') {
    assert.equal(typeof message.fault.faultCode, 'number');
    assert.ok(Number.isInteger(message.fault.faultCode));
  }
  return message;
}

// ---------------------------------------------------------------------------------------------
// The HTTP server: bodies in various framings and codings

/** Longest time one HTTP case may take (a handler's limit is 1 s) before we call it a hang. */
export const HTTP_CASE_MS = 10_000;

/** The server of the HTTP property (not listening yet): small limits, and `echo`. */
export function fuzzServer() {
  const server = createServer({ maxBodyBytes: 64 * 1024, maxInflatedBytes: 64 * 1024, callTimeoutMs: 1000 });
  server.addMethod('echo', (...p) => p);
  return server;
}

/** How the body is framed and coded on the wire. */
export const framing = fc.constantFrom('length', 'chunked', 'gzip', 'deflate', 'gzip-lie', 'truncated', 'bad-coding');

/** The bodies of the HTTP property. */
export const httpBody = fc.oneof(hostileInput, dispatchBody);

/**
 * One POST of `body` framed `how` through `agent`: { status, body }. Rejects when there is no whole
 * answer within HTTP_CASE_MS (the request is then destroyed).
 */
export function postFramed(agent, port, body, how) {
  let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const headers = { 'Content-Type': 'text/xml' };
  if (how === 'gzip') bytes = zlib.gzipSync(bytes);
  if (how === 'deflate') bytes = zlib.deflateSync(bytes);
  if (how === 'gzip' || how === 'deflate' || how === 'gzip-lie') headers['Content-Encoding'] = how === 'deflate' ? 'deflate' : 'gzip';
  if (how === 'bad-coding') headers['Content-Encoding'] = 'br';
  if (how !== 'chunked') headers['Content-Length'] = how === 'truncated' ? Math.max(0, bytes.length - 3) : bytes.length;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/RPC2', headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => settle(resolve, { status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', (error) => settle(reject, error));
    });
    const timer = setTimeout(() => {
      settle(reject, new Error(`no whole answer within ${HTTP_CASE_MS} ms`));
      req.destroy();
    }, HTTP_CASE_MS);
    function settle(done, value) {
      clearTimeout(timer);
      done(value);
    }
    req.on('error', (error) => settle(reject, error));
    req.end(how === 'truncated' ? bytes.subarray(0, Math.max(0, bytes.length - 3)) : bytes);
  });
}

/** The server answers a body framed `how` with a methodResponse, or an error status when the framing is wrong. */
export async function checkHttp(agent, port, body, how) {
  const res = await postFramed(agent, port, body, how);
  if (res.status === 200) {
    const message = decodeMessage(res.body);
    assert.ok(message.kind === 'response' || message.kind === 'fault');
  } else {
    assert.ok(res.status >= 400 && res.status < 600, `status ${res.status}`);
    assert.ok(how === 'gzip-lie' || how === 'bad-coding', `an error status ${res.status} for a well-framed body (${how})`);
  }
}

/** The server still answers a plain call. */
export async function checkStillServing(agent, port) {
  const res = await postFramed(agent, port, encodeCall('echo', ['still here']), 'length');
  assert.deepEqual(decodeMessage(res.body), { kind: 'response', value: ['still here'] });
}

export { fc, TypedValue };
