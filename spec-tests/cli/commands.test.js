// The client commands (call, list, describe, multicall) against Python's SimpleXMLRPCServer:
// output for people and as JSON, faults, exit codes, --trace, --xml, help and version.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startPython, tracedRequests, xmlrpc, xmlrpcJson } from './support.js';

let py;
let dir;

before(async () => {
  py = await startPython();
  dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-'));
});

after(async () => {
  await py?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('call', () => {
  it('prints the result with its types visible, exit 0', async () => {
    const r = await xmlrpc(['call', py.url, 'echo', 'struct/{n:i/1,d:d/2,when:t/19980717T14:08:55,b:h/0001,nil:n/,s:s/x}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      '{',
      '  n: 1',
      '  d: 2.0',
      '  when: dateTime 19980717T14:08:55',
      '  b: base64 AAE= (2 bytes)',
      '  nil: nil',
      '  s: "x"',
      '}',
      '',
    ].join('\n'));
    assert.equal(r.stderr, '');
  });

  it('Python receives the types the arguments name', async () => {
    const { json } = await xmlrpcJson(['call', py.url, 'describe', '--json', 'i/1', 'd/1', 'b/t', 's/1', 'n/', 'h/00', 't/20000101T00:00:00', 'array/()', 'struct/{}']);
    assert.deepEqual(json, ['int', 'float', 'bool', 'str', 'NoneType', 'bytes', 'datetime', 'list', 'dict']);
  });

  it('--json output parses back to the values, tagged where JSON lacks the type', async () => {
    const { code, json } = await xmlrpcJson(['call', py.url, 'echo_all', '--json', '1', '2.5', 'h/ff', 't/19980717T14:08:55', 'n/', 'd/nan']);
    assert.equal(code, 0);
    assert.deepEqual(json, [1, 2.5, { $base64: '/w==' }, { $dateTime: '19980717T14:08:55' }, null, { $double: 'nan' }]);
  });

  it('the xmlrpc-c form `xmlrpc HOST:PORT METHOD ARGS` is a call to /RPC2', async () => {
    const r = await xmlrpc([`127.0.0.1:${py.port}`, 'add', 'i/3', 'i/5']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '8\n');
  });

  it('a fault goes to stderr as "Fault CODE: STRING", exit 1', async () => {
    const r = await xmlrpc(['call', py.url, 'fail', '42', 'no luck']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Fault 42: no luck\n');
  });

  it('a fault with --json is also JSON on stdout', async () => {
    const { code, json, stderr } = await xmlrpcJson(['call', py.url, 'fail', '7', 'bad', '--json']);
    assert.equal(code, 1);
    assert.deepEqual(json, { faultCode: 7, faultString: 'bad' });
    assert.equal(stderr, 'Fault 7: bad\n');
  });

  it('--xml prints the raw response body', async () => {
    const r = await xmlrpc(['call', py.url, 'add', '1', '2', '--xml']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>3</int></value>\n</param>\n</params>\n</methodResponse>\n");
  });

  it('--trace prints the request and response on stderr, the result on stdout', async () => {
    const r = await xmlrpc(['call', '--trace', py.url, 'add', '1', '2']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '3\n');
    assert.deepEqual(tracedRequests(r.stderr), [
      '<?xml version="1.0"?><methodCall><methodName>add</methodName><params><param><value><int>1</int></value></param><param><value><int>2</int></value></param></params></methodCall>',
    ]);
    assert.match(r.stderr, new RegExp(`^> POST http://127\\.0\\.0\\.1:${py.port}/RPC2\n`));
    assert.match(r.stderr, /^> content-type: text\/xml$/m);
    assert.match(r.stderr, /^< 200 OK$/m);
    assert.match(r.stderr, /^<value><int>3<\/int><\/value>$/m);
  });

  it('an HTTP error is exit 3', async () => {
    const r = await xmlrpc(['call', `http://127.0.0.1:${py.port}/no/such/path`, 'add', '1', '2']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /404/);
    assert.equal(r.stdout, '');
  });

  it('a refused connection is exit 3', async () => {
    // A port that was just free: bind one, note it, close it.
    const net = await import('node:net');
    const port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const r = await xmlrpc(['call', `127.0.0.1:${port}`, 'add', '1', '2']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /ECONNREFUSED/);
  });

  it('with --json, a JSON object as the parameters is a usage error, not a string sent', async () => {
    const r = await xmlrpc(['call', py.url, 'echo', '--json', '{"a":1}']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^xmlrpc call: the --json parameters: expected a JSON array of all the parameters, got an object \(write \[\{\.\.\.\}\] to send it as one struct\)\n/);
  });

  it('with --json, any JSON that is not an array is a usage error naming what it got', async () => {
    for (const [arg, got] of [['"text"', 'a string'], ['  {"a": [1]}', 'an object']]) {
      const r = await xmlrpc(['call', py.url, 'echo', arg, '--json']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`expected a JSON array of all the parameters, got ${got}`));
    }
    const invalid = await xmlrpc(['call', py.url, 'echo', '--json', '{a:1}']);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /the --json parameters: invalid JSON: .* at line 1, column 2/);
  });

  it('with --json, a JSON argument must be the only one', async () => {
    for (const args of [['[1]', '2'], ['s/x', '{"a":1}'], ['1', '"two"']]) {
      const r = await xmlrpc(['call', py.url, 'echo_all', '--json', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /with --json, give all parameters as one JSON array argument, e\.g\. '\[1, "x"\]'; argument \d is JSON but there are 2 arguments/);
    }
  });

  it('with --json, a JSON array is the parameters, an object inside it one struct', async () => {
    const { code, json } = await xmlrpcJson(['call', py.url, 'describe', '--json', '[{"a":1}, "{not json}", [1]]']);
    assert.equal(code, 0);
    assert.deepEqual(json, ['dict', 'str', 'list']);
    // Without --json, the same text is an untyped string argument.
    const plain = await xmlrpc(['call', py.url, 'echo', '{"a":1}']);
    assert.equal(plain.stdout, '"{\\"a\\":1}"\n');
  });

  it('usage errors are exit 2', async () => {
    for (const args of [['call'], ['call', py.url], ['call', py.url, 'add', '--nope'], ['call', py.url, 'add', '--timeout', 'soon'], ['nosuchcommand']]) {
      const r = await xmlrpc(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^xmlrpc/);
    }
  });
});

describe('list', () => {
  it('prints one method name a line', async () => {
    const r = await xmlrpc(['list', py.url]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, ['add', 'describe', 'echo', 'echo_all', 'fail', 'headers', 'system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall', ''].join('\n'));
  });

  it('--json prints the array', async () => {
    const { json } = await xmlrpcJson(['list', py.url, '--json']);
    assert.ok(json.includes('echo_all') && json.includes('system.multicall'));
  });
});

describe('describe', () => {
  it('shows help, and says when the server gives no signature', async () => {
    const r = await xmlrpc(['describe', py.url, 'add']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'add(...)   signature not given (the server says "signatures not supported")\n\n  Adds two numbers.\n');
  });

  it('--json', async () => {
    const { json } = await xmlrpcJson(['describe', py.url, 'echo', '--json']);
    assert.deepEqual(json, { name: 'echo', signatures: null, signatureNote: 'signatures not supported', help: 'Returns its argument unchanged.' });
  });
});

describe('multicall', () => {
  const calls = JSON.stringify([
    { methodName: 'add', params: [3, 5] },
    { methodName: 'fail', params: [9, 'nine'] },
    { methodName: 'echo', params: [{ $i8: '5' }] },
    { methodName: 'system.listMethods' },
  ]);

  it('reads calls from a file: values on stdout, faults on stderr as "[slot] Fault CODE: STRING", exit 1', async () => {
    const file = join(dir, 'calls.json');
    writeFileSync(file, calls);
    const r = await xmlrpc(['multicall', py.url, file]);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '[0] 8');
    assert.equal(lines[1], '[2] 5');
    assert.equal(lines[2], '[3] [');
    assert.equal(lines[3], '      "add"', 'nested values are indented under their slot');
    assert.doesNotMatch(r.stdout, /Fault/);
    assert.equal(r.stderr, '[1] Fault 9: nine\nxmlrpc multicall: 1 of 4 calls faulted\n');
  });

  it('every fault gets its own stderr line, in slot order', async () => {
    const r = await xmlrpc(['multicall', py.url], { input: '[{"methodName": "fail", "params": [1, "one"]}, {"methodName": "add", "params": [1, 1]}, {"methodName": "fail", "params": [-3, "minus three"]}]' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '[1] 2\n');
    assert.equal(r.stderr, '[0] Fault 1: one\n[2] Fault -3: minus three\nxmlrpc multicall: 2 of 3 calls faulted\n');
  });

  it('reads calls from stdin; --json gives every slot, values and faults, as JSON on stdout', async () => {
    const { code, json, stderr } = await xmlrpcJson(['multicall', py.url, '--json'], { input: calls });
    assert.equal(code, 1);
    assert.deepEqual(json.slice(0, 3), [{ value: 8 }, { fault: { faultCode: 9, faultString: 'nine' } }, { value: 5 }]);
    assert.ok(Array.isArray(json[3].value));
    assert.equal(json.length, 4);
    assert.equal(stderr, '[1] Fault 9: nine\nxmlrpc multicall: 1 of 4 calls faulted\n');
  });

  it('all calls succeeding is exit 0, in one request', async () => {
    const r = await xmlrpc(['multicall', py.url, '-', '--trace'], { input: '[{"methodName": "add", "params": [1, 2]}, {"methodName": "add", "params": [3, 4]}]' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[0] 3\n[1] 7\n');
    const requests = tracedRequests(r.stderr);
    assert.equal(requests.length, 1);
    assert.match(requests[0], /<methodName>system\.multicall<\/methodName>/);
  });

  it('a malformed calls file is exit 2 and names the problem', async () => {
    const r = await xmlrpc(['multicall', py.url], { input: '[{"methodName": "add", "params": 5}]' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /calls\[0\]\.params must be an array/);
  });
});

describe('help and version', () => {
  it('--version prints the package version', async () => {
    const r = await xmlrpc(['--version']);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(r.stdout, `xmlrpc-ts ${version}\n`);
    assert.equal(r.code, 0);
  });

  it('every command has --help', async () => {
    for (const command of ['call', 'list', 'describe', 'multicall', 'encode', 'decode', 'serve', 'codegen']) {
      const r = await xmlrpc([command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: xmlrpc ${command} `));
      assert.match(r.stdout, /--help/);
    }
  });

  it('help json lists the JSON form, and every tagged form it shows is accepted by encode', async () => {
    const r = await xmlrpc(['help', 'json']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^JSON values \(--json output; --json parameters, multicall files, encode input\):\n/);
    const elements = { $i8: 'i8', $double: 'double', $base64: 'base64', $dateTime: 'dateTime.iso8601', $bigdecimal: 'double', $struct: 'struct' };
    const tagged = r.stdout.split('\n').filter((l) => l.startsWith('  {"$')).map((l) => l.trim().split(/ {2,}/)[0]);
    assert.deepEqual(tagged.map((t) => Object.keys(JSON.parse(t))[0]), Object.keys(elements));
    for (const text of tagged) {
      const tag = Object.keys(JSON.parse(text))[0];
      const encoded = await xmlrpc(['encode'], { input: `{"kind": "response", "value": ${text}}` });
      assert.equal(encoded.code, 0, `${text}: ${encoded.stderr}`);
      assert.match(encoded.stdout, new RegExp(`<params><param><value><${elements[tag].replace('.', '\\.')}>`), text);
    }
  });

  it('help TOPIC prints the help of a command; an unknown topic is exit 2', async () => {
    const r = await xmlrpc(['help', 'multicall']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: xmlrpc multicall URL \[FILE\|-\]\n/);
    const bad = await xmlrpc(['help', 'jsno']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no help on "jsno" \(did you mean json\?\)/);
  });

  it('no arguments prints the help on stderr, exit 2', async () => {
    const r = await xmlrpc([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Commands:/);
  });
});
