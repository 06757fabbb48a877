// compose.yaml's health check of the Node service: exits 0 once the xmlrpc-ts server at the URL
// given answers system.listMethods, 1 otherwise.
//
//   node examples/compose/healthcheck.js http://127.0.0.1:8001/RPC2
import { Client } from 'xmlrpc-ts';

const client = new Client(process.argv[2] ?? 'http://127.0.0.1:8001/RPC2', { timeoutMs: 2_000 });
try {
  await client.call('system.listMethods');
} catch {
  process.exitCode = 1;
} finally {
  await client.close();
}
