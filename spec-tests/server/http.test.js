// The node:http layer: method, paths, framing, content coding, limits, auth, keep-alive, close.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { createServer, XmlRpcDispatcher, basicAuth, currentCall, encodeCall, decodeMessage, HttpError, OptionError, SERVER_DEFAULTS } from 'xmlrpc-ts';
import { request, call, rawExchange, deferred, listen } from './support.js';

const servers = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A listening server with a few methods; returns { server, port }. */
async function start(options = {}, setup = () => {}) {
  const server = createServer(options);
  server.addMethod('echo', (x) => x);
  server.addMethod('calc.add', (a, b) => a + b);
  setup(server);
  servers.push(server);
  return { server, port: await listen(server) };
}

const ADD = encodeCall('calc.add', [2, 3]);

describe('responses are text/xml with a Content-Length, never chunked; faults are HTTP 200', () => {
  test('a response', async () => {
    const { port } = await start();
    const res = await call(port, ADD);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(Number(res.headers['content-length']), res.body.length);
    assert.equal(res.headers['transfer-encoding'], undefined);
    assert.deepEqual(res.message, { kind: 'response', value: 5 });
  });

  test('a fault and a parse error are 200 with a fault body', async () => {
    const { port } = await start();
    const fault = await call(port, encodeCall('nope'));
    assert.equal(fault.status, 200);
    assert.equal(fault.message.fault.faultCode, -32601);
    const bad = await call(port, '<methodCall>');
    assert.equal(bad.status, 200);
    assert.equal(bad.message.fault.faultCode, -32700);
  });

  test('multi-byte UTF-8 results have the right Content-Length', async () => {
    const { port } = await start();
    const res = await call(port, encodeCall('echo', ['é😀中']));
    assert.equal(Number(res.headers['content-length']), res.body.length);
    assert.equal(res.message.value, 'é😀中');
  });
});

const OTHER_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

