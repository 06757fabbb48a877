// Our client on the host against Python's SimpleXMLRPCServer in a container: the same scripts as
// the direct interop tests (fixtures/python/py_server.py and py_server_variants.py), run in
// PYTHON_IMAGE with host networking on 127.0.0.1. Every value type both ways, faults,
// introspection, multicall, gzip and basic auth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Fault, HttpError, asDouble, asI8 } from 'xmlrpc-ts';
import { FIXTURES, PYTHON_IMAGE, docker, skipUnlessDocker, startContainer } from './support.js';

const skip = await skipUnlessDocker();
const python = { image: PYTHON_IMAGE, mounts: [[FIXTURES, '/fixtures']] };

describe("our client against Python's xmlrpc.server in a container", { skip }, () => {
  let server;
  let variants;
  let client;
  const clients = [];

  /** A client closed after the file's tests. */
  const open = (url, options) => {
    const c = new Client(url, options);
    clients.push(c);
    return c;
  };

  before(async () => {
    const started = await Promise.allSettled([
      startContainer('py-server', ['python3', '/fixtures/py_server.py', '--host', '127.0.0.1', '--port', '0'], python),
      startContainer('py-variants', ['python3', '/fixtures/py_server_variants.py', '--unix', '/tmp/supervisor.sock'], python),
    ]);
    [server, variants] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    variants.ports = JSON.parse(variants.rest);
    client = open(`http://127.0.0.1:${server.rest}/RPC2`);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([server?.stop(), variants?.stop()]);
  });

  test('the server answering is the container\'s Python (its Python, not the host\'s)', async () => {
    const { stdout } = await docker(['inspect', '--format', '{{.State.Running}} {{.HostConfig.NetworkMode}}', server.name]);
    assert.equal(stdout.trim(), 'true host');
    assert.equal(await client.call('add', [40, 2]), 42);
  });

  describe('the calculator (the Python service of compose.yaml)', () => {
    test('add, subtract, multiply and divide answer with ints and doubles', async () => {
      assert.equal(await client.call('add', [2, 3]), 5);
      assert.equal(await client.call('subtract', [7, 2]), 5);
      assert.equal(await client.call('multiply', [6, 7]), 42);
      assert.equal(await client.call('multiply', [asDouble(1.5), asDouble(4)]), 6);
      assert.equal(await client.call('divide', [7, 2]), 3.5);
    });
    test('dividing by zero is Fault(1, "division by zero")', async () => {
      await assert.rejects(client.call('divide', [1, 0]), { name: 'Fault', faultCode: 1, faultString: 'division by zero' });
    });
  });

  describe('values Python sends decode to the documented JavaScript types', () => {
    let v;
    before(async () => {
      v = await client.call('python_values');
    });
    test('int, boolean, string and double, including nan, inf and -0.0', () => {
      assert.equal(v.int, 42);
      assert.equal(v.negative_int, -2147483648);
      assert.equal(v.max_int, 2147483647);
      assert.equal(v.true, true);
      assert.equal(v.false, false);
      assert.equal(v.string, 'héllo <&> ✓ 😀');
      assert.equal(v.empty_string, '');
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
      ['non-integer number', 1.5, ['float', '1.5']],
      ['asDouble of a whole number', asDouble(5), ['float', '5.0']],
      ['bigint (as <i8>)', 2n ** 40n, ['int', '1099511627776']],
      ['asI8', asI8(-5), ['int', '-5']],
      ['boolean', true, ['bool', 'True']],
      ['string with markup and non-ASCII characters', 'a<b>&c é😀', ['str', "'a<b>&c é😀'"]],
      ['null', null, ['NoneType', 'None']],
      ['Buffer', Buffer.from([0, 1, 254, 255]), ['bytes', "b'\\x00\\x01\\xfe\\xff'"]],
      ['Date (UTC wall clock)', new Date(Date.UTC(1998, 6, 17, 14, 8, 55)), ['datetime', 'datetime.datetime(1998, 7, 17, 14, 8, 55)']],
      ['array', [1, 'a', [true]], ['list', "[1, 'a', [True]]"]],
      ['object', { a: 1, b: { c: null } }, ['dict', "{'a': 1, 'b': {'c': None}}"]],
    ];
    for (const [name, value, expected] of cases) {
      test(name, async () => {
        assert.deepEqual(await client.call('describe', [value]), expected);
      });
    }
    test('every type survives a round trip through Python unchanged', async () => {
      const value = {
        int: 7, double: -0.25, bool: false, string: 'x\ty', nil: null, bytes: new TextEncoder().encode('hi'),
        date: new Date(Date.UTC(2024, 1, 29, 23, 59, 59)), list: [[], {}, ''], nested: [{ a: [{ b: 'c' }] }],
      };
      assert.deepEqual(await client.call('echo', [value]), value);
    });
  });

  describe('faults', () => {
    test('a Fault raised by the method passes through with its code and string', async () => {
      await assert.rejects(client.call('fault', [4, 'Too many parameters']), (e) => {
        assert.ok(e instanceof Fault);
        assert.equal(e.faultCode, 4);
        assert.equal(e.faultString, 'Too many parameters');
        return true;
      });
    });
    test('another exception is faultCode 1 "<class \'X\'>:message"', async () => {
      await assert.rejects(client.call('fail', ['boom']), { name: 'Fault', faultCode: 1, faultString: "<class 'ValueError'>:boom" });
    });
    test('an unknown method is a fault that names it', async () => {
      await assert.rejects(client.call('nope'), { name: 'Fault', faultCode: 1, faultString: '<class \'Exception\'>:method "nope" is not supported' });
    });
  });

  describe('introspection', () => {
    test('system.listMethods lists the methods, system.* included', async () => {
      const names = await client.call('system.listMethods');
      for (const name of ['add', 'describe', 'echo', 'system.methodHelp', 'system.multicall']) assert.ok(names.includes(name), name);
    });
    test('system.methodHelp returns the docstring, system.methodSignature Python\'s fixed string', async () => {
      assert.equal(await client.call('system.methodHelp', ['describe']), '[type name, repr] of a value as Python received it.');
      assert.equal(await client.call('system.methodSignature', ['describe']), 'signatures not supported');
    });
  });

  test('multicall: results in order, faults in their slots', async () => {
    const results = await client.multicall([
      { methodName: 'add', params: [2, 3] },
      { methodName: 'fault', params: [7, 'seven'] },
      { methodName: 'echo', params: [{ k: [1] }] },
    ]);
    assert.equal(results.length, 3);
    assert.equal(results[0], 5);
    assert.ok(results[1] instanceof Fault);
    assert.equal(results[1].faultCode, 7);
    assert.equal(results[1].faultString, 'seven');
    assert.deepEqual(results[2], { k: [1] });
  });

  describe('gzip', () => {
    test('responses Python gzips are inflated', async () => {
      const c = open(`http://127.0.0.1:${variants.ports.gzip}/RPC2`);
      assert.equal(await c.call('add', [1, 2]), 3);
      assert.equal(await c.call('text_of_length', [200_000]), 'x'.repeat(200_000));
    });
    test('requests we gzip are inflated by Python', async () => {
      const c = open(`http://127.0.0.1:${variants.ports.gzip}/RPC2`, { gzipRequestThresholdBytes: 1024 });
      const big = 'ab'.repeat(50_000);
      assert.equal(await c.call('echo', [big]), big);
    });
  });

  describe('basic auth', () => {
    test('without credentials the 401 is an HttpError with the challenge', async () => {
      const c = open(`http://127.0.0.1:${variants.ports.auth}/RPC2`);
      await assert.rejects(c.call('add', [1, 2]), (e) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.status, 401);
        assert.equal(e.headers['www-authenticate'], 'Basic realm="xmlrpc"');
        return true;
      });
    });
    test('credentials from the auth option or the URL are accepted', async () => {
      const byOption = open(`http://127.0.0.1:${variants.ports.auth}/RPC2`, { auth: { username: 'user', password: 'p@ss:w/rd' } });
      assert.equal(await byOption.call('add', [2, 2]), 4);
      const byUrl = open(`http://user:p%40ss%3Aw%2Frd@127.0.0.1:${variants.ports.auth}/RPC2`);
      assert.equal(await byUrl.call('add', [3, 3]), 6);
    });
    test('a wrong password is a 401 HttpError', async () => {
      const c = open(`http://user:wrong@127.0.0.1:${variants.ports.auth}/RPC2`);
      await assert.rejects(c.call('add', [1, 2]), { name: 'HttpError', status: 401 });
    });
  });
});
