// Load with injected faults: `concurrency` clients call `echo` with unique ids while a share of
// the calls hit handlers that throw, time out, or are aborted by their client. Every answer is
// checked against its request. Shared by load.test.js (bounded) and bench/load/faults.js (long).
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AbortError, Client, Fault, FaultCode, createServer, currentCall } from 'xmlrpc-ts';

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection (made available without a command-line flag). */
export const gc = runInNewContext('gc');

/** Live handles by kind (sockets, servers, timers), from Node's own bookkeeping; stdio's own pipes left out. */
export function handleCounts() {
  const counts = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind !== 'PipeWrap' && kind !== 'TTYWrap') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * Handle counts once closing handles are gone: closes complete on later turns of the event loop,
 * so this lets the loop turn (at most 100 times) until the counts hold still for three turns.
 */
export async function settledHandles() {
  let last = JSON.stringify(handleCounts());
  for (let turn = 0, still = 0; turn < 100 && still < 3; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = JSON.stringify(handleCounts());
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return JSON.parse(last);
}

/** Heap in use after two full collections, in bytes. */
export function settledHeap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Starts a server whose handlers record what they saw: `echo`, `throws` (a Fault coded from the
 * id), `stall` (never answers: the call time limit faults it) and `hold` (answers only when its
 * client has gone: the client aborts it once it has started).
 */
export async function startLoadServer({ callTimeoutMs = 200, ...options } = {}) {
  const seen = new Map(); // id → times a handler ran for it
  const started = new Map(); // id → resolve(), for `hold`
  const handlerAborts = { stall: 0, hold: 0 };
  const count = (id) => seen.set(id, (seen.get(id) ?? 0) + 1);
  const waitForAbort = (kind) => new Promise((resolve) => {
    const { signal } = currentCall();
    signal.addEventListener('abort', () => {
      handlerAborts[kind]++;
      resolve('aborted');
    }, { once: true });
  });
  const server = createServer({ callTimeoutMs, maxConcurrentCalls: 1024, ...options });
  server.addMethod('echo', (msg) => {
    count(msg.id);
    return msg;
  });
  server.addMethod('throws', (id) => {
    count(id);
    throw new Fault(1000 + (id % 7), `thrown for ${id}`);
  });
  server.addMethod('stall', (id) => {
    count(id);
    return waitForAbort('stall');
  });
  server.addMethod('hold', (id) => {
    count(id);
    const done = waitForAbort('hold');
    started.get(id)?.();
    return done;
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, seen, started, handlerAborts };
}

/**
 * Runs the load and returns its figures. `faultRate` is the share of calls that go to the faulty
 * handlers, split evenly between throwing, timing out and being aborted.
 */
export async function runLoad(target, { concurrency = 256, callsPerClient = 20, faultRate = 0.01, seed = 7, payloadBytes = 64 } = {}) {
  const { port, seen, started } = target;
  const random = lcg(seed);
  const clients = Array.from({ length: concurrency }, () => new Client(`http://127.0.0.1:${port}/RPC2`));
  const stats = { calls: 0, echo: 0, thrown: 0, timedOut: 0, aborted: 0, wrong: [], latencies: [], warmLatencies: [] };
  const expected = new Set();
  // Ids stay unique across runs on the same target.
  target.nextId ??= 0;
  const pad = 'x'.repeat(payloadBytes);

  async function one(client, worker, seq) {
    const id = target.nextId++;
    expected.add(id);
    stats.calls++;
    const r = random();
    const t0 = performance.now();
    if (r < faultRate / 3) {
      try {
        await client.call('throws', [id]);
        stats.wrong.push(`throws ${id} resolved`);
      } catch (error) {
        if (error instanceof Fault && error.faultCode === 1000 + (id % 7) && error.faultString === `thrown for ${id}`) stats.thrown++;
        else stats.wrong.push(`throws ${id}: ${error}`);
      }
    } else if (r < (2 * faultRate) / 3) {
      try {
        await client.call('stall', [id]);
        stats.wrong.push(`stall ${id} resolved`);
      } catch (error) {
        if (error instanceof Fault && error.faultCode === FaultCode.CALL_TIMEOUT) stats.timedOut++;
        else stats.wrong.push(`stall ${id}: ${error}`);
      }
    } else if (r < faultRate) {
      const controller = new AbortController();
      // Abort once the handler runs: the server must see its client go away mid-call.
      started.set(id, () => controller.abort());
      try {
        await client.call('hold', [id], { signal: controller.signal });
        stats.wrong.push(`hold ${id} resolved`);
      } catch (error) {
        if (error instanceof AbortError) stats.aborted++;
        else stats.wrong.push(`hold ${id}: ${error}`);
      } finally {
        started.delete(id);
      }
    } else {
      const msg = { id, worker, seq, pad };
      try {
        const back = await client.call('echo', [msg]);
        if (back.id === id && back.worker === worker && back.seq === seq && back.pad === pad && Object.keys(back).length === 4) {
          stats.echo++;
          stats.latencies.push(performance.now() - t0);
          // The first call of a client also opens its connection.
          if (seq > 0) stats.warmLatencies.push(performance.now() - t0);
        } else stats.wrong.push(`echo ${id} came back as ${JSON.stringify(back).slice(0, 100)}`);
      } catch (error) {
        stats.wrong.push(`echo ${id}: ${error}`);
      }
    }
  }

  const t0 = performance.now();
  await Promise.all(clients.map(async (client, worker) => {
    for (let seq = 0; seq < callsPerClient; seq++) await one(client, worker, seq);
  }));
  stats.ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.close()));

  // Every call reached its handler exactly once: nothing lost, nothing sent twice.
  stats.lost = [...expected].filter((id) => seen.get(id) !== 1);
  // Forget the ids checked, so the bookkeeping does not grow from run to run.
  for (const id of expected) seen.delete(id);
  stats.latencies.sort((a, b) => a - b);
  stats.p50 = percentile(stats.latencies, 50);
  stats.p99 = percentile(stats.latencies, 99);
  stats.warmLatencies.sort((a, b) => a - b);
  stats.p99Warm = percentile(stats.warmLatencies, 99);
  stats.max = stats.latencies.at(-1) ?? 0;
  stats.callsPerSecond = (stats.calls / stats.ms) * 1000;
  delete stats.latencies;
  delete stats.warmLatencies;
  return stats;
}

/**
 * Starts `n` calls that wait inside their handler, closes the server while they run, then lets
 * them finish: every one must be answered, and `close()` must resolve only after them.
 */
export async function drainOnClose(target, n = 50) {
  const { server, port } = target;
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  let inside = 0;
  let allInside;
  const allIn = new Promise((resolve) => {
    allInside = resolve;
  });
  server.addMethod('gated', async (i) => {
    if (++inside === n) allInside();
    await gate;
    return i * 2;
  });
  const client = new Client(`http://127.0.0.1:${port}/RPC2`, { connections: n });
  const calls = Array.from({ length: n }, (_, i) => client.call('gated', [i]).then((v) => ({ v }), (e) => ({ e })));
  await allIn;
  let closed = false;
  const closing = server.close().then(() => {
    closed = true;
  });
  const closedEarly = closed;
  release();
  const results = await Promise.all(calls);
  await closing;
  await client.close();
  return { closedEarly, answered: results.filter((r, i) => r.v === i * 2).length, errors: results.filter((r) => r.e).map((r) => String(r.e)) };
}
