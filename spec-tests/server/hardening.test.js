// The node:http face's hardening: the cross-site policy on the wire (#13.6), the request charset
// and absolute-form targets (#13), short excerpts of input in faults (#13.3), `await using`
// (#17.4) and non-Fault handler errors on stderr (#18.6).
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, encodeCall, XmlRpcDispatcher, Fault } from 'xmlrpc-ts';
import { request, call, rawExchange, listen } from './support.js';

const servers = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(options = {}) {
  const server = createServer(options);
  server.addMethod('echo', (x) => x);
  servers.push(server);
  return { server, port: await listen(server) };
}

const ECHO = encodeCall('echo', ['hi']);

describe('cross-site requests on the wire (#13.6)', () => {
  let port;
  let allowing;
  before(async () => {
    ({ port } = await start());
    ({ port: allowing } = await start({ allowedOrigins: ['https://app.example'] }));
  });

  test('a program (no Origin, no Sec-Fetch-*) is answered as before', async () => {
    const res = await call(port, ECHO);
    assert.equal(res.status, 200);
    assert.deepEqual(res.message, { kind: 'response', value: 'hi' });
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('a CORS-simple POST from another origin (text/plain) gets 403 and runs nothing', async () => {
    let ran = 0;
    const { server, port: p } = await start();
    server.addMethod('count', () => ++ran);
    const res = await request(p, { body: encodeCall('count', []), headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(res.status, 403);
    assert.match(res.text, /allowedOrigins/);
    assert.equal(ran, 0);
  });

  test('a page of the same origin is answered', async () => {
    const res = await call(port, ECHO, { headers: { Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' } });
    assert.equal(res.status, 200);
  });

  test('DNS rebinding: Host evil.example on a loopback server gets 403', async () => {
    const reply = await rawExchange(port, `POST /RPC2 HTTP/1.1\r\nHost: evil.example:${port}\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(ECHO)}\r\nConnection: close\r\n\r\n${ECHO}`);
    assert.match(reply, /^HTTP\/1\.1 403 /);
    assert.match(reply, /not a loopback name/);
  });

  test('an allowed origin: the preflight is answered 204, the POST carries CORS headers', async () => {
    const pre = await request(allowing, { method: 'OPTIONS', path: '/RPC2', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(pre.headers['access-control-allow-methods'], 'POST');
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
    const res = await call(allowing, ECHO, { headers: { Origin: 'https://app.example', 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(res.headers.vary, /Origin/);
  });

  test('a preflight from another origin gets 403', async () => {
    const pre = await request(allowing, { method: 'OPTIONS', path: '/RPC2', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(pre.status, 403);
  });
});

describe('the request Content-Type charset is honoured (#13)', () => {
  test('a Latin-1 body labelled charset=iso-8859-1 decodes as Latin-1', async () => {
    const { port } = await start();
    const body = Buffer.from('<?xml version="1.0"?><methodCall><methodName>echo</methodName><params><param><value><string>caf\xe9</string></value></param></params></methodCall>', 'latin1');
    const res = await call(port, body, { headers: { 'Content-Type': 'text/xml; charset="ISO-8859-1"' } });
    assert.deepEqual(res.message, { kind: 'response', value: 'café' });
  });
  test('the declaration in the document still wins over the header', async () => {
    const { port } = await start();
    const body = Buffer.from('<?xml version="1.0" encoding="utf-8"?><methodCall><methodName>echo</methodName><params><param><value><string>café</string></value></param></params></methodCall>', 'utf8');
    const res = await call(port, body, { headers: { 'Content-Type': 'text/xml; charset=iso-8859-1' } });
    assert.deepEqual(res.message, { kind: 'response', value: 'café' });
  });
});

describe('an absolute-form request target is accepted (RFC 9112 §3.2.2)', () => {
  test('POST http://127.0.0.1:port/RPC2 is routed like /RPC2', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, `POST http://127.0.0.1:${port}/RPC2 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(ECHO)}\r\nConnection: close\r\n\r\n${ECHO}`);
    assert.match(reply, /^HTTP\/1\.1 200 /);
    assert.match(reply, /<string>hi<\/string>/);
  });
  test('its authority stands for Host in the rebinding check', async () => {
    const { port } = await start();
    const reply = await rawExchange(port, `POST http://evil.example/RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${Buffer.byteLength(ECHO)}\r\nConnection: close\r\n\r\n${ECHO}`);
    assert.match(reply, /^HTTP\/1\.1 403 /);
  });
});

describe('input quoted in faults and errors is a short excerpt (#13.3)', () => {
  test('an unknown method name of 4,000 characters (within maxNameLength) is cut in the fault string and in onError', async () => {
    const seen = [];
    const { port } = await start({ onError: (e) => seen.push(e.message) });
    const name = 'm'.repeat(4000);
    const res = await call(port, encodeCall(name, []));
    assert.equal(res.message.kind, 'fault');
    assert.equal(res.message.fault.faultCode, -32601);
    assert.ok(res.message.fault.faultString.length < 200, `fault string of ${res.message.fault.faultString.length} characters`);
    assert.ok(res.body.length < 1000, `response of ${res.body.length} bytes`);
    assert.ok(seen.length > 0 && seen.every((m) => m.length < 200));
  });
  test('system.methodHelp of a huge unknown name answers a short fault', async () => {
    const d = new XmlRpcDispatcher();
    const xml = await d.dispatch(encodeCall('system.methodHelp', ['n'.repeat(100_000)]));
    assert.ok(xml.length < 1000, `response of ${xml.length} characters`);
  });
});

describe('await using closes the server (#17.4)', () => {
  test('Symbol.asyncDispose closes it', async () => {
    const server = createServer();
    const { port } = await server.listen(0, '127.0.0.1');
    await server[Symbol.asyncDispose]();
    assert.equal(server.address(), null);
    await assert.rejects(call(port, ECHO), { code: 'ECONNREFUSED' });
  });

  // The syntax itself needs Node 24+ (or a compiler); on older Node the method above is what it calls.
  let usingSyntax;
  try {
    usingSyntax = new Function('createServer', 'return (async () => { let kept; { await using server = createServer(); await server.listen(0, "127.0.0.1"); kept = server; } return kept; })();');
  } catch {
    usingSyntax = undefined;
  }
  test('await using, where the runtime has the syntax', { skip: usingSyntax === undefined && 'no await using syntax in this Node' }, async () => {
    const kept = await usingSyntax(createServer);
    assert.equal(kept.address(), null);
  });
});

describe('a handler that throws something other than a Fault is reported on stderr without onError (#18.6)', () => {
  /** Runs `fn` with console.error captured; returns what was printed. */
  async function capture(fn) {
    const printed = [];
    const original = console.error;
    console.error = (...args) => printed.push(args);
    try {
      await fn();
    } finally {
      console.error = original;
    }
    return printed;
  }
  const boom = () => {
    throw new TypeError('boom');
  };

  test('by default: once, naming the method, with the error', async () => {
    const d = new XmlRpcDispatcher();
    d.addMethod('bad', boom);
    const printed = await capture(() => d.dispatch(encodeCall('bad', [])));
    assert.equal(printed.length, 1);
    assert.match(String(printed[0][0]), /'bad'/);
    assert.equal(printed[0][1].message, 'boom');
  });
  test('an async handler and a multicall entry are reported once each', async () => {
    const d = new XmlRpcDispatcher();
    d.addMethod('bad', async () => boom());
    const printed = await capture(async () => {
      await d.dispatch(encodeCall('bad', []));
      await d.dispatch(encodeCall('system.multicall', [[{ methodName: 'bad', params: [] }]]));
    });
    assert.equal(printed.length, 2);
  });
  test('a Fault is the handler speaking, not a bug: nothing printed', async () => {
    const d = new XmlRpcDispatcher();
    d.addMethod('refuse', () => {
      throw new Fault(4, 'no');
    });
    assert.deepEqual(await capture(() => d.dispatch(encodeCall('refuse', []))), []);
  });
  test('logHandlerErrors: false, or an onError, keeps stderr quiet', async () => {
    const quiet = new XmlRpcDispatcher({ logHandlerErrors: false });
    quiet.addMethod('bad', boom);
    const seen = [];
    const hooked = new XmlRpcDispatcher({ onError: (e) => seen.push(e) });
    hooked.addMethod('bad', boom);
    const printed = await capture(async () => {
      await quiet.dispatch(encodeCall('bad', []));
      await hooked.dispatch(encodeCall('bad', []));
    });
    assert.deepEqual(printed, []);
    assert.equal(seen.length, 1);
  });
});
