// The client's seams and options: a user-written Transport, option checking with suggestions,
// the finite default call timeout, `await using`, the connection count and parallel calls, an
// unsolicited 100 Continue, and the hint when the scheme does not match the port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_DEFAULTS, Client, Fault, NetworkError, OptionError, TimeoutError, decodeCall, encodeFault, encodeResponse } from 'xmlrpc-ts';
import { answer, selfSignedCertificate, startServer, startTcp } from './support.js';

/** A Transport test double: answers each call from `reply(methodName, params)`, records requests. */
function fakeTransport(reply) {
  const requests = [];
  return {
    requests,
    closed: false,
    async post(request) {
      requests.push(request);
      const call = decodeCall(request.body);
      const value = reply(call.methodName, call.params);
      const xml = value instanceof Fault ? encodeFault(value) : encodeResponse(value);
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: new TextEncoder().encode(xml) };
    },
    async close() {
      this.closed = true;
    },
  };
}

describe('a user-written Transport', () => {
  test('gets the encoded call with headers, a signal and the size cap; its response is decoded', async () => {
    const transport = fakeTransport((name, params) => (name === 'add' ? params[0] + params[1] : new Fault(4, 'no')));
    const c = new Client('http://rpc.example/RPC2', { transport, headers: { 'X-Key': 'k' } });
    assert.equal(await c.call('add', [2, 3]), 5);
    await assert.rejects(c.call('other'), (e) => e instanceof Fault && e.faultCode === 4);
    const [first] = transport.requests;
    assert.equal(first.url, 'http://rpc.example/RPC2');
    assert.equal(first.headers['content-type'], 'text/xml');
    assert.equal(first.headers['x-key'], 'k');
    assert.ok(first.signal instanceof AbortSignal);
    assert.equal(first.maxResponseBytes, CLIENT_DEFAULTS.maxResponseBytes);
    await c.close();
    assert.equal(transport.closed, true);
  });

  test('a non-200 answer is an HttpError; options for undici are refused', async () => {
    const transport = { post: async () => ({ status: 404, statusText: 'Not Found', headers: {}, body: new Uint8Array() }) };
    await assert.rejects(new Client('http://x/RPC2', { transport }).call('m'), { name: 'HttpError', status: 404 });
    assert.throws(() => new Client('http://x/RPC2', { transport, connections: 2 }), /connections is honoured only by the undici transport, not by a custom transport/);
    assert.throws(() => new Client('http://x/RPC2', { transport: {} }), OptionError);
  });
});

describe('the call deadline with a transport that keeps it (enforcesTimeout)', () => {
  test('gets the caller\'s own signal (none without one) and the time left, and no guard of the client', async () => {
    const requests = [];
    const transport = {
      enforcesTimeout: true,
      async post(request) {
        requests.push(request);
        return { status: 200, headers: { 'content-type': 'text/xml' }, body: new TextEncoder().encode(encodeResponse(1)) };
      },
    };
    const c = new Client('http://rpc.example/RPC2', { transport, timeoutMs: 5000 });
    const controller = new AbortController();
    await c.call('a');
    await c.call('b', [], { signal: controller.signal });
    await c.call('c', [], { timeoutMs: 0 });
    const [plain, signalled, unlimited] = requests;
    assert.equal(plain.signal, undefined);
    assert.ok(plain.timeoutMs > 4000 && plain.timeoutMs <= 5000, `timeoutMs ${plain.timeoutMs}`);
    assert.equal(signalled.signal, controller.signal);
    assert.equal(unlimited.timeoutMs, undefined);
  });

  test('its call timeout reaches the caller as a TimeoutError naming the whole timeoutMs', async () => {
    const transport = {
      enforcesTimeout: true,
      post: (request) => Promise.reject(new TimeoutError('call', request.timeoutMs - 1)),
    };
    const c = new Client('http://rpc.example/RPC2', { transport, timeoutMs: 700 });
    await assert.rejects(c.call('a'), (e) => e instanceof TimeoutError && e.phase === 'call' && e.timeoutMs === 700 && /700 ms/.test(e.message));
  });

  test('a call through the undici transport makes no AbortController when the caller gives no signal', async () => {
    const server = await startServer((req, res) => answer(res, 1));
    const c = new Client(server.url());
    const Original = globalThis.AbortController;
    let made = 0;
    try {
      await c.call('warm-up');
      globalThis.AbortController = class extends Original {
        constructor() {
          super();
          made++;
        }
      };
      for (let i = 0; i < 5; i++) assert.equal(await c.call('x'), 1);
      assert.equal(made, 0);
    } finally {
      globalThis.AbortController = Original;
      await c.close();
      server.server.close();
    }
  });
});

