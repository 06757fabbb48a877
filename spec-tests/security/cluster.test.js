// examples/cluster/server.js, run for real with 2 workers on one port (port 0: the primary picks
// a free port and prints it): several workers answer, a killed worker is restarted, and SIGTERM
// to the primary lets a call in flight finish before everything exits with code 0.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeCall } from 'xmlrpc-ts';
import { within, rpc } from './support.js';

const RECIPE = fileURLToPath(new URL('../../examples/cluster/server.js', import.meta.url));

/** `whoami` on a fresh connection (round-robin hands out connections, not calls): the worker's pid. */
async function whoami(port) {
  const { status, message } = await rpc(port, encodeCall('whoami', []));
  assert.equal(status, 200);
  assert.equal(message.kind, 'response', JSON.stringify(message));
  return message.value.pid;
}

/** Resolves once a connection to `port` is refused (no worker listens any more); bounded. */
async function refused(port, { attempts = 1000 } = {}) {
  for (let i = 0; i < attempts; i++) {
    const outcome = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error) => resolve(error.code));
    });
    if (outcome === 'ECONNREFUSED') return i;
  }
  throw new Error(`port ${port} still accepted connections after ${attempts} attempts`);
}

describe('examples/cluster/server.js: 2 workers on one port', () => {
  let primary;
  let port;
  let stderr = '';
  const stderrLines = [];
  let onStderrLine = () => {};
  /** Every worker pid seen, so that cleanup can stop each by its PID. */
  const workers = new Set();

  before(async () => {
    primary = spawn(process.execPath, [RECIPE, '--workers', '2', '--port', '0', '--max-restarts', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_CLUSTER_SCHED_POLICY: 'rr' },
    });
    createInterface({ input: primary.stderr }).on('line', (line) => {
      stderr += line + '\n';
      stderrLines.push(line);
      onStderrLine(line);
    });
    const ready = new Promise((resolve, reject) => {
      createInterface({ input: primary.stdout }).on('line', (line) => {
        const m = /^ready (\d+) 2$/.exec(line);
        if (m !== null) resolve(Number(m[1]));
      });
      primary.once('exit', (code, signal) => reject(new Error(`the primary exited (${signal ?? code}) before it was ready: ${stderr}`)));
    });
    port = await within(20_000, ready, 'the cluster is ready');
  });

  after(async () => {
    // Normally everything has exited by now; after a failure, stop each process by its PID.
    if (primary.exitCode === null && primary.signalCode === null) {
      const exited = once(primary, 'exit');
      primary.kill('SIGKILL');
      await exited;
    }
    for (const pid of workers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if (error.code !== 'ESRCH') throw error;
      }
    }
  });

  /** Resolves with the first stderr line (already seen or to come) that matches `pattern`. */
  const stderrMatching = (pattern) => new Promise((resolve) => {
    const seen = stderrLines.find((l) => pattern.test(l));
    if (seen !== undefined) return resolve(seen);
    onStderrLine = (line) => {
      if (pattern.test(line)) resolve(line);
    };
  });

  test('both workers answer calls on the one port', async () => {
    const pids = new Set();
    // Round-robin: two connections reach two workers; a few more calls allow for a slow start.
    for (let i = 0; i < 20 && pids.size < 2; i++) pids.add(await whoami(port));
    for (const pid of pids) workers.add(pid);
    assert.equal(pids.size, 2, `only ${[...pids]} answered`);
    assert.equal(pids.has(primary.pid), false, 'the primary does not serve calls itself');
    const { message } = await rpc(port, encodeCall('echo', [{ text: 'é😀 <&>', n: 42 }]));
    assert.deepEqual(message.value, { text: 'é😀 <&>', n: 42 });
  });

  test('a killed worker is restarted, and its replacement answers on the same port', async () => {
    const [victim, survivor] = [...workers];
    const reported = stderrMatching(new RegExp(`^worker ${victim} exited \\(SIGKILL\\)$`));
    process.kill(victim, 'SIGKILL');
    await within(10_000, reported, 'the primary reports the dead worker');
    // The replacement joins the round-robin once it listens: keep calling (each call a real,
    // checked answer) until a new pid answers, within a bounded number of calls and time.
    const deadline = performance.now() + 15_000;
    let replacement;
    for (let i = 0; i < 5000 && performance.now() < deadline && replacement === undefined; i++) {
      const pid = await whoami(port);
      assert.notEqual(pid, victim, 'a call reached the killed worker');
      if (pid !== survivor) replacement = pid;
    }
    assert.ok(replacement !== undefined, 'no replacement worker answered within 15 s');
    workers.add(replacement);
    assert.equal(primary.exitCode, null, 'the primary is still running');
  });

  test('SIGTERM to the primary: a call in flight finishes, then every process exits with code 0', async () => {
    const body = Buffer.from(encodeCall('echo', ['in flight']), 'utf8');
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let text = '';
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const continued = new Promise((resolve) => {
      socket.on('data', (chunk) => {
        text += chunk.toString('utf8');
        if (text.startsWith('HTTP/1.1 100 ')) resolve();
      });
    });
    // With Expect: 100-continue, the 100 says the worker has the request in hand: it is in flight.
    socket.write(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    await within(5000, continued, '100 Continue');
    const exited = once(primary, 'exit');
    primary.kill('SIGTERM');
    // Every worker stops listening at the start of close(): once the port refuses connections,
    // the worker holding our call is shutting down. Only then is the body sent.
    await within(10_000, refused(port), 'the workers stop listening');
    socket.end(body);
    await within(10_000, closed, 'the answer to the call in flight');
    const split = text.indexOf('\r\n\r\n', text.indexOf('HTTP/1.1 200 '));
    assert.match(text, /HTTP\/1\.1 200 /, text);
    const head = text.slice(text.indexOf('HTTP/1.1 200 '), split);
    assert.match(head, /\r\nconnection: close/i, 'answered by a server that is closing');
    const answer = decodeMessage(Buffer.from(text.slice(split + 4), 'utf8'));
    assert.equal(answer.kind, 'response', JSON.stringify(answer));
    assert.equal(answer.value, 'in flight');
    const [code, signal] = await within(15_000, exited, 'the primary exits');
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `worker ${pid} is still running`);
  });
});
