// Our server against Python's xmlrpc.client.ServerProxy (a real python3, no mocks). One Python
// process runs every check (fixtures/python/py_client_server_checks.py) and prints JSON; each
// test below asserts on one part of it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPythonChecks, startCheckServers } from './server-support.js';

let python;
let results;
const servers = [];

before(async () => {
  const { url, authUrl } = await startCheckServers(servers);
  python = runPythonChecks('py_client_server_checks.py', [url, authUrl]);
  results = await python.results;
});

after(async () => {
  python?.kill();
  await Promise.all(servers.map((s) => s.close()));
});

function ok(name) {
  const r = results[name];
  assert.ok(r !== undefined, `no result for ${name}`);
  assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
  return r.value;
}

function failed(name) {
  const r = results[name];
  assert.ok(r !== undefined, `no result for ${name}`);
  assert.equal(r.ok, false, `${name} should have failed: ${JSON.stringify(r)}`);
  return r;
}

/** Whether a described Python value (describe() of the check script) holds a None anywhere. */
function holdsNone(described) {
  const [type, value] = described;
  if (type === 'None') return true;
  if (type === 'list' || type === 'tuple') return value.some(holdsNone);
  if (type === 'dict') return Object.values(value).some(holdsNone);
  return false;
}

describe('every value type round-trips through Python', () => {
  // Per mode: [Python type sent → Python type received] where the mode changes the type, and how
  // many values it sends (without allow_none, the one None value is left out and Nones inside
  // arrays and structs are dropped).
  const modes = {
    round_trip_default: { convert: { datetime: 'DateTime' }, count: 23 },
    round_trip_builtin_types: { convert: { Binary: 'bytes', DateTime: 'datetime' }, count: 23 },
    round_trip_use_datetime: { convert: { DateTime: 'datetime' }, count: 23 },
    round_trip_no_allow_none: { convert: { datetime: 'DateTime' }, count: 22, noNone: true },
    round_trip_no_allow_none_builtin_types: { convert: { Binary: 'bytes', DateTime: 'datetime' }, count: 22, noNone: true },
  };
  for (const [mode, { convert, count, noNone }] of Object.entries(modes)) {
    test(`${mode}: equal values, same types except the mode's conversions`, () => {
      const cases = ok(mode);
      assert.equal(cases.length, count);
      for (const { sent, got, equal } of cases) {
        assert.equal(equal, true, `${JSON.stringify(sent)} came back as ${JSON.stringify(got)}`);
        assert.equal(got[0], convert[sent[0]] ?? sent[0], JSON.stringify(sent));
        if (got[0] === sent[0]) assert.deepEqual(got, sent);
      }
      assert.equal(cases.some((c) => holdsNone(c.sent)), !noNone, 'None is sent exactly when allow_none is on');
    });
  }

  test('dates keep their wall clock (naive, spec form)', () => {
    const cases = ok('round_trip_default');
    const sentDatetime = cases.find((c) => c.sent[0] === 'datetime');
    assert.deepEqual(sentDatetime.got, ['DateTime', '20240229T23:59:01']);
  });

  test('-0.0, 1e-07 and 0.1 keep their values', () => {
    const floats = ok('round_trip_default').filter((c) => c.sent[0] === 'float').map((c) => c.got[1]);
    assert.deepEqual(floats, ['1.5', '-0.0', '123456.789', '1e-07', '0.1']);
  });

  test('a struct member named __proto__ is data', () => {
    const struct = ok('round_trip_default').find((c) => c.sent[0] === 'dict' && Object.hasOwn(c.sent[1], '__proto__'));
    assert.ok(Object.hasOwn(struct.got[1], '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(struct.got[1], '__proto__').value, ['str', 'data']);
  });

  test('<nil/> reads as None even without allow_none', () => {
    assert.deepEqual(ok('nil_without_allow_none'), ['None']);
  });

  test('a bigint goes out as <i8>, which Python reads as int', () => {
    assert.deepEqual(ok('i8_from_server'), ['int', '1099511627776']);
  });

  test('every type the server sends, default and builtin types', () => {
    const expectedCommon = {
      int: ['int', '7'],
      double: ['float', '2.5'],
      bool: ['bool', true],
      string: ['str', 'ü<&>'],
      nil: ['None'],
      i8: ['int', '1099511627776'],
      array: ['list', [['int', '1'], ['str', 'x']]],
      struct: ['dict', { a: ['int', '1'] }],
    };
    assert.deepEqual(ok('all_types_from_server'), [
      'dict',
      { ...expectedCommon, date: ['DateTime', '19980717T14:08:55'], base64: ['Binary', '010203'] },
    ]);
    assert.deepEqual(ok('all_types_from_server_builtin'), [
      'dict',
      { ...expectedCommon, date: ['datetime', '1998-07-17T14:08:55'], base64: ['bytes', '010203'] },
    ]);
  });

  test('what Python sends is decoded to the right JavaScript values', () => {
    assert.deepEqual(ok('server_receives'), [
      'number 42',
      'number -7',
      'number 1.25',
      'number 1e+100',
      'number NaN',
      'boolean true',
      'string x<y',
      'nil',
      'bytes 00ff',
      'Date 1998-07-17T14:08:55.000Z',
      'array [number 1, string a]',
      'struct {k: number 1}',
    ]);
  });

  test('requests in ISO-8859-1 and in US-ASCII with character references', () => {
    assert.deepEqual(ok('iso_8859_1_request'), ['str', 'é ü ß']);
    assert.deepEqual(ok('us_ascii_request'), ['str', 'é 😀']);
  });

  test('a non-finite result is refused by default with a clear fault', () => {
    const r = failed('non_finite_result_refused_by_default');
    assert.equal(r.faultCode, -32603);
    assert.match(r.faultString, /'echo' cannot be encoded/);
  });
});

describe('faults arrive as xmlrpc.client.Fault with our code and string', () => {
  test('a handler error is -32500 with its message', () => {
    assert.deepEqual(failed('fault_from_handler_error'), { ok: false, error: 'Fault', faultCode: -32500, faultString: 'kaboom' });
  });

  test('a thrown Fault arrives exactly', () => {
    assert.deepEqual(failed('fault_thrown'), { ok: false, error: 'Fault', faultCode: 42, faultString: 'custom failure' });
  });

  test('an unknown method is -32601 naming it', () => {
    const r = failed('fault_unknown_method');
    assert.equal(r.faultCode, -32601);
    assert.match(r.faultString, /'no\.such\.method'/);
  });

  test('params against the signature are -32602 naming the param', () => {
    const r = failed('fault_bad_params');
    assert.equal(r.faultCode, -32602);
    assert.match(r.faultString, /params\[0\].*must be int, got string/);
  });

  test('an unencodable result is -32603 saying where', () => {
    const r = failed('fault_unencodable_result');
    assert.equal(r.faultCode, -32603);
    assert.match(r.faultString, /at result\.list\[1\]$/);
  });

  test('a malformed request is HTTP 200 with a -32700 fault that xmlrpc.client.loads reads', () => {
    const r = ok('fault_parse_error');
    assert.equal(r.status, 200);
    assert.equal(r.faultCode, -32700);
  });
});

describe('dotted names and object methods', () => {
  test('proxy.calc.add(2, 3) and proxy.calc.sub(10, 4)', () => {
    assert.equal(ok('dotted_calc_add'), 5);
    assert.equal(ok('dotted_calc_sub'), 6);
  });

  test('_private methods are not reachable', () => {
    assert.equal(failed('private_not_exposed').faultCode, -32601);
  });
});

describe('MultiCall', () => {
  test('results and faults come back in order', () => {
    const r = ok('multicall');
    assert.deepEqual(r[0], { value: ['int', '3'] });
    assert.deepEqual(r[1], { faultCode: 7, faultString: 'seven' });
    assert.deepEqual(r[2], { value: ['str', 'x'] });
    assert.equal(r[3].faultCode, -32601);
  });
});

describe('introspection from Python', () => {
  test('system.listMethods', () => {
    const names = ok('list_methods');
    for (const name of ['calc.add', 'calc.sub', 'echo', 'system.listMethods', 'system.multicall']) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('calc._secret'));
    assert.deepEqual(names, [...names].sort());
  });

  test('system.methodHelp and system.methodSignature', () => {
    assert.equal(ok('method_help'), 'Adds two integers.');
    assert.deepEqual(ok('method_signature'), [['int', 'int', 'int']]);
    assert.equal(ok('method_signature_undef'), 'undef');
  });

  test('system.getCapabilities', () => {
    const caps = ok('capabilities');
    assert.deepEqual(Object.keys(caps).sort(), ['faults_interop', 'introspect', 'nil', 'system.multicall', 'xmlrpc']);
    assert.equal(caps.faults_interop.specVersion, 20010516);
  });
});

describe("gzip with Python's transport", () => {
  test('large responses come gzip-compressed and decode; small ones do not', () => {
    assert.deepEqual(ok('gzip_response'), { bigLength: 20000, small: 'small', encodings: ['gzip', null] });
  });

  test('gzip-compressed requests (encode_threshold) are decoded', () => {
    const r = ok('gzip_request');
    assert.deepEqual(r.seen, ['gzip', 8000]);
    assert.equal(r.echoed, true);
  });
});

describe('HTTP with Python', () => {
  test("one connection serves a proxy's calls (keep-alive)", () => {
    const counts = ok('keep_alive_calls');
    assert.equal(counts.length, 20);
    assert.equal(new Set(counts).size, 1);
  });

  test('paths: /RPC2, a mounted /admin, and 404 elsewhere', () => {
    assert.equal(ok('path_rpc2'), 2);
    assert.equal(ok('path_admin'), 'pong');
    const r = failed('path_unknown');
    assert.deepEqual([r.error, r.status], ['ProtocolError', 404]);
  });

  test('Basic auth from user:password in the URL; 401 otherwise', () => {
    assert.equal(ok('auth_ok'), 'alice');
    for (const name of ['auth_wrong_password', 'auth_none']) {
      const r = failed(name);
      assert.deepEqual([r.error, r.status], ['ProtocolError', 401], name);
      assert.match(r.headers['WWW-Authenticate'] ?? r.headers['www-authenticate'], /^Basic realm=/);
    }
  });

  test('handlers see the request headers (User-Agent)', () => {
    assert.match(ok('context_user_agent'), /^Python-xmlrpc\/3\./);
  });
});
