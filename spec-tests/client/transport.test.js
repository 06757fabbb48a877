// The client's HTTP transport: connection pool and the stale-connection retry, timeouts and
// cancellation, compression, size limits, charsets, cookies, auth headers, network errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { Agent, MockAgent } from 'undici';
import {
  AbortError, Client, DecodeError, HttpError, NetworkError, TimeoutError, decodeCall, encodeResponse,
} from 'xmlrpc-ts';
import { answer, rpc, startServer, startTcp } from './support.js';

const RESPONSE_7 = encodeResponse(7);

/**
 * Reads HTTP requests from a raw socket: `onHead(index)` when a request's head has arrived,
 * `onRequest(index)` once its whole body has. Bodies are counted, not kept, so they may be large.
 */
function onHttpRequests(socket, onRequest, onHead = () => {}) {
  let head = Buffer.alloc(0);
  let bodyLeft = -1; // -1 while reading a head
  let index = 0;
  socket.on('data', (data) => {
    let chunk = data;
    for (let guard = 0; guard < 100; guard++) {
      if (bodyLeft < 0) {
        if (chunk.length === 0) return;
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        bodyLeft = Number(/content-length:\s*(\d+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        chunk = head.subarray(end + 4);
        head = Buffer.alloc(0);
        onHead(index);
        if (socket.destroyed) return;
      }
      const taken = Math.min(bodyLeft, chunk.length);
      bodyLeft -= taken;
      chunk = chunk.subarray(taken);
      if (bodyLeft > 0) return;
      bodyLeft = -1;
      onRequest(index++);
      if (socket.destroyed) return;
    }
  });
}

/**
 * A string parameter larger than what the kernel takes in at once on a loopback connection whose
 * reader has stopped (Linux: the sender's largest send buffer plus the receiver's window), so part
 * of a request carrying it is still in Node's buffer when the connection fails. At least 16 MiB.
 */
function largerThanSocketBuffers() {
  let kernel = 0;
  try {
    const field = (file, i) => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[i]);
    kernel = field('/proc/sys/net/ipv4/tcp_wmem', 2) + field('/proc/sys/net/ipv4/tcp_rmem', 1);
  } catch {
    // Not Linux: 16 MiB is beyond the default buffers of the other systems.
  }
  return 'x'.repeat(Math.max(16 * 1024 * 1024, 2 * (Number.isFinite(kernel) ? kernel : 0)));
}

function rawResponse(body, extra = '') {
  return `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

describe('connection pool', { concurrency: true }, () => {
  test('sequential calls reuse one keep-alive connection', async () => {
    const server = await startServer(rpc({ add: (a, b) => a + b }));
    const c = new Client(server.url());
    try {
      for (let i = 0; i < 5; i++) assert.equal(await c.call('add', [i, i]), 2 * i);
      assert.equal(server.connections, 1);
    } finally {
      await c.close();
      await server.close();
    }
  });

  test('by default one connection per origin: concurrent calls queue on it', async () => {
    const server = await startServer(rpc({ add: (a, b) => a + b }));
    const c = new Client(server.url());
    try {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.call('add', [i, 1])));
      assert.deepEqual(results, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(server.connections, 1);
    } finally {
      await c.close();
      await server.close();
    }
  });

  test('connections: 3 lets three calls be in flight at once', async () => {
    // The server holds every answer until three requests are waiting at the same time.
    const waiting = [];
    const server = await startServer((req, res) => {
      waiting.push(res);
      if (waiting.length === 3) for (const r of waiting.splice(0)) answer(r, 'released');
    });
    const c = new Client(server.url(), { connections: 3 });
    try {
      assert.deepEqual(await Promise.all([c.call('a'), c.call('b'), c.call('c')]), ['released', 'released', 'released']);
      assert.equal(server.connections, 3);
    } finally {
      await c.close();
      await server.close();
    }
  });

  test('keepAliveTimeoutMs closes an idle connection; the next call opens a new one', async () => {
    // node:http keeps an idle connection 5 s and undici 4 s by default: a close well within
    // 1.5 s comes from the option.
    const server = await startServer(rpc({ add: (a, b) => a + b }));
    const c = new Client(server.url(), { keepAliveTimeoutMs: 150 });
    try {
      assert.equal(await c.call('add', [1, 1]), 2);
      const idleSince = performance.now();
      await once(server.requests[0].socket, 'close');
      const idle = performance.now() - idleSince;
      assert.ok(idle < 1500, `the idle connection was closed after ${Math.round(idle)} ms`);
      assert.equal(await c.call('add', [1, 2]), 3);
      assert.equal(server.connections, 2);
    } finally {
      await c.close();
      await server.close();
    }
  });

  test('close() waits for a call in flight; a second close() resolves no earlier than the first', async () => {
    // The server answers only once both close() calls have been made.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    const server = await startServer(async (req, res) => {
      await held;
      answer(res, 'late');
    });
    const c = new Client(server.url());
    try {
      const order = [];
      const call = c.call('slow').then((v) => order.push(`call ${v}`));
      await once(server.server, 'request');
      const first = c.close().then(() => order.push('close 1'));
      const second = c.close().then(() => order.push('close 2'));
      release();
      await Promise.all([call, first, second]);
      assert.deepEqual(order, ['call late', 'close 1', 'close 2']);
      await assert.rejects(c.call('after'), { code: 'ERR_XMLRPC_NETWORK' });
    } finally {
      await server.close();
    }
  });

  test('the dispatcher option sends through the given undici dispatcher and close() leaves it open', async () => {
    const server = await startServer(rpc({ add: (a, b) => a + b }));
    const agent = new Agent();
    const c = new Client(server.url(), { dispatcher: agent });
    try {
      assert.equal(await c.call('add', [2, 2]), 4);
      await c.close();
      const res = await agent.request({ origin: `http://127.0.0.1:${server.port}`, path: '/RPC2', method: 'POST', body: '<methodCall><methodName>add</methodName><params><param><value><int>1</int></value></param><param><value><int>1</int></value></param></params></methodCall>' });
      assert.match(await res.body.text(), /<int>2<\/int>/);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  test('an undici MockAgent can stand in for the server', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('http://rpc.example').intercept({ path: '/RPC2', method: 'POST' })
      .reply(200, encodeResponse({ mocked: true }), { headers: { 'content-type': 'text/xml' } });
    const c = new Client('http://rpc.example/RPC2', { dispatcher: mock });
    try {
      assert.deepEqual(await c.call('anything'), { mocked: true });
    } finally {
      await c.close();
      await mock.close();
    }
  });
});

