// The demo of `npm run demo`: an xmlrpc-ts calculator server started and called through the
// typed proxy, then the same client calling Python's xmlrpc.server, and Python's
// xmlrpc.client calling our server. Everything runs on 127.0.0.1 and stops by itself.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, Fault, createServer } from 'xmlrpc-ts';
import { addCalculator } from './calculator.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// 1. Our server: a calculator with signatures and help for introspection (examples/calculator.js).
const server = addCalculator(createServer());
const { port } = await server.listen(0, '127.0.0.1');
const url = `http://127.0.0.1:${port}/RPC2`;
console.log(`xmlrpc-ts server listening on ${url}`);

// 2. Our client, through the proxy: remote methods read like local ones.
const client = new Client(url);
const api = client.proxy();
console.log('calc.add(2, 3)          =', await api.calc.add(2, 3));
console.log('calc.divide(7, 2)       =', await api.calc.divide(7, 2));
console.log('system.listMethods()    =', (await api.system.listMethods()).join(', '));
console.log('system.methodHelp(add)  =', await api.system.methodHelp('calc.add'));
const batch = await client.multicall([
  { methodName: 'calc.multiply', params: [6, 7] },
  { methodName: 'calc.divide', params: [1, 0] },
]);
// Each slot holds a value or the Fault of that call; the batch itself succeeded.
console.log('multicall               =', batch.map((r) => (r instanceof Fault ? `Fault ${r.faultCode}: ${r.faultString}` : r)));
try {
  await api.calc.divide(1, 0);
} catch (e) {
  if (!(e instanceof Fault)) throw e;
  console.log(`calc.divide(1, 0)       -> Fault ${e.faultCode}: ${e.faultString}`);
}
await client.close();

// 3. Python, both ways, when python3 is installed.
const python = await new Promise((resolve) => {
  const probe = spawn('python3', ['--version'], { stdio: 'ignore' });
  probe.on('error', () => resolve(false));
  probe.on('exit', (code) => resolve(code === 0));
});
if (!python) {
  console.log('python3 is not installed: the Python half of the demo is skipped');
} else {
  const py = spawn('python3', [here('../fixtures/python/py_server.py'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pyPort = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Python server did not start within 10 s')), 10_000);
      createInterface({ input: py.stdout }).on('line', (line) => {
        const m = /^READY (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      py.on('exit', (code) => reject(new Error(`the Python server exited with ${code}`)));
    });
    const pyClient = new Client(`http://127.0.0.1:${pyPort}/RPC2`);
    const pyApi = pyClient.proxy();
    console.log(`Python server on port ${pyPort}: echo ->`, await pyApi.echo({ id: 7n, when: new Date(Date.UTC(1998, 6, 17, 14, 8, 55)), bytes: Buffer.from('hi') }));
    console.log('Python server methods:', (await pyApi.system.listMethods()).length, 'methods');
    await pyClient.close();

    const script = [
      'import sys, xmlrpc.client',
      'p = xmlrpc.client.ServerProxy(sys.argv[1])',
      'print("Python client -> calc.add(40, 2) =", p.calc.add(40, 2))',
      'print("Python client -> calc.multiply(1.5, 4.0) =", p.calc.multiply(1.5, 4.0))',
    ].join('\n');
    await new Promise((resolve, reject) => {
      const child = spawn('python3', ['-c', script, url], { stdio: ['ignore', 'inherit', 'inherit'] });
      const timer = setTimeout(() => child.kill(), 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        code === 0 ? resolve() : reject(new Error(`the Python client exited with ${code}`));
      });
    });
  } finally {
    py.kill();
  }
}

await server.close();
console.log('done');