describe('client options', () => {
  test('a misspelt option is an OptionError suggesting the closest name', () => {
    assert.throws(() => new Client('http://x/RPC2', { timout: 5 }), (e) =>
      e instanceof OptionError && e.code === 'ERR_XMLRPC_INVALID_OPTION' && /unknown option "timout"; did you mean "timeoutMs"\?/.test(e.message));
    assert.throws(() => new Client('http://x/RPC2', { timeout: 5 }), /did you mean "timeoutMs"/);
    assert.throws(() => new Client('http://x/RPC2', { maxResponseSize: 5 }), /did you mean "maxResponseBytes"/);
    assert.throws(() => new Client('http://x/RPC2', { transport: 'xhr' }), /transport must be one of "auto", "undici", "fetch"/);
  });

  test('call options are checked too', async () => {
    const c = new Client('http://x/RPC2', { transport: fakeTransport(() => 1) });
    await assert.rejects(c.call('m', [], { timeout: 5 }), /Call options: unknown option "timeout"; did you mean "timeoutMs"/);
    await assert.rejects(c.call('m', [], { timeoutMs: -1 }), OptionError);
  });

  test('the default whole-call timeout is finite: 30 s', async (t) => {
    assert.equal(CLIENT_DEFAULTS.timeoutMs, 30_000);
    assert.ok(Object.isFrozen(CLIENT_DEFAULTS));
    // Date is mocked too: the client counts the deadline from the call's start (Date.now()), so a
    // real millisecond passing before the timer is set would leave 29,999 ms on it.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    let posted;
    const arrived = new Promise((resolve) => { posted = resolve; });
    const c = new Client('http://x/RPC2', { transport: { post: (request) => {
      posted(request.signal);
      return new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(new Error('stopped'))));
    } } });
    const call = c.call('m');
    const signal = await arrived;
    t.mock.timers.tick(29_999);
    assert.equal(signal.aborted, false);
    t.mock.timers.tick(1);
    await assert.rejects(call, { name: 'TimeoutError', phase: 'call', timeoutMs: 30_000 });
  });
});

describe('await using', () => {
  // Node 20 has Symbol.asyncDispose but not the `await using` syntax: the method is what it calls.
  test('Symbol.asyncDispose closes the client', async () => {
    const transport = fakeTransport(() => 1);
    const c = new Client('http://x/RPC2', { transport });
    assert.equal(await c.call('m'), 1);
    await c[Symbol.asyncDispose]();
    assert.equal(transport.closed, true);
    await assert.rejects(c.call('m'), (e) => e instanceof NetworkError && /closed/.test(e.message));
  });
});

describe('connections: parallel calls', () => {
  let server;
  let inFlight = 0;
  let most = 0;
  let releaseAt = Infinity;
  let release;
  before(async () => {
    server = await startServer(async (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      if (inFlight >= releaseAt) release();
      else if (releaseAt !== Infinity) await new Promise((resolve) => { const previous = release; release = () => { previous?.(); resolve(); }; });
      inFlight--;
      answer(res, 'ok');
    });
  });
  after(() => server.close());

  test('by default (connections: 1) calls made together go one at a time over one connection', async () => {
    const c = new Client(server.url());
    try {
      most = 0;
      await Promise.all(Array.from({ length: 4 }, () => c.call('x')));
      assert.equal(most, 1);
      assert.equal(server.connections, 1);
    } finally {
      await c.close();
    }
  });

  test('connections: 4 runs four calls at the same time on four connections', async () => {
    const c = new Client(server.url(), { connections: 4, timeoutMs: 10_000 });
    try {
      most = 0;
      release = undefined;
      // The server holds every answer until four calls are in at once: only parallel calls pass.
      releaseAt = 4;
      const before = server.connections;
      await Promise.all(Array.from({ length: 4 }, () => c.call('x')));
      assert.equal(most, 4);
      assert.equal(server.connections - before, 4);
    } finally {
      releaseAt = Infinity;
      await c.close();
    }
  });
});