describe('only POST is served', () => {
  test('other methods get 405 with Allow: POST and no handler runs', async () => {
    let ran = 0;
    const { port } = await start({}, (s) => s.addMethod('count', () => ++ran));
    for (const method of OTHER_METHODS) {
      const res = await request(port, { method, body: method === 'PUT' || method === 'PATCH' ? encodeCall('count') : undefined });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'POST');
    }
    assert.equal(ran, 0);
  });

  test('with docsPage, Allow is GET, HEAD, POST: a browser GET (or HEAD) gets the page, a program GET and other methods 405', async () => {
    const { port } = await start({ docsPage: true });
    const page = await request(port, { method: 'GET', headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    const head = await request(port, { method: 'HEAD', headers: { Accept: 'text/html' } });
    assert.equal(head.status, 200);
    for (const method of OTHER_METHODS) {
      const res = await request(port, { method, headers: { Accept: '*/*' } });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD, POST', method);
    }
  });
});

describe('paths', () => {
  test('/ and /RPC2 by default, the query string ignored; other paths are 404', async () => {
    const { port } = await start();
    for (const path of ['/', '/RPC2', '/RPC2?x=1']) {
      assert.deepEqual((await call(port, ADD, { path })).message.value, 5, path);
    }
    for (const path of ['/rpc2', '/RPC2/', '/other']) {
      const res = await call(port, ADD, { path });
      assert.equal(res.status, 404, path);
      assert.match(res.text, /no XML-RPC endpoint/);
    }
  });

  test('an unknown path is 404 for every method, before the method is checked', async () => {
    for (const docsPage of [false, true]) {
      const { port } = await start({ docsPage });
      for (const method of ['POST', ...OTHER_METHODS]) {
        for (const accept of ['*/*', 'text/html']) {
          const res = await request(port, { method, path: '/nowhere', headers: { Accept: accept } });
          assert.equal(res.status, 404, `${method} Accept: ${accept}, docsPage: ${docsPage}`);
          assert.equal(res.headers.allow, undefined);
          if (method !== 'HEAD') assert.match(res.text, /no XML-RPC endpoint at \/nowhere/);
        }
      }
    }
  });

  test('the paths option, and paths: "any"', async () => {
    const { port } = await start({ paths: ['/api/xmlrpc'] });
    assert.equal((await call(port, ADD, { path: '/api/xmlrpc' })).message.value, 5);
    assert.equal((await call(port, ADD, { path: '/' })).status, 404);
    const any = await start({ paths: 'any' });
    assert.equal((await call(any.port, ADD, { path: '/whatever/here' })).message.value, 5);
    assert.throws(() => createServer({ paths: ['no-slash'] }), TypeError);
  });

  test('several dispatchers on several paths of one server', async () => {
    const { server, port } = await start();
    const admin = server.mount('/admin');
    admin.addMethod('shutdown', () => 'ok');
    const shared = new XmlRpcDispatcher({ system: false });
    shared.addMethod('v2.ping', () => 'pong');
    assert.equal(server.mount('/v2', shared), shared);

    assert.equal((await call(port, encodeCall('shutdown'), { path: '/admin' })).message.value, 'ok');
    assert.equal((await call(port, encodeCall('shutdown'), { path: '/' })).message.fault.faultCode, -32601);
    assert.equal((await call(port, encodeCall('calc.add', [1, 1]), { path: '/admin' })).message.fault.faultCode, -32601);
    const listed = (await call(port, encodeCall('system.listMethods'), { path: '/admin' })).message.value;
    assert.ok(listed.includes('shutdown') && !listed.includes('echo'));
    assert.equal((await call(port, encodeCall('v2.ping'), { path: '/v2' })).message.value, 'pong');
    assert.equal(server.dispatcherFor('/v2'), shared);
    assert.equal(server.unmount('/v2'), true);
    assert.equal((await call(port, encodeCall('v2.ping'), { path: '/v2' })).status, 404);
  });
});

describe('mounting the handler in a node:http server', () => {
  test('http.createServer(server.handler) serves calls', async () => {
    const server = createServer();
    server.addMethod('calc.add', (a, b) => a + b);
    const httpServer = http.createServer(server.handler);
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    try {
      const res = await call(httpServer.address().port, ADD);
      assert.equal(res.message.value, 5);
      assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    } finally {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });

  test('a body already read by a framework body parser is used', async () => {
    const server = createServer();
    server.addMethod('calc.add', (a, b) => a + b);
    // What express.text({ type: 'text/xml' }) does: read the stream, set req.body.
    const httpServer = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        req.body = Buffer.concat(chunks).toString('utf8');
        server.handler(req, res);
      });
    });
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    try {
      assert.equal((await call(httpServer.address().port, ADD)).message.value, 5);
    } finally {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });
});

