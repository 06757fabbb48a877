// The client against small evil servers written in the test: each misbehaviour ends in a typed
// error within its limit (size, time), never a hang, a crash or an unbounded buffer.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client, DecodeError, Fault, HttpError, NetworkError, TimeoutError, encodeResponse,
} from 'xmlrpc-ts';
import { within, evilHttpServer, evilTcpServer, gzipBomb } from './support.js';

const closers = [];
after(() => Promise.all(closers.map((close) => close())));

async function evil(handler) {
  const s = await evilHttpServer(handler);
  closers.push(s.close);
  return s;
}

async function evilTcp(onSocket) {
  const s = await evilTcpServer(onSocket);
  closers.push(s.close);
  return s;
}

function client(port, options = {}) {
  const c = new Client(`http://127.0.0.1:${port}/RPC2`, options);
  closers.push(() => c.close());
  return c;
}

/** Runs the call and returns what it rejected with (failing if it resolved), within `ms`. */
async function rejection(promise, ms = 5000, what = 'call') {
  const outcome = await within(ms, promise.then((v) => ({ value: v }), (e) => ({ error: e })), what);
  assert.ok('error' in outcome, `the call resolved with ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  return outcome.error;
}

/** Writes `chunk` as fast as the socket drains until it closes or `budget` bytes were written. */
function flood(socket, chunk, budget) {
  let written = 0;
  const pump = () => {
    while (!socket.destroyed && written < budget) {
      written += chunk.length;
      if (!socket.write(chunk)) return;
    }
    if (written >= budget) socket.end();
  };
  socket.on('drain', pump);
  pump();
  return () => written;
}

describe('responses too large are cut off at maxResponseBytes', () => {
  test('a 2 GB Content-Length: refused from the header, before the body is read', async () => {
    let written = () => 0;
    const { port } = await evilTcp((socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${2 * 2 ** 30}\r\n\r\n`);
        written = flood(socket, Buffer.alloc(64 * 1024, 0x20), 256 * 2 ** 20);
      });
    });
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof DecodeError, `${error}`);
    assert.equal(error.reason, 'limit');
    assert.match(error.message, /maxResponseBytes/);
    assert.ok(written() < 32 * 2 ** 20, `the server got ${written()} bytes out before the client stopped`);
  });

  test('an endless chunked body: cut off once past maxResponseBytes (default 64 MiB)', async () => {
    let count;
    const { port } = await evilTcp((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n');
        count = flood(socket, Buffer.from(`10000\r\n${' '.repeat(0x10000)}\r\n`), 512 * 2 ** 20);
      });
    });
    const error = await rejection(client(port).call('x'), 20_000);
    assert.ok(error instanceof DecodeError && error.reason === 'limit', `${error}`);
    // The writer may be ahead of the reader by the socket buffers, not by hundreds of MiB.
    assert.ok(count() < 96 * 2 ** 20, `the server got ${count()} bytes out before the client stopped`);
  });

  test('a gzip bomb (1 MiB inflating to 1 GiB): refused at maxResponseBytes once inflated', async () => {
    const bomb = gzipBomb(2 ** 30);
    const { port } = await evil((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
      res.end(bomb);
    });
    const rss0 = process.memoryUsage().rss;
    const error = await rejection(client(port, { maxResponseBytes: 8 * 2 ** 20 }).call('x'));
    assert.ok(error instanceof DecodeError && error.reason === 'limit', `${error}`);
    assert.match(error.message, /inflated/);
    assert.ok(process.memoryUsage().rss - rss0 < 200 * 2 ** 20);
  });
});

describe('responses that never end time out', () => {
  test('no response headers at all: TimeoutError (headers)', async () => {
    const { port } = await evilTcp((socket) => socket.resume());
    const error = await rejection(client(port, { headersTimeoutMs: 300 }).call('x'));
    assert.ok(error instanceof TimeoutError, `${error}`);
    assert.equal(error.phase, 'headers');
  });

  test('a body that trickles one byte at a time forever: TimeoutError (call) at the call timeout', async () => {
    const { port } = await evilTcp((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<');
        const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(' ')), 20);
        socket.on('close', () => clearInterval(timer));
      });
    });
    const t0 = performance.now();
    const error = await rejection(client(port, { timeoutMs: 400 }).call('x'));
    assert.ok(error instanceof TimeoutError, `${error}`);
    assert.equal(error.phase, 'call');
    assert.ok(performance.now() - t0 < 2000);
  });

  test('a body that stops halfway and keeps the connection open: TimeoutError (body)', async () => {
    const { port } = await evilTcp((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<methodResponse>'));
    });
    const error = await rejection(client(port, { bodyTimeoutMs: 300 }).call('x'));
    assert.ok(error instanceof TimeoutError, `${error}`);
    assert.equal(error.phase, 'body');
  });
});

