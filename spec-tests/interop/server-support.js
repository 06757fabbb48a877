// Runs the Python client scripts of fixtures/python against our server, for the server interop tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, basicAuth, currentCall, Fault } from 'xmlrpc-ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/python/', import.meta.url));

/**
 * Spawns `python3 fixtures/python/<script> ...args`, which runs its checks and prints one JSON
 * line. Returns { pid, kill, results } where `results` resolves with the parsed JSON when the
 * process exits (rejects with its stderr if it fails), and `kill()` ends it by its PID.
 */
export function runPythonChecks(script, args) {
  const child = spawn('python3', [FIXTURES + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  const results = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}: ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
      } catch (error) {
        reject(new Error(`${script} printed no JSON (${error.message}): ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  return { pid: child.pid, kill, results };
}

/** How a decoded value looks to the server, as text Python can compare. */
function describeJs(v) {
  if (v === null) return 'nil';
  if (typeof v === 'bigint') return `i8 ${v}`;
  if (typeof v === 'number') return `number ${Object.is(v, -0) ? '-0' : String(v)}`;
  if (typeof v === 'string' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (v instanceof Date) return `Date ${v.toISOString()}`;
  if (v instanceof Uint8Array) return `bytes ${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return `array [${v.map(describeJs).join(', ')}]`;
  if (typeof v === 'object') return `struct {${Object.entries(v).map(([k, x]) => `${k}: ${describeJs(x)}`).join(', ')}}`;
  return `other ${typeof v}`;
}

class Calc {
  add(a, b) {
    return a + b;
  }
  sub(a, b) {
    return a - b;
  }
  _secret() {
    return 'hidden';
  }
}

/**
 * The two servers fixtures/python/py_client_server_checks.py calls (directly and in Docker):
 * everything on one, Basic auth (alice / s3cret) on the other. Started servers go into `servers`.
 */
export async function startCheckServers(servers) {
  const server = createServer();
  servers.push(server);
  let connections = 0;
  server.addMethod('echo', (x) => x);
  server.addMethod('nothing', () => null);
  server.addMethod('bigint', () => 2n ** 40n);
  server.addMethod('allTypes', () => ({
    int: 7, double: 2.5, bool: true, string: 'ü<&>', nil: null, i8: 2n ** 40n,
    date: new Date(Date.UTC(1998, 6, 17, 14, 8, 55)), base64: Buffer.from([1, 2, 3]), array: [1, 'x'], struct: { a: 1 },
  }));
  server.addMethod('describe', describeJs);
  server.addMethod('boom', () => {
    throw new Error('kaboom');
  });
  server.addMethod('failWith', (code, text) => {
    throw new Fault(code, text);
  });
  server.addMethod('unencodable', () => ({ list: [1, () => 0] }));
  server.addMethods(new Calc(), { prefix: 'calc', signatures: { add: ['int', 'int', 'int'] }, help: { add: 'Adds two integers.' } });
  server.addMethod('bigText', (n) => 'x'.repeat(n));
  server.addMethod('requestEncoding', (text) => [currentCall().headers['content-encoding'] ?? 'identity', text.length]);
  server.addMethod('connectionCount', () => connections);
  server.addMethod('userAgent', () => currentCall().headers['user-agent']);
  server.mount('/admin').addMethod('admin.ping', () => 'pong');
  const { port } = await server.listen(0, '127.0.0.1');
  server.httpServer.on('connection', () => connections++);

  const secured = createServer({ authenticate: basicAuth({ alice: 's3cret' }) });
  servers.push(secured);
  secured.addMethod('whoami', () => currentCall().user);
  const auth = await secured.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/`, authUrl: `http://127.0.0.1:${auth.port}/` };
}
