// createFetchHandler on Node: the Web-standard face answers like the node:http face (same
// statuses, same faults), streams the body within its limits, gzips both ways and checks
// credentials, all on Request/Response objects with no socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Fault, OptionError, XmlRpcError, createServer, decodeResponse, encodeCall } from 'xmlrpc-ts';
import { FETCH_HANDLER_DEFAULTS, FaultCode, SERVER_DEFAULTS, XmlRpcDispatcher, basicAuth, createFetchHandler } from 'xmlrpc-ts/server';

const URL_BASE = 'http://example.test';

function calculator(options) {
  const dispatcher = new XmlRpcDispatcher(options);
  dispatcher.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'] });
  dispatcher.addMethod('echo', (value) => value);
  return dispatcher;
}

function post(body, headers = {}, path = '/RPC2') {
  return new Request(URL_BASE + path, { method: 'POST', body, headers: { 'Content-Type': 'text/xml', ...headers } });
}

async function valueOf(response) {
  return decodeResponse(new Uint8Array(await response.arrayBuffer()));
}

/** The fault code of a fault response; `undefined` for a result. */
async function faultCodeOf(response) {
  try {
    await valueOf(response);
    return undefined;
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    return error.faultCode;
  }
}

describe('createFetchHandler answers calls', () => {
  const handle = createFetchHandler(calculator());

  test('a call is answered 200 text/xml with the result', async () => {
    const response = await handle(post(encodeCall('calc.add', [2, 3])));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/xml; charset=utf-8');
    assert.equal(await valueOf(response), 5);
  });

  test('faults carry the same codes as the node:http face', async () => {
    assert.equal(await faultCodeOf(await handle(post(encodeCall('nope', [])))), FaultCode.METHOD_NOT_FOUND);
    assert.equal(await faultCodeOf(await handle(post(encodeCall('calc.add', ['x', 1])))), FaultCode.INVALID_PARAMS);
    assert.equal(await faultCodeOf(await handle(post('<methodCall><methodName>x'))), FaultCode.PARSE_ERROR);
  });

  test('the handler sees the path and headers of the request in currentCall()', async () => {
    const { currentCall } = await import('xmlrpc-ts/server');
    const dispatcher = new XmlRpcDispatcher();
    dispatcher.addMethod('who', () => {
      const call = currentCall();
      return [call.path, call.headers['x-caller'] ?? ''];
    });
    const response = await createFetchHandler(dispatcher)(post(encodeCall('who', []), { 'X-Caller': 'tests' }, '/api/rpc'));
    assert.deepEqual(await valueOf(response), ['/api/rpc', 'tests']);
  });
});