describe('responses that are not XML-RPC are HTTP errors, never followed or retried', () => {
  test('an HTML 502 page from a proxy: HttpError 502 with the page title', async () => {
    const { port } = await evil((req, res) => {
      req.resume();
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
    });
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof HttpError, `${error}`);
    assert.equal(error.status, 502);
    assert.match(error.message, /502 Bad Gateway/);
  });

  test('an HTML page with status 200 (a login portal): HttpError, not a DecodeError about a DOCTYPE', async () => {
    const { port } = await evil((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Please log in</title></head><body>login</body></html>');
    });
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof HttpError, `${error}`);
    assert.match(error.message, /text\/html/);
  });

  test('a redirect loop: HttpError 302 on the first answer; the redirect is not followed', async () => {
    let requests = 0;
    const { port } = await evil((req, res) => {
      requests++;
      req.resume();
      res.writeHead(302, { Location: '/RPC2' });
      res.end();
    });
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof HttpError, `${error}`);
    assert.equal(error.status, 302);
    assert.match(error.message, /redirect/);
    assert.equal(requests, 1);
  });

  test('a response that closes mid-body: NetworkError, and the call is not sent again', async () => {
    const { port, accepted } = await evilTcp((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<methodResponse><params>');
        socket.destroy();
      });
    });
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof NetworkError, `${error}`);
    assert.equal(accepted(), 1);
  });

  test('a connection closed before any answer, on a fresh connection: NetworkError, not retried', async () => {
    const { port, accepted } = await evilTcp((socket) => socket.once('data', () => socket.destroy()));
    const error = await rejection(client(port).call('x'));
    assert.ok(error instanceof NetworkError, `${error}`);
    assert.equal(accepted(), 1);
  });
});

describe('hostile XML in responses is refused by the decoder', () => {
  async function answer(body, options) {
    const { port } = await evil((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(body);
    });
    return client(port, options).call('x');
  }

  test('XXE in a response: DecodeError (dtd)', async () => {
    const error = await rejection(answer('<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><methodResponse><params><param><value>&x;</value></param></params></methodResponse>'));
    assert.ok(error instanceof DecodeError && error.reason === 'dtd', `${error}`);
  });

  test('100,000 nested arrays: DecodeError (limit)', async () => {
    const d = 100_000;
    const error = await rejection(answer(`<methodResponse><params><param><value>${'<array><data><value>'.repeat(d)}${'</value></data></array>'.repeat(d)}</value></param></params></methodResponse>`));
    assert.ok(error instanceof DecodeError && error.reason === 'limit', `${error}`);
  });

  test("Apache's faultCause (a serialized Java exception) is ignored: a plain Fault", async () => {
    const error = await rejection(answer('<methodResponse><fault><value><struct>' +
      '<member><name>faultCode</name><value><int>4</int></value></member>' +
      '<member><name>faultString</name><value>boom</value></member>' +
      '<member><name>faultCause</name><value><base64>rO0ABXNyABNqYXZhLmxhbmcuRXhjZXB0aW9u</base64></value></member>' +
      '</struct></value></fault></methodResponse>'));
    assert.ok(error instanceof Fault, `${error}`);
    assert.equal(error.faultCode, 4);
    assert.equal(error.faultString, 'boom');
    assert.equal(Object.hasOwn(error, 'faultCause'), false);
  });

  test('a __proto__ member in a response is data', async () => {
    const value = await answer('<methodResponse><params><param><value><struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value>1</value></member></struct></value></member></struct></value></param></params></methodResponse>');
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.ok(Object.hasOwn(value, '__proto__'));
    assert.equal(({}).polluted, undefined);
  });

  test('a decode limit lowered by the caller applies', async () => {
    const error = await rejection(answer(encodeResponse(['a', 'b', 'c', 'd']), { decode: { maxValues: 3 } }));
    assert.ok(error instanceof DecodeError && error.reason === 'limit', `${error}`);
  });
});
