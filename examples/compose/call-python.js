// Calls a Python xmlrpc.server (fixtures/python/py_server.py: the calculator and an echo of every
// value type) with xmlrpc-ts: the first half of compose.yaml's Node service (node-service.js).
// Also runs alone:
//
//   XMLRPC_URL=http://127.0.0.1:8000/RPC2 node examples/compose/call-python.js
import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Client, Fault } from 'xmlrpc-ts';

/**
 * The Python server's methods, for editors that read JSDoc (in TypeScript, pass the interface
 * to client.proxy<PythonApi>()).
 * @typedef {{
 *   add(a: number, b: number): number,
 *   subtract(a: number, b: number): number,
 *   multiply(a: number, b: number): number,
 *   divide(a: number, b: number): number,
 *   echo(value: unknown): unknown,
 *   describe(value: unknown): [string, string],
 *   system: { listMethods(): string[], methodHelp(name: string): string },
 * }} PythonApi
 */

/** One value of each XML-RPC type (and nil, which Python's allow_none accepts). */
const VALUES = [42, 1.5, 'héllo ✓', true, null, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), new TextEncoder().encode('bytes'), [1, 'two'], { key: 'value' }];

/** Calls the Python server at `url` and prints, line by line, what it answered. */
export async function callPython(url) {
  const client = new Client(url, { timeoutMs: 10_000 });
  const api = /** @type {import('xmlrpc-ts').RemoteApi<PythonApi>} */ (client.proxy());
  try {
    const methods = await api.system.listMethods();
    console.log(`methods: ${methods.join(', ')}`);

    // The calculator; dividing by zero is a Fault from Python.
    console.log(`add(2, 3) = ${await api.add(2, 3)}`);
    console.log(`subtract(7, 2) = ${await api.subtract(7, 2)}`);
    console.log(`multiply(6, 7) = ${await api.multiply(6, 7)}`);
    console.log(`divide(7, 2) = ${await api.divide(7, 2)}`);
    try {
      await api.divide(1, 0);
    } catch (error) {
      if (!(error instanceof Fault)) throw error;
      console.log(`divide(1, 0) -> Fault ${error.faultCode}: ${error.faultString}`);
    }

    // Python reports how each of our values arrived, and echoes each one back.
    for (const value of VALUES) {
      const [type, repr] = await api.describe(value);
      console.log(`describe: ${type} ${repr}`);
    }
    let same = 0;
    for (const value of VALUES) if (isDeepStrictEqual(await api.echo(value), value)) same += 1;
    console.log(`echo: ${same} of ${VALUES.length} values came back unchanged`);

    // Several calls in one request; a failing call gives its Fault in its slot.
    const results = await client.multicall([
      { methodName: 'add', params: [40, 2] },
      { methodName: 'fault', params: [7, 'seven'] },
    ]);
    console.log(`multicall: ${results.map((r) => (r instanceof Fault ? `Fault(${r.faultCode}, ${r.faultString})` : JSON.stringify(r))).join(', ')}`);

    // An exception in a Python method is faultCode 1 with the exception's class and message.
    try {
      await client.call('fail', ['boom']);
    } catch (error) {
      if (!(error instanceof Fault)) throw error;
      console.log(`fault: ${error.faultCode} ${error.faultString}`);
    }
    console.log('done calling Python');
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await callPython(process.env.XMLRPC_URL ?? 'http://127.0.0.1:8000/RPC2');
}
