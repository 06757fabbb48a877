// The client's calls: what goes on the wire, what comes back, and the errors in between.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client, DecodeError, EncodeError, Fault, HttpError, NetworkError, decodeCall, encodeResponse,
} from 'xmlrpc-ts';
import { answer, rpc, startServer } from './support.js';

let server;
let client;
const methods = {
  add: (a, b) => a + b,
  echo: (v) => v,
  nothing: () => true,
  fail: () => {
    throw new Fault(42, 'the answer is a fault');
  },
  stringCode: () => {
    throw new Fault('E_CODE', 'string code');
  },
};

before(async () => {
  server = await startServer(rpc(methods));
  client = new Client(server.url());
});

after(async () => {
  await client.close();
  await server.close();
});

function lastRequest() {
  return server.requests[server.requests.length - 1];
}

describe('the request follows the spec (digest §1.1)', () => {
  test('POST to the URL path with text/xml, User-Agent, a correct Content-Length and a methodCall body', async () => {
    await client.call('add', [1, 2]);
    const r = lastRequest();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/RPC2');
    assert.equal(r.headers['content-type'], 'text/xml');
    assert.equal(r.headers['user-agent'], 'xmlrpc-ts');
    assert.equal(r.headers['host'], `127.0.0.1:${server.port}`);
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(r.headers['accept-encoding'], 'gzip, deflate');
    assert.deepEqual(decodeCall(r.body), { methodName: 'add', params: [1, 2] });
  });
  test('params default to none', async () => {
    await client.call('nothing');
    assert.deepEqual(decodeCall(lastRequest().body), { methodName: 'nothing', params: [] });
  });
  test('a URL without a path posts to /RPC2; a URL with one keeps its path and query', async () => {
    const bare = new Client(`http://127.0.0.1:${server.port}`);
    const root = new Client(`http://127.0.0.1:${server.port}/`);
    const query = new Client(`http://127.0.0.1:${server.port}/xmlrpc/2/object?db=x`);
    try {
      await bare.call('nothing');
      assert.equal(lastRequest().url, '/RPC2');
      await root.call('nothing');
      assert.equal(lastRequest().url, '/');
      await query.call('nothing');
      assert.equal(lastRequest().url, '/xmlrpc/2/object?db=x');
    } finally {
      await Promise.all([bare.close(), root.close(), query.close()]);
    }
  });
  test('userAgent, client headers and call headers are sent; call headers win', async () => {
    const c = new Client(server.url(), { userAgent: 'tester/1', headers: { Authorization: 'Bearer abc', 'X-Trace': 'client' } });
    try {
      await c.call('nothing', [], { headers: { 'x-trace': 'call' } });
      const h = lastRequest().headers;
      assert.equal(h['user-agent'], 'tester/1');
      assert.equal(h['authorization'], 'Bearer abc');
      assert.equal(h['x-trace'], 'call');
      await c.call('nothing');
      assert.equal(lastRequest().headers['x-trace'], 'client');
    } finally {
      await c.close();
    }
  });
  test('encode options reach the encoder', async () => {
    // The default writes a safe integer beyond int32 as <i8>; 'error' refuses it, as Python does.
    const c = new Client(server.url(), { encode: { largeIntegers: 'error' } });
    try {
      assert.equal(await client.call('echo', [2 ** 40]), 2n ** 40n);
      await assert.rejects(c.call('echo', [2 ** 40]), EncodeError);
    } finally {
      await c.close();
    }
  });
});

describe('results and faults', () => {
  test('the response value is returned', async () => {
    assert.equal(await client.call('add', [2, 3]), 5);
    const value = { s: 'x', n: [1, 2.5, true, null], d: new Date(Date.UTC(2001, 1, 3, 4, 5, 6)), b: new TextEncoder().encode('hi') };
    assert.deepEqual(await client.call('echo', [value]), value);
  });
  test('a fault response rejects with Fault, its code and string', async () => {
    await assert.rejects(client.call('fail'), (e) => {
      assert.ok(e instanceof Fault);
      assert.equal(e.faultCode, 42);
      assert.equal(e.faultString, 'the answer is a fault');
      assert.equal(e.code, 'ERR_XMLRPC_FAULT');
      return true;
    });
    await assert.rejects(client.call('stringCode'), { faultCode: 'E_CODE' });
  });
  test('decode options reach the decoder', async () => {
    const c = new Client(server.url(), { decode: { dateTime: 'lossless' } });
    try {
      const v = await c.call('echo', [new Date(Date.UTC(2001, 1, 3, 4, 5, 6))]);
      assert.equal(v.constructor.name, 'XmlRpcDateTime');
      assert.equal(String(v), '20010203T04:05:06');
    } finally {
      await c.close();
    }
  });
});

