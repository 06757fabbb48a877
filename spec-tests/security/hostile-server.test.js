// Hostile input against a running server: each gets a fault or an HTTP status within its limit,
// quickly, and the server keeps serving other clients meanwhile. Time limits are set short
// (300 ms) so the slow attacks are over in well under a second or two each.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { encodeCall, FaultCode } from 'xmlrpc-ts';
import {
  within, startServer, post, rpc, healthy, rawSession, statuses, drip, gzipBomb, deflateBomb, rawCall,
} from './support.js';

const SHORT = { headersTimeoutMs: 300, bodyTimeoutMs: 300, keepAliveTimeoutMs: 300 };
const READERS = ['scanner', 'fast-xml-parser'];

const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** A server with the short time limits; one per reader, made once. */
const byReader = {};
before(async () => {
  for (const reader of READERS) {
    const s = await startServer({ ...SHORT, decode: { reader } });
    servers.push(s.server);
    byReader[reader] = s.port;
  }
});

async function started(options, setup) {
  const s = await startServer({ ...SHORT, ...options }, setup);
  servers.push(s.server);
  return s.port;
}

/** Asserts a 200 fault with `code` whose text matches `pattern`; returns the fault. */
function assertFault(res, code, pattern) {
  assert.equal(res.status, 200, `status ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
  assert.equal(res.message.kind, 'fault', `expected a fault, got ${JSON.stringify(res.message)}`);
  assert.equal(res.message.fault.faultCode, code, res.message.fault.faultString);
  assert.match(res.message.fault.faultString, pattern);
  return res.message.fault;
}

describe('DTDs are refused before anything is expanded or fetched', () => {
  /** A TCP listener that counts connections: an XXE fetch would land here. */
  let trap;
  let trapHits = 0;
  before(async () => {
    trap = net.createServer((s) => {
      trapHits++;
      s.destroy();
    });
    await new Promise((resolve) => trap.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise((resolve) => trap.close(resolve)));

  for (const reader of READERS) {
    test(`XXE with an external entity (${reader}): fault -32700, no file read`, async () => {
      const body = '<?xml version="1.0"?><!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + rawCall('<string>&xxe;</string>');
      const res = await rpc(byReader[reader], body);
      assertFault(res, FaultCode.PARSE_ERROR, /DOCTYPE/);
      assert.doesNotMatch(res.body.toString('utf8'), /root:/);
    });

    test(`XXE with a parameter entity pointing at a listening port (${reader}): refused, never fetched`, async () => {
      const url = `http://127.0.0.1:${trap.address().port}/evil.dtd`;
      const body = `<?xml version="1.0"?><!DOCTYPE methodCall [<!ENTITY % p SYSTEM "${url}"> %p;]>` + rawCall('<string>x</string>');
      assertFault(await rpc(byReader[reader], body), FaultCode.PARSE_ERROR, /DOCTYPE/);
      // An external DTD without an internal subset, too.
      const external = `<?xml version="1.0"?><!DOCTYPE methodCall SYSTEM "${url}">` + rawCall('<string>x</string>');
      assertFault(await rpc(byReader[reader], external), FaultCode.PARSE_ERROR, /DOCTYPE/);
      assert.equal(trapHits, 0, 'the server connected to the URL of the DTD');
    });

    test(`billion laughs (${reader}): refused at once`, async () => {
      let dtd = '<!ENTITY lol0 "lol">';
      for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
      const body = `<?xml version="1.0"?><!DOCTYPE methodCall [${dtd}]>` + rawCall('<string>&lol9;</string>');
      const t0 = performance.now();
      assertFault(await rpc(byReader[reader], body), FaultCode.PARSE_ERROR, /DOCTYPE/);
      assert.ok(performance.now() - t0 < 1000);
    });

    test(`a DOCTYPE with an internal subset that would inject markup (${reader}): refused`, async () => {
      const body = '<!DOCTYPE methodCall [<!ENTITY e "<int>5</int>">]>' + rawCall('&e;');
      assertFault(await rpc(byReader[reader], body), FaultCode.PARSE_ERROR, /DOCTYPE/);
      await healthy(byReader[reader]);
    });
  }
});

