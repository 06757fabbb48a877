// The compose.yaml scenario without Docker, both directions: fixtures/python/py_server.py started
// with python3; examples/compose/node-service.js calling it and then serving our calculator, as
// the Node service does; examples/compose/call-node.py calling that, as the Python client does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startPython } from './client-support.js';
import { NODE_SERVED, PYTHON_CLIENT_CALLS } from './compose-expected.js';

const NODE_SERVICE = fileURLToPath(new URL('../../examples/compose/node-service.js', import.meta.url));
const PYTHON_CLIENT = fileURLToPath(new URL('../../examples/compose/call-node.py', import.meta.url));
/** Time limits, in ms: the Node service's calls to Python before it serves, the Python client's run. */
const SERVING_LIMIT = 20_000;
const CLIENT_LIMIT = 20_000;

/**
 * Starts node-service.js; resolves once it serves, with { url, lines, stop() }: `lines` grows as it
 * prints, stop() sends SIGTERM by its PID and resolves its exit code once its output is read.
 */
function startNodeService(pythonUrl) {
  const child = spawn(process.execPath, [NODE_SERVICE], {
    env: { ...process.env, XMLRPC_URL: pythonUrl, XMLRPC_TS_HOST: '127.0.0.1', XMLRPC_TS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let stderr = '';
  let partial = '';
  // 'close', not 'exit': by then every line it printed has been read.
  const closed = once(child, 'close').then(([code, signal]) => code ?? signal, () => null);
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    return closed;
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 10_000) stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`node-service.js ${why}\n${lines.join('\n')}\n${stderr}`.trim())));
    };
    const timer = setTimeout(() => fail(`did not serve within ${SERVING_LIMIT} ms`), SERVING_LIMIT);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const line of parts) {
        lines.push(line);
        const serving = /^xmlrpc-ts calculator serving on (http:\/\/127\.0\.0\.1:\d+\/RPC2)$/.exec(line);
        if (serving) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve({ url: serving[1], lines, stop });
        }
      }
    });
    const onExit = (code, signal) => fail(`exited (${code ?? signal}) before it served`);
    child.once('exit', onExit);
    child.once('error', (error) => fail(error.message));
  });
}

/** Runs call-node.py against `url` to its end (killed by PID past CLIENT_LIMIT); resolves its stdout lines. */
function runPythonClient(url) {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [PYTHON_CLIENT, url], { timeout: CLIENT_LIMIT, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`call-node.py failed: ${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n'));
    });
    child.once('error', reject);
  });
}

describe('the Compose scenario without Docker', () => {
  let python;
  let node;
  let pythonClient;
  let nodeExit;

  before(async () => {
    python = await startPython('py_server.py', ['--host', '127.0.0.1', '--port', '0', '--threaded']);
    node = await startNodeService(`http://127.0.0.1:${python.rest}/RPC2`);
    try {
      pythonClient = await runPythonClient(node.url);
    } finally {
      nodeExit = await node.stop();
    }
  });

  after(async () => {
    await node?.stop();
    await python?.stop();
  });

  describe('Node -> Python: node-service.js calls py_server.py', () => {
    const has = (line) => assert.ok(node.lines.includes(line), `no ${JSON.stringify(line)} in:\n${node.lines.join('\n')}`);

    test('it lists the Python methods, the calculator among them', () => {
      assert.match(node.lines[0], /^methods: add, describe, divide, echo, .*multiply, .*subtract, system\.listMethods, .*system\.multicall\b/);
    });
    test('the calculator answers, and dividing by zero is a Fault', () => {
      for (const line of ['add(2, 3) = 5', 'subtract(7, 2) = 5', 'multiply(6, 7) = 42', 'divide(7, 2) = 3.5', 'divide(1, 0) -> Fault 1: division by zero']) has(line);
    });
    test('every value type arrives as Python\'s type and echoes back unchanged', () => {
      for (const line of ['describe: datetime datetime.datetime(2024, 1, 2, 3, 4, 5)', "describe: bytes b'bytes'", "describe: str 'héllo ✓'", 'describe: NoneType None',
        'echo: 9 of 9 values came back unchanged']) has(line);
    });
    test('multicall and Python\'s faults', () => {
      has('multicall: 42, Fault(7, seven)');
      has("fault: 1 <class 'ValueError'>:boom");
    });
  });

  describe('Python -> Node: call-node.py calls the calculator node-service.js serves', () => {
    test("Python's xmlrpc.client gets our answers, faults and multicall included", () => {
      assert.deepEqual(pythonClient.slice(1), PYTHON_CLIENT_CALLS);
      assert.match(pythonClient[0], /^Python client -> system\.listMethods\(\) = calc\.add, calc\.divide, calc\.multiply, calc\.subtract, system\./);
    });
    test('the Node service printed each call it answered, and stopped on SIGTERM with exit code 0', () => {
      assert.deepEqual(node.lines.filter((l) => l.startsWith('served ')), NODE_SERVED);
      assert.equal(nodeExit, 0);
    });
  });
});