describe('bad arguments fail before anything is sent', () => {
  test('a method name that is not a non-empty string is a TypeError', async () => {
    const before = server.requests.length;
    await assert.rejects(client.call(''), TypeError);
    await assert.rejects(client.call(42), TypeError);
    await assert.rejects(client.call('add', 'not an array'), /must be an array/);
    assert.equal(server.requests.length, before);
  });
  test('an unencodable parameter is an EncodeError naming its path', async () => {
    await assert.rejects(client.call('echo', [{ ok: 1, bad: () => 1 }]), (e) => {
      assert.ok(e instanceof EncodeError);
      assert.match(e.path, /bad/);
      return true;
    });
  });
  test('an unsupported URL scheme or a bad URL is an OptionError at construction', () => {
    assert.throws(() => new Client('ftp://host/RPC2'), /Unsupported XML-RPC URL scheme "ftp:"/);
    assert.throws(() => new Client('not a url'), { name: 'OptionError', code: 'ERR_XMLRPC_INVALID_OPTION' });
    assert.throws(() => new Client('http+unix:///RPC2'), /No socket path/);
    assert.throws(() => new Client(server.url(), { connections: 0 }), /connections must be an integer ≥ 1/);
    assert.throws(() => new Client(server.url(), { timeoutMs: -1 }), /timeoutMs/);
  });
  test('a URL object is accepted', async () => {
    const c = new Client(new URL(server.url()));
    try {
      assert.equal(await c.call('add', [1, 1]), 2);
    } finally {
      await c.close();
    }
  });
});

describe('answers that are not XML-RPC', () => {
  let odd;
  before(async () => {
    odd = await startServer((req, res) => {
      const send = (status, type, body, extra = {}) => {
        res.writeHead(status, type === undefined ? extra : { 'content-type': type, ...extra });
        res.end(body);
      };
      switch (req.url) {
        case '/malformed': return send(200, 'text/xml', '<methodResponse><params><param><value><int>1</int></value></param></params>');
        case '/html-no-type': return send(200, undefined, '<!DOCTYPE html><html><body>Hello</body></html>');
        case '/json': return send(200, 'application/json', '{"result": 1}');
        case '/xml-as-html': return send(200, 'text/html', encodeResponse(7));
        case '/big-error': return send(502, 'text/plain', 'E'.repeat(5000));
        case '/redirect': return send(301, 'text/html', '', { location: 'https://example.invalid/RPC2' });
        case '/teapot': return send(418, 'text/plain', "I'm a teapot");
        case '/latin1-error': return send(500, 'text/html; charset=ISO-8859-1', Buffer.from('<html><head><title>Accès refusé</title></head><body>Accès refusé à la base</body></html>', 'latin1'));
        case '/latin1-200': return send(200, 'text/html; charset="iso-8859-1"', Buffer.from('<!DOCTYPE html><html><body>Connexion requise: accès réservé</body></html>', 'latin1'));
        // windows-1252: 0x80 is the euro sign, 0x93/0x94 are curly quotes (C1 controls in Latin-1).
        case '/cp1252-error': return send(503, 'text/plain; charset=windows-1252', Buffer.from([0x93, ...Buffer.from('Prix: 5 '), 0x80, 0x94]));
        case '/unknown-charset-error': return send(500, 'text/plain; charset=x-no-such-charset', Buffer.from('accès', 'utf8'));
        case '/utf8-error': return send(500, 'text/plain', Buffer.from('accès', 'utf8'));
        default: return send(404, 'text/plain', 'none');
      }
    });
  });
  after(() => odd.close());

  async function failure(path) {
    const c = new Client(odd.url(path));
    try {
      return await c.call('x').then(() => assert.fail('no error'), (e) => e);
    } finally {
      await c.close();
    }
  }

  test('malformed XML with an XML media type is a DecodeError', async () => {
    const e = await failure('/malformed');
    assert.ok(e instanceof DecodeError);
    assert.equal(e.reason, 'xml');
  });
  test('an HTML page (even without Content-Type) is an HttpError, not an XML error', async () => {
    const e = await failure('/html-no-type');
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 200);
    assert.match(e.message, /Expected an XML-RPC response/);
    assert.ok(e.cause instanceof DecodeError);
  });
  test('JSON is an HttpError naming application/json', async () => {
    const e = await failure('/json');
    assert.ok(e instanceof HttpError);
    assert.match(e.message, /application\/json/);
    assert.equal(e.body, '{"result": 1}');
  });
  test('an XML-RPC body labelled text/html still decodes, as Python reads it', async () => {
    const c = new Client(odd.url('/xml-as-html'));
    try {
      assert.equal(await c.call('x'), 7);
    } finally {
      await c.close();
    }
  });
  test('an HttpError keeps only the first KiB of the body', async () => {
    const e = await failure('/big-error');
    assert.equal(e.status, 502);
    assert.equal(e.body, 'E'.repeat(1024));
    assert.ok(e.message.length < 400);
  });
  test('an error page is decoded in the charset of its Content-Type: ISO-8859-1', async () => {
    const e = await failure('/latin1-error');
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 500);
    assert.equal(e.body, '<html><head><title>Accès refusé</title></head><body>Accès refusé à la base</body></html>');
    assert.match(e.message, /^HTTP 500 Internal Server Error from .* - Accès refusé$/);
  });
  test('an HTML page with status 200 is decoded in its charset too', async () => {
    const e = await failure('/latin1-200');
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 200);
    assert.match(e.body, /accès réservé/);
    assert.match(e.message, /Connexion requise: accès réservé/);
  });
  test('a windows-1252 error body has its euro sign and quotes', async () => {
    const e = await failure('/cp1252-error');
    assert.equal(e.body, '\u201cPrix: 5 \u20ac\u201d');
  });
  test('an unknown charset, or none, reads the body as UTF-8', async () => {
    assert.equal((await failure('/unknown-charset-error')).body, 'accès');
    assert.equal((await failure('/utf8-error')).body, 'accès');
  });
  test('a redirect is not followed; the message names the target', async () => {
    const e = await failure('/redirect');
    assert.equal(e.status, 301);
    assert.match(e.message, /redirected to https:\/\/example\.invalid\/RPC2/);
    assert.equal(e.headers.location, 'https://example.invalid/RPC2');
  });
  test('any other status is an HttpError with status and body text', async () => {
    const e = await failure('/teapot');
    assert.equal(e.status, 418);
    assert.match(e.message, /HTTP 418 I'm a Teapot/i);
    assert.match(e.message, /I'm a teapot/);
  });
});

