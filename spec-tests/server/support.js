// Helpers for the server tests: raw HTTP requests with node:http, and response decoding.
import http from 'node:http';
import net from 'node:net';
import { decodeMessage } from 'xmlrpc-ts';

/**
 * Sends one request and resolves with { status, headers, body (Buffer), text, socket }.
 * `options.agent` defaults to `false` (a fresh connection).
 */
export function request(port, { method = 'POST', path = '/', headers = {}, body, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: data, text: data.toString('utf8'), socket: req.socket });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** POSTs an XML body and decodes the XML-RPC answer: { status, headers, message }. */
export async function call(port, xml, options = {}) {
  const res = await request(port, { ...options, body: xml, headers: { 'Content-Type': 'text/xml', ...options.headers } });
  return { ...res, message: res.status === 200 ? decodeMessage(res.body) : undefined };
}

/**
 * Writes raw bytes on a new TCP connection and resolves with everything the server sent
 * until it closed the connection.
 */
export function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** A promise with its resolve function, to wait on an event a handler signals. */
export function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Listens on 127.0.0.1:0 and returns the port. */
export async function listen(server) {
  const address = await server.listen(0, '127.0.0.1');
  return address.port;
}
