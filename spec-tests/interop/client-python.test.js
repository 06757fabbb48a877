// Our client against Python's SimpleXMLRPCServer (allow_none, use_builtin_types, introspection,
// multicall): fixtures/python/py_server.py, started once for this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Client, Fault, HttpError, NetworkError, asDouble, asI8 } from 'xmlrpc-ts';
import { startPython } from './client-support.js';

let python;
let base;
let client;

before(async () => {
  python = await startPython('py_server.py', ['--port', '0']);
  base = `http://127.0.0.1:${python.rest}`;
  client = new Client(`${base}/RPC2`);
});

after(async () => {
  await client?.close();
  await python?.stop();
});

describe('values Python sends decode to the documented JavaScript types', () => {
  let v;
  before(async () => {
    v = await client.call('python_values');
  });

  test('int, boolean and string', () => {
    assert.equal(v.int, 42);
    assert.equal(v.negative_int, -2147483648);
    assert.equal(v.max_int, 2147483647);
    assert.equal(v.true, true);
    assert.equal(v.false, false);
    assert.equal(v.string, 'héllo <&> ✓ 😀');
    assert.equal(v.empty_string, '');
  });

  test("doubles in Python's repr spelling, including exponents, nan, inf and -0.0", () => {
    assert.equal(v.double, 0.1);
    assert.equal(v.exponent_double, 1e100);
    assert.equal(v.small_double, 1e-7);
    assert.ok(Object.is(v.negative_zero, -0));
    assert.ok(Number.isNaN(v.nan));
    assert.equal(v.inf, Infinity);
    assert.equal(v.minus_inf, -Infinity);
  });

  test('None, bytes, datetime, lists and dicts', () => {
    assert.equal(v.none, null);
    assert.ok(v.bytes instanceof Uint8Array);
    assert.deepEqual([...v.bytes], Array.from({ length: 256 }, (_, i) => i));
    assert.equal(v.empty_bytes.length, 0);
    assert.ok(v.datetime instanceof Date);
    assert.equal(v.datetime.toISOString(), '1998-07-17T14:08:55.000Z');
    assert.deepEqual(v.list, [1, 'two', [3, null]]);
    assert.deepEqual(v.empty_list, []);
    assert.deepEqual(v.dict, { a: 1, nested: { b: [true] } });
    assert.deepEqual(v.empty_dict, {});
  });
});

describe('values we send arrive in Python as the matching Python types', () => {
  const cases = [
    ['int32 number', 42, ['int', '42']],
    ['negative int32', -2147483648, ['int', '-2147483648']],
    ['non-integer number', 1.5, ['float', '1.5']],
    ['asDouble of a whole number', asDouble(5), ['float', '5.0']],
    ['bigint (as <i8>)', 2n ** 40n, ['int', '1099511627776']],
    ['asI8', asI8(-5), ['int', '-5']],
    ['true', true, ['bool', 'True']],
    ['false', false, ['bool', 'False']],
    ['string with markup characters', 'a<b>&c', ['str', "'a<b>&c'"]],
    ['string with CR and CRLF (kept, unlike Python-to-Python)', 'a\r\nb\rc', ['str', "'a\\r\\nb\\rc'"]],
    ['non-ASCII string', 'é✓😀', ['str', "'é✓😀'"]],
    ['empty string', '', ['str', "''"]],
    ['null', null, ['NoneType', 'None']],
    ['Buffer', Buffer.from([0, 1, 254, 255]), ['bytes', "b'\\x00\\x01\\xfe\\xff'"]],
    ['Date (UTC wall clock)', new Date(Date.UTC(1998, 6, 17, 14, 8, 55)), ['datetime', 'datetime.datetime(1998, 7, 17, 14, 8, 55)']],
    ['array', [1, 'a', [true]], ['list', "[1, 'a', [True]]"]],
    ['object', { a: 1, b: { c: null } }, ['dict', "{'a': 1, 'b': {'c': None}}"]],
    ['Map', new Map([['k', 'v']]), ['dict', "{'k': 'v'}"]],
  ];
  for (const [name, value, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await client.call('describe', [value]), expected);
    });
  }

  test('every type survives a round trip through Python unchanged', async () => {
    const value = {
      int: 7, double: -0.25, bool: true, string: 'x\ty', nil: null, bytes: new TextEncoder().encode('hi'),
      date: new Date(Date.UTC(2024, 1, 29, 23, 59, 59)), list: [[], {}, ''], nested: [{ a: [{ b: 'c' }] }],
    };
    assert.deepEqual(await client.call('echo', [value]), value);
  });
});

describe('faults carry Python\'s codes and strings', () => {
  test('a Fault raised by the method passes through unchanged', async () => {
    await assert.rejects(client.call('fault', [4, 'Too many parameters']), (e) => {
      assert.ok(e instanceof Fault);
      assert.equal(e.code, 'ERR_XMLRPC_FAULT');
      assert.equal(e.faultCode, 4);
      assert.equal(e.faultString, 'Too many parameters');
      return true;
    });
  });
  test('any other exception is faultCode 1 "<class \'X\'>:message"', async () => {
    await assert.rejects(client.call('fail', ['boom']), { faultCode: 1, faultString: "<class 'ValueError'>:boom" });
  });
  test('an unknown method is faultCode 1, "is not supported"', async () => {
    await assert.rejects(client.call('nope'), {
      name: 'Fault', faultCode: 1, faultString: '<class \'Exception\'>:method "nope" is not supported',
    });
  });
  test('a wrong argument count is a TypeError fault', async () => {
    await assert.rejects(client.call('add', [1]), (e) => e instanceof Fault && e.faultCode === 1 && e.faultString.startsWith("<class 'TypeError'>"));
  });
  test('a value Python cannot marshal (an int beyond 32 bits) is an OverflowError fault', async () => {
    await assert.rejects(client.call('echo', [2n ** 40n]), { faultCode: 1, faultString: "<class 'OverflowError'>:int exceeds XML-RPC limits" });
  });
});

