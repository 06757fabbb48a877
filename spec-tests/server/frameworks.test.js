// Mounting server.handler in Express and Fastify, exactly as docs/server.md shows it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import express from 'express';
import Fastify from 'fastify';
import { createServer, encodeCall } from 'xmlrpc-ts';
import { call } from './support.js';

const ADD = encodeCall('calc.add', [2, 3]);

function calculator() {
  const server = createServer();
  server.addMethod('calc.add', (a, b) => a + b);
  return server;
}

async function withExpress(app, fn) {
  const httpServer = app.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  try {
    await fn(httpServer.address().port);
  } finally {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  }
}

describe('Express', () => {
  test("app.use('/RPC2', server.handler): Express strips the mount path and the call is served", async () => {
    const app = express();
    app.use('/RPC2', calculator().handler);
    await withExpress(app, async (port) => {
      const res = await call(port, ADD, { path: '/RPC2' });
      assert.equal(res.status, 200);
      assert.equal(res.message.value, 5);
    });
  });

  test('behind express.raw({ type: "*/*" }), the body Express already read is used', async () => {
    const app = express();
    app.post('/RPC2', express.raw({ type: '*/*' }), calculator().handler);
    await withExpress(app, async (port) => {
      assert.equal((await call(port, ADD, { path: '/RPC2' })).message.value, 5);
    });
  });

  test('behind express.json(), a body parsed into an object is a 500 that says so, not a wrong answer', async () => {
    const app = express();
    app.post('/RPC2', express.json({ type: '*/*' }), calculator().handler);
    await withExpress(app, async (port) => {
      const res = await call(port, '{"methodName": "calc.add"}', { path: '/RPC2' });
      assert.equal(res.status, 500);
      assert.match(String(res.body), /body/i);
    });
  });
});

describe('Fastify', () => {
  test('the raw request streamed through to server.handler is served', async () => {
    const server = calculator();
    const fastify = Fastify();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
    fastify.post('/RPC2', (request, reply) => {
      reply.hijack();
      server.handler(request.raw, reply.raw);
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await call(fastify.server.address().port, ADD, { path: '/RPC2' });
      assert.equal(res.status, 200);
      assert.equal(res.message.value, 5);
      assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    } finally {
      await fastify.close();
    }
  });
});
