// Helpers of the security tests: servers on 127.0.0.1:0, raw sockets that send at a pace and read
// until the peer closes (within a byte and time budget), a gzip bomb built in memory, and bounds.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { createServer, decodeMessage, encodeCall } from 'xmlrpc-ts';

/** Rejects with a clear message when `promise` has not settled within `ms` (a bound, not a wait). */
export function within(ms, promise, what) {
  let timer;
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** A listening XML-RPC server with `echo`; `setup(server)` adds more. Returns { server, port }. */
export async function startServer(options = {}, setup = () => {}) {
  const server = createServer(options);
  server.addMethod('echo', (...params) => (params.length === 1 ? params[0] : params));
  setup(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** One POST with node:http on a fresh connection: { status, headers, body }. */
export function post(port, body, { headers = {}, path = '/RPC2' } = {}) {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { 'Content-Type': 'text/xml', 'Content-Length': bytes.length, ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

/** POSTs an XML-RPC body and decodes the answer: { status, message }. */
export async function rpc(port, body, options) {
  const res = await post(port, body, options);
  return { ...res, message: res.status === 200 ? decodeMessage(res.body) : undefined };
}

/** A normal call that must succeed while an attack is going on. */
export async function healthy(port, tag = 'ok') {
  const { status, message } = await rpc(port, encodeCall('echo', [tag]));
  if (status !== 200 || message?.kind !== 'response' || message.value !== tag) {
    throw new Error(`the server did not answer a normal call: status ${status}, ${JSON.stringify(message)}`);
  }
  return true;
}

/**
 * Opens a TCP connection, writes `head`, then calls `feed(write)` which may keep writing; reads
 * until the server closes the connection. Resolves with { text, sent, closedAfterMs }; its
 * `answered` promise resolves when the server first sends something.
 * `budget` bounds the bytes written; writing stops once the server has closed or reset.
 */
export function rawSession(port, { head = '', feed, budget = 1 << 20 } = {}) {
  let firstData;
  const answered = new Promise((resolve) => {
    firstData = resolve;
  });
  const session = new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let sent = 0;
    let open = true;
    const started = performance.now();
    const write = (data) => {
      if (!open || socket.destroyed || !socket.writable) return false;
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      if (sent + bytes.length > budget) return false;
      sent += bytes.length;
      return socket.write(bytes);
    };
    const done = () => {
      if (!open) return;
      open = false;
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), sent, closedAfterMs: performance.now() - started });
    };
    socket.on('connect', () => {
      if (head !== '') write(head);
      feed?.(write, socket, () => open);
    });
    socket.on('data', (c) => {
      chunks.push(c);
      firstData();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (error) => {
      // A reset after the server answered is how some refusals end.
      if (chunks.length > 0 || error.code === 'ECONNRESET' || error.code === 'EPIPE') done();
      else reject(error);
    });
  });
  // Resolves when the server first sends something (or the session ends).
  session.answered = Promise.race([answered, session.then(() => undefined, () => undefined)]);
  return session;
}

/** The status codes of every response in a raw exchange, in order. */
export function statuses(text) {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** Writes `data` every `everyMs` until `isOpen()` is false or `limit` writes were made. */
export function drip(write, isOpen, data, everyMs, limit) {
  let count = 0;
  const timer = setInterval(() => {
    if (!isOpen() || count++ >= limit || !write(data)) clearInterval(timer);
  }, everyMs);
  timer.unref();
}

/**
 * A gzip stream of `total` zero bytes, built from one deflate block repeated (about 1 KiB per MiB),
 * with a correct CRC and length: 1 GiB of zeros is about 1 MiB of gzip.
 */
export function gzipBomb(total, unit = 1 << 20) {
  if (total % unit !== 0) throw new RangeError('total must be a multiple of unit');
  const zeros = Buffer.alloc(unit);
  const block = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const count = total / unit;
  let crc = 0;
  for (let i = 0; i < count; i++) crc = zlib.crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  return Buffer.concat([header, ...new Array(count).fill(block), Buffer.from([3, 0]), trailer]);
}

/** A zlib ("deflate" coding) stream of `total` zero bytes, built the same way. */
export function deflateBomb(total, unit = 1 << 20) {
  const zeros = Buffer.alloc(unit);
  const block = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  // Adler-32 of n zero bytes: a stays 1, b is n (mod 65521).
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...new Array(total / unit).fill(block), Buffer.from([3, 0]), trailer]);
}

/** Starts a plain node:http server with `handler` on 127.0.0.1:0: { server, port, close }. */
export async function evilHttpServer(handler) {
  const sockets = new Set();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return { server, port: server.address().port, close };
}

/** Starts a raw TCP server with `onSocket`: { port, close, accepted() }. */
export async function evilTcpServer(onSocket) {
  const sockets = new Set();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return { port: server.address().port, close, accepted: () => accepted };
}

/** A methodCall of `echo` whose one param is `valueXml` (raw, unchecked). */
export function rawCall(valueXml, methodName = 'echo') {
  return `<?xml version="1.0"?><methodCall><methodName>${methodName}</methodName><params><param><value>${valueXml}</value></param></params></methodCall>`;
}