describe('introspection', () => {
  test('system.listMethods returns the sorted names, system.* included', async () => {
    const names = await client.call('system.listMethods');
    assert.ok(names.includes('describe') && names.includes('system.multicall') && names.includes('system.methodHelp'));
    assert.deepEqual(names, [...names].sort());
  });
  test('system.methodHelp returns the docstring', async () => {
    assert.equal(await client.call('system.methodHelp', ['describe']), '[type name, repr] of a value as Python received it.');
  });
  test('system.methodSignature is Python\'s fixed string', async () => {
    assert.equal(await client.call('system.methodSignature', ['describe']), 'signatures not supported');
  });
  test('the proxy reaches system.* methods', async () => {
    const api = client.proxy();
    assert.equal(await api.system.methodHelp('fail'), (await client.call('system.methodHelp', ['fail'])));
  });
});

describe('multicall', () => {
  test('results come back in order, faults in their slots', async () => {
    const results = await client.multicall([
      { methodName: 'add', params: [2, 3] },
      { methodName: 'fault', params: [7, 'seven'] },
      { methodName: 'echo', params: [{ k: [1] }] },
      { methodName: 'nope' },
    ]);
    assert.equal(results.length, 4);
    assert.equal(results[0], 5);
    assert.ok(results[1] instanceof Fault);
    assert.equal(results[1].faultCode, 7);
    assert.equal(results[1].faultString, 'seven');
    assert.deepEqual(results[2], { k: [1] });
    assert.ok(results[3] instanceof Fault);
    assert.match(results[3].faultString, /method "nope" is not supported/);
  });
  test('a struct result is a value, not taken for a fault', async () => {
    const [r] = await client.multicall([{ methodName: 'echo', params: [{ faultCode: 1, faultString: 'x' }] }]);
    // Python wraps a value in a one-element array, so even a fault-shaped struct is a value.
    assert.deepEqual(r, { faultCode: 1, faultString: 'x' });
  });
});

describe('typed proxy', () => {
  test('nested names call dotted methods; awaiting the proxy makes no call', async () => {
    const api = client.proxy();
    assert.equal(api.then, undefined);
    assert.equal(api.system.then, undefined);
    assert.equal(await api, api);
    assert.equal(await api.add(20, 22), 42);
    assert.deepEqual(await api.echo_all('a', 1), ['a', 1]);
  });
});

describe('broken answers give typed, readable errors', () => {
  test('a non-XML 500 page is an HttpError with status, headers and the page title', async () => {
    const c = new Client(`${base}/html500`);
    try {
      await assert.rejects(c.call('add', [1, 2]), (e) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.code, 'ERR_XMLRPC_HTTP');
        assert.equal(e.status, 500);
        assert.match(e.headers['content-type'], /text\/html/);
        assert.match(e.message, /HTTP 500/);
        assert.match(e.message, /500 Internal Server Error/);
        assert.match(e.body, /The proxy could not reach the application/);
        return true;
      });
    } finally {
      await c.close();
    }
  });
  test('an HTML page with status 200 is an HttpError naming the content type, not an XML parse error', async () => {
    const c = new Client(`${base}/html200`);
    try {
      await assert.rejects(c.call('add', [1, 2]), (e) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.status, 200);
        assert.match(e.message, /text\/html/);
        assert.match(e.message, /Login required/);
        assert.equal(e.cause?.code, 'ERR_XMLRPC_DECODE');
        return true;
      });
    } finally {
      await c.close();
    }
  });
  test('a path Python does not serve is HttpError 404', async () => {
    const c = new Client(`${base}/nope`);
    try {
      await assert.rejects(c.call('add', [1, 2]), { name: 'HttpError', status: 404 });
    } finally {
      await c.close();
    }
  });
  test('a connection closed without an answer is a NetworkError with the cause', async () => {
    const c = new Client(`${base}/drop`);
    try {
      await assert.rejects(c.call('add', [1, 2]), (e) => {
        assert.ok(e instanceof NetworkError);
        assert.equal(e.code, 'ERR_XMLRPC_NETWORK');
        assert.ok(e.cause instanceof Error);
        return true;
      });
    } finally {
      await c.close();
    }
  });
});

describe('transport behaviour against Python', () => {
  test('a URL without a path posts to /RPC2, as Python\'s ServerProxy does', async () => {
    const c = new Client(base);
    try {
      assert.equal(await c.call('add', [1, 1]), 2);
    } finally {
      await c.close();
    }
  });
  test('a response Python gzips (over 1400 bytes) is inflated', async () => {
    // Python gzips because we send Accept-Encoding; check that it really does.
    const raw = await request(`${base}/RPC2`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'accept-encoding': 'gzip' },
      body: '<?xml version="1.0"?><methodCall><methodName>text_of_length</methodName><params><param><value><int>5000</int></value></param></params></methodCall>',
    });
    await raw.body.dump();
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.equal(await client.call('text_of_length', [100_000]), 'x'.repeat(100_000));
  });
  test('sequential and concurrent calls do not stall on a one-connection-at-a-time HTTP/1.0 server', async () => {
    const started = Date.now();
    for (let i = 0; i < 20; i++) assert.equal(await client.call('add', [i, 1]), i + 1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.call('add', [i, 2])));
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i + 2));
    // A stalled pool waits seconds per call (spec digest §10.6); 40 healthy calls take milliseconds.
    assert.ok(Date.now() - started < 3000, `40 calls took ${Date.now() - started} ms`);
  });
});