describe('multicall (digest §7.4)', () => {
  let mc;
  let mcClient;
  const log = [];
  before(async () => {
    mc = await startServer(async (req, res, body) => {
      const call = decodeCall(body);
      log.push(call.methodName);
      if (req.url === '/nomulti' && call.methodName === 'system.multicall') {
        return answer(res, new Fault(-32601, 'Method not found: system.multicall'));
      }
      if (req.url === '/short') return answer(res, [[1]]);
      if (req.url === '/odd') return answer(res, [[1], 'neither']);
      if (call.methodName === 'system.multicall') {
        return answer(res, call.params[0].map(({ methodName, params }) =>
          methodName === 'boom' ? { faultCode: 3, faultString: 'boom' } : [methods[methodName](...params)]));
      }
      if (call.methodName === 'boom') return answer(res, new Fault(3, 'boom'));
      answer(res, methods[call.methodName](...call.params));
    });
    mcClient = new Client(mc.url('/multi'));
  });
  after(async () => {
    await mcClient.close();
    await mc.close();
  });

  test('one system.multicall request; values and faults by slot', async () => {
    log.length = 0;
    const r = await mcClient.multicall([
      { methodName: 'add', params: [1, 2] },
      { methodName: 'boom' },
      { methodName: 'echo', params: [{ faultCode: 1 }] },
    ]);
    assert.deepEqual(log, ['system.multicall']);
    assert.equal(r[0], 3);
    assert.ok(r[1] instanceof Fault);
    assert.equal(r[1].faultCode, 3);
    assert.deepEqual(r[2], { faultCode: 1 });
    const sent = decodeCall(mc.requests.at(-1).body);
    assert.deepEqual(sent.params[0][1], { methodName: 'boom', params: [] });
  });
  test('an empty batch sends nothing', async () => {
    log.length = 0;
    assert.deepEqual(await mcClient.multicall([]), []);
    assert.deepEqual(log, []);
  });
  test('bad calls are a TypeError naming the slot', async () => {
    await assert.rejects(mcClient.multicall([{ methodName: 'add', params: [] }, { params: [] }]), /calls\[1\]/);
    await assert.rejects(mcClient.multicall([{ methodName: 'add', params: 5 }]), /calls\[0\]\.params/);
    await assert.rejects(mcClient.multicall('add'), TypeError);
  });
  test('-32601 for system.multicall falls back to one call each, in order, and is remembered', async () => {
    const c = new Client(mc.url('/nomulti'));
    try {
      log.length = 0;
      const r = await c.multicall([{ methodName: 'add', params: [1, 1] }, { methodName: 'boom' }, { methodName: 'add', params: [2, 2] }]);
      assert.deepEqual(log, ['system.multicall', 'add', 'boom', 'add']);
      assert.equal(r[0], 2);
      assert.ok(r[1] instanceof Fault);
      assert.equal(r[2], 4);
      log.length = 0;
      await c.multicall([{ methodName: 'add', params: [1, 1] }]);
      assert.deepEqual(log, ['add']);
    } finally {
      await c.close();
    }
  });
  test('a result of the wrong length is a structure DecodeError; a slot only the unwrapped shape explains reads the batch unwrapped', async () => {
    const short = new Client(mc.url('/short'));
    const odd = new Client(mc.url('/odd'));
    try {
      await assert.rejects(short.multicall([{ methodName: 'a' }, { methodName: 'b' }]), (e) =>
        e instanceof DecodeError && e.reason === 'structure' && /1 results for 2 calls/.test(e.message));
      // supervisord's shape: more cases in spec-tests/services/multicall.test.js.
      assert.deepEqual(await odd.multicall([{ methodName: 'a' }, { methodName: 'b' }]), [[1], 'neither']);
    } finally {
      await Promise.all([short.close(), odd.close()]);
    }
  });
});

