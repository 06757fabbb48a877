// Load with injected faults, bounded: 256 concurrent clients, 5,120 calls, 1 % of them thrown,
// timed out or aborted. Every reply matches its request, nothing is lost or mixed up, handles and
// heap return to their baseline, and close() drains calls in flight. bench/load/faults.js is the long run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, NetworkError } from 'xmlrpc-ts';
import { startLoadServer, runLoad, drainOnClose, settledHandles, settledHeap } from './load-run.js';

test('c=256, 5,120 calls, 1 % faulty: every answer is the right one; no leak; close() drains', async (t) => {
  // Warm up (module code, JIT, undici internals) so the baseline is not the cold start.
  const warm = await startLoadServer();
  await runLoad(warm, { concurrency: 8, callsPerClient: 20, faultRate: 0.1 });
  await warm.server.close();

  const handles0 = await settledHandles();
  const heap0 = settledHeap();

  const target = await startLoadServer();
  const stats = await runLoad(target, { concurrency: 256, callsPerClient: 20, faultRate: 0.01 });
  t.diagnostic(`calls ${stats.calls} in ${stats.ms.toFixed(0)} ms (${stats.callsPerSecond.toFixed(0)}/s): ` +
    `echo ${stats.echo}, thrown ${stats.thrown}, timed out ${stats.timedOut}, aborted ${stats.aborted}; ` +
    `p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms (${stats.p99Warm.toFixed(1)} ms without the first call of each client, which opens its connection)`);

  assert.deepEqual(stats.wrong, []);
  assert.deepEqual(stats.lost, []);
  assert.equal(stats.calls, 5120);
  assert.equal(stats.echo + stats.thrown + stats.timedOut + stats.aborted, stats.calls);
  assert.ok(stats.thrown > 0 && stats.timedOut > 0 && stats.aborted > 0, JSON.stringify(stats));
  // Each stalled handler was told its call timed out; each held one that its client went away.
  assert.equal(target.handlerAborts.stall, stats.timedOut);
  assert.equal(target.handlerAborts.hold, stats.aborted);

  const drain = await drainOnClose(target, 50);
  assert.equal(drain.closedEarly, false, 'close() resolved while calls were in flight');
  assert.equal(drain.answered, 50, drain.errors.join('; '));

  // The server is closed: new calls are refused at the socket.
  const late = new Client(`http://127.0.0.1:${target.port}/RPC2`);
  await assert.rejects(late.call('echo', [{ id: -1 }]), NetworkError);
  await late.close();

  const handles1 = await settledHandles();
  const heap1 = settledHeap();
  t.diagnostic(`heap before ${(heap0 / 2 ** 20).toFixed(1)} MiB, after ${(heap1 / 2 ** 20).toFixed(1)} MiB; handles before ${JSON.stringify(handles0)}, after ${JSON.stringify(handles1)}`);
  assert.deepEqual(handles1, handles0, 'sockets, servers or timers left behind');
  assert.ok(heap1 - heap0 < 16 * 2 ** 20, `the heap grew by ${((heap1 - heap0) / 2 ** 20).toFixed(1)} MiB`);
});