describe('deep nesting is cut off by maxDepth, iteratively (no stack overflow)', () => {
  for (const reader of READERS) {
    for (const depth of [10_000, 100_000]) {
      test(`${depth.toLocaleString('en')} nested arrays (${reader}): fault -32602 naming maxDepth, server still serving`, async () => {
        const body = rawCall('<array><data><value>'.repeat(depth) + '1' + '</value></data></array>'.repeat(depth));
        const t0 = performance.now();
        const res = await rpc(byReader[reader], body);
        const ms = performance.now() - t0;
        assertFault(res, FaultCode.INVALID_PARAMS, /maxDepth|nested/);
        assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
        await healthy(byReader[reader]);
      });
    }
    test(`100,000 nested structs (${reader})`, async () => {
      const depth = 100_000;
      const body = rawCall('<struct><member><name>a</name><value>'.repeat(depth) + '</value></member></struct>'.repeat(depth));
      assertFault(await rpc(byReader[reader], body), FaultCode.INVALID_PARAMS, /maxDepth|nested/);
    });
    test(`100,000 nested elements that are not XML-RPC (${reader}): a structure fault`, async () => {
      const depth = 100_000;
      const body = '<methodCall>' + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</methodCall>';
      const res = await rpc(byReader[reader], body);
      assert.equal(res.status, 200);
      assert.equal(res.message.kind, 'fault');
      assert.ok([FaultCode.INVALID_REQUEST, FaultCode.INVALID_PARAMS].includes(res.message.fault.faultCode), res.message.fault.faultString);
    });
  }
});

describe('bodies: size, time and framing limits', () => {
  test('a 1 GB body declared and streamed slowly: 413 before it is read, connection closed', async () => {
    const port = byReader.scanner;
    const head = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${2 ** 30}\r\n\r\n`;
    const session = rawSession(port, {
      head,
      budget: 64 * 1024,
      feed: (write, _s, isOpen) => drip(write, isOpen, 'x'.repeat(1024), 20, 60),
    });
    await healthy(port, 'during the 1 GB body');
    const { text, sent } = await within(3000, session, '1 GB body');
    assert.deepEqual(statuses(text), [413]);
    assert.match(text, /over the limit/);
    assert.ok(sent < 64 * 1024);
  });

  test('a body under the size limit streamed slowly: 408 once bodyTimeoutMs has passed', async () => {
    const port = byReader.scanner;
    const head = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${5 * 2 ** 20}\r\n\r\n`;
    const session = rawSession(port, { head, budget: 256 * 1024, feed: (write, _s, isOpen) => drip(write, isOpen, 'x'.repeat(512), 25, 200) });
    await healthy(port, 'during the slow body');
    const { text, closedAfterMs } = await within(3000, session, 'slow body');
    assert.deepEqual(statuses(text), [408]);
    assert.ok(closedAfterMs < 2000, `closed after ${closedAfterMs.toFixed(0)} ms`);
  });

  test('a chunked body without end: 413 once maxBodyBytes is passed (streamed until cut off)', async () => {
    const port = await started({ maxBodyBytes: 256 * 1024 });
    const head = 'POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunk = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`, 'latin1');
    const session = rawSession(port, {
      head,
      budget: 4 * 2 ** 20,
      feed: (write, socket, isOpen) => {
        const pump = () => {
          while (isOpen() && write(chunk));
        };
        socket.on('drain', pump);
        pump();
      },
    });
    const { text, sent } = await within(5000, session, 'endless chunked body');
    assert.deepEqual(statuses(text), [413]);
    assert.ok(sent < 4 * 2 ** 20, `the server read ${sent} bytes before refusing`);
    await healthy(port);
  });

  test('a gzip bomb (1 MiB inflating to 1 GiB): 413 at maxInflatedBytes, memory stays bounded', async () => {
    const port = byReader.scanner;
    const bomb = gzipBomb(2 ** 30);
    assert.ok(bomb.length < 1.1 * 2 ** 20);
    const rss0 = process.memoryUsage().rss;
    const res = await post(port, bomb, { headers: { 'Content-Encoding': 'gzip' } });
    assert.equal(res.status, 413);
    assert.match(res.body.toString(), /decompressed/);
    // The default cap is 20 MiB; allow for buffers and GC lag, far below the 1 GiB of the bomb.
    assert.ok(process.memoryUsage().rss - rss0 < 200 * 2 ** 20, 'memory grew too much');
    await healthy(port);
  });

  test('a deflate bomb, with a lowered cap: 413', async () => {
    const port = await started({ maxInflatedBytes: 2 ** 20 });
    const res = await post(port, deflateBomb(64 * 2 ** 20), { headers: { 'Content-Encoding': 'deflate' } });
    assert.equal(res.status, 413);
  });

  test('a Content-Length shorter than the body: the declared bytes are the request, the rest is a bad request', async () => {
    const port = byReader.scanner;
    const body = encodeCall('echo', ['hello']);
    const head = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length - 10}\r\n\r\n`;
    const { text } = await within(3000, rawSession(port, { head: head + body }), 'short Content-Length');
    const codes = statuses(text);
    // The 10 leftover bytes are not a request line: 400, and the connection is closed. node:http
    // may see them before the first call is answered; the answer to it is then dropped with the connection.
    assert.equal(codes[codes.length - 1], 400);
    if (codes.length === 2) {
      assert.equal(codes[0], 200);
      assert.match(text, /<name>faultCode<\/name><value><int>-32700<\/int>/);
    } else assert.equal(codes.length, 1);
    await healthy(port);
  });

  test('a Content-Length longer than the body: 408 after bodyTimeoutMs, connection closed', async () => {
    const port = byReader.scanner;
    const body = encodeCall('echo', ['hello']);
    const head = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length + 100}\r\n\r\n`;
    const { text, closedAfterMs } = await within(3000, rawSession(port, { head: head + body }), 'long Content-Length');
    assert.deepEqual(statuses(text), [408]);
    assert.ok(closedAfterMs < 2000);
  });

  for (const [name, chunked] of Object.entries({
    'a chunk size that is not hex': 'zz\r\nabc\r\n0\r\n\r\n',
    'a chunk size that overflows 64 bits': 'fffffffffffffffffffff\r\nabc\r\n0\r\n\r\n',
    'a negative chunk size': '-1\r\nabc\r\n0\r\n\r\n',
    'chunk data longer than its size': '3\r\nabcdef\r\n0\r\n\r\n',
    'a chunk size line without CRLF': '5 abc',
  })) {
    test(`chunked body with ${name}: 400 (or a cut) and the connection closed`, async () => {
      const port = byReader.scanner;
      const head = 'POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n';
      const { text } = await within(3000, rawSession(port, { head: head + chunked }), name);
      const codes = statuses(text);
      assert.ok(codes.length === 1 && [400, 408].includes(codes[0]), `got ${JSON.stringify(text.slice(0, 200))}`);
    });
  }
});