// A POST must not run twice (RFC 9110 §9.2.2): a call is sent again only when the server cannot
// have received all of it. Not among the concurrent pool tests: the large bodies take CPU that
// the keepAliveTimeout test measures.
describe('the stale-connection retry', () => {
  test('a keep-alive connection the server closed while idle is not used: the call goes on a new one', async () => {
    let firstClosed;
    const closed = new Promise((resolve) => { firstClosed = resolve; });
    const handled = [];
    const tcp = await startTcp((socket, n) => {
      if (n === 0) socket.on('close', firstClosed);
      onHttpRequests(socket, (i) => {
        handled.push([n, i]);
        // The first connection closes (FIN, then RST for anything sent later) right after its answer.
        socket.write(rawResponse(RESPONSE_7), () => {
          if (n === 0) socket.destroy();
        });
      });
    });
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      assert.equal(await c.call('first'), 7);
      await closed;
      assert.equal(await c.call('second'), 7);
      assert.deepEqual(handled, [[0, 0], [1, 0]]);
      assert.equal(tcp.connections, 2);
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  // A request the server had not completely received cannot have run: sending it again is safe.
  const LARGE = largerThanSocketBuffers();

  /** A server whose first connection answers once, then resets on the head of the next request. */
  async function resettingServer() {
    const handled = [];
    const tcp = await startTcp((socket, n) => {
      onHttpRequests(socket, (i) => {
        handled.push([n, i]);
        socket.write(rawResponse(RESPONSE_7));
      }, (i) => {
        if (n === 0 && i === 1) socket.destroy();
      });
    });
    return { tcp, handled };
  }

  test('a reused connection that fails before the request is completely written is retried once, on a new connection', async () => {
    const { tcp, handled } = await resettingServer();
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      assert.equal(await c.call('first'), 7);
      assert.equal(await c.call('second', [LARGE]), 7);
      assert.deepEqual(handled, [[0, 0], [1, 0]]);
      assert.equal(tcp.connections, 2);
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  test('no retry when the server read the whole request on a reused connection, then closed it', async () => {
    const handled = [];
    const tcp = await startTcp((socket, n) => {
      onHttpRequests(socket, (i) => {
        handled.push([n, i]);
        // The second request is read to its end, then the connection is closed unanswered:
        // the server may have run the call, so it must not be sent again.
        if (n === 0 && i === 1) socket.end();
        else socket.write(rawResponse(RESPONSE_7));
      });
    });
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      assert.equal(await c.call('first'), 7);
      await assert.rejects(c.call('second'), (e) => {
        assert.ok(e instanceof NetworkError);
        assert.equal(e.code, 'ERR_XMLRPC_NETWORK');
        assert.match(e.message, /closed the connection before answering/);
        assert.equal(e.cause.code, 'UND_ERR_SOCKET');
        return true;
      });
      assert.deepEqual(handled, [[0, 0], [0, 1]]);
      assert.equal(tcp.connections, 1);
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  test('no retry when the connection was new: the server really refused to answer', async () => {
    const tcp = await startTcp((socket) => onHttpRequests(socket, () => socket.end()));
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      await assert.rejects(c.call('x'), (e) => {
        assert.ok(e instanceof NetworkError);
        assert.match(e.message, /closed the connection before answering/);
        assert.equal(e.cause.code, 'UND_ERR_SOCKET');
        return true;
      });
      assert.equal(tcp.connections, 1);
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  test('no retry once part of an answer arrived on the reused connection', async () => {
    const tcp = await startTcp((socket, n) => {
      onHttpRequests(socket, (i) => {
        if (n === 0 && i === 1) socket.end('HTTP/1.1 200 OK\r\nContent-Ty');
        else socket.write(rawResponse(RESPONSE_7));
      });
    });
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      assert.equal(await c.call('first'), 7);
      await assert.rejects(c.call('second'), NetworkError);
      assert.equal(tcp.connections, 1);
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  test('retryStaleConnection: false turns the retry off', async () => {
    const { tcp, handled } = await resettingServer();
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`, { retryStaleConnection: false });
    try {
      assert.equal(await c.call('first'), 7);
      await assert.rejects(c.call('second', [LARGE]), NetworkError);
      assert.deepEqual(handled, [[0, 0]]);
      assert.equal(tcp.connections, 1);
    } finally {
      await c.close();
      await tcp.close();
    }
  });
});

// The undici timers behind connect/headers/body timeouts tick about twice a second, so these run concurrently.
describe('timeouts and cancellation', { concurrency: true }, () => {
  let silent; // reads requests and never answers
  let trickle; // sends headers and a little body, then stalls
  before(async () => {
    silent = await startServer(() => {});
    trickle = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': '1000' });
      res.write('<?xml version="1.0"?><methodResponse>');
    });
  });
  after(async () => {
    await silent.close();
    await trickle.close();
  });

  test('connectTimeout bounds the TCP and TLS handshake', async () => {
    // A TCP server that accepts and never speaks TLS: the handshake cannot finish.
    const tcp = await startTcp(() => {});
    const c = new Client(`https://127.0.0.1:${tcp.port}/RPC2`, { connectTimeoutMs: 150 });
    try {
      await assert.rejects(c.call('x'), (e) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.code, 'ERR_XMLRPC_TIMEOUT');
        assert.equal(e.phase, 'connect');
        assert.equal(e.timeoutMs, 150);
        assert.equal(e.cause.code, 'UND_ERR_CONNECT_TIMEOUT');
        return true;
      });
    } finally {
      await c.close();
      await tcp.close();
    }
  });

  test('headersTimeout bounds the wait for the response headers', async () => {
    const c = new Client(silent.url(), { headersTimeoutMs: 150 });
    try {
      await assert.rejects(c.call('x'), { name: 'TimeoutError', phase: 'headers', timeoutMs: 150 });
    } finally {
      await c.close();
    }
  });

  test('bodyTimeout bounds a pause in the response body', async () => {
    const c = new Client(trickle.url(), { bodyTimeoutMs: 150 });
    try {
      await assert.rejects(c.call('x'), { name: 'TimeoutError', phase: 'body', timeoutMs: 150 });
    } finally {
      await c.close();
    }
  });

  test('timeout bounds the whole call; a call option overrides the client option', async () => {
    const c = new Client(silent.url(), { timeoutMs: 150 });
    const d = new Client(trickle.url());
    try {
      await assert.rejects(c.call('x'), (e) => e instanceof TimeoutError && e.phase === 'call' && e.timeoutMs === 150);
      await assert.rejects(d.call('x', [], { timeoutMs: 120 }), { name: 'TimeoutError', phase: 'call', timeoutMs: 120 });
    } finally {
      await Promise.all([c.close(), d.close()]);
    }
  });

  test('an AbortSignal cancels a call in flight at once', async () => {
    const c = new Client(silent.url());
    try {
      const controller = new AbortController();
      const before = silent.requests.length;
      const pending = c.call('x', [], { signal: controller.signal });
      // Abort once the server has the request: the call is in flight.
      await new Promise((resolve) => {
        const check = () => (silent.requests.length > before ? resolve() : setImmediate(check));
        check();
      });
      controller.abort(new Error('user gave up'));
      await assert.rejects(pending, (e) => {
        assert.ok(e instanceof AbortError);
        assert.equal(e.code, 'ERR_XMLRPC_ABORTED');
        assert.equal(e.cause.message, 'user gave up');
        return true;
      });
    } finally {
      await c.close();
    }
  });

  test('an already aborted signal sends nothing', async () => {
    const c = new Client(silent.url());
    try {
      const before = silent.requests.length;
      await assert.rejects(c.call('x', [], { signal: AbortSignal.abort() }), AbortError);
      assert.equal(silent.requests.length, before);
    } finally {
      await c.close();
    }
  });

  test('a call queued behind another is cancelled at once, before it is sent', async () => {
    const hold = [];
    const server = await startServer((req, res) => {
      hold.push(res);
    });
    const c = new Client(server.url());
    try {
      const first = c.call('first');
      const controller = new AbortController();
      const second = c.call('second', [], { signal: controller.signal });
      controller.abort();
      await assert.rejects(second, AbortError);
      // The first call is still waiting; release it and check the second never reached the server.
      const [res] = await (async () => {
        for (let i = 0; i < 1000 && hold.length === 0; i++) await new Promise(setImmediate);
        return hold;
      })();
      answer(res, 'done');
      assert.equal(await first, 'done');
      assert.deepEqual(server.requests.map((r) => decodeCall(r.body).methodName), ['first']);
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe('compression', () => {
  const big = 'compressible '.repeat(2000);
  let server;
  before(async () => {
    server = await startServer((req, res, body) => {
      const xml = Buffer.from(encodeResponse(req.url === '/bomb' ? 'z'.repeat(1_000_000) : big));
      const send = (encoding, data) => {
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': encoding, 'content-length': data.length });
        res.end(data);
      };
      switch (req.url) {
        case '/gzip': case '/bomb': return send('gzip', zlib.gzipSync(xml));
        case '/deflate': return send('deflate', zlib.deflateSync(xml));
        case '/raw-deflate': return send('deflate', zlib.deflateRawSync(xml));
        case '/br': return send('br', zlib.brotliCompressSync(xml));
        case '/corrupt': return send('gzip', Buffer.from('not gzip at all'));
        case '/compress': return send('compress', xml);
        case '/echo-request': {
          const plain = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body;
          return answer(res, [req.headers['content-encoding'] ?? 'identity', decodeCall(plain).params[0]]);
        }
        default: return answer(res, big);
      }
    });
  });
  after(() => server.close());

  for (const path of ['/gzip', '/deflate', '/raw-deflate']) {
    test(`a ${path.slice(1)} response is inflated`, async () => {
      const c = new Client(server.url(path));
      try {
        assert.equal(await c.call('x'), big);
      } finally {
        await c.close();
      }
    });
  }

  test('br is not asked for, and a br response is an HttpError naming the coding', async () => {
    const c = new Client(server.url('/br'));
    try {
      await assert.rejects(c.call('x'), (e) => e.name === 'HttpError' && /unsupported Content-Encoding "br"/.test(e.message));
    } finally {
      await c.close();
    }
  });

  test('decompressResponses: false sends no Accept-Encoding', async () => {
    const c = new Client(server.url('/plain'), { decompressResponses: false });
    try {
      await c.call('x');
      assert.equal(server.requests.at(-1).headers['accept-encoding'], undefined);
    } finally {
      await c.close();
    }
  });

  test('inflating stops at maxResponseBytes (a gzip bomb is a limit DecodeError)', async () => {
    const c = new Client(server.url('/bomb'), { maxResponseBytes: 64 * 1024 });
    try {
      await assert.rejects(c.call('x'), (e) => e instanceof DecodeError && e.reason === 'limit' && /inflated/.test(e.message));
    } finally {
      await c.close();
    }
  });

  test('a body that does not inflate, or an unknown coding, is an HttpError', async () => {
    const corrupt = new Client(server.url('/corrupt'));
    const unknown = new Client(server.url('/compress'));
    try {
      await assert.rejects(corrupt.call('x'), (e) => e instanceof HttpError && /Could not inflate the gzip/.test(e.message));
      await assert.rejects(unknown.call('x'), (e) => e instanceof HttpError && /unsupported Content-Encoding "compress"/.test(e.message));
    } finally {
      await Promise.all([corrupt.close(), unknown.close()]);
    }
  });

  test('request bodies of at least gzipRequestThresholdBytes bytes are gzipped', async () => {
    const c = new Client(server.url('/echo-request'), { gzipRequestThresholdBytes: 2000 });
    try {
      assert.deepEqual(await c.call('x', [big]), ['gzip', big]);
      assert.ok(server.requests.at(-1).body.length < big.length / 10);
      assert.deepEqual(await c.call('x', ['short']), ['identity', 'short']);
    } finally {
      await c.close();
    }
  });

  test('by default requests are not compressed', async () => {
    const c = new Client(server.url('/echo-request'));
    try {
      assert.deepEqual(await c.call('x', [big]), ['identity', big]);
    } finally {
      await c.close();
    }
  });
});

describe('response size limits', () => {
  let server;
  before(async () => {
    server = await startServer((req, res) => {
      const xml = encodeResponse('y'.repeat(200_000));
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write(xml.slice(0, 100_000));
        res.end(xml.slice(100_000));
      } else if (req.url === '/deep') {
        answer(res, [[[[['deep']]]]]);
      } else {
        answer(res, 'y'.repeat(200_000));
      }
    });
  });
  after(() => server.close());

  test('a Content-Length beyond maxResponseBytes fails before the body is read', async () => {
    const c = new Client(server.url('/length'), { maxResponseBytes: 50_000 });
    try {
      await assert.rejects(c.call('x'), (e) =>
        e instanceof DecodeError && e.reason === 'limit' && /maxResponseBytes, 50000 bytes \(Content-Length \d+\)/.test(e.message));
    } finally {
      await c.close();
    }
  });
  test('a chunked body is cut off at maxResponseBytes', async () => {
    const c = new Client(server.url('/chunked'), { maxResponseBytes: 50_000 });
    try {
      await assert.rejects(c.call('x'), { name: 'DecodeError', reason: 'limit' });
      // The client stays usable.
      const ok = new Client(server.url('/chunked'));
      assert.equal((await ok.call('x')).length, 200_000);
      await ok.close();
    } finally {
      await c.close();
    }
  });
  test("the decoder's limits apply (decode.maxDepth)", async () => {
    const c = new Client(server.url('/deep'), { decode: { maxDepth: 3 } });
    try {
      await assert.rejects(c.call('x'), { name: 'DecodeError', reason: 'limit' });
    } finally {
      await c.close();
    }
  });
});

describe('charsets', () => {
  const latin1Doc = (declaration) => Buffer.from(
    `${declaration}<methodResponse><params><param><value><string>caf\u00e9 \u00ff</string></value></param></params></methodResponse>`,
    'latin1',
  );
  let server;
  before(async () => {
    server = await startServer((req, res) => {
      const send = (type, body) => {
        res.writeHead(200, { 'content-type': type, 'content-length': body.length });
        res.end(body);
      };
      if (req.url === '/declared') send('text/xml', latin1Doc('<?xml version="1.0" encoding="ISO-8859-1"?>'));
      else if (req.url === '/header') send('text/xml; charset=ISO-8859-1', latin1Doc(''));
      else if (req.url === '/header-wrong') send('text/xml; charset=utf-8', latin1Doc('<?xml version="1.0" encoding="ISO-8859-1"?>'));
      else if (req.url === '/header-with-declaration') send('text/xml; charset=ISO-8859-1', latin1Doc('<?xml version="1.0"?>'));
      else if (req.url === '/cp1252') send('text/xml; charset=windows-1252', Buffer.from([...Buffer.from('<methodResponse><params><param><value><string>'), 0x80, ...Buffer.from('</string></value></param></params></methodResponse>')]));
      // ISO-8859-15 has the euro sign at 0xA4.
      else send('text/xml; charset="iso-8859-15"', Buffer.from([...Buffer.from('<methodResponse><params><param><value><string>'), 0xa4, ...Buffer.from('</string></value></param></params></methodResponse>')]));
    });
  });
  after(() => server.close());

  for (const [path, what] of [
    ['/declared', 'an ISO-8859-1 document with its declaration'],
    ['/header', 'a document without a declaration, charset=ISO-8859-1 in Content-Type'],
    ['/header-wrong', 'a document whose declaration contradicts a utf-8 header (the declaration wins)'],
    ['/header-with-declaration', 'a declaration without encoding, charset=ISO-8859-1 in Content-Type'],
  ]) {
    test(`${what} decodes right`, async () => {
      const c = new Client(server.url(path));
      try {
        assert.equal(await c.call('x'), 'café ÿ');
      } finally {
        await c.close();
      }
    });
  }
  for (const [path, charset] of [['/latin9', 'ISO-8859-15'], ['/cp1252', 'windows-1252']]) {
    test(`another charset named in Content-Type (${charset}) is honoured`, async () => {
      const c = new Client(server.url(path));
      try {
        assert.equal(await c.call('x'), '€');
      } finally {
        await c.close();
      }
    });
  }
});

describe('cookies', () => {
  let server;
  before(async () => {
    server = await startServer((req, res, body) => {
      const { methodName } = decodeCall(body);
      const cookies = {
        login: ['session=abc; Path=/; HttpOnly', 'theme=dark', 'other=x; Path=/elsewhere', 'secure=s; Secure'],
        logout: ['session=; Max-Age=0', 'theme=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
        scoped: ['sid=odoo; Path=/xmlrpc/2/object', 'narrow=no; Path=/xmlrpc/2/object/more'],
      }[methodName] ?? [];
      answer(res, req.headers.cookie ?? '', cookies.length === 0 ? {} : { 'set-cookie': cookies });
    });
  });
  after(() => server.close());

  test('cookies: true sends back what the server set, by path, without Secure cookies over http', async () => {
    const c = new Client(server.url(), { cookies: true });
    try {
      assert.equal(await c.call('login'), '');
      assert.equal(await c.call('whoami'), 'session=abc; theme=dark');
      assert.equal(await c.call('logout'), 'session=abc; theme=dark');
      assert.equal(await c.call('whoami'), '');
    } finally {
      await c.close();
    }
  });
  test('cookie paths match the URL path without its query string', async () => {
    const c = new Client(server.url('/xmlrpc/2/object?db=x'), { cookies: true });
    try {
      assert.equal(await c.call('scoped'), '');
      assert.equal(await c.call('whoami'), 'sid=odoo');
    } finally {
      await c.close();
    }
  });
  test('call headers can still add a Cookie by hand; without the option nothing is kept', async () => {
    const c = new Client(server.url());
    try {
      await c.call('login');
      assert.equal(await c.call('whoami'), '');
      assert.equal(await c.call('whoami', [], { headers: { cookie: 'manual=1' } }), 'manual=1');
    } finally {
      await c.close();
    }
  });
});

describe('authorization headers', () => {
  let server;
  before(async () => {
    server = await startServer((req, res) => answer(res, req.headers.authorization ?? ''));
  });
  after(() => server.close());

  test('user:pass in the URL becomes Basic auth, percent-decoded, and is left out of messages', async () => {
    const c = new Client(`http://j%C3%BCrgen:p%40ss%3A1@127.0.0.1:${server.port}/RPC2`);
    try {
      assert.equal(await c.call('x'), 'Basic ' + Buffer.from('jürgen:p@ss:1').toString('base64'));
      assert.equal(c.url, `http://127.0.0.1:${server.port}/RPC2`);
    } finally {
      await c.close();
    }
  });
  test('the auth option wins over the URL; a bearer token goes in headers', async () => {
    const c = new Client(`http://a:b@127.0.0.1:${server.port}/RPC2`, { auth: { username: 'u', password: 'p' } });
    const d = new Client(server.url(), { headers: { authorization: 'Bearer t0k3n' } });
    try {
      assert.equal(await c.call('x'), 'Basic ' + Buffer.from('u:p').toString('base64'));
      assert.equal(await d.call('x'), 'Bearer t0k3n');
    } finally {
      await Promise.all([c.close(), d.close()]);
    }
  });
});

describe('network errors', () => {
  test('a refused connection is a NetworkError with the cause, naming the URL without credentials', async () => {
    const tcp = await startTcp(() => {});
    const port = tcp.port;
    await tcp.close();
    const c = new Client(`http://user:secret@127.0.0.1:${port}/RPC2`);
    try {
      await assert.rejects(c.call('x'), (e) => {
        assert.ok(e instanceof NetworkError);
        assert.equal(e.cause.code, 'ECONNREFUSED');
        assert.match(e.message, new RegExp(`POST http://127\\.0\\.0\\.1:${port}/RPC2 failed`));
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
    } finally {
      await c.close();
    }
  });
  test('a connection reset mid-body is a NetworkError', async () => {
    const tcp = await startTcp((socket) => onHttpRequests(socket, () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<?xml');
      socket.resetAndDestroy();
    }));
    const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
    try {
      await assert.rejects(c.call('x'), NetworkError);
    } finally {
      await c.close();
      await tcp.close();
    }
  });
});
