// Our server on the host, Python's xmlrpc.client in a container calling it: the same script as the
// direct interop test (fixtures/python/py_client_server_checks.py), run in PYTHON_IMAGE with host
// networking. The servers below offer the methods that script calls (see its docstring; the
// direct test, spec-tests/interop/server-python.test.js, sets up the same ones).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCheckServers } from '../interop/server-support.js';
import { FIXTURES, PYTHON_IMAGE, runContainer, skipUnlessDocker } from './support.js';

const skip = await skipUnlessDocker();

describe("Python's xmlrpc.client in a container against our server", { skip }, () => {
  const servers = [];
  let results;

  before(async () => {
    const { url, authUrl } = await startCheckServers(servers);
    const { code, stdout, stderr } = await runContainer('py-client', ['python3', '/fixtures/py_client_server_checks.py', url, authUrl], {
      image: PYTHON_IMAGE,
      mounts: [[FIXTURES, '/fixtures']],
    });
    assert.equal(code, 0, `py_client_server_checks.py in ${PYTHON_IMAGE} failed (exit ${code}): ${stderr}`);
    results = JSON.parse(stdout.trim().split('\n').at(-1));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const ok = (name) => {
    const r = results[name];
    assert.ok(r !== undefined, `no result for ${name}`);
    assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
    return r.value;
  };
  const failed = (name) => {
    const r = results[name];
    assert.ok(r !== undefined, `no result for ${name}`);
    assert.equal(r.ok, false, `${name} should have failed: ${JSON.stringify(r)}`);
    return r;
  };

  test("the caller is the container's Python", () => {
    assert.match(ok('context_user_agent'), /^Python-xmlrpc\/3\.\d+$/);
  });

  describe('every value type both ways', () => {
    const conversions = {
      round_trip_default: { datetime: 'DateTime' },
      round_trip_builtin_types: { Binary: 'bytes', DateTime: 'datetime' },
      round_trip_use_datetime: { DateTime: 'datetime' },
      round_trip_no_allow_none: { datetime: 'DateTime' },
      round_trip_no_allow_none_builtin_types: { Binary: 'bytes', DateTime: 'datetime' },
    };
    for (const [mode, convert] of Object.entries(conversions)) {
      test(`${mode}: every value comes back equal, typed as the mode says`, () => {
        const cases = ok(mode);
        assert.ok(cases.length >= 20, `only ${cases.length} values`);
        for (const { sent, got, equal } of cases) {
          assert.equal(equal, true, `${JSON.stringify(sent)} came back as ${JSON.stringify(got)}`);
          assert.equal(got[0], convert[sent[0]] ?? sent[0], JSON.stringify(sent));
        }
      });
    }
    test('every type the server sends reaches Python as the matching Python type', () => {
      assert.deepEqual(ok('all_types_from_server_builtin'), ['dict', {
        int: ['int', '7'], double: ['float', '2.5'], bool: ['bool', true], string: ['str', 'ü<&>'], nil: ['None'],
        i8: ['int', '1099511627776'], date: ['datetime', '1998-07-17T14:08:55'], base64: ['bytes', '010203'],
        array: ['list', [['int', '1'], ['str', 'x']]], struct: ['dict', { a: ['int', '1'] }],
      }]);
    });
    test('what Python sends decodes to the documented JavaScript values', () => {
      assert.deepEqual(ok('server_receives'), [
        'number 42', 'number -7', 'number 1.25', 'number 1e+100', 'number NaN', 'boolean true', 'string x<y', 'nil',
        'bytes 00ff', 'Date 1998-07-17T14:08:55.000Z', 'array [number 1, string a]', 'struct {k: number 1}',
      ]);
    });
  });

  describe('faults', () => {
    test('a thrown Fault arrives exactly; a handler error is -32500', () => {
      assert.deepEqual(failed('fault_thrown'), { ok: false, error: 'Fault', faultCode: 42, faultString: 'custom failure' });
      assert.deepEqual(failed('fault_from_handler_error'), { ok: false, error: 'Fault', faultCode: -32500, faultString: 'kaboom' });
    });
    test('an unknown method is -32601 naming it', () => {
      const r = failed('fault_unknown_method');
      assert.equal(r.faultCode, -32601);
      assert.match(r.faultString, /'no\.such\.method'/);
    });
  });

  test('introspection: listMethods, methodHelp, methodSignature', () => {
    const names = ok('list_methods');
    for (const name of ['calc.add', 'echo', 'system.listMethods', 'system.multicall']) assert.ok(names.includes(name), name);
    assert.equal(ok('method_help'), 'Adds two integers.');
    assert.deepEqual(ok('method_signature'), [['int', 'int', 'int']]);
  });

  test('MultiCall: results and faults in order', () => {
    const r = ok('multicall');
    assert.deepEqual(r[0], { value: ['int', '3'] });
    assert.deepEqual(r[1], { faultCode: 7, faultString: 'seven' });
    assert.deepEqual(r[2], { value: ['str', 'x'] });
    assert.equal(r[3].faultCode, -32601);
  });

  test('gzip both ways: large responses compressed, compressed requests read', () => {
    assert.deepEqual(ok('gzip_response'), { bigLength: 20000, small: 'small', encodings: ['gzip', null] });
    const r = ok('gzip_request');
    assert.deepEqual(r.seen, ['gzip', 8000]);
    assert.equal(r.echoed, true);
  });

  test('Basic auth: user:password in the URL works, otherwise 401 with the challenge', () => {
    assert.equal(ok('auth_ok'), 'alice');
    for (const name of ['auth_wrong_password', 'auth_none']) {
      const r = failed(name);
      assert.deepEqual([r.error, r.status], ['ProtocolError', 401], name);
    }
  });
});