describe('ambiguous framing (request smuggling) and oversized headers are refused', () => {
  const body = encodeCall('echo', ['x']);
  const cases = {
    'both Content-Length and Transfer-Encoding': [`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`, 400],
    'two different Content-Length headers': [`Content-Length: ${body.length}\r\nContent-Length: 5\r\n`, 400],
    'a negative Content-Length': ['Content-Length: -1\r\n', 400],
    // RFC 9110 §15.5.20 (431); node:http's own default answer, which the server's clientError handler replaces with 400.
    'request headers over 16 KiB': [`X-Big: ${'a'.repeat(20_000)}\r\nContent-Length: ${body.length}\r\n`, 431],
    // RFC 9112 §6.1: a transfer coding the server does not implement gets 501; reading the gzip as XML is wrong.
    'a transfer coding other than chunked (gzip, chunked)': ['Transfer-Encoding: gzip, chunked\r\n', 501],
  };
  for (const [name, [headers, status]] of Object.entries(cases)) {
    test(`${name}: ${status}`, async () => {
      const port = byReader.scanner;
      const payload = headers.includes('chunked') && !headers.includes('Content-Length') ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
      const { text } = await within(3000, rawSession(port, { head: `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n${payload}` }), name);
      assert.equal(statuses(text)[0], status, text.slice(0, 200));
      await healthy(port);
    });
  }
});