describe('request body size limits', () => {
  test('a declared length over maxBodyBytes gets 413 before the body is sent', async () => {
    const { port } = await start({ maxBodyBytes: 1000 });
    const res = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { 'Content-Length': 5_000_000 } });
      req.on('response', (r) => {
        resolve({ status: r.statusCode, headers: r.headers });
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders(); // no body is ever written
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.connection, 'close');
  });

  test('a chunked body growing over maxBodyBytes gets 413', async () => {
    const { port } = await start({ maxBodyBytes: 1000 });
    const res = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false });
      req.on('response', (r) => {
        resolve(r.statusCode);
        req.destroy();
      });
      req.on('error', reject);
      req.write('x'.repeat(600));
      req.write('x'.repeat(600));
    });
    assert.equal(res, 413);
  });

  test('a chunked body within the limit is accepted', async () => {
    const { port } = await start();
    const res = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve(decodeMessage(Buffer.concat(chunks))));
      });
      req.on('error', reject);
      req.write(ADD.slice(0, 30));
      req.end(ADD.slice(30));
    });
    assert.equal(res.value, 5);
  });

  test('a transfer coding other than chunked gets 501 and the connection closed', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 501 /);
  });

  test('HTTP/1.0 without Content-Length gets 411', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, 'POST / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 411 /);
  });

  test('Expect: 100-continue is answered only when the size is acceptable', async () => {
    const { port } = await start({ maxBodyBytes: 1000 });
    const ask = (length, body) =>
      new Promise((resolve, reject) => {
        let continued = false;
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { Expect: '100-continue', 'Content-Length': length } });
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('response', (r) => {
          const chunks = [];
          r.on('data', (c) => chunks.push(c));
          r.on('end', () => {
            resolve({ status: r.statusCode, continued, body: Buffer.concat(chunks) });
            req.destroy();
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    const big = await ask(5000);
    assert.deepEqual([big.status, big.continued], [413, false]);
    const ok = await ask(Buffer.byteLength(ADD), ADD);
    assert.deepEqual([ok.status, ok.continued], [200, true]);
    assert.equal(decodeMessage(ok.body).value, 5);
  });
});

describe('request content coding', () => {
  test('gzip, x-gzip, deflate (zlib and raw) bodies are decoded', async () => {
    const { port } = await start();
    const bodies = {
      gzip: zlib.gzipSync(ADD),
      'x-gzip': zlib.gzipSync(ADD),
      deflate: zlib.deflateSync(ADD),
    };
    for (const [coding, body] of Object.entries(bodies)) {
      const res = await call(port, body, { headers: { 'Content-Encoding': coding } });
      assert.equal(res.message.value, 5, coding);
    }
    const raw = await call(port, zlib.deflateRawSync(ADD), { headers: { 'Content-Encoding': 'deflate' } });
    assert.equal(raw.message.value, 5);
  });

  test('a body inflating past maxInflatedBytes gets 413 (gzip bomb)', async () => {
    const { port } = await start({ maxInflatedBytes: 100_000 });
    const bomb = zlib.gzipSync(Buffer.alloc(50_000_000, 0x20));
    assert.ok(bomb.length < 100_000);
    const res = await call(port, bomb, { headers: { 'Content-Encoding': 'gzip' } });
    assert.equal(res.status, 413);
    assert.match(res.text, /decompressed/);
  });

  test('corrupt gzip gets 400; an unknown coding gets 415', async () => {
    const { port } = await start();
    const corrupt = await call(port, Buffer.from('not gzip at all'), { headers: { 'Content-Encoding': 'gzip' } });
    assert.equal(corrupt.status, 400);
    const br = await call(port, ADD, { headers: { 'Content-Encoding': 'br' } });
    assert.equal(br.status, 415);
  });
});

describe('response compression', () => {
  const big = 'x'.repeat(5000);

  test('gzip when the client accepts it and the body is over the threshold', async () => {
    const { port } = await start();
    const res = await request(port, { body: encodeCall('echo', [big]), headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(Number(res.headers['content-length']), res.body.length);
    assert.equal(res.headers.vary, 'Accept-Encoding');
    assert.equal(decodeMessage(zlib.gunzipSync(res.body)).value, big);
  });

  test('no gzip under the threshold, without Accept-Encoding, or with gzip;q=0', async () => {
    const { port } = await start();
    const cases = [
      [encodeCall('echo', ['small']), 'gzip'],
      [encodeCall('echo', [big]), undefined],
      [encodeCall('echo', [big]), 'gzip;q=0, deflate'],
      [encodeCall('echo', [big]), 'br'],
    ];
    for (const [body, accept] of cases) {
      const res = await request(port, { body, headers: accept === undefined ? {} : { 'Accept-Encoding': accept } });
      assert.equal(res.headers['content-encoding'], undefined, String(accept));
      assert.equal(decodeMessage(res.body).kind, 'response');
    }
  });

  test('gzipThresholdBytes: Infinity never compresses', async () => {
    const { port } = await start({ gzipThresholdBytes: Infinity });
    const res = await request(port, { body: encodeCall('echo', [big]), headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], undefined);
  });
});

describe('connections', () => {
  test('keep-alive: sequential calls reuse one connection', async () => {
    const { port } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await call(port, ADD, { agent });
      const second = await call(port, ADD, { agent });
      assert.equal(first.socket, second.socket);
      assert.equal(second.message.value, 5);
    } finally {
      agent.destroy();
    }
  });

  test('keepAliveTimeoutMs: the server closes an idle keep-alive connection after it, not after node\'s 5 s default', async () => {
    const keepAliveTimeoutMs = 100;
    const { port } = await start({ keepAliveTimeoutMs });
    const socket = net.connect(port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      let received = Buffer.alloc(0);
      let answeredAt;
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        const headEnd = received.indexOf('\r\n\r\n');
        const length = /content-length: (\d+)/i.exec(received.subarray(0, headEnd).toString('latin1'));
        if (answeredAt === undefined && headEnd !== -1 && length !== null && received.length >= headEnd + 4 + Number(length[1])) {
          answeredAt = performance.now();
        }
      });
      const ended = once(socket, 'end'); // the server's FIN: this side never ends the connection
      socket.write(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(ADD)}\r\n\r\n${ADD}`);
      await ended;
      assert.ok(answeredAt !== undefined, `no whole response before the close: ${JSON.stringify(received.toString('latin1'))}`);
      const idleMs = performance.now() - answeredAt;
      const head = received.toString('latin1').split('\r\n\r\n')[0];
      assert.match(head, /^HTTP\/1\.1 200 /);
      assert.doesNotMatch(head, /connection: close/i, 'the answer kept the connection alive');
      // node:http waits keepAliveTimeout + 1 s (its margin against races); the default would be 6 s.
      assert.ok(idleMs >= keepAliveTimeoutMs * 0.8, `closed after ${idleMs} ms, before the timeout`);
      assert.ok(idleMs < 2000, `closed after ${idleMs} ms`);
    } finally {
      socket.destroy();
    }
  });

  test('an HTTP/1.0 client gets a Content-Length body and the connection closed', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, `POST /RPC2 HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(ADD)}\r\n\r\n${ADD}`);
    const [head, body] = reply.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(head, /chunked/i);
    assert.equal(Number(/content-length: (\d+)/i.exec(head)[1]), Buffer.byteLength(body, 'latin1'));
    assert.equal(decodeMessage(body).value, 5);
  });

  test('maxConnections: a connection beyond the limit is closed at once; the others are served', async () => {
    const { server, port } = await start({ maxConnections: 2 });
    const seen = [];
    server.httpServer.on('connection', (socket) => seen.push(socket));
    const open = async () => {
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      return socket;
    };
    const first = await open();
    const second = await open();
    try {
      const third = await open();
      // The server closes it without a byte; it never reaches the HTTP layer.
      const data = [];
      third.on('data', (c) => data.push(c));
      await once(third, 'close');
      assert.equal(Buffer.concat(data).length, 0);
      assert.equal(seen.length, 2);
      first.destroy();
      await once(first, 'close');
      // A slot is free again once the server has seen the first one go.
      const connections = () => new Promise((resolve, reject) => server.httpServer.getConnections((e, n) => (e ? reject(e) : resolve(n))));
      for (let turn = 0; turn < 50 && (await connections()) >= 2; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await call(port, ADD)).message.value, 5);
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  test('a malformed request line gets 400 and the server keeps serving', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.equal((await call(port, ADD)).message.value, 5);
  });
});

describe('authentication', () => {
  test('basicAuth: no or wrong credentials get 401 with WWW-Authenticate and no handler runs', async () => {
    let ran = 0;
    const { port } = await start({ authenticate: basicAuth({ alice: 's3cret' }, { realm: 'calc' }) }, (s) => s.addMethod('count', () => ++ran));
    const auth = (user, pass) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') });
    for (const headers of [{}, auth('alice', 'wrong'), auth('bob', 's3cret'), { Authorization: 'Bearer x' }]) {
      const res = await call(port, encodeCall('count'), { headers });
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="calc", charset="UTF-8"');
    }
    assert.equal(ran, 0);
  });

  test('basicAuth: the right credentials reach the handler, with the user in the context', async () => {
    const { port } = await start({ authenticate: basicAuth({ alice: 'pä:ss' }) }, (s) => s.addMethod('whoami', () => currentCall().user));
    const headers = { Authorization: 'Basic ' + Buffer.from('alice:pä:ss').toString('base64') };
    assert.equal((await call(port, encodeCall('whoami'), { headers })).message.value, 'alice');
  });

  test('basicAuth with an async check function', async () => {
    const check = async (user, password) => user === password;
    const { port } = await start({ authenticate: basicAuth(check) }, (s) => s.addMethod('whoami', () => currentCall().user));
    const headers = (u, p) => ({ Authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });
    assert.equal((await call(port, encodeCall('whoami'), { headers: headers('zed', 'zed') })).message.value, 'zed');
    assert.equal((await call(port, encodeCall('whoami'), { headers: headers('zed', 'x') })).status, 401);
  });

  test('a custom hook: its return value is the user; a throwing hook is 500', async () => {
    const authenticate = (req) => {
      if (req.headers['x-boom']) throw new Error('auth backend down');
      return req.headers['x-token'] === 't0k' ? { id: 7 } : null;
    };
    const { port } = await start({ authenticate }, (s) => s.addMethod('whoami', () => currentCall().user));
    assert.deepEqual((await call(port, encodeCall('whoami'), { headers: { 'X-Token': 't0k' } })).message.value, { id: 7 });
    const refused = await call(port, encodeCall('whoami'));
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], 'Basic realm="XML-RPC", charset="UTF-8"');
    const boom = await request(port, { body: encodeCall('whoami'), headers: { 'X-Boom': '1' } });
    assert.equal(boom.status, 500);
    assert.doesNotMatch(boom.text, /backend/);
  });
});

describe('concurrency limits', () => {
  test('over maxConcurrentCalls + maxQueuedCalls a request gets 503 with Retry-After', async () => {
    const started = deferred();
    const release = deferred();
    const { port } = await start({ maxConcurrentCalls: 1, maxQueuedCalls: 0 }, (s) =>
      s.addMethod('block', async () => {
        started.resolve();
        await release.promise;
        return 'done';
      }),
    );
    const first = call(port, encodeCall('block'));
    await started.promise;
    const second = await call(port, ADD);
    assert.equal(second.status, 503);
    assert.equal(second.headers['retry-after'], '1');
    release.resolve();
    assert.equal((await first).message.value, 'done');
    assert.equal((await call(port, ADD)).message.value, 5);
  });

  test('queued calls run when a slot frees up', async () => {
    const started = deferred();
    const release = deferred();
    const order = [];
    const { port } = await start({ maxConcurrentCalls: 1, maxQueuedCalls: 5 }, (s) => {
      s.addMethod('block', async () => {
        order.push('block');
        started.resolve();
        await release.promise;
        return 'done';
      });
      s.addMethod('after', () => {
        order.push('after');
        return 'ok';
      });
    });
    const first = call(port, encodeCall('block'));
    await started.promise;
    const second = call(port, encodeCall('after'));
    // The queued call cannot start before the first one is released.
    const raced = await Promise.race([second.then(() => 'second finished'), new Promise((resolve) => setImmediate(() => setImmediate(() => resolve('waiting'))))]);
    assert.equal(raced, 'waiting');
    release.resolve();
    assert.equal((await first).message.value, 'done');
    assert.equal((await second).message.value, 'ok');
    assert.deepEqual(order, ['block', 'after']);
  });
});

describe('time limits', () => {
  test('a body not received within bodyTimeoutMs gets 408', async () => {
    const { port } = await start({ bodyTimeoutMs: 50 });
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { 'Content-Length': 100 } });
      req.on('response', (r) => {
        resolve(r.statusCode);
        req.destroy();
      });
      req.on('error', reject);
      req.write('<methodCall>'); // and nothing more
    });
    assert.equal(status, 408);
  });

  test('headers not received within headersTimeoutMs get 408 and the connection closed (slowloris)', async () => {
    const { port } = await start({ headersTimeoutMs: 100 });
    const reply = await rawExchange(port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '); // never finished
    assert.match(reply, /^HTTP\/1\.1 408 /);
  });

  test('oversized headers get 431', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(reply, /^HTTP\/1\.1 431 /);
  });

  test('a call over callTimeoutMs gets a -32000 fault with HTTP 200', async () => {
    const { port } = await start({ callTimeoutMs: 30 }, (s) => s.addMethod('hang', () => new Promise(() => {})));
    const res = await call(port, encodeCall('hang'));
    assert.equal(res.status, 200);
    assert.equal(res.message.fault.faultCode, -32000);
  });

  test('the signal fires when the client goes away', async () => {
    const started = deferred();
    const aborted = deferred();
    const { port } = await start({}, (s) =>
      s.addMethod('wait', () => {
        const { signal } = currentCall();
        signal.addEventListener('abort', () => aborted.resolve(signal.reason));
        started.resolve();
        return new Promise(() => {});
      }),
    );
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false });
    req.on('error', () => {});
    req.end(encodeCall('wait'));
    await started.promise;
    req.destroy();
    const reason = await aborted.promise;
    assert.equal(reason.name, 'AbortError');
    assert.match(reason.message, /client closed/);
  });
});

describe('onError sees HTTP errors', () => {
  test("requests node:http refuses before routing are reported: 400 malformed, 431 oversized headers, 408 slow headers", async () => {
    const seen = [];
    const { port } = await start({ headersTimeoutMs: 100, onError: (e, context) => seen.push([e, context]) });
    const cases = [
      ['THIS IS NOT HTTP\r\n\r\n', 400, /^malformed HTTP request: /],
      [`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /request headers are over the size limit/],
      ['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 408, /request not received in time \(headers within 100 ms/],
    ];
    for (const [bytes, status, message] of cases) {
      const reply = await rawExchange(port, bytes);
      assert.match(reply, new RegExp(`^HTTP/1\\.1 ${status} `));
      assert.equal(seen.length, 1, `one report for ${status}`);
      const [[error, context]] = seen.splice(0);
      assert.ok(error instanceof HttpError, String(error));
      assert.equal(error.status, status);
      assert.match(error.message, message);
      assert.equal(typeof error.cause?.code, 'string', 'the node:http error is the cause');
      assert.equal(context, undefined);
    }
    assert.equal((await call(port, ADD)).message.value, 5);
  });

  test('413, 404 and 401 are reported as HttpError with their status', async () => {
    const seen = [];
    const { port } = await start({ maxBodyBytes: 10, onError: (e) => seen.push(e), authenticate: (req) => req.headers['x-ok'] === '1' });
    await call(port, ADD, { headers: { 'X-Ok': '1' } });
    await call(port, 'x', { path: '/nope' });
    await call(port, 'x');
    assert.deepEqual(
      seen.map((e) => [e instanceof HttpError, e.status]),
      [
        [true, 413],
        [true, 404],
        [true, 401],
      ],
    );
  });
});