describe('createFetchHandler limits', () => {
  test('a declared Content-Length over maxBodyBytes is 413 before the body is read', async () => {
    const handle = createFetchHandler(calculator(), { maxBodyBytes: 100 });
    const body = new ReadableStream({ pull(controller) { controller.enqueue(new Uint8Array(10)); } });
    const request = new Request(URL_BASE + '/', { method: 'POST', body, duplex: 'half', headers: { 'Content-Length': '5000' } });
    const response = await handle(request);
    assert.equal(response.status, 413);
    assert.match(await response.text(), /5000 bytes is over the limit of 100/);
    assert.equal(request.bodyUsed, false);
  });

  test('a streamed body is refused with 413 once it passes maxBodyBytes, without reading the rest', async () => {
    const handle = createFetchHandler(calculator(), { maxBodyBytes: 1000 });
    let chunksRead = 0;
    const body = new ReadableStream({
      pull(controller) {
        chunksRead++;
        if (chunksRead > 1000) controller.close(); // bounded, in case the limit were ignored
        else controller.enqueue(new Uint8Array(400));
      },
    });
    const response = await handle(new Request(URL_BASE + '/', { method: 'POST', body, duplex: 'half' }));
    assert.equal(response.status, 413);
    assert.ok(chunksRead < 10, `read ${chunksRead} chunks`);
  });

  test('a body that stops coming is 408 after bodyTimeoutMs', async () => {
    const handle = createFetchHandler(calculator(), { bodyTimeoutMs: 50 });
    const body = new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode('<methodCall>')); } });
    const response = await handle(new Request(URL_BASE + '/', { method: 'POST', body, duplex: 'half' }));
    assert.equal(response.status, 408);
    assert.match(await response.text(), /within 50 ms/);
  });

  test('a body with a declared Content-Length that stops coming is 408 after bodyTimeoutMs', async () => {
    const handle = createFetchHandler(calculator(), { bodyTimeoutMs: 50 });
    const body = new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode('<methodCall>')); } });
    const response = await handle(new Request(URL_BASE + '/', { method: 'POST', body, duplex: 'half', headers: { 'Content-Length': '500' } }));
    assert.equal(response.status, 408);
    assert.match(await response.text(), /within 50 ms/);
  });

  test('a body longer than its declared Content-Length is still refused over maxBodyBytes', async () => {
    const handle = createFetchHandler(calculator(), { maxBodyBytes: 1000 });
    const response = await handle(post(new Uint8Array(5000), { 'Content-Length': '10' }));
    assert.equal(response.status, 413);
    assert.match(await response.text(), /over the limit of 1000 bytes/);
  });

  test('a gzip bomb stops at maxInflatedBytes with 413; bad gzip is 400', async () => {
    const handle = createFetchHandler(calculator(), { maxInflatedBytes: 10_000 });
    const bomb = gzipSync(Buffer.alloc(1_000_000, 0x20));
    const big = await handle(post(bomb, { 'Content-Encoding': 'gzip' }));
    assert.equal(big.status, 413);
    assert.match(await big.text(), /once decompressed/);
    const bad = await handle(post(new Uint8Array([1, 2, 3, 4]), { 'Content-Encoding': 'gzip' }));
    assert.equal(bad.status, 400);
  });

  test('decode depth is the dispatcher\'s (a fault, as on node:http)', async () => {
    const handle = createFetchHandler(calculator({ decode: { maxDepth: 4 } }));
    const deep = encodeCall('echo', [[[[[[1]]]]]]);
    assert.equal(await faultCodeOf(await handle(post(deep))), FaultCode.INVALID_PARAMS);
  });
});

