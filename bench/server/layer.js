/**
 * The CPU cost of one request in node:http and the layer above it, without sockets: `N` keep-alive
 * connections are in-memory duplex streams handed to a node:http server, each sending the small
 * (or medium) echo call again as soon as its answer is complete. No syscall, no wrk, no other
 * process: what is left is node:http's parsing and writing plus our listener, the dispatcher and
 * the codec, measured with `process.cpuUsage()`. The rounds of one process agree within ~0.3 µs;
 * medians of separate processes still move by ~1 µs on a shared machine (when garbage collection
 * happens), so compare builds over several interleaved processes, as with wrk.
 *
 *   node bench/server/layer.js [xmlrpc-ts|bare|bare-echo] [small|medium] [--dist <built checkout>/dist]
 *     [--requests 200000] [--connections 64] [--rounds 5] [--sockets]
 *
 * Prints µs of CPU per request for each round, then the median. Run two builds alternately
 * (each in its own process: the AsyncLocalStorage behind `currentCall()` is process-wide) for A/B.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const positional = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
const kind = positional[0] ?? 'xmlrpc-ts';
const size = positional[1] ?? 'small';
const dist = path.resolve(option('dist', new URL('../../dist', import.meta.url).pathname));
const REQUESTS = Number(option('requests', size === 'small' ? 200_000 : 20_000));
const CONNECTIONS = Number(option('connections', 64));
const ROUNDS = Number(option('rounds', 5));
/** With --sockets, the connections are loopback TCP sockets of this process (the syscalls are counted too). */
const SOCKETS = args.includes('--sockets');

const lib = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const { makePayloads } = await import('./payloads.js');
const payload = makePayloads()[size];
const body = Buffer.from(payload.body);
const request = Buffer.concat([Buffer.from(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`), body]);

let handler;
if (kind === 'xmlrpc-ts') {
  const server = lib.createServer();
  server.addMethod('echo', (x) => x);
  handler = server.handler;
} else if (kind === 'bare') {
  const answer = Buffer.from(lib.encodeResponse(payload.params[0]));
  handler = (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': answer.length });
      res.end(answer);
    });
  };
} else if (kind === 'bare-echo') {
  handler = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const b = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': b.length });
      res.end(b);
    });
  };
} else {
  throw new Error(`unknown kind ${kind}`);
}
const server = http.createServer(handler);

/** One in-memory keep-alive connection: sends the request again once an answer is complete. */
class Connection extends Duplex {
  constructor(onAnswer) {
    super({ decodeStrings: false });
    this.onAnswer = onAnswer;
    this.pending = '';
    this.remaining = -1;
    // What node:http reads of a net.Socket.
    this.remoteAddress = '127.0.0.1';
    this.localAddress = '127.0.0.1';
    this.remotePort = 40000;
    this.encrypted = false;
  }
  setNoDelay() {}
  setKeepAlive() {}
  setTimeout() {
    return this;
  }
  send() {
    this.push(request);
  }
  _read() {}
  _write(chunk, _encoding, callback) {
    this.take(chunk);
    callback();
  }
  _writev(chunks, callback) {
    for (const { chunk } of chunks) this.take(chunk);
    callback();
  }
  take(chunk) {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    while (text.length > 0) {
      if (this.remaining < 0) {
        this.pending += text;
        const end = this.pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = this.pending.slice(0, end);
        const m = /content-length: *(\d+)/i.exec(head);
        if (m === null || !head.startsWith('HTTP/1.1 200')) throw new Error(`unexpected answer: ${head}`);
        text = this.pending.slice(end + 4);
        this.pending = '';
        this.remaining = Number(m[1]);
      }
      const used = Math.min(this.remaining, Buffer.byteLength(text, 'latin1'));
      this.remaining -= used;
      text = text.slice(used);
      if (this.remaining === 0) {
        this.remaining = -1;
        this.onAnswer(this);
      }
    }
  }
}

/** A loopback TCP connection to `port` with the same answer parsing as {@link Connection}. */
function socketConnection(port, onAnswer) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const parser = Object.create(Connection.prototype);
  Object.assign(parser, { onAnswer: () => onAnswer(socket), pending: '', remaining: -1 });
  socket.on('data', (chunk) => parser.take(chunk));
  socket.send = () => socket.write(request);
  return socket;
}

let port = 0;
if (SOCKETS) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
}

function round(requests) {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const connections = [];
    const onAnswer = (c) => {
      answered++;
      if (answered === requests) {
        for (const x of connections) x.destroy();
        resolve();
      } else if (sent < requests) {
        sent++;
        // Like the next poll phase: the requests of every answered connection arrive together, later.
        if (ready.push(c) === 1) setImmediate(deliver);
      }
    };
    const ready = [];
    const deliver = () => {
      const batch = ready.splice(0);
      for (const x of batch) x.send();
    };
    for (let i = 0; i < CONNECTIONS; i++) {
      const c = SOCKETS ? socketConnection(port, onAnswer) : new Connection(onAnswer);
      connections.push(c);
      if (!SOCKETS) server.emit('connection', c);
    }
    for (const c of connections) {
      if (sent < requests) {
        sent++;
        c.send();
      }
    }
  });
}

await round(Math.min(REQUESTS, 20_000)); // warm-up
const results = [];
for (let r = 0; r < ROUNDS; r++) {
  const before = process.cpuUsage();
  await round(REQUESTS);
  const used = process.cpuUsage(before);
  const us = (used.user + used.system) / REQUESTS;
  results.push(us);
  console.log(`${kind} ${size} round ${r + 1}: ${us.toFixed(2)} µs/request`);
}
results.sort((a, b) => a - b);
if (SOCKETS) server.close();
console.log(`${kind} ${size}${SOCKETS ? ' (sockets)' : ''} ${dist}: median ${results[Math.floor(results.length / 2)].toFixed(2)} µs/request`);
