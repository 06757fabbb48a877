// Helpers for the CLI tests: run the built CLI with a time limit, start the Python fixture
// server and `xmlrpc serve`, each killed by its PID.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/cli/', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/bundle/cli.cjs', import.meta.url));

/** Longest one CLI run may take before it is killed (and the test fails). */
const RUN_LIMIT_MS = 15_000;

/**
 * Runs `node dist/bundle/cli.cjs ...args` and resolves with { code, stdout, stderr, signal }.
 * `input` (string or Buffer) is written to its stdin; without it stdin is closed at once.
 */
export function xmlrpc(args, { input, cwd = ROOT, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: RUN_LIMIT_MS,
      killSignal: 'SIGKILL',
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout: stdout.toString('utf8'), stdoutBytes: stdout, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything
    child.stdin.end(input);
  });
}

/** Runs the CLI and parses its stdout as JSON; fails with the CLI's stderr if it is not JSON. */
export async function xmlrpcJson(args, options) {
  const result = await xmlrpc(args, options);
  try {
    return { ...result, json: JSON.parse(result.stdout) };
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/**
 * Spawns a long-running process and resolves once a stdout line matches `ready`, with
 * { match, pid, stop(), stderr() }. Rejects if the process exits first.
 */
function startProcess(command, args, ready, what) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    if (stderr.length < 20_000) stderr += c;
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    process.kill(child.pid, 'SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    const onData = (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const match = ready.exec(line);
        if (match !== null) {
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          resolve({ match, pid: child.pid, stop, stderr: () => stderr, stdoutSoFar: buffered });
          return;
        }
      }
    };
    const onExit = (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before it was ready: ${stderr}`));
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

/** Starts fixtures/cli/py_server.py; resolves with { url, port, stop }. */
export async function startPython() {
  const p = await startProcess('python3', [FIXTURES + 'py_server.py'], /^READY (\d+)$/, 'py_server.py');
  const port = Number(p.match[1]);
  return { ...p, port, url: `http://127.0.0.1:${port}/RPC2` };
}

/** Starts `xmlrpc serve MODULE --port 0 --host 127.0.0.1 ...extra`; resolves with { url, stop, ... }. */
export async function startServe(module, extra = []) {
  const p = await startProcess(process.execPath, [MAIN, 'serve', module, '--port', '0', '--host', '127.0.0.1', ...extra], /^Listening on (\S+)$/, 'xmlrpc serve');
  return { ...p, url: p.match[1] };
}

/**
 * Starts `xmlrpc serve MODULE --json --port 0 --host 127.0.0.1`, ready once it printed its JSON
 * line; resolves with { line, url, stop, ... } (`line` is that line as printed).
 */
export async function startServeJson(module) {
  const p = await startProcess(process.execPath, [MAIN, 'serve', module, '--json', '--port', '0', '--host', '127.0.0.1'], /^\{.*\}$/, 'xmlrpc serve --json');
  return { ...p, line: p.match[0], url: JSON.parse(p.match[0]).url };
}

/** The request bodies (XML) that `--trace` printed on stderr, in order. */
export function tracedRequests(stderr) {
  return stderr.split('\n').filter((line) => line.startsWith('<?xml') && line.includes('<methodCall>'));
}

/**
 * Type-checks a generated interface the way a user would: `api.ts` (the codegen output) and
 * `use.ts` (lines that use it) in a fresh project under `project`, where `xmlrpc-ts` resolves to
 * this package, compiled by `tsc --strict`. Rejects with tsc's output.
 */
export async function typeCheckGenerated(project, api, useLines) {
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules', 'xmlrpc-ts'), 'dir');
  writeFileSync(join(project, 'package.json'), '{"type": "module"}');
  writeFileSync(join(project, 'api.ts'), api);
  writeFileSync(join(project, 'use.ts'), [...useLines, ''].join('\n'));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
    files: ['api.ts', 'use.ts'],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', project], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tsc failed: ${stdout}${stderr}\n${api}`));
      else resolve();
    });
  });
}