describe('createFetchHandler gzip both ways', () => {
  test('a gzipped request is inflated and a large answer is gzipped for a client that accepts it', async () => {
    const handle = createFetchHandler(calculator());
    const text = 'x'.repeat(5000);
    const request = post(gzipSync(encodeCall('echo', [text])), { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' });
    const response = await handle(request);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assert.equal(response.headers.get('vary'), 'Accept-Encoding');
    const zipped = new Uint8Array(await response.arrayBuffer());
    assert.ok(zipped.length < 1000);
    const inflated = new Uint8Array(await new Response(new Blob([zipped]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    assert.equal(decodeResponse(inflated), text);
  });

  test('without Accept-Encoding: gzip the answer is plain', async () => {
    const response = await createFetchHandler(calculator())(post(encodeCall('echo', ['y'.repeat(5000)])));
    assert.equal(response.headers.get('content-encoding'), null);
    assert.equal((await valueOf(response)).length, 5000);
  });
});

describe('createFetchHandler authentication', () => {
  const authenticate = Object.assign((request) => (request.headers.get('authorization') === 'Bearer good' ? 'alice' : false), { challenge: 'Bearer realm="rpc"' });

  test('refused: 401 with the challenge, and no method runs', async () => {
    let ran = false;
    const dispatcher = new XmlRpcDispatcher();
    dispatcher.addMethod('run', () => (ran = true));
    const response = await createFetchHandler(dispatcher, { authenticate })(post(encodeCall('run', [])));
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="rpc"');
    assert.equal(ran, false);
  });

  test('accepted: the handler sees the user', async () => {
    const { currentCall } = await import('xmlrpc-ts/server');
    const dispatcher = new XmlRpcDispatcher();
    dispatcher.addMethod('whoami', () => currentCall().user);
    const response = await createFetchHandler(dispatcher, { authenticate })(post(encodeCall('whoami', []), { Authorization: 'Bearer good' }));
    assert.equal(await valueOf(response), 'alice');
  });
});

describe('createFetchHandler with basicAuth (the portable one of the node:http face)', () => {
  const handle = createFetchHandler(calculator(), { authenticate: basicAuth({ alice: 's3cret' }) });

  test('good credentials call; bad ones get 401 with the Basic challenge', async () => {
    const good = await handle(post(encodeCall('calc.add', [1, 2]), { Authorization: `Basic ${btoa('alice:s3cret')}` }));
    assert.equal(await valueOf(good), 3);
    const bad = await handle(post(encodeCall('calc.add', [1, 2]), { Authorization: `Basic ${btoa('alice:wrong')}` }));
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), 'Basic realm="XML-RPC", charset="UTF-8"');
  });
});

describe('createFetchHandler cross-site policy', () => {
  test('listeningOnLoopback: a Host that is not a loopback name is refused (DNS rebinding), unless allowedHosts admits it', async () => {
    const loopback = createFetchHandler(calculator(), { listeningOnLoopback: true });
    const rebound = await loopback(new Request('http://attacker.test:8080/', { method: 'POST', body: encodeCall('calc.add', [1, 2]) }));
    assert.equal(rebound.status, 403);
    assert.match(await rebound.text(), /not a loopback name/);
    const local = await loopback(new Request('http://127.0.0.1:8080/', { method: 'POST', body: encodeCall('calc.add', [1, 2]) }));
    assert.equal(await valueOf(local), 3);
    const admitted = createFetchHandler(calculator(), { listeningOnLoopback: true, allowedHosts: ['my-box.lan'] });
    assert.equal((await admitted(new Request('http://my-box.lan/', { method: 'POST', body: encodeCall('calc.add', [1, 2]) }))).status, 200);
  });

  test('the CORS headers of an allowed origin are on every answer, refusals and gzipped answers too', async () => {
    const handle = createFetchHandler(calculator(), { allowedOrigins: ['http://app.test'], maxBodyBytes: 100 });
    const refused = await handle(post('x'.repeat(200), { Origin: 'http://app.test' }));
    assert.equal(refused.status, 413);
    assert.equal(refused.headers.get('access-control-allow-origin'), 'http://app.test');
    const big = await createFetchHandler(calculator(), { allowedOrigins: ['http://app.test'] })(post(encodeCall('echo', ['z'.repeat(5000)]), { Origin: 'http://app.test', 'Accept-Encoding': 'gzip' }));
    assert.equal(big.headers.get('access-control-allow-origin'), 'http://app.test');
    assert.equal(big.headers.get('content-encoding'), 'gzip');
    assert.match(big.headers.get('vary'), /Origin/);
    assert.match(big.headers.get('vary'), /Accept-Encoding/);
  });
});

describe('createFetchHandler docs page', () => {
  test('a browser GET gets the page with its CSP; HEAD the headers only', async () => {
    const { DOCS_PAGE_CSP } = await import('xmlrpc-ts/server');
    const handle = createFetchHandler(calculator(), { docsPage: { title: 'Calculator' } });
    const page = await handle(new Request(URL_BASE + '/RPC2', { headers: { Accept: 'text/html' } }));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), DOCS_PAGE_CSP);
    const html = await page.text();
    assert.match(html, /<title>Calculator<\/title>/);
    assert.match(html, /calc\.add/);
    const head = await handle(new Request(URL_BASE + '/RPC2', { method: 'HEAD', headers: { Accept: 'text/html' } }));
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test("the page's options are checked like the node:http face's", () => {
    assert.throws(() => createFetchHandler(calculator(), { docsPage: { titel: 'x' } }), OptionError);
  });
});

describe('createFetchHandler options', () => {
  test('unknown names are refused with the closest known one suggested', () => {
    assert.throws(() => createFetchHandler(calculator(), { bodyTimeout: 10 }), (error) => {
      assert.ok(error instanceof OptionError && error instanceof XmlRpcError);
      assert.match(error.message, /did you mean "bodyTimeoutMs"/);
      return true;
    });
  });

  test('bad values are refused with a typed error naming the option', () => {
    assert.throws(() => createFetchHandler(calculator(), { bodyTimeoutMs: -1 }), (error) => error instanceof OptionError && error.option.endsWith('bodyTimeoutMs'));
    assert.throws(() => createFetchHandler(calculator(), { paths: ['rpc'] }), (error) => error instanceof OptionError && error.option.endsWith('paths'));
    assert.throws(() => createFetchHandler({}), TypeError);
  });

  test("the defaults are exported, frozen, and the node:http face's where both have the option", () => {
    assert.ok(Object.isFrozen(FETCH_HANDLER_DEFAULTS));
    for (const name of ['maxBodyBytes', 'maxInflatedBytes', 'gzipThresholdBytes', 'bodyTimeoutMs']) {
      assert.equal(FETCH_HANDLER_DEFAULTS[name], SERVER_DEFAULTS[name], name);
    }
    assert.equal(FETCH_HANDLER_DEFAULTS.paths, 'any');
  });
});

// The same requests sent to the node:http face and to the fetch handler get the same statuses.
describe('createFetchHandler matches the node:http face', () => {
  let server;
  let base;
  const cases = [
    ['a call', { method: 'POST', body: encodeCall('calc.add', [1, 2]) }, '/RPC2'],
    ['a fault', { method: 'POST', body: encodeCall('missing', []) }, '/RPC2'],
    ['an unknown path', { method: 'POST', body: encodeCall('calc.add', [1, 2]) }, '/elsewhere'],
    ['GET', { method: 'GET' }, '/RPC2'],
    ['PUT', { method: 'PUT', body: 'x' }, '/RPC2'],
    ['an unknown Content-Encoding', { method: 'POST', body: 'x', headers: { 'Content-Encoding': 'br' } }, '/RPC2'],
    ['a body over maxBodyBytes', { method: 'POST', body: 'x'.repeat(3000) }, '/RPC2'],
    ['bad gzip', { method: 'POST', body: new Uint8Array([31, 139, 8, 0, 1, 2]), headers: { 'Content-Encoding': 'gzip' } }, '/RPC2'],
    ['a call from an allowed origin', { method: 'POST', body: encodeCall('calc.add', [1, 2]), headers: { Origin: 'http://app.test' } }, '/RPC2'],
    ['a call from another origin', { method: 'POST', body: encodeCall('calc.add', [1, 2]), headers: { Origin: 'http://evil.test' } }, '/RPC2'],
    ['a cross-site call without Origin', { method: 'POST', body: encodeCall('calc.add', [1, 2]), headers: { 'Sec-Fetch-Site': 'cross-site' } }, '/RPC2'],
    ['a preflight from an allowed origin', { method: 'OPTIONS', headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } }, '/RPC2'],
    ['a preflight from another origin', { method: 'OPTIONS', headers: { Origin: 'http://evil.test', 'Access-Control-Request-Method': 'POST' } }, '/RPC2'],
  ];
  const options = { maxBodyBytes: 2048, allowedOrigins: ['http://app.test'] };
  const handle = createFetchHandler(calculator(), { ...options, paths: ['/', '/RPC2'] });

  before(async () => {
    server = createServer(options);
    server.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'] });
    const { port } = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  after(() => server.close());

  for (const [name, init, path] of cases) {
    test(name, async () => {
      const fromNode = await fetch(base + path, init);
      const fromFetch = await handle(new Request(URL_BASE + path, init));
      assert.equal(fromFetch.status, fromNode.status);
      for (const header of ['allow', 'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-allow-credentials']) {
        assert.equal(fromFetch.headers.get(header), fromNode.headers.get(header), header);
      }
      if (fromNode.status === 200) assert.equal(await faultCodeOf(fromFetch), await faultCodeOf(fromNode));
      else await fromNode.arrayBuffer();
    });
  }
});

describe('the server entry for Web runtimes (dist/server/fetch/index.js)', () => {
  test("exports the server entry's own objects, all but the node:http face", async () => {
    const web = await import('../../dist/server/fetch/index.js');
    const full = await import('../../dist/server/index.js');
    for (const [name, value] of Object.entries(web)) assert.equal(full[name], value, name);
    const left = Object.keys(full).filter((name) => !(name in web)).sort();
    assert.deepEqual(left, ['SERVER_DEFAULTS', 'SERVER_OPTION_NAMES', 'XmlRpcServer', 'createServer', 'docsPageHandler']);
  });
});
