// One echo server of the bench per process: `node servers.js <kind>` prints "READY <port>".
// Kinds: bare (node:http answering a fixed body), bare-echo (writing back what it read), xmlrpc-ts, npm-xmlrpc, foxglove.
import http from 'node:http';
import { createRequire } from 'node:module';
import { createServer, encodeResponse } from 'xmlrpc-ts';
import { makePayloads } from './payloads.js';

const require = createRequire(import.meta.url);
const kind = process.argv[2];
// SERVER_BENCH_HOST: the address to listen on (bench/server/run.js sets it for every peer).
const HOST = process.env.SERVER_BENCH_HOST ?? '127.0.0.1';
const ready = (port) => console.log(`READY ${port}`);

if (kind === 'bare') {
  // The ceiling: read the body, answer the precomputed echo response of that payload.
  const { small, medium } = makePayloads();
  const answers = [small, medium].map((p) => ({ length: Buffer.byteLength(p.body), xml: Buffer.from(encodeResponse(p.params[0])) }));
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (c) => (size += c.length));
    req.on('end', () => {
      const answer = size === answers[0].length ? answers[0].xml : answers[1].xml;
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': answer.length });
      res.end(answer);
    });
  });
  server.listen(0, HOST, () => ready(server.address().port));
} else if (kind === 'bare-echo') {
  // The floor of an echo: read the body, write the same bytes back (no XML work at all).
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': body.length });
      res.end(body);
    });
  });
  server.listen(0, HOST, () => ready(server.address().port));
} else if (kind === 'xmlrpc-ts') {
  const server = createServer();
  server.addMethod('echo', (x) => x);
  server.listen(0, HOST).then((a) => ready(a.port));
} else if (kind === 'npm-xmlrpc') {
  const xmlrpc = require('xmlrpc');
  const server = xmlrpc.createServer({ host: HOST, port: 0 });
  server.on('echo', (error, params, callback) => callback(null, params[0]));
  server.httpServer.on('listening', () => ready(server.httpServer.address().port));
} else if (kind === 'foxglove') {
  const { XmlRpcServer } = require('@foxglove/xmlrpc');
  const { HttpServerNodejs } = require('@foxglove/xmlrpc/nodejs');
  const server = new XmlRpcServer(new HttpServerNodejs());
  server.setHandler('echo', async (_method, args) => args[0]);
  server.listen(0, HOST).then(() => ready(server.port()));
} else {
  console.error(`unknown server kind ${kind}`);
  process.exit(2);
}
