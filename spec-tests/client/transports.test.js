// The two built-in transports, undici (the Node default) and fetch (browsers, Workers, Bun), run
// the same scenarios: against our server, Python's, and small servers that misbehave on purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { Client, DecodeError, Fault, HttpError, NetworkError, XmlRpcServer, encodeResponse } from 'xmlrpc-ts';
import { startPython } from '../interop/client-support.js';
import { answer, startServer } from './support.js';

const TRANSPORTS = ['undici', 'fetch'];

let ours;
let oursUrl;
let python;
let odd;
before(async () => {
  ours = new XmlRpcServer();
  ours.addMethod('echo', (v) => v);
  ours.addMethods({ add: (a, b) => a + b }, { prefix: 'calc' });
  oursUrl = `http://127.0.0.1:${(await ours.listen()).port}/RPC2`;
  python = await startPython('py_server.py', ['--port', '0']);
  odd = await startServer(async (req, res) => {
    switch (req.url) {
      case '/gzip': {
        const body = gzipSync(encodeResponse('x'.repeat(10_000)));
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip', 'content-length': body.length });
        return res.end(body);
      }
      case '/bomb': {
        const body = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip', 'content-length': body.length });
        return res.end(body);
      }
      case '/endless': {
        // Chunked, no Content-Length: the cap must cut it off while streaming.
        res.writeHead(200, { 'content-type': 'text/xml' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let i = 0; i < 64 && !res.destroyed; i++) if (!res.write(chunk)) await once(res, 'drain');
        return res.end();
      }
      case '/error-page':
        res.writeHead(503, 'Service Unavailable', { 'content-type': 'text/html' });
        return res.end('<html><head><title>Down for maintenance</title></head><body>later</body></html>');
      case '/latin1': {
        const body = Buffer.concat([
          Buffer.from('<?xml version="1.0"?><methodResponse><params><param><value><string>caf'),
          Buffer.from([0xe9]),
          Buffer.from('</string></value></param></params></methodResponse>'),
        ]);
        res.writeHead(200, { 'content-type': 'text/xml; charset=iso-8859-1', 'content-length': body.length });
        return res.end(body);
      }
      case '/headers':
        return answer(res, { authorization: req.headers.authorization ?? '', trace: req.headers['x-trace'] ?? '', call: req.headers['x-call'] ?? '', encoding: req.headers['content-encoding'] ?? '' });
      case '/cookie':
        return answer(res, req.headers.cookie ?? '', { 'set-cookie': ['session=abc; Path=/'] });
      case '/silent':
        return undefined; // never answers; the client's limits end the call
      case '/trickle':
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write('<?xml version="1.0"?>');
        return undefined; // the rest never comes
      default:
        return answer(res, 'ok');
    }
  });
});

after(async () => {
  await ours?.close();
  await python?.stop();
  await odd?.close();
});

for (const transport of TRANSPORTS) {
  describe(`the ${transport} transport`, () => {
    const clients = [];
    const open = (url, options = {}) => {
      const c = new Client(url, { transport, ...options });
      clients.push(c);
      return c;
    };
    after(() => Promise.all(clients.map((c) => c.close())));

    test('calls, faults and multicall against our server', async () => {
      const c = open(oursUrl);
      const value = { big: 2n ** 40n, date: new Date(Date.UTC(2020, 1, 29)), bytes: new Uint8Array([0, 255]), list: [1.5, 'x', null] };
      const back = await c.call('echo', [value]);
      assert.equal(back.big, value.big);
      assert.deepEqual([...back.bytes], [0, 255]);
      assert.deepEqual(back.date, value.date);
      assert.equal(await c.proxy().calc.add(2, 3), 5);
      await assert.rejects(c.call('nope'), (e) => e instanceof Fault && e.faultCode === -32601);
      const [sum, missing] = await c.multicall([{ methodName: 'calc.add', params: [1, 2] }, { methodName: 'nope' }]);
      assert.equal(sum, 3);
      assert.ok(missing instanceof Fault);
    });

    test("calls and faults against Python's SimpleXMLRPCServer", async () => {
      const c = open(`http://127.0.0.1:${python.rest}/RPC2`);
      assert.equal(await c.call('add', [2, 40]), 42);
      assert.equal((await c.call('python_values')).string, 'héllo <&> ✓ 😀');
      await assert.rejects(c.call('fault', [7, 'seven']), (e) => e instanceof Fault && e.faultCode === 7 && e.faultString === 'seven');
    });

    test('a gzip response is inflated', async () => {
      assert.equal(await open(odd.url('/gzip')).call('x'), 'x'.repeat(10_000));
    });

    test('a gzip bomb stops at maxResponseBytes (a limit DecodeError)', async () => {
      const c = open(odd.url('/bomb'), { maxResponseBytes: 1024 * 1024 });
      await assert.rejects(c.call('x'), (e) => e instanceof DecodeError && e.reason === 'limit');
    });

    test('an endless body is cut off at maxResponseBytes while streaming', async () => {
      const c = open(odd.url('/endless'), { maxResponseBytes: 256 * 1024 });
      await assert.rejects(c.call('x'), (e) => e instanceof DecodeError && e.reason === 'limit' && /maxResponseBytes/.test(e.message));
    });

    test('an error status is an HttpError with the status and the page title', async () => {
      await assert.rejects(open(odd.url('/error-page')).call('x'), (e) =>
        e instanceof HttpError && e.status === 503 && /HTTP 503 .*Down for maintenance/.test(e.message));
    });

    test("the response's charset is honoured", async () => {
      assert.equal(await open(odd.url('/latin1')).call('x'), 'café');
    });

    test('Basic auth from the URL or the option, client and call headers, a gzipped request', async () => {
      const fromUrl = await open(odd.url('/headers').replace('://', '://us%C3%A9r:p%3Ass@')).call('x');
      assert.equal(fromUrl.authorization, 'Basic ' + Buffer.from('usér:p:ss').toString('base64'));
      const c = open(odd.url('/headers'), { auth: { username: 'a', password: 'b' }, headers: { 'X-Trace': 't1' }, gzipRequestThresholdBytes: 0 });
      const seen = await c.call('x', [], { headers: { 'x-call': 'c1' } });
      assert.deepEqual(seen, { authorization: 'Basic ' + Buffer.from('a:b').toString('base64'), trace: 't1', call: 'c1', encoding: 'gzip' });
    });

    test('cookies the server sets are sent back', async () => {
      const c = open(odd.url('/cookie'), { cookies: true });
      assert.equal(await c.call('x'), '');
      assert.equal(await c.call('x'), 'session=abc');
    });

    test('headersTimeoutMs, bodyTimeoutMs and timeoutMs end a call with the matching TimeoutError', async () => {
      await assert.rejects(open(odd.url('/silent'), { headersTimeoutMs: 150 }).call('x'), { name: 'TimeoutError', phase: 'headers', timeoutMs: 150 });
      await assert.rejects(open(odd.url('/trickle'), { bodyTimeoutMs: 150 }).call('x'), { name: 'TimeoutError', phase: 'body', timeoutMs: 150 });
      await assert.rejects(open(odd.url('/silent'), { timeoutMs: 150 }).call('x'), { name: 'TimeoutError', phase: 'call', timeoutMs: 150 });
    });

    test('an aborted signal ends the call with an AbortError', async () => {
      const controller = new AbortController();
      const call = open(odd.url('/silent')).call('x', [], { signal: controller.signal });
      controller.abort(new Error('user gave up'));
      await assert.rejects(call, (e) => e.name === 'AbortError' && e.cause?.message === 'user gave up');
    });

    test('a refused connection is a NetworkError naming the URL', async () => {
      const gone = await startServer(() => undefined);
      const url = gone.url();
      await gone.close();
      await assert.rejects(open(url).call('x'), (e) => e instanceof NetworkError && e.message.includes(url));
    });

    test('https:// to a plain-HTTP port suggests http://', async () => {
      const url = odd.url().replace('http:', 'https:');
      await assert.rejects(open(url).call('x'), (e) => e instanceof NetworkError && e.message.includes(`try ${odd.url()}`));
    });
  });
}

describe('choosing the fetch transport', () => {
  test("options only undici honours are refused by name with transport: 'fetch' or a fetch function", () => {
    const refused = (name) => (e) => e.name === 'OptionError' && e.message.includes(name) && e.message.includes('fetch transport');
    for (const [name, value] of [
      ['tls', { rejectUnauthorized: false }], ['httpProxy', 'http://127.0.0.1:3128'], ['socketPath', '/run/x.sock'],
      ['connections', 4], ['keepAliveTimeoutMs', 100], ['retryStaleConnection', false], ['proxyFromEnv', true], ['connectTimeoutMs', 100],
    ]) {
      assert.throws(() => new Client('http://127.0.0.1:1/RPC2', { transport: 'fetch', [name]: value }), refused(name));
      assert.throws(() => new Client('http://127.0.0.1:1/RPC2', { fetch: globalThis.fetch, [name]: value }), refused(name));
    }
    assert.throws(() => new Client('unix:///run/x.sock', { transport: 'fetch' }), /needs the undici transport/);
  });

  test('the fetch option sends every call through the given function', async () => {
    const seen = [];
    const fetch = async (url, init) => {
      seen.push({ url, method: init.method, type: new Headers(init.headers).get('content-type') });
      return new Response(encodeResponse(42), { headers: { 'content-type': 'text/xml' } });
    };
    const c = new Client('http://rpc.example/RPC2', { fetch });
    assert.equal(await c.call('answer'), 42);
    assert.deepEqual(seen, [{ url: 'http://rpc.example/RPC2', method: 'POST', type: 'text/xml' }]);
  });
});
