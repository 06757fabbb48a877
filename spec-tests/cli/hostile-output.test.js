// What a hostile server sends never reaches the terminal as control sequences (#13.5), and a
// large legal response is printed as a stream with bounded indentation (#13.8). The server is a
// raw TCP one on 127.0.0.1, so it can send what a well-behaved HTTP stack would refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { xmlrpc } from './support.js';

/** Terminal controls a test looks for raw in the CLI's output: ESC, BEL, CSI (C1), RLO (bidi). */
const RAW_CONTROLS = /[\u001b\u0007\u009b\u202e\u2066]/;
/** Text with all of them: retitle the terminal, a C1 CSI, a right-to-left override. */
const HOSTILE = '\u001b]0;pwned\u0007 red\u009b31m text\u202eoverride\u2066';
/** The part of it that is legal in XML (ESC and BEL are not XML characters). */
const HOSTILE_XML = ' red\u009b31m text\u202eoverride\u2066';

function response(status, reason, headers, body) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const head = [`HTTP/1.1 ${status} ${reason}`, ...headers, `Content-Length: ${bytes.length}`, 'Connection: close', '', ''].join('\r\n');
  // UTF-8: a reason phrase read as UTF-8 gets its U+009B back.
  return Buffer.concat([Buffer.from(head, 'utf8'), bytes]);
}

const XML = ['Content-Type: text/xml'];
const responseDoc = (value) => `<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`;

/** The answer for each request path. */
const ANSWERS = new Map([
  ['/fault', () => response(200, 'OK', XML, `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>7</int></value></member><member><name>faultString</name><value><string>${HOSTILE_XML}</string></value></member></struct></value></fault></methodResponse>`)],
  ['/value', () => response(200, 'OK', XML, responseDoc(`<struct><member><name>key\u009b\u202e</name><value><string>value\u009b2J\u202egnp.exe</string></value></member></struct>`))],
  ['/gzip', () => response(200, 'OK', [...XML, 'Content-Encoding: gzip'], gzipSync(responseDoc(`<string>zipped\u009b2J\u202e</string>`)))],
  ['/page', () => response(500, `Internal \u009b31m Error`, ['Content-Type: text/html'], `<html><head><title>${HOSTILE}</title></head><body>${HOSTILE}</body></html>`)],
  ['/undecodable', () => response(200, 'OK', XML, responseDoc(`<string>${HOSTILE}</string>`))],
]);

let server;
let base;

before(async () => {
  server = net.createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      const path = head.split(' ')[1];
      socket.end((ANSWERS.get(path) ?? ANSWERS.get('/page'))());
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

function assertSafe(r) {
  assert.doesNotMatch(r.stdout, RAW_CONTROLS, `stdout: ${JSON.stringify(r.stdout)}`);
  assert.doesNotMatch(r.stderr, RAW_CONTROLS, `stderr: ${JSON.stringify(r.stderr)}`);
}

describe('terminal controls from the network are shown escaped (#13.5)', () => {
  for (const mode of [[], ['--json'], ['--trace'], ['--xml']]) {
    const label = mode.length === 0 ? 'plain output' : mode[0];
    for (const path of ANSWERS.keys()) {
      it(`${path} with ${label}`, async () => {
        const r = await xmlrpc(['call', `${base}${path}`, 'm', ...mode]);
        assert.notEqual(r.code, null, 'the CLI finished');
        assert.notEqual(r.code, 5, r.stderr);
        assertSafe(r);
      });
    }
  }

  it('a fault string prints its controls as \\u escapes', async () => {
    const r = await xmlrpc(['call', `${base}/fault`, 'm']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Fault 7:  red\\u009b31m text\\u202eoverride\\u2066\n$/);
  });

  it('values and struct keys print escaped, and the JSON output still parses to the same text', async () => {
    const plain = await xmlrpc(['call', `${base}/value`, 'm']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /"key\\u009b\\u202e": "value\\u009b2J\\u202egnp\.exe"/);
    const json = await xmlrpc(['call', `${base}/value`, 'm', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { 'key\u009b\u202e': 'value\u009b2J\u202egnp.exe' });
  });

  it('--json prints a fault the same way: valid JSON with the original text', async () => {
    const r = await xmlrpc(['call', `${base}/fault`, 'm', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { faultCode: 7, faultString: HOSTILE_XML });
  });

  it('--trace shows an inflated gzip body, escaped', async () => {
    const r = await xmlrpc(['call', `${base}/gzip`, 'm', '--trace']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /< \(gzip: \d+ bytes on the wire, \d+ inflated\)/);
    assert.match(r.stderr, /<string>zipped\\u009b2J\\u202e<\/string>/);
  });

  it('a response with raw ESC and BEL is refused, and the error quotes them escaped', async () => {
    const r = await xmlrpc(['call', `${base}/undecodable`, 'm']);
    assert.equal(r.code, 4, r.stderr);
    assertSafe(r);
  });

  it('an HTTP error page and its reason phrase are escaped', async () => {
    const r = await xmlrpc(['call', `${base}/page`, 'm', '--trace']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /< 500 Internal \\u009b31m Error/);
  });
});

/** A response within every decode limit: `depth` nested arrays around `leaves` empty strings. */
function deepResponse(depth, leaves) {
  const open = '<value><array><data>'.repeat(depth);
  const close = '</data></array></value>'.repeat(depth);
  const inner = '<value/>'.repeat(leaves);
  return `<?xml version="1.0"?><methodResponse><params><param>${open}${inner}${close}</param></params></methodResponse>`;
}

describe('a large legal response is printed as a stream (#13.8)', () => {
  let big;
  let url;
  before(async () => {
    const body = Buffer.from(deepResponse(990, 900_000));
    assert.ok(body.length > 7_000_000, `${body.length} bytes`);
    big = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(response(200, 'OK', XML, body)));
    });
    await new Promise((resolve) => big.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${big.address().port}/RPC2`;
  });
  after(() => new Promise((resolve) => big.close(resolve)));

  it('depth 990, 900k leaves, for people: exit 0, indentation capped', async () => {
    const r = await xmlrpc(['call', url, 'm']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const widest = lines.reduce((max, line) => Math.max(max, line.length - line.trimStart().length), 0);
    assert.ok(widest <= 40, `a line is indented by ${widest} spaces`);
    assert.equal((r.stdout.match(/""/g) ?? []).length, 900_000);
  });

  it('depth 990, 900k leaves, --json: exit 0 and the JSON parses to the same shape', async () => {
    const r = await xmlrpc(['call', url, 'm', '--json']);
    assert.equal(r.code, 0, r.stderr);
    let value = JSON.parse(r.stdout);
    for (let depth = 1; depth < 990; depth++) {
      assert.equal(value.length, 1, `depth ${depth}`);
      value = value[0];
    }
    assert.equal(value.length, 900_000);
    assert.ok(value.every((leaf) => leaf === ''));
  });
});
