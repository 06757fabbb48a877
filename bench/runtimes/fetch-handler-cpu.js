/**
 * CPU time per request of createFetchHandler on Node, in one process with no sockets: each request
 * is built as the bench's node:http adapter builds it (a Web stream over a Node stream), answered,
 * and its answer read. The bare row is the floor (read the body, answer fixed bytes). CPU time, not
 * wall time, so that other processes on the machine blur it less. With `--base <dir>` another
 * build's handler (its dist/) runs interleaved, for an A/B in one process.
 *   node bench/runtimes/fetch-handler-cpu.js [--base <dir>] [--rounds 9] [--requests 5000]
 */
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const text = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rounds = Number(text('--rounds', '9'));
const requests = Number(text('--requests', '5000'));
const base = text('--base', undefined);
const dists = { handler: new URL('../../dist/', import.meta.url) };
if (base !== undefined) dists['base handler'] = pathToFileURL(`${resolve(base)}/dist/`);

const { encodeCall, encodeResponse } = await import(new URL('codec/index.js', dists.handler).href);
const PAYLOAD = { name: 'bench', id: 42, tags: ['a', 'b', 'c'], ok: true };
const body = Buffer.from(encodeCall('echo', [PAYLOAD]));
const fixed = new TextEncoder().encode(encodeResponse(PAYLOAD));
const handlers = {};
for (const [label, dist] of Object.entries(dists)) {
  const { XmlRpcDispatcher, createFetchHandler } = await import(new URL('server/fetch/index.js', dist).href);
  const dispatcher = new XmlRpcDispatcher();
  dispatcher.addMethod('echo', (value) => value);
  handlers[label] = createFetchHandler(dispatcher);
}
handlers.bare = async (request) => {
  await request.arrayBuffer();
  return new Response(fixed, { headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
};
const headers = { host: '127.0.0.1:8080', 'content-type': 'text/xml', 'content-length': String(body.length), connection: 'keep-alive' };
const request = () => new Request('http://127.0.0.1:8080/RPC2', { method: 'POST', headers, body: Readable.toWeb(Readable.from([body])), duplex: 'half' });

/** Microseconds of CPU per request over `count` requests answered one after another. */
async function cpuPerRequest(handler, count) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const response = await handler(request());
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.arrayBuffer();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

for (const handler of Object.values(handlers)) await cpuPerRequest(handler, 2000); // warm-up
const samples = Object.fromEntries(Object.keys(handlers).map((label) => [label, []]));
for (let r = 0; r < rounds; r++) {
  for (const [label, handler] of Object.entries(handlers)) samples[label].push(await cpuPerRequest(handler, requests));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = median(samples.bare);
console.log(`${rounds} interleaved rounds of ${requests} requests, median CPU µs per request\n`);
console.log('| server | CPU µs/request | over bare, µs |');
console.log('|---|---:|---:|');
for (const [label, values] of Object.entries(samples)) console.log(`| ${label} | ${median(values).toFixed(1)} | ${(median(values) - bare).toFixed(1)} |`);
