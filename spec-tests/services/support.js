// Real daemons for the service tests: supervisord and aria2 from Debian, each started in a scratch
// directory on a free loopback port, waited for by polling its socket (bounded in count and time),
// and stopped by its PID. Without the daemon the suites skip with the reason, unless
// XMLRPC_TS_SERVICES=required (CI), where a missing daemon fails them instead.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** True when XMLRPC_TS_SERVICES=required (CI): a missing daemon fails the suites instead of skipping them. */
export const SERVICES_REQUIRED = process.env.XMLRPC_TS_SERVICES === 'required';

/** Longest a daemon may take to answer after it was started. */
const READY_LIMIT_MS = 15_000;
/** Pause between two readiness probes. */
const PROBE_INTERVAL_MS = 50;

/**
 * Why `command` cannot run here (with the Debian package that gives it), or undefined. With
 * XMLRPC_TS_SERVICES=required the reason is thrown instead, so the test file fails.
 */
export function unavailable(command, debianPackage, versionArgs = ['--version']) {
  let reason;
  try {
    execFileSync(command, versionArgs, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    reason = `${command} is not installed (apt-get install ${debianPackage})`;
  }
  if (reason !== undefined && SERVICES_REQUIRED) throw new Error(`XMLRPC_TS_SERVICES=required, but ${reason}`);
  return reason;
}

/** A TCP port free on 127.0.0.1 right now: bound on port 0, then released for the daemon. */
export async function freePort() {
  const server = net.createServer();
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once a connection to `target` ({ port, host } or { path }) is accepted. */
function canConnect(target) {
  return new Promise((resolve) => {
    const socket = net.connect(target);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls until every target accepts connections, at most READY_LIMIT_MS and a bounded number of
 * probes; rejects early when the child exits.
 */
async function waitForSockets(child, targets, what, logs) {
  let exited;
  child.once('exit', (code, signal) => {
    exited = code ?? signal;
  });
  const deadline = Date.now() + READY_LIMIT_MS;
  for (let probe = 0; probe < READY_LIMIT_MS / PROBE_INTERVAL_MS; probe++) {
    if (exited !== undefined) throw new Error(`${what} exited (${exited}) before it was ready\n${logs()}`);
    const ready = await Promise.all(targets.map(canConnect));
    if (ready.every(Boolean)) return;
    if (Date.now() > deadline) break;
    await delay(PROBE_INTERVAL_MS);
  }
  await stopChild(child);
  throw new Error(`${what} did not accept connections within ${READY_LIMIT_MS} ms\n${logs()}`);
}

/** SIGTERM by PID, SIGKILL after a grace period; resolves when the child has exited. */
export function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    process.kill(child.pid, 'SIGTERM');
  });
}

/** Spawns a daemon in the foreground, keeping the first 20 kB of its output for error messages. */
function spawnDaemon(command, args, cwd) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    if (output.length < 20_000) output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  return { child, logs: () => output };
}

/** The user and password of the scratch supervisord's TCP port. */
export const SUPERVISOR_AUTH = Object.freeze({ username: 'admin', password: 's3cr3t' });

/**
 * Starts supervisord with a scratch config in `dir`: a Unix socket (no auth, mode 0700, as
 * Debian's) and an inet port on 127.0.0.1 with Basic auth, and two idle programs: `web`
 * (started) and `worker` (not started). Resolves with { pid, socket, port, url, stop() }.
 */
export async function startSupervisord(dir) {
  const port = await freePort();
  const socket = join(dir, 'supervisor.sock');
  const config = join(dir, 'supervisord.conf');
  writeFileSync(config, [
    '[unix_http_server]', `file=${socket}`, 'chmod=0700', '',
    '[inet_http_server]', `port=127.0.0.1:${port}`, `username=${SUPERVISOR_AUTH.username}`, `password=${SUPERVISOR_AUTH.password}`, '',
    '[supervisord]', `logfile=${join(dir, 'supervisord.log')}`, `pidfile=${join(dir, 'supervisord.pid')}`, `childlogdir=${dir}`, 'nodaemon=true', '',
    '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
    // startsecs=0: RUNNING at once, so startProcess(name, wait) returns without a pause.
    '[program:web]', 'command=sleep 1000', 'startsecs=0', '',
    '[program:worker]', 'command=sleep 1000', 'autostart=false', 'startsecs=0', '',
  ].join('\n'));
  const { child, logs } = spawnDaemon('supervisord', ['-n', '-c', config], dir);
  await waitForSockets(child, [{ path: socket }, { host: '127.0.0.1', port }], 'supervisord', logs);
  return { pid: child.pid, socket, port, url: `http://127.0.0.1:${port}/RPC2`, stop: () => stopChild(child) };
}

/** The secret of the scratch aria2's RPC. */
export const ARIA2_SECRET = 's3cr3t';

/**
 * Starts `aria2c --enable-rpc` on a free loopback port with a secret token, downloading into
 * `dir`, with no config file, DHT or peer-to-peer listening. Resolves with { pid, port, url, stop() }.
 */
export async function startAria2(dir) {
  const port = await freePort();
  const { child, logs } = spawnDaemon('aria2c', [
    '--enable-rpc', '--rpc-listen-all=false', `--rpc-listen-port=${port}`, `--rpc-secret=${ARIA2_SECRET}`,
    '--no-conf', `--dir=${dir}`, '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--disable-ipv6=true', '--check-certificate=false', '--console-log-level=warn',
  ], dir);
  await waitForSockets(child, [{ host: '127.0.0.1', port }], 'aria2c', logs);
  return { pid: child.pid, port, url: `http://127.0.0.1:${port}/rpc`, stop: () => stopChild(child) };
}