describe('close() is graceful', () => {
  test('in-flight calls finish, new connections are refused, close() resolves after', async () => {
    const started = deferred();
    const release = deferred();
    const server = createServer();
    server.addMethod('block', async () => {
      started.resolve();
      await release.promise;
      return 'finished';
    });
    const port = await listen(server);
    const inFlight = call(port, encodeCall('block'));
    await started.promise;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await assert.rejects(call(port, ADD), { code: 'ECONNREFUSED' });
    assert.equal(closed, false);
    release.resolve();
    const res = await inFlight;
    assert.equal(res.message.value, 'finished');
    assert.equal(res.headers.connection, 'close');
    await closing;
    assert.equal(server.address(), null);
  });

  test('idle keep-alive connections are closed', async () => {
    const server = createServer();
    server.addMethod('one', () => 1);
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await call(port, encodeCall('one'), { agent });
      const socketClosed = once(res.socket, 'close');
      await server.close();
      await socketClosed;
    } finally {
      agent.destroy();
    }
  });

  test('calls still running after closeTimeoutMs are aborted', async () => {
    const started = deferred();
    const aborted = deferred();
    const server = createServer({ closeTimeoutMs: 20 });
    server.addMethod('stubborn', () => {
      const { signal } = currentCall();
      signal.addEventListener('abort', () => aborted.resolve(signal.reason.message));
      started.resolve();
      return new Promise(() => {});
    });
    const port = await listen(server);
    const req = call(port, encodeCall('stubborn'));
    await started.promise;
    await server.close();
    assert.match(await aborted.promise, /closing/);
    const res = await req;
    assert.equal(res.message.fault.faultCode, -32300);
    assert.match(res.message.fault.faultString, /server is closing/);
    assert.equal(res.headers.connection, 'close');
  });

  test('listen() can run again after close(), and twice is an error', async () => {
    const server = createServer();
    server.addMethod('one', () => 1);
    await listen(server);
    await assert.rejects(server.listen(0), /already listening/);
    await server.close();
    const port = await listen(server);
    assert.equal((await call(port, encodeCall('one'))).message.value, 1);
    await server.close();
  });
});

