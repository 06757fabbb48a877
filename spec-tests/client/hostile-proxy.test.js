// A hostile HTTP proxy cannot trap the client: a proxy that answers CONNECT with 200 and then
// garbage, or that accepts TCP and never answers CONNECT, ends the call with a typed error within
// the configured limits, after a handful of connection attempts (no reconnect storm).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, NetworkError, TimeoutError } from 'xmlrpc-ts';
import { startTcp } from './support.js';

/** The target is never reached: every byte goes to the proxy. */
const TARGET = 'http://127.0.0.1:9/RPC2';

describe('a proxy that answers CONNECT with 200, then garbage', () => {
  let proxy;
  let connects = 0;
  before(async () => {
    proxy = await startTcp((socket) => {
      socket.once('data', () => {
        connects++;
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        socket.write('\x00\x01garbage that is no HTTP at all\r\n\r\n');
      });
    });
  });
  after(() => proxy.close());

  test('gives a NetworkError after a few attempts, long before the call timeout', async () => {
    const c = new Client(TARGET, { httpProxy: `http://127.0.0.1:${proxy.port}`, timeoutMs: 20_000 });
    const started = performance.now();
    try {
      await assert.rejects(c.call('x'), (e) => e instanceof NetworkError && /connection attempts without an answer/.test(e.message));
    } finally {
      await c.close();
    }
    assert.ok(connects <= 5, `${connects} CONNECTs for one call`);
    assert.ok(performance.now() - started < 10_000);
  });

  test('with more connections the budget grows with them, and stays small', async () => {
    connects = 0;
    const c = new Client(TARGET, { httpProxy: `http://127.0.0.1:${proxy.port}`, connections: 4 });
    try {
      await assert.rejects(Promise.all([c.call('x'), c.call('y')]), NetworkError);
    } finally {
      await c.close();
    }
    assert.ok(connects <= 8, `${connects} CONNECTs for two calls`);
  });
});

describe('the reconnect budget is per call', () => {
  test('a server that is down fails each call with its own cause, and is reached again once back', async () => {
    const { startServer, answer } = await import('./support.js');
    const first = await startServer((req, res) => answer(res, 'up'));
    const port = first.port;
    await first.close();
    const c = new Client(`http://127.0.0.1:${port}/RPC2`);
    try {
      for (let i = 0; i < 8; i++) {
        await assert.rejects(c.call('x'), (e) => e instanceof NetworkError && e.cause?.code === 'ECONNREFUSED', `call ${i + 1}`);
      }
      const back = await startServer((req, res) => answer(res, 'up'), { listen: { port } });
      try {
        assert.equal(await c.call('x'), 'up');
      } finally {
        await back.close();
      }
    } finally {
      await c.close();
    }
  });
});

describe('a proxy that accepts TCP and never answers CONNECT', () => {
  let proxy;
  before(async () => {
    proxy = await startTcp(() => undefined);
  });
  after(() => proxy.close());

  test('gives a connect TimeoutError after connectTimeoutMs, with one connection attempt', async () => {
    const c = new Client(TARGET, { httpProxy: `http://127.0.0.1:${proxy.port}`, connectTimeoutMs: 300, timeoutMs: 20_000 });
    try {
      await assert.rejects(c.call('x'), (e) => e instanceof TimeoutError && e.phase === 'connect' && e.timeoutMs === 300);
    } finally {
      await c.close();
    }
    assert.equal(proxy.connections, 1);
  });

  test('an https target through it ends the same way', async () => {
    const c = new Client('https://127.0.0.1:9/RPC2', { httpProxy: `http://127.0.0.1:${proxy.port}`, connectTimeoutMs: 300 });
    try {
      await assert.rejects(c.call('x'), { name: 'TimeoutError', phase: 'connect' });
    } finally {
      await c.close();
    }
  });
});
