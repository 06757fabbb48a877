// #13.2: a client that uploads and never reads its response cannot hold the connection or the
// response's memory: past sendTimeoutMs the response is dropped with its connection, and the
// responses waiting for their clients hold at most maxPendingResponseBytes in all.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, encodeCall, NetworkError } from 'xmlrpc-ts';
import { within } from '../security/support.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const MiB = 1024 * 1024;
const BIG = 'x'.repeat(16 * MiB);

const servers = [];
const clients = [];
after(async () => {
  for (const socket of clients) socket.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

/** A server whose `blob()` answers 16 MiB uncompressed; tracks its server-side sockets and drops. */
async function start(options) {
  const drops = [];
  const server = createServer({ gzipThresholdBytes: Infinity, closeTimeoutMs: 100, onError: (e) => e instanceof NetworkError && drops.push(e), ...options });
  server.addMethod('blob', () => BIG);
  servers.push(server);
  const sockets = [];
  const { port } = await server.listen(0, '127.0.0.1');
  server.httpServer.on('connection', (socket) => sockets.push(socket));
  return { server, port, sockets, drops };
}

/** Connects, sends a call to `blob` and never reads: the socket stays paused. Resolves once the server answered it (wrote or dropped). */
async function stalledCall(port, server) {
  const socket = net.connect(port, '127.0.0.1');
  clients.push(socket);
  socket.pause();
  socket.on('error', () => {});
  await once(socket, 'connect');
  const body = encodeCall('blob', []);
  socket.write(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  return socket;
}

const closed = (socket) => (socket.closed ? Promise.resolve() : once(socket, 'close'));

describe('a response the client does not take within sendTimeoutMs is dropped with its connection', () => {
  test('three stalled readers: each server-side connection closed within the bound, each drop reported', async () => {
    const sendTimeoutMs = 300;
    const { port, server, sockets, drops } = await start({ sendTimeoutMs });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await stalledCall(port, server);
    // Wait on the events: every server-side connection closes (sweep slack: a quarter of the limit).
    await within(sendTimeoutMs + 3000, (async () => {
      while (sockets.length < 3) await once(server.httpServer, 'connection');
      await Promise.all(sockets.map(closed));
    })(), 'stalled connections closed');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= sendTimeoutMs, `closed after ${elapsed} ms, before the limit`);
    assert.equal(drops.length, 3);
    assert.match(drops[0].message, /did not take its response within 300 ms/);
    assert.equal(server.pendingResponseBytes, 0);
  });
});

describe('responses waiting for their clients hold at most maxPendingResponseBytes in all', () => {
  test('eight stalled readers of 16 MiB each: pending bytes stay bounded, memory does not grow with them', async () => {
    const maxPendingResponseBytes = 8 * MiB;
    // A long send timeout: only the overall bound can free anything here.
    const { port, server, sockets, drops } = await start({ maxPendingResponseBytes, sendTimeoutMs: 600_000 });
    const body = encodeCall('blob', []);
    const request = `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    gc();
    const before = process.memoryUsage();
    let peak = 0;
    const child = fork(fileURLToPath(new URL('./stalled-reader-client.js', import.meta.url)), [String(port), '8', request], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 8; i++) {
        const answered = once(server.httpServer, 'request');
        await within(5000, answered, `request ${i}`);
        // The handler is synchronous: by the next turn its response is written.
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, server.pendingResponseBytes);
        child.send('next');
      }
      // Dropped connections release their buffers once closed.
      await within(3000, Promise.all(sockets.filter((socket) => socket.destroyed).map(closed)), 'dropped connections closed');
      // Their cancelled writes free the buffers over the next turns of the loop: a bounded poll.
      const held = () => {
        gc();
        const now = process.memoryUsage();
        return Math.max(now.heapUsed + now.external + now.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers), now.rss - before.rss);
      };
      let grown = held();
      for (let turn = 0; turn < 50 && grown >= 160 * MiB; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        grown = held();
      }
      // Heap, buffers or resident size: unbounded, eight answers of 16 MiB held ~512 MiB (copies
      // included); bounded, what one or two answers hold.
      assert.ok(grown < 160 * MiB, `memory grew by ${(grown / MiB).toFixed(1)} MiB`);
      // One response over the bound is still sent; everything older was dropped.
      assert.ok(peak <= maxPendingResponseBytes + BIG.length + 1024, `peak pending ${peak} bytes`);
      assert.ok(drops.length >= 6, `only ${drops.length} connections dropped`);
      assert.match(drops[0].message, /hold over 8388608 bytes/);
    } finally {
      child.kill();
    }
  });
});
