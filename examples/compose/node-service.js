// The Node service of compose.yaml, both directions with xmlrpc-ts: first it calls the Python
// service (call-python.js), then it serves the calculator (examples/calculator.js) to the Python
// client service (call-node.py), printing every call it answers, until it gets SIGTERM (what
// `docker compose` sends to stop it) or SIGINT.
//
//   XMLRPC_URL=http://127.0.0.1:8000/RPC2 XMLRPC_TS_HOST=127.0.0.1 XMLRPC_TS_PORT=8001 \
//     node examples/compose/node-service.js
import { createServer } from 'xmlrpc-ts';
import { addCalculator } from '../calculator.js';
import { callPython } from './call-python.js';

const pythonUrl = process.env.XMLRPC_URL ?? 'http://127.0.0.1:8000/RPC2';
// In Compose's own network the Python client reaches us by the service name: listen on all of
// the container's addresses there; 127.0.0.1 when the container shares the host's network.
const host = process.env.XMLRPC_TS_HOST ?? '127.0.0.1';
const port = Number(process.env.XMLRPC_TS_PORT ?? 8001);

await callPython(pythonUrl);

const server = addCalculator(createServer(), (call) => console.log(`served ${call}`));
const address = await server.listen(port, host);
console.log(`xmlrpc-ts calculator serving on http://${host}:${address.port}/RPC2`);

// A process that is PID 1 in a container has no default signal handlers: stop on the signal.
const stop = () => server.close();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