describe('an unsolicited 100 Continue before the answer is skipped (RFC 9110 §15.2)', () => {
  let tcp;
  before(async () => {
    tcp = await startTcp((socket, index) => {
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString('latin1');
        const head = seen.indexOf('\r\n\r\n');
        const length = Number(/content-length: *(\d+)/i.exec(seen)?.[1] ?? 0);
        if (head < 0 || seen.length < head + 4 + length) return;
        seen = '';
        const body = encodeResponse('after continue');
        const response = `HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
        const interim = 'HTTP/1.1 100 Continue\r\nX-Note: unasked\r\n\r\n';
        // Once in the same packet as the answer, once on its own.
        if (index % 2 === 0) socket.write(interim + response);
        else socket.write(interim, () => socket.write(response));
      });
    });
  });
  after(() => tcp.close());

  test('undici transport: 100 then 200 in one packet and in two', async () => {
    for (let i = 0; i < 2; i++) {
      const c = new Client(`http://127.0.0.1:${tcp.port}/RPC2`);
      try {
        assert.equal(await c.call('x'), 'after continue');
        assert.equal(await c.call('x'), 'after continue');
      } finally {
        await c.close();
      }
    }
  });
});

describe('a scheme that does not match the port gets a hint naming the other one', () => {
  let dir;
  let tls;
  let plain;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xmlrpc-scheme-'));
    const cert = selfSignedCertificate(dir, 'server', ['IP:127.0.0.1']);
    tls = await startServer((req, res) => answer(res, 1), { tls: { key: cert.key, cert: cert.cert } });
    plain = await startServer((req, res) => answer(res, 1));
  });
  after(async () => {
    await tls.close();
    await plain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['undici', 'fetch']) {
    test(`${transport}: http:// to a TLS port suggests https://, https:// to a plain port suggests http://`, async () => {
      const toTls = new Client(tls.url().replace('https:', 'http:'), { transport });
      const toPlain = new Client(plain.url().replace('http:', 'https:'), { transport });
      try {
        await assert.rejects(toTls.call('x'), (e) => e instanceof NetworkError && e.message.includes(`try ${tls.url()}`));
        await assert.rejects(toPlain.call('x'), (e) => e instanceof NetworkError && e.message.includes(`try ${plain.url()}`));
      } finally {
        await toTls.close();
        await toPlain.close();
      }
    });
  }
});

describe("transport: 'auto' picks undici on Node, fetch where undici is not right", () => {
  let server;
  before(async () => {
    server = await startServer((req, res) => answer(res, 'ok'));
  });
  after(() => server.close());

  test('on Node: undici (its options are taken, and calls work)', async () => {
    const c = new Client(server.url(), { connections: 2 });
    try {
      assert.equal(await c.call('x'), 'ok');
    } finally {
      await c.close();
    }
  });

  for (const [runtime, install] of [
    ['Bun', () => { globalThis.Bun = {}; return () => delete globalThis.Bun; }],
    ['Cloudflare Workers', () => {
      const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
      Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Cloudflare-Workers' }, configurable: true });
      return () => (saved === undefined ? delete globalThis.navigator : Object.defineProperty(globalThis, 'navigator', saved));
    }],
  ]) {
    test(`in ${runtime}: fetch (undici-only options are refused by name)`, async () => {
      const restore = install();
      try {
        assert.throws(() => new Client(server.url(), { connections: 2 }), /connections is honoured only by the undici transport, not by the fetch transport/);
        const c = new Client(server.url());
        assert.equal(await c.call('x'), 'ok');
        await c.close();
      } finally {
        restore();
      }
    });
  }

  test('where undici cannot load (a Node bundle without it): fetch', async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-bundle-'));
    try {
      const bundle = join(dir, 'client.mjs');
      // The per-module build, bundled whole: the variable import of the undici transport stays
      // behind and finds no file. (The package's own Node build, dist/bundle/, keeps it as a chunk.)
      await build({ entryPoints: [new URL('../../dist/client/index.js', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
      const { Client: Bundled } = await import(bundle);
      // On Node the choice is undici, found missing on the first call: then fetch, if the options allow it.
      const c = new Bundled(server.url(), { connections: 2 });
      await assert.rejects(c.call('x'), /connections is honoured only by the undici transport, not by the fetch transport \(undici could not load\)/);
      const plain = new Bundled(server.url());
      assert.equal(await plain.call('x'), 'ok');
      await plain.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
