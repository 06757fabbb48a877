// The client's connectTimeout on a TCP connect that never completes (transport.test.js covers a
// TLS handshake that never completes). The server is a python3 listener with listen(0) that
// never accepts: once its accept queue holds its one connection, Linux drops further SYNs (with
// net.ipv4.tcp_abort_on_overflow = 0), so a new connect stays in SYN_SENT instead of being refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { Client, TimeoutError } from 'xmlrpc-ts';

// Binds 127.0.0.1 port 0, listens with backlog 0, prints the port and never accepts. It exits
// when its stdin closes, and after 30 s at the latest (SIGALRM), should the test die first.
const LISTENER = `
import signal, socket, sys
signal.alarm(30)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;
// Linux lets backlog + 1 connections wait in the accept queue; listen(0) therefore takes one.
const FILLERS = 1;
const CONNECT_TIMEOUT = 300;
// The whole-call limit of the client that keeps the default connectTimeout (10 s): well past
// the moment the 300 ms connectTimeout fires (undici's connect timer ticks every ~500 ms).
const CALL_TIMEOUT = 1500;
// Both clients get a short headersTimeout: should a connect complete after all, the call fails
// soon with phase 'headers' instead of waiting for an answer the listener never sends.
const HEADERS_TIMEOUT = 200;

/** Why the test cannot run here, or undefined. */
function unsupported() {
  if (process.platform !== 'linux') return 'needs Linux (a full accept queue drops SYNs)';
  let abort;
  try {
    abort = readFileSync('/proc/sys/net/ipv4/tcp_abort_on_overflow', 'utf8').trim();
  } catch {
    return 'cannot read /proc/sys/net/ipv4/tcp_abort_on_overflow';
  }
  if (abort !== '0') return `net.ipv4.tcp_abort_on_overflow is ${abort}: a full accept queue resets connects instead of dropping them`;
  return undefined;
}

/** The accept-queue length of the listening socket on 127.0.0.1:`port`, from /proc/net/tcp. */
function acceptQueue(port) {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // fields: sl, local, remote, state (0A = LISTEN), tx_queue:rx_queue (rx = accept queue for a listener)
    if (fields[1] === local && fields[3] === '0A') return parseInt(fields[4].split(':')[1], 16);
  }
  return undefined;
}

/** The first line `child` prints, within 5 s; rejects if it fails to start or exits first. */
async function firstLine(child) {
  const lines = createInterface({ input: child.stdout });
  const ac = new AbortController();
  const { signal } = ac;
  try {
    return await Promise.race([
      once(lines, 'line', { signal }).then(([line]) => line),
      once(child, 'error', { signal }).then(([error]) => Promise.reject(error)),
      once(child, 'exit', { signal }).then(([code, sig]) => Promise.reject(new Error(`python3 exited (${code ?? sig}) before printing its port`))),
      once(AbortSignal.timeout(5000), 'abort', { signal }).then(() => Promise.reject(new Error('python3 printed no port within 5 s'))),
    ]);
  } finally {
    ac.abort();
    lines.close();
  }
}

describe('connectTimeout on a TCP connect that never completes', { concurrency: true }, () => {
  let skip = unsupported();
  let python; // the listener process
  let port;
  const sockets = []; // filler and probe sockets
  const clients = [];

  before(async () => {
    if (skip !== undefined) return;
    python = spawn('python3', ['-c', LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] });
    python.on('error', () => {}); // reported through firstLine
    try {
      port = Number(await firstLine(python));
    } catch (error) {
      if (error.code === 'ENOENT') {
        skip = 'python3 is not installed';
        return;
      }
      throw error;
    }
    assert.ok(Number.isInteger(port) && port > 0, `python3 printed a port: ${port}`);
    // Fill the accept queue; each of these connects completes at once.
    for (let i = 0; i < FILLERS; i++) {
      const socket = net.connect({ host: '127.0.0.1', port });
      sockets.push(socket);
      await once(socket, 'connect', { signal: AbortSignal.timeout(2000) });
    }
    assert.equal(acceptQueue(port), FILLERS, 'the listener holds the fillers, unaccepted, in a full accept queue');
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    if (python !== undefined && python.exitCode === null && python.signalCode === null) {
      const exited = once(python, 'exit');
      process.kill(python.pid, 'SIGKILL');
      await exited;
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  test('a small connectTimeout rejects with a connect TimeoutError', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    // A plain TCP connect alongside: it must still be pending when the client gives up.
    const probe = net.connect({ host: '127.0.0.1', port });
    sockets.push(probe);
    let probeOutcome = 'pending';
    probe.once('connect', () => (probeOutcome = 'connected'));
    probe.on('error', (error) => (probeOutcome = error.code));

    const c = new Client(`http://127.0.0.1:${port}/RPC2`, { connectTimeoutMs: CONNECT_TIMEOUT, headersTimeoutMs: HEADERS_TIMEOUT });
    clients.push(c);
    const started = performance.now();
    await assert.rejects(c.call('system.listMethods'), (e) => {
      assert.ok(e instanceof TimeoutError, `a TimeoutError, got ${e}`);
      assert.equal(e.code, 'ERR_XMLRPC_TIMEOUT');
      assert.equal(e.phase, 'connect');
      assert.equal(e.timeoutMs, CONNECT_TIMEOUT);
      assert.equal(e.cause.code, 'UND_ERR_CONNECT_TIMEOUT');
      return true;
    });
    const elapsed = performance.now() - started;
    // Not before the limit (a little slack for timer rounding), and not long after it.
    assert.ok(elapsed >= CONNECT_TIMEOUT - 5, `rejected after ${elapsed.toFixed(0)} ms, before the ${CONNECT_TIMEOUT} ms limit`);
    assert.ok(elapsed < 3000, `rejected after ${elapsed.toFixed(0)} ms`);
    assert.equal(probeOutcome, 'pending', 'a plain TCP connect to the listener is still pending (not refused)');
    assert.equal(probe.connecting, true);
  });

  test('the default connectTimeout does not fire in that time', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    // Same listener, default connectTimeout (10 s): only the whole-call limit ends the call. Phase
    // 'call' (not 'headers') also shows it was still connecting then.
    const c = new Client(`http://127.0.0.1:${port}/RPC2`, { timeoutMs: CALL_TIMEOUT, headersTimeoutMs: HEADERS_TIMEOUT });
    clients.push(c);
    const started = performance.now();
    await assert.rejects(c.call('system.listMethods'), (e) => {
      assert.ok(e instanceof TimeoutError, `a TimeoutError, got ${e}`);
      assert.equal(e.phase, 'call', `still connecting when the call limit passed, got phase ${e.phase}`);
      assert.equal(e.timeoutMs, CALL_TIMEOUT);
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= CALL_TIMEOUT - 5 && elapsed < CALL_TIMEOUT + 1500, `rejected after ${elapsed.toFixed(0)} ms`);
    // The connect that call left behind is still pending (the listener is up): close() must not
    // wait for it (it would, up to the 10 s connectTimeout, with a graceful undici close).
    const closing = performance.now();
    await c.close();
    assert.ok(performance.now() - closing < 1000, `close() took ${(performance.now() - closing).toFixed(0)} ms`);
  });
});
