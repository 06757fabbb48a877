// Test servers for the client tests: a small XML-RPC server on node:http (or https), an HTTP
// proxy, and a self-signed certificate made with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { decodeCall, encodeFault, encodeResponse, Fault } from 'xmlrpc-ts';

/** Reads a request body to the end. */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Sends an XML-RPC response (or fault) for `value`. */
export function answer(res, value, headers = {}) {
  const body = value instanceof Fault ? encodeFault(value) : encodeResponse(value);
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Starts a server on 127.0.0.1, port 0 (or on `listen.path`, a Unix socket). `handler(req, res)`
 * answers; the result records every request (`requests`) and counts connections.
 * With `tls` ({ key, cert, ...}) it serves HTTPS.
 */
export async function startServer(handler, { tls, listen } = {}) {
  const requests = [];
  const onRequest = async (req, res) => {
    try {
      const body = await readBody(req);
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, socket: req.socket });
      await handler(req, res, body);
    } catch (error) {
      res.destroy(error);
    }
  };
  const server = tls === undefined ? http.createServer(onRequest) : https.createServer(tls, onRequest);
  const sockets = new Set();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(listen?.path ?? { host: '127.0.0.1', port: listen?.port ?? 0 });
  await once(server, 'listening');
  const port = listen?.path === undefined ? server.address().port : 0;
  const scheme = tls === undefined ? 'http' : 'https';
  return {
    server,
    requests,
    port,
    get connections() {
      return connections;
    },
    url: (path = '/RPC2', host = '127.0.0.1') => `${scheme}://${host}:${port}${path}`,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** An XML-RPC handler over `methods` (name → function); a thrown Fault becomes a fault response. */
export function rpc(methods) {
  return async (req, res, body) => {
    const call = decodeCall(body);
    const method = methods[call.methodName];
    if (method === undefined) return answer(res, new Fault(-32601, `no method ${call.methodName}`));
    try {
      answer(res, await method(...call.params));
    } catch (error) {
      if (error instanceof Fault) return answer(res, error);
      throw error;
    }
  };
}

/** A raw TCP server: `onConnection(socket, index)` decides what happens. */
export async function startTcp(onConnection) {
  const sockets = new Set();
  let count = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket, count++);
  });
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  return {
    port: server.address().port,
    get connections() {
      return count;
    },
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * An HTTP proxy: absolute-form requests (`POST http://host/path`) are forwarded, CONNECT opens
 * a tunnel. `seen` records `{ kind: 'forward' | 'connect', target, headers }`.
 * With `tls` ({ key, cert }) the proxy itself speaks HTTPS.
 */
export async function startProxy({ requireAuth, tls } = {}) {
  const seen = [];
  const onRequest = (req, res) => {
    seen.push({ kind: 'forward', target: req.url, headers: req.headers });
    if (requireAuth !== undefined && req.headers['proxy-authorization'] !== requireAuth) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"', 'content-length': '0' });
      res.end();
      return;
    }
    const target = new URL(req.url);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = tls === undefined ? http.createServer(onRequest) : https.createServer(tls, onRequest);
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, clientSocket, head) => {
    seen.push({ kind: 'connect', target: req.url, headers: req.headers });
    if (requireAuth !== undefined && req.headers['proxy-authorization'] !== requireAuth) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = req.url.split(':');
    let established = false;
    const upstream = net.connect(Number(port), host, () => {
      established = true;
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    // An unreachable target gets a 502, as real proxies answer (undici reconnects at once after
    // a tunnel that just closes).
    upstream.on('error', () => {
      if (established) clientSocket.destroy();
      else clientSocket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
    clientSocket.on('error', () => upstream.destroy());
  });
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  return {
    seen,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${server.address().port}`,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Makes a self-signed certificate with the openssl CLI in `dir`, valid for `names`
 * (DNS names, and IP addresses given as 'IP:…'). Returns { key, cert } as Buffers.
 */
export function selfSignedCertificate(dir, name, names) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const san = names.map((n) => (n.startsWith('IP:') ? n : `DNS:${n}`)).join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256', '-days', '2',
    '-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`,
  ], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}