describe('the typed proxy', () => {
  test('dotted names, any depth; the call goes through client.call', async () => {
    const api = client.proxy();
    assert.equal(await api.add(1, 2), 3);
    await api.a.b.c.d.nothing().catch(() => {});
    assert.equal(decodeCall(lastRequest().body).methodName, 'a.b.c.d.nothing');
  });
  test('never thenable: then is undefined at every level and awaiting makes no call', async () => {
    const api = client.proxy();
    const count = server.requests.length;
    assert.equal(api.then, undefined);
    assert.equal(api.deep.then, undefined);
    assert.equal(await api, api);
    const fromAsync = await (async () => api.namespace)();
    assert.equal(typeof fromAsync, 'function');
    assert.equal(server.requests.length, count);
  });
  test('conversion helpers make no call: JSON.stringify, String, template literals, symbols', () => {
    const api = client.proxy();
    const count = server.requests.length;
    assert.equal(JSON.stringify({ api: api.x }), '{}');
    assert.equal(String(api.calc.add), '[XML-RPC method calc.add]');
    assert.equal(`${api}`, '[XML-RPC proxy]');
    assert.equal(api[Symbol.iterator], undefined);
    assert.equal(server.requests.length, count);
  });
  test('calling the root is a TypeError; the proxy is read-only', () => {
    const api = client.proxy();
    assert.throws(() => api(), /Call a method of the proxy/);
    assert.throws(() => {
      api.x = 1;
    }, TypeError);
  });
  test('prefix, leadingParams and callOptions apply to every call', async () => {
    const api = client.proxy({ prefix: 'ns', leadingParams: ['token'], callOptions: { headers: { 'x-p': '1' } } });
    await api.sub.m(1).catch(() => {});
    const r = lastRequest();
    assert.deepEqual(decodeCall(r.body), { methodName: 'ns.sub.m', params: ['token', 1] });
    assert.equal(r.headers['x-p'], '1');
  });
  test('faults reject through the proxy', async () => {
    await assert.rejects(client.proxy().fail(), Fault);
  });
});

describe('close()', () => {
  test('calls after close fail with a NetworkError; close is idempotent', async () => {
    const c = new Client(server.url());
    assert.equal(await c.call('add', [1, 1]), 2);
    await c.close();
    await c.close();
    await assert.rejects(c.call('add', [1, 1]), (e) => e instanceof NetworkError && /closed/.test(e.message));
  });
  test('close waits for calls in flight', async () => {
    const c = new Client(server.url());
    const pending = c.call('add', [2, 2]);
    await c.close();
    assert.equal(await pending, 4);
  });
});
