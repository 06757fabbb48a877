// What a contract costs: calls per second of
// - the server: `implement(contract, …)` against `addMethod` for the same echo, through
//   `dispatcher.dispatch(body)` (no sockets, so the overhead is not drowned in network time);
// - the client: `client.proxy(contract)` against `client.proxy<T>()`, calling a node:http server in
//   this process that answers a precomputed response (both variants pay for it alike);
// on the small (one record) and medium (68 records) echo payloads of bench/client/payloads.js.
// Calls per CPU-second of this process (the machine may be shared); the variants take turns run
// by run; each cell is the median of the runs.
// Usage: node bench/contract/overhead.js [--seconds 1] [--runs 5] [--only server|client]
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import { Client, XmlRpcDispatcher, decodeResponse, encodeCall, encodeResponse } from 'xmlrpc-ts';
import { defineContract, rpc } from 'xmlrpc-ts/contract';
import { medium, small } from '../client/payloads.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const SECONDS = option('seconds', 1);
const RUNS = option('runs', 5);
// --only server or --only client measures one side.
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const record = rpc.struct({
  id: rpc.int, name: rpc.string, email: rpc.string, active: rpc.boolean,
  balance: rpc.double, tags: rpc.arrayOf(rpc.string), created: rpc.dateTime,
});
const contract = defineContract({
  'echo.small': { params: [record], result: record },
  'echo.medium': { params: [rpc.arrayOf(record)], result: rpc.arrayOf(record) },
});
const PAYLOADS = { small, medium };

/**
 * Runs `call` in a loop for `ms`; returns calls per CPU-second of this process. CPU time, not
 * wall time: the machine is shared, and another process's load must not count as our cost.
 */
async function measure(call, ms) {
  const deadline = performance.now() + ms;
  const cpu = process.cpuUsage();
  let count = 0;
  while (performance.now() < deadline) {
    await call();
    count++;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function compare(label, variants) {
  const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const call of Object.values(variants)) await measure(call, 300); // warm-up
  for (let run = 0; run < RUNS; run++) {
    for (const [name, call] of Object.entries(variants)) results[name].push(await measure(call, SECONDS * 1000));
  }
  const [plain, checked] = Object.keys(variants).map((k) => median(results[k]));
  return { label, plain, checked, ratio: checked / plain };
}

const rows = [];

// Server: the same handler registered plainly and through the contract.
const plainServer = new XmlRpcDispatcher();
const contractServer = new XmlRpcDispatcher();
for (const size of ['small', 'medium']) plainServer.addMethod(`echo.${size}`, (v) => v);
contractServer.implement(contract, { 'echo.small': (v) => v, 'echo.medium': (v) => v });
for (const size of ONLY === 'client' ? [] : ['small', 'medium']) {
  const body = encodeCall(`echo.${size}`, [PAYLOADS[size]]);
  const a = await plainServer.dispatch(body);
  const b = await contractServer.dispatch(body);
  // Equal values; the texts differ where a whole-number balance is written <double> as declared.
  assert.deepEqual(decodeResponse(b), decodeResponse(a), `the two servers answer ${size} differently`);
  rows.push(await compare(`server ${size}: implement vs addMethod`, {
    addMethod: () => plainServer.dispatch(body),
    implement: () => contractServer.dispatch(body),
  }));
}

// Client: a server answering the precomputed echo.
const answers = { small: encodeResponse(small), medium: encodeResponse(medium) };
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    const size = Buffer.concat(chunks).includes('echo.medium') ? 'medium' : 'small';
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(answers[size]);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = new Client(`http://127.0.0.1:${server.address().port}/RPC2`);
const unchecked = client.proxy();
const checked = client.proxy(contract);
for (const size of ONLY === 'server' ? [] : ['small', 'medium']) {
  rows.push(await compare(`client ${size}: proxy(contract) vs proxy<T>()`, {
    'proxy<T>()': () => unchecked.echo[size](PAYLOADS[size]),
    'proxy(contract)': () => checked.echo[size](PAYLOADS[size]),
  }));
}
await client.close();
await new Promise((resolve) => server.close(resolve));

console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}; median of ${RUNS} runs of ${SECONDS} s, variants taking turns.\n`);
console.log('| workload | without contract (calls per CPU-s) | with contract (calls per CPU-s) | with / without |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.label} | ${Math.round(r.plain).toLocaleString('en')} | ${Math.round(r.checked).toLocaleString('en')} | ${(r.ratio * 100).toFixed(1)} % |`);
}
