// The compose.yaml scenario without Docker: fixtures/python/py_server.py started with python3,
// then examples/compose/call-python.js run against it as the Node service would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPython } from './client-support.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/compose/call-python.js', import.meta.url));
let python;

before(async () => {
  python = await startPython('py_server.py', ['--host', '127.0.0.1', '--port', '0', '--threaded']);
});

after(async () => {
  await python?.stop();
});

test('the Compose example calls the Python server and prints what Python received', async () => {
  let child;
  let stdout;
  try {
    stdout = await new Promise((resolve, reject) => {
      child = execFile(process.execPath, [EXAMPLE], {
        env: { ...process.env, XMLRPC_URL: `http://127.0.0.1:${python.rest}/RPC2` },
        timeout: 20_000,
      }, (error, out, err) => (error ? reject(new Error(`the example failed: ${error.message}\n${err}`)) : resolve(out)));
    });
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
  }
  const lines = stdout.trim().split('\n');
  assert.match(lines[0], /^methods: .*\badd\b.*system\.multicall/);
  assert.ok(lines.includes('add(2, 3) = 5'));
  assert.ok(lines.includes('describe: datetime datetime.datetime(2024, 1, 2, 3, 4, 5)'));
  assert.ok(lines.includes("describe: bytes b'bytes'"));
  assert.ok(lines.includes("describe: str 'héllo ✓'"));
  assert.ok(lines.includes('multicall: 42, Fault(7, seven)'));
  assert.ok(lines.includes("fault: 1 <class 'ValueError'>:boom"));
  assert.equal(lines.at(-1), 'done');
});
