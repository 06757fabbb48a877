// A/B of the Client's per-call overhead: sequential small calls against a node:http server
// answering a fixed body, rounds interleaved in one process so a busy machine affects both alike.
// Usage: node bench/client/call-ab.mjs <dist dir A> <dist dir B> [rounds]
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dirA, dirB, roundsArg] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) throw new Error('usage: call-ab.mjs <dist A> <dist B> [rounds]');
const rounds = Number(roundsArg ?? 6);
const body = '<?xml version="1.0"?><methodResponse><params><param><value><int>5</int></value></param></params></methodResponse>';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/xml' }); res.end(body); });
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const url = `http://127.0.0.1:${server.address().port}/RPC2`;
const load = (dir) => import(pathToFileURL(resolve(dir, 'index.js')).href);
const [a, b] = [await load(dirA), await load(dirB)];
const variants = [
  ['A default', new a.Client(url)],
  ['A timeoutMs 0', new a.Client(url, { timeoutMs: 0 })],
  ['B default', new b.Client(url)],
  ['B timeoutMs 0', new b.Client(url, { timeoutMs: 0 })],
];
const rates = Object.fromEntries(variants.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, client] of variants) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 500) { await client.call('add', [2, 3]); n++; }
    rates[name].push(n / ((performance.now() - t0) / 1000));
  }
}
for (const [name, xs] of Object.entries(rates)) {
  xs.sort((x, y) => x - y);
  console.log(name.padEnd(16), Math.round(xs[Math.floor(xs.length / 2)]), 'calls/s (median of', xs.length, 'rounds)');
}
for (const [, client] of variants) await client.close();
server.close();