describe('slow and idle connections are closed by the server, which keeps serving', () => {
  test('slowloris: request headers one byte at a time are cut off after headersTimeoutMs', async () => {
    const port = byReader.scanner;
    const headers = 'POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nX-Padding: ' + 'a'.repeat(200) + '\r\n\r\n';
    let i = 0;
    const session = rawSession(port, {
      feed: (write, _s, isOpen) => {
        const timer = setInterval(() => {
          if (!isOpen() || i >= headers.length || !write(headers[i++])) clearInterval(timer);
        }, 20);
      },
    });
    await healthy(port, 'during slowloris');
    const { text, sent, closedAfterMs } = await within(4000, session, 'slowloris');
    assert.ok(sent < headers.length, 'the server waited for the whole header');
    assert.ok(statuses(text).every((s) => s === 408), text);
    assert.ok(closedAfterMs < 2500, `closed after ${closedAfterMs.toFixed(0)} ms`);
  });

  // The server's own timers (keepAliveTimeoutMs, headersTimeoutMs) close idle and silent
  // connections. 1,000 are enough to show it; the next test holds 10,000 at once. They are opened
  // in waves of 250 because a burst beyond the listen backlog (511) is dropped by the kernel.
  test('1,000 idle keep-alive connections (after one call each) and 500 silent ones are closed; others are served meanwhile', async () => {
    const port = await started({ keepAliveTimeoutMs: 300, headersTimeoutMs: 300 });
    const body = encodeCall('echo', ['k']);
    const request = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const keepAlive = [];
    for (let wave = 0; wave < 4; wave++) {
      const sessions = Array.from({ length: 250 }, () => rawSession(port, { head: request }));
      keepAlive.push(...sessions);
      await within(10_000, Promise.all(sessions.map((s) => s.answered)), `wave ${wave} answered`);
    }
    const silent = Array.from({ length: 500 }, () => rawSession(port));
    await healthy(port, 'with 1,500 idle connections');
    const kept = await within(15_000, Promise.all(keepAlive), '1,000 keep-alive connections closed by the server');
    assert.equal(kept.filter((r) => statuses(r.text).join() === '200').length, 1000, 'every connection got its one answer');
    const quiet = await within(15_000, Promise.all(silent), '500 silent connections closed by the server');
    assert.ok(quiet.every((r) => statuses(r.text).every((s) => s === 408)));
    await healthy(port, 'after');
  });

  // The issue's 10,000 idle keep-alive connections, plus 500 that never send a byte, all open at
  // once. The client ends live in a child process (idle-client.js): one process holding both ends
  // would need 21,000 descriptors. maxConnections (default 10,000) is raised to fit them and the
  // test's own calls. The idle time limits are long here, so that all are open at once however
  // busy the machine is (the test above covers the timers); close() then releases them at once.
  test('10,000 idle keep-alive connections and 500 silent ones, open at once: others are served meanwhile; close() releases every socket', async (t) => {
    const IDLE = 10_000;
    const SILENT = 500;
    let open = 0;
    const s = await startServer({
      keepAliveTimeoutMs: 120_000, headersTimeoutMs: 120_000, maxConnections: IDLE + SILENT + 100,
    }, (server) => server.addMethod('openConnections', () => open));
    servers.push(s.server);
    const { port } = s;
    const httpServer = s.server.httpServer;
    httpServer.on('connection', (socket) => {
      open++;
      socket.once('close', () => open--);
    });
    const body = encodeCall('echo', ['k']);
    const request = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const child = fork(new URL('./idle-client.js', import.meta.url), [String(port), String(IDLE), String(SILENT), request], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = once(child, 'exit');
    const report = (kind) => {
      const message = new Promise((resolve, reject) => {
        child.on('message', (m) => {
          if (m.kind === 'error') reject(new Error(`idle client: ${m.message}`));
          else if (m.kind === kind) resolve(m);
        });
        exited.then(([code, signal]) => reject(new Error(`idle client exited (${signal ?? code}) before '${kind}': ${stderr}`)));
      });
      // It may be left unawaited when an assertion fails first; the child is stopped below.
      message.catch(() => {});
      return message;
    };
    const opened = report('open');
    const closed = report('closed');
    try {
      await healthy(port, 'while the connections are opened');
      const { ms: openMs } = await within(60_000, opened, `${IDLE + SILENT} connections opened`);
      const during = await rpc(port, encodeCall('openConnections', []));
      assert.equal(during.message?.kind, 'response', JSON.stringify(during.message));
      // This call's own connection is one of them.
      assert.equal(during.message.value, IDLE + SILENT + 1, 'connections open at once, with this call\'s');
      await healthy(port, `with ${IDLE + SILENT} idle connections`);
      const closeStarted = performance.now();
      await within(5000, s.server.close(), 'close() with 10,500 idle connections');
      const closeMs = performance.now() - closeStarted;
      const result = await within(10_000, closed, 'the client sees every connection closed');
      assert.deepEqual(result.idle, { 200: IDLE }, 'every idle connection got its one answer, then was closed by the server');
      assert.deepEqual(result.silent, { none: SILENT }, 'the silent connections were closed without an answer');
      assert.equal(open, 0, 'the server holds no socket');
      const count = await new Promise((resolve, reject) => httpServer.getConnections((e, n) => (e ? reject(e) : resolve(n))));
      assert.equal(count, 0);
      t.diagnostic(`${IDLE + SILENT} connections open in ${openMs.toFixed(0)} ms; close() released them in ${closeMs.toFixed(0)} ms`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});

describe('struct members that are dangerous in JavaScript are data', () => {
  test('__proto__, constructor and prototype members come back as own members; nothing is polluted', async () => {
    let seen;
    const port = await started({}, (s) => s.addMethod('inspect', (v) => {
      seen = v;
      return v;
    }));
    const member = (name, value) => `<member><name>${name}</name><value>${value}</value></member>`;
    const body = rawCall(`<struct>${member('__proto__', `<struct>${member('polluted', '<int>1</int>')}</struct>`)}` +
      `${member('constructor', `<struct>${member('prototype', `<struct>${member('polluted', '<int>2</int>')}</struct>`)}</struct>`)}</struct>`, 'inspect');
    const res = await rpc(port, body);
    assert.equal(res.status, 200);
    assert.equal(Object.getPrototypeOf(seen), Object.prototype);
    assert.deepEqual(Object.keys(seen), ['__proto__', 'constructor']);
    assert.equal(({}).polluted, undefined);
    assert.equal(Object.prototype.polluted, undefined);
    assert.equal(seen.polluted, undefined);
    const back = res.message.value;
    assert.ok(Object.hasOwn(back, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__').value, { polluted: 1 });
  });

  test('1,000,000 struct members: 413 at the default body limit; with raised size limits, a maxValues fault', async () => {
    const member = (i) => `<member><name>m${i}</name><value/></member>`;
    const members = Array.from({ length: 1_000_000 }, (_, i) => member(i)).join('');
    const body = rawCall(`<struct>${members}</struct>`);
    // Default limit (10 MiB): refused from the Content-Length alone; nothing is read or built.
    const head = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { text } = await within(3000, rawSession(byReader.scanner, { head, budget: head.length }), '1M members, default limit');
    assert.deepEqual(statuses(text), [413]);
    // Raised size limits: the document is read, and maxValues (1,000,000) stops it at the last member.
    const port = await started({ maxBodyBytes: 64 * 2 ** 20, decode: { maxDocumentBytes: 64 * 2 ** 20 } });
    const t0 = performance.now();
    assertFault(await rpc(port, body), FaultCode.INVALID_PARAMS, /maxValues/);
    assert.ok(performance.now() - t0 < 10_000);
  });
});

describe('bad characters and oversized names', () => {
  const port = () => byReader.scanner;
  const bytesCall = (bytes) => Buffer.concat([Buffer.from(rawCall('<string>'), 'utf8').subarray(0, -('</value></param></params></methodCall>'.length)), bytes, Buffer.from('</string></value></param></params></methodCall>')]);

  test('invalid UTF-8 (a bad continuation byte, an overlong form, an encoded surrogate): fault -32702', async () => {
    for (const bad of [[0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      assertFault(await rpc(port(), bytesCall(Buffer.from(bad))), FaultCode.INVALID_CHARACTER, /UTF-8|character/);
    }
  });

  test('a lone UTF-16 surrogate, as bytes of a UTF-16 document or as a character reference: fault -32702', async () => {
    const doc = rawCall('<string>a\ud800b</string>');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    assertFault(await rpc(port(), utf16), FaultCode.INVALID_CHARACTER, /UTF-16|character/);
    assertFault(await rpc(port(), rawCall('<string>&#xD800;</string>')), FaultCode.INVALID_CHARACTER, /not allowed/);
    assertFault(await rpc(port(), rawCall('<string>&#xDC00;&#xD800;</string>')), FaultCode.INVALID_CHARACTER, /not allowed/);
  });

  test('a methodName of 1 MB: a fault naming maxNameLength, and the fault does not echo the name', async () => {
    const name = 'm'.repeat(2 ** 20);
    const res = await rpc(port(), `<methodCall><methodName>${name}</methodName></methodCall>`);
    assert.equal(res.status, 200);
    assert.equal(res.message.kind, 'fault');
    assert.match(res.message.fault.faultString, /maxNameLength/);
    assert.ok(res.body.length < 2000, `a fault of ${res.body.length} bytes`);
  });

  test('ex:serializable (Java deserialization, CVE-2016-5003) and ex:dom are refused, never decoded', async () => {
    const ns = 'xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"';
    for (const element of ['ex:serializable', 'ex:dom']) {
      const body = `<methodCall ${ns}><methodName>echo</methodName><params><param><value><${element}>rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==</${element}></value></param></params></methodCall>`;
      assertFault(await rpc(port(), body), FaultCode.INVALID_PARAMS, /refused/);
    }
  });
});
