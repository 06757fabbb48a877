// deploy/nginx/nginx.conf, run for real: nginx (from Debian) in front of three server processes,
// on 127.0.0.1 only, as the current user, from a temporary prefix. Skipped when nginx is absent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, HttpError } from 'xmlrpc-ts';
import { within } from './support.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const DEPLOY = here('../../deploy/nginx/');
const probe = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
const missing = probe.error?.code === 'ENOENT'
  ? 'nginx is not installed (Debian: apt-get install -y nginx); the nginx configuration is not tested'
  : false;

/** Starts a backend process and resolves with { child, port } on its ready line. */
function startBackend() {
  const child = spawn(process.execPath, [here('backend.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return within(10_000, new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^ready (\d+)$/.exec(line);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`backend exited (${code}) before it was ready: ${stderr}`)));
  }), 'backend start');
}

/** A port free right now on 127.0.0.1 (nginx cannot report the port it got for :0). */
async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Stops a child by its PID: SIGTERM, then SIGKILL if it is still there after `ms`. */
async function stop(child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** deploy/nginx/nginx.conf with the test's backend and listen addresses. */
function renderConfig(listenPort, backendPorts) {
  const conf = readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8');
  const servers = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/gm;
  const lines = [...conf.matchAll(servers)];
  assert.ok(lines.length > 0, 'no backend server lines in nginx.conf');
  const [indent, extra = ''] = [lines[0][1], lines[0][2]];
  let out = conf.replace(servers, (line, _i, _e, offset) =>
    offset === lines[0].index ? backendPorts.map((p) => `${indent}server 127.0.0.1:${p}${extra};\n`).join('') : '');
  assert.match(out, /listen 127\.0\.0\.1:\d+;/);
  out = out.replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${listenPort};`);
  return out;
}

describe('nginx in front of three server processes (deploy/nginx)', { skip: missing }, () => {
  let prefix;
  let nginx;
  let port;
  const backends = [];
  let nginxLog = '';

  before(async () => {
    backends.push(...(await Promise.all([startBackend(), startBackend(), startBackend()])));
    prefix = mkdtempSync(path.join(os.tmpdir(), 'xmlrpc-nginx-'));
    mkdirSync(path.join(prefix, 'logs'));
    mkdirSync(path.join(prefix, 'temp'));
    port = await freePort();
    writeFileSync(path.join(prefix, 'nginx.conf'), renderConfig(port, backends.map((b) => b.port)));
    copyFileSync(path.join(DEPLOY, 'xmlrpc-proxy.conf'), path.join(prefix, 'xmlrpc-proxy.conf'));
    const pidFile = path.join(prefix, 'nginx.pid');
    // As root, nginx would hand its workers to "nobody"; keep them the current user.
    const user = process.getuid?.() === 0 ? ` user ${os.userInfo().username};` : '';
    // nginx writes its pid file once its listening sockets are open: that is the ready event.
    const ready = new Promise((resolve) => {
      const watcher = watch(prefix, () => {
        if (existsSync(pidFile)) {
          watcher.close();
          resolve();
        }
      });
    });
    nginx = spawn('nginx', ['-p', prefix + '/', '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs/error.log'),
      '-g', `daemon off; pid ${pidFile};${user}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout.on('data', (c) => (nginxLog += c));
    nginx.stderr.on('data', (c) => (nginxLog += c));
    const died = once(nginx, 'exit').then(([code]) => {
      const log = existsSync(path.join(prefix, 'logs/error.log')) ? readFileSync(path.join(prefix, 'logs/error.log'), 'utf8') : '';
      throw new Error(`nginx exited (${code}): ${nginxLog}${log}`);
    });
    await within(10_000, Promise.race([ready, died]), 'nginx start');
  });

  after(async () => {
    if (nginx !== undefined) await stop(nginx);
    await Promise.all(backends.map((b) => stop(b.child)));
    if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
  });

  const client = (options) => new Client(`http://127.0.0.1:${port}/RPC2`, { connections: 4, ...options });
  const alive = () => backends.filter((b) => b.child.exitCode === null && b.child.signalCode === null);

  test('calls go through and are spread over every backend', async () => {
    const c = client();
    try {
      const count = new Map();
      for (let i = 0; i < 60; i++) {
        const pid = await c.call('whoami');
        count.set(pid, (count.get(pid) ?? 0) + 1);
        assert.deepEqual(await c.call('echo', [{ i, text: 'é😀 <&>' }]), { i, text: 'é😀 <&>' });
      }
      assert.deepEqual([...count.keys()].sort(), backends.map((b) => b.child.pid).sort());
      for (const [pid, n] of count) assert.ok(n >= 10, `backend ${pid} got only ${n} of 60 calls`);
    } finally {
      await c.close();
    }
  });

  test('a body within client_max_body_size passes; a bigger one gets 413 from nginx', async () => {
    const c = client();
    try {
      const big = 'x'.repeat(2 * 2 ** 20);
      assert.equal((await c.call('echo', [big])).length, big.length);
      const error = await c.call('echo', ['x'.repeat(11 * 2 ** 20)]).catch((e) => e);
      assert.ok(error instanceof HttpError, `${error}`);
      assert.equal(error.status, 413);
    } finally {
      await c.close();
    }
  });

  test('a backend that is down: calls go to the others (safe: they never reached it)', async () => {
    const victim = backends[0];
    victim.child.kill('SIGKILL');
    await once(victim.child, 'exit');
    const c = client();
    try {
      const seen = new Set();
      for (let i = 0; i < 30; i++) seen.add(await c.call('whoami'));
      assert.equal(seen.has(victim.child.pid), false);
      assert.equal(seen.size, 2);
    } finally {
      await c.close();
    }
  });

  test('a backend that fails after the call reached it: 502, and the call is not replayed on another', async () => {
    const before = alive().length;
    // Listen for the exit before the call: the backend may be gone before the 502 arrives.
    const firstExit = Promise.race(alive().map((b) => once(b.child, 'exit').then(() => b)));
    const c = client();
    try {
      const error = await c.call('die').catch((e) => e);
      assert.ok(error instanceof HttpError, `${error}`);
      assert.equal(error.status, 502);
      // Had nginx passed the POST on, the next backend would have died too.
      const exits = await within(5000, firstExit, 'the backend exits');
      assert.equal(exits.child.exitCode, 3);
      assert.equal(alive().length, before - 1);
      const survivor = alive()[0].child.pid;
      assert.equal(await c.call('whoami'), survivor);
    } finally {
      await c.close();
    }
  });
});

test('the nginx test runs (or says why not)', (t) => {
  if (missing) t.diagnostic(missing);
  assert.ok(missing === false || typeof missing === 'string');
});