describe('options are checked', () => {
  test('bad limits are refused when the server is made', () => {
    assert.throws(() => createServer({ maxBodyBytes: 0 }), /maxBodyBytes/);
    assert.throws(() => createServer({ maxConcurrentCalls: NaN }), /maxConcurrentCalls/);
    assert.throws(() => createServer({ bodyTimeoutMs: Infinity }), /bodyTimeoutMs/);
    assert.throws(() => createServer({ authenticate: 'yes' }), OptionError);
    assert.throws(() => basicAuth({}, { realm: 'a"b' }), TypeError);
  });
  test('every bad option is an OptionError naming it', () => {
    for (const [options, name] of [
      [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
      [{ sendTimeoutMs: 0 }, 'sendTimeoutMs'],
      [{ maxPendingResponseBytes: -1 }, 'maxPendingResponseBytes'],
      [{ gzipLevel: 10 }, 'gzipLevel'],
      [{ callTimeoutMs: 1.5 }, 'callTimeoutMs'],
      [{ multicall: { maxCals: 3 } }, 'maxCals'],
      [{ allowedOrigins: ['not an origin'] }, 'allowedOrigins[0]'],
    ]) {
      assert.throws(() => createServer(options), (e) => e instanceof OptionError && e.code === 'ERR_XMLRPC_INVALID_OPTION' && e.option.includes(name), name);
    }
  });
  test('an unknown option name is refused with the closest known name suggested', () => {
    assert.throws(() => createServer({ maxBodyByte: 5 }), (e) => e instanceof OptionError && /did you mean "maxBodyBytes"/.test(e.message));
    assert.throws(() => createServer({ callTimeout: 5 }), (e) => e instanceof OptionError && /did you mean "callTimeoutMs"/.test(e.message));
    assert.throws(() => new XmlRpcDispatcher({ maxBodyBytes: 5 }), OptionError, 'a dispatcher takes no HTTP options');
  });
  test('SERVER_DEFAULTS holds every default, frozen', () => {
    assert.ok(Object.isFrozen(SERVER_DEFAULTS));
    assert.equal(SERVER_DEFAULTS.callTimeoutMs, 60_000);
    assert.equal(SERVER_DEFAULTS.maxBodyBytes, 10 * 1024 * 1024);
    assert.equal(SERVER_DEFAULTS.sendTimeoutMs, 30_000);
    assert.equal(SERVER_DEFAULTS.maxPendingResponseBytes, 64 * 1024 * 1024);
    assert.deepEqual(SERVER_DEFAULTS.paths, ['/', '/RPC2']);
  });
});

describe('TLS', () => {
  test('listen() serves HTTPS with the tls option', async (t) => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const https = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore', timeout: 10_000 });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const { port } = await start({ tls: { key: readFileSync(join(dir, 'key.pem')), cert } });
    const res = await new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/', ca: cert, agent: false }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(ADD);
    });
    assert.equal(res.status, 200);
    assert.equal(decodeMessage(res.body).value, 5);
    await assert.rejects(call(port, ADD)); // plain HTTP is not served on the TLS port
  });
});
