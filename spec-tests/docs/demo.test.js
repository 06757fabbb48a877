// `npm run demo` (examples/demo.mjs) prints what the README's block after "`npm run demo` prints
// something like:" shows, line for line, once what varies from run to run is normalised: the
// ports, and the number of methods the Python test server (fixtures/python/py_server.py) has.
// So the README block cannot rot. Needs dist/ (`npm test` builds it first) and python3.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long the demo may run before it is killed (it takes about a second). */
const DEMO_LIMIT = 30_000;

/** The lines of the fenced block that follows the README's "`npm run demo` prints" sentence. */
function readmeDemoBlock() {
  const lines = readFileSync(`${ROOT}README.md`, 'utf8').split('\n');
  const intro = lines.findIndex((l) => l.includes('`npm run demo` prints'));
  assert.ok(intro >= 0, 'README.md has no "`npm run demo` prints" sentence');
  const open = lines.findIndex((l, i) => i > intro && l.startsWith('```'));
  const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
  assert.ok(open > intro && close > open, 'no fenced block after the "`npm run demo` prints" sentence');
  return lines.slice(open + 1, close);
}

/** Ports and the Python server's method count replaced by placeholders. */
function normalise(line) {
  return line
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\bport \d+\b/g, 'port <port>')
    .replace(/^(Python server methods: )\d+( methods)$/, '$1<n>$2');
}

/**
 * Runs examples/demo.mjs to its end; resolves { code, stdout, stderr }. It runs in its own process
 * group, so on timeout the group (the demo and the Python processes it started) is killed by the
 * demo's PID.
 */
function runDemo() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['examples/demo.mjs'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, DEMO_LIMIT);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`the demo did not end within ${DEMO_LIMIT} ms and was killed\n${stdout}\n${stderr}`));
      else resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

describe('npm run demo prints what the README shows', () => {
  let demo;
  before(async () => {
    demo = await runDemo();
  });

  test('the demo ends by itself with exit code 0 and nothing on stderr', () => {
    assert.equal(demo.code, 0, demo.stderr);
    assert.equal(demo.stderr, '');
  });

  test("its output is the README block's, line for line, ports and the method count aside", () => {
    const expected = readmeDemoBlock().map(normalise);
    const printed = demo.stdout.trimEnd().split('\n').map(normalise);
    assert.ok(expected.length >= 10, `the README block has only ${expected.length} lines`);
    assert.deepEqual(printed, expected);
  });

  test('the ports it prints are two real, different ones', () => {
    const [, ourPort] = /^xmlrpc-ts server listening on http:\/\/127\.0\.0\.1:(\d+)\/RPC2$/m.exec(demo.stdout) ?? [];
    const [, pythonPort] = /^Python server on port (\d+): /m.exec(demo.stdout) ?? [];
    for (const port of [ourPort, pythonPort]) assert.ok(Number(port) > 0 && Number(port) < 65536, demo.stdout);
    assert.notEqual(ourPort, pythonPort);
  });
});
