// Calls a Python xmlrpc.server (fixtures/python/py_server.py) with xmlrpc-ts: the Node service of
// compose.yaml. Also run by spec-tests/interop/client-compose.test.js against a local python3.
//
//   XMLRPC_URL=http://127.0.0.1:8000/RPC2 node examples/compose/call-python.js
import { Client, Fault } from '../../dist/index.js';

const url = process.env.XMLRPC_URL ?? 'http://127.0.0.1:8000/RPC2';
const client = new Client(url, { timeout: 10_000 });

/**
 * The Python server's methods, for editors that read JSDoc (in TypeScript, pass the interface
 * to client.proxy<PythonApi>()).
 * @typedef {{
 *   add(a: number, b: number): number,
 *   echo(value: unknown): unknown,
 *   describe(value: unknown): [string, string],
 *   system: { listMethods(): string[], methodHelp(name: string): string },
 * }} PythonApi
 */
const api = /** @type {import('../../dist/index.js').RemoteApi<PythonApi>} */ (client.proxy());

try {
  const methods = await api.system.listMethods();
  console.log(`methods: ${methods.join(', ')}`);
  console.log(`add(2, 3) = ${await api.add(2, 3)}`);

  // Python reports how each of our values arrived.
  for (const value of [42, 1.5, 'héllo ✓', true, null, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), Buffer.from('bytes'), [1, 'two'], { key: 'value' }]) {
    const [type, repr] = await api.describe(value);
    console.log(`describe: ${type} ${repr}`);
  }

  // Several calls in one request; a failing call gives its Fault in its slot.
  const results = await client.multicall([
    { methodName: 'add', params: [40, 2] },
    { methodName: 'fault', params: [7, 'seven'] },
  ]);
  console.log(`multicall: ${results.map((r) => (r instanceof Fault ? `Fault(${r.faultCode}, ${r.faultString})` : JSON.stringify(r))).join(', ')}`);

  try {
    await client.call('fail', ['boom']);
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    console.log(`fault: ${error.faultCode} ${error.faultString}`);
  }
  console.log('done');
} finally {
  await client.close();
}
