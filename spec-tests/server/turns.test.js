// #19: a busy node:http server runs at most a slice of call work per event-loop turn, so libuv
// (which accepts one connection per turn) admits new connections within a few slices instead of
// after every ready call of every turn, and waiting calls run first come, first served.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { TurnSlicer } from '../../dist/server/node/turns.js';
import { createServer, encodeCall, decodeResponse } from 'xmlrpc-ts';

/** Busy-waits `ms` milliseconds: a call that holds the event loop. */
function spin(ms) {
  const start = performance.now();
  while (performance.now() - start < ms);
}

/** Resolves after `n` event-loop turns (each setImmediate queued in a check phase runs in the next turn). */
async function turns(n) {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('TurnSlicer', () => {
  test('runs a job at once while the turn has time left', () => {
    const slicer = new TurnSlicer(50, assert.fail);
    const ran = [];
    slicer.run(() => ran.push(1));
    slicer.run(() => ran.push(2));
    assert.deepEqual(ran, [1, 2]);
  });

  test('defers jobs past the slice to later turns, in order, at most one long job a turn', async () => {
    const slicer = new TurnSlicer(1, assert.fail);
    const ran = [];
    for (let i = 0; i < 4; i++) {
      slicer.run(() => {
        ran.push(i);
        spin(2);
      });
    }
    // The first ran now and used up the slice; the rest wait.
    assert.deepEqual(ran, [0]);
    await turns(1);
    assert.deepEqual(ran, [0, 1]);
    await turns(1);
    assert.deepEqual(ran, [0, 1, 2]);
    // A job that arrives while others wait queues behind them, even in a fresh turn.
    slicer.run(() => ran.push('late'));
    assert.deepEqual(ran, [0, 1, 2]);
    await turns(3);
    assert.deepEqual(ran, [0, 1, 2, 3, 'late']);
  });

  test('runs short jobs in one slice and opens a new slice each turn', async () => {
    const slicer = new TurnSlicer(1, assert.fail);
    const ran = [];
    slicer.run(() => spin(2));
    slicer.run(() => ran.push('waited'));
    assert.deepEqual(ran, []);
    await turns(1);
    for (let i = 0; i < 5; i++) slicer.run(() => ran.push(i));
    // The slice of this turn began with 'waited', a moment ago: short jobs still fit.
    assert.deepEqual(ran, ['waited', 0, 1, 2, 3, 4]);
    await turns(2);
    slicer.run(() => ran.push('next'));
    assert.deepEqual(ran.at(-1), 'next');
  });

  test('under load that never lets the queue empty, it holds only the jobs still waiting', async () => {
    // Each turn runs one 2 ms job of the slice and three more arrive: the queue never empties.
    const slicer = new TurnSlicer(1, assert.fail);
    let ran = 0;
    const job = () => {
      ran++;
      spin(2);
    };
    slicer.run(job);
    for (let turn = 0; turn < 50; turn++) {
      for (let i = 0; i < 3; i++) slicer.run(job);
      await turns(1);
      assert.ok(slicer.backlog > 0, 'the queue never empties');
      // Before the fix the slots of jobs already run stayed: 3 more each turn.
      assert.equal(slicer.slots, slicer.backlog);
    }
    assert.equal(ran, 51);
    assert.equal(slicer.backlog, 100);
  });

  test('a waiting job that throws is reported and the jobs after it still run', async () => {
    const reported = [];
    const slicer = new TurnSlicer(1, (error) => reported.push(error.message));
    const ran = [];
    slicer.run(() => spin(2));
    slicer.run(() => {
      throw new Error('boom');
    });
    slicer.run(() => ran.push('after'));
    await turns(3);
    assert.deepEqual(reported, ['boom']);
    assert.deepEqual(ran, ['after']);
  });
});

/** A keep-alive connection that sends calls one at a time and decodes each answer (Content-Length framed). */
function connection(port) {
  const socket = net.connect(port, '127.0.0.1');
  let buffered = Buffer.alloc(0);
  let waiting;
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    const head = buffered.indexOf('\r\n\r\n');
    if (head < 0 || waiting === undefined) return;
    const length = Number(/content-length: (\d+)/i.exec(buffered.subarray(0, head).toString('latin1'))?.[1]);
    if (buffered.length < head + 4 + length) return;
    const body = buffered.subarray(head + 4, head + 4 + length);
    buffered = buffered.subarray(head + 4 + length);
    const resolve = waiting;
    waiting = undefined;
    resolve(decodeResponse(body));
  });
  return {
    socket,
    call(method, params) {
      const body = Buffer.from(encodeCall(method, params));
      const answer = new Promise((resolve) => {
        waiting = resolve;
      });
      socket.write(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body);
      return answer;
    },
  };
}

describe('a busy server spreads calls over turns', () => {
  const servers = [];
  const sockets = [];
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => s.close()));
  });

  test('calls of 3 ms arriving together on open connections run one a turn, each answered', async () => {
    const server = createServer();
    servers.push(server);
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    const seen = [];
    server.addMethod('slow', (n) => {
      seen.push({ n, turn });
      spin(3);
      return n;
    });
    server.addMethod('ping', () => true);
    const { port } = await server.listen(0, '127.0.0.1');
    const COUNT = 6;
    // Keep-alive connections, each accepted and answered once, so the slow calls arrive together.
    const conns = [];
    for (let i = 0; i < COUNT; i++) {
      const conn = connection(port);
      sockets.push(conn.socket);
      assert.equal(await conn.call('ping', []), true);
      conns.push(conn);
    }
    setImmediate(tick);
    const values = await Promise.all(conns.map((conn, i) => conn.call('slow', [i])));
    ticking = false;
    assert.deepEqual(values, [0, 1, 2, 3, 4, 5]);
    assert.equal(seen.length, COUNT);
    assert.equal(new Set(seen.map((s) => s.turn)).size, COUNT, `calls and their turns: ${JSON.stringify(seen)}`);
  });
});
