// encode and decode (offline), serve (a module's functions as methods, spawned and killed by
// PID) and codegen (a TypeScript interface from introspection).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, createServer, decodeMessage } from 'xmlrpc-ts';
import { FIXTURES, startServe, startServeJson, typeCheckGenerated, xmlrpc, xmlrpcJson } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('encode', () => {
  it('turns a JSON call into XML-RPC, every tagged type included', async () => {
    const message = {
      kind: 'call',
      methodName: 'sample.add',
      params: [3, 2.0, { $i8: '9007199254740993' }, { $base64: 'aGk=' }, { $dateTime: '19980717T14:08:55' }, null, { a: [true] }],
    };
    const r = await xmlrpc(['encode'], { input: JSON.stringify(message).replace('[3,2,', '[3,2.0,') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout,
      '<?xml version="1.0"?><methodCall><methodName>sample.add</methodName><params>' +
      '<param><value><int>3</int></value></param>' +
      '<param><value><double>2.0</double></value></param>' +
      '<param><value><i8>9007199254740993</i8></value></param>' +
      '<param><value><base64>aGk=</base64></value></param>' +
      '<param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param>' +
      '<param><value><nil/></value></param>' +
      '<param><value><struct><member><name>a</name><value><array><data><value><boolean>1</boolean></value></data></array></value></member></struct></value></param>' +
      '</params></methodCall>\n');
  });

  it('encodes responses and faults from a file, --pretty indents', async () => {
    const file = join(dir, 'fault.json');
    writeFileSync(file, '{"faultCode": 4, "faultString": "Too many parameters"}');
    const fault = await xmlrpc(['encode', file]);
    assert.equal(fault.code, 0);
    const decoded = decodeMessage(fault.stdout);
    assert.equal(decoded.kind, 'fault');
    assert.equal(decoded.fault.faultCode, 4);
    const response = await xmlrpc(['encode', '--pretty'], { input: '{"value": {"x": 1}}' });
    assert.match(response.stdout, /^<\?xml version="1.0"\?>\n<methodResponse>\n  <params>\n/);
  });

  it('bad input is exit 2 with a position or a path', async () => {
    const syntax = await xmlrpc(['encode'], { input: '{"methodName": "x",\n  "params": [1 2]}' });
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /standard input: invalid JSON: expected ',' or '\]' in the array, found "2" at line 2, column 16/);
    const value = await xmlrpc(['encode'], { input: '{"methodName": "x", "params": [{"$i8": "1e3"}]}' });
    assert.equal(value.code, 2);
    assert.match(value.stderr, /at params\[0\]: "1e3" is not an integer/);
    const shape = await xmlrpc(['encode'], { input: '{"hello": 1}' });
    assert.equal(shape.code, 2);
    assert.match(shape.stderr, /cannot tell the kind of message/);
  });
});

describe('decode', () => {
  const call = '<?xml version="1.0"?><methodCall><methodName>m</methodName><params>' +
    '<param><value><i8>9007199254740993</i8></value></param>' +
    '<param><value><double>2.0</double></value></param>' +
    '<param><value><dateTime.iso8601>19980717T14:08:55Z</dateTime.iso8601></value></param>' +
    '<param><value><base64>aGk=</base64></value></param>' +
    '<param><value>untyped</value></param>' +
    '</params></methodCall>';

  it('prints the message for people, types visible', async () => {
    const r = await xmlrpc(['decode'], { input: call });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'call m\n  [0] i8 9007199254740993\n  [1] 2.0\n  [2] dateTime 19980717T14:08:55Z\n  [3] base64 aGk= (2 bytes)\n  [4] "untyped"\n');
  });

  it('--json round-trips through encode', async () => {
    const { json, stdout } = await xmlrpcJson(['decode', '--json'], { input: call });
    assert.deepEqual(json, { kind: 'call', methodName: 'm', params: [{ $i8: '9007199254740993' }, 2, { $dateTime: '19980717T14:08:55Z' }, { $base64: 'aGk=' }, 'untyped'] });
    assert.match(stdout, /"params": \[\n\s+\{"\$i8": "9007199254740993"\},\n\s+2\.0,/, 'the double keeps its point');
    const again = await xmlrpc(['encode'], { input: stdout });
    assert.equal(again.stdout, call.replace('<value>untyped</value>', '<value><string>untyped</string></value>') + '\n');
  });

  it('a fault document is decoded, exit 0', async () => {
    const r = await xmlrpc(['decode'], { input: '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>3</int></value></member><member><name>faultString</name><value>nope</value></member></struct></value></fault></methodResponse>' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'fault 3: nope\n');
  });

  it('an invalid document is exit 4, with the reason and the position', async () => {
    const file = join(dir, 'bad.xml');
    writeFileSync(file, '<?xml version="1.0"?>\n<methodResponse><params><param><value><boolean>yes</boolean></value></param></params></methodResponse>');
    const r = await xmlrpc(['decode', file]);
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /not a valid XML-RPC document \(value\):.*line 2/);
    const dtd = await xmlrpc(['decode'], { input: '<!DOCTYPE x [<!ENTITY e "x">]><methodCall><methodName>&e;</methodName></methodCall>' });
    assert.equal(dtd.code, 4);
    assert.match(dtd.stderr, /\(dtd\)/);
  });
});

describe('serve', () => {
  let served;
  before(async () => {
    served = await startServe(FIXTURES + 'calc-module.js');
  });
  after(async () => {
    const { code, signal } = await served.stop();
    assert.ok(code === 0 || signal === 'SIGTERM', `serve stopped with ${code ?? signal}`);
  });

  it('prints what it serves, then the bound address', () => {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/RPC2$/);
    assert.match(served.stdoutSoFar, /^Serving 4 methods from .*calc-module\.js: add, echo, text\.repeat, text\.upper\n/);
    assert.match(served.stderr(), /skipping export NotAService: a class/);
  });

  it('answers calls: functions by name, object members with the export name as prefix', async () => {
    const client = new Client(served.url);
    try {
      assert.equal(await client.call('add', [2, 3]), 5);
      assert.equal(await client.call('text.upper', ['abc']), 'ABC');
      assert.equal(await client.call('text.repeat', ['ab', 2]), 'abab');
    } finally {
      await client.close();
    }
    const r = await xmlrpc(['call', served.url, 'echo', 'I/9007199254740993']);
    assert.equal(r.stdout, 'i8 9007199254740993\n');
  });

  it('declared signatures and help are introspectable and checked', async () => {
    const d = await xmlrpc(['describe', served.url, 'add']);
    assert.equal(d.stdout, 'add(int, int) -> int\n\n  Adds two integers.\n');
    const bad = await xmlrpc(['call', served.url, 'add', '1', 's/x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Fault -32602: /);
  });

  it('--json prints one JSON line with the URL, host, port and methods, and nothing else', async () => {
    const json = await startServeJson(FIXTURES + 'calc-module.js');
    try {
      const info = JSON.parse(json.line);
      assert.deepEqual(Object.keys(info), ['url', 'host', 'port', 'methods']);
      assert.equal(info.host, '127.0.0.1');
      assert.ok(Number.isInteger(info.port) && info.port > 0);
      assert.equal(info.url, `http://127.0.0.1:${info.port}/RPC2`);
      assert.deepEqual(info.methods, ['add', 'echo', 'text.repeat', 'text.upper']);
      assert.equal(json.stdoutSoFar, json.line + '\n');
      const r = await xmlrpc(['call', info.url, 'add', '20', '22']);
      assert.equal(r.stdout, '42\n');
    } finally {
      const { code, signal } = await json.stop();
      assert.ok(code === 0 || signal === 'SIGTERM', `serve --json stopped with ${code ?? signal}`);
    }
  });

  it('a module that cannot be found is a usage error', async () => {
    const r = await xmlrpc(['serve', join(dir, 'nope.js'), '--port', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot find the module/);
  });
});

describe('codegen', () => {
  let server;
  let url;
  before(async () => {
    server = createServer();
    server.addMethod('add', (a, b) => a + b, { signature: [['int', 'int', 'int'], ['double', 'double', 'double'], ['string', 'string', 'string']], help: 'Adds two numbers.\nOverflow is */ your problem.' });
    server.addMethod('calc.stats', () => ({}), { signature: ['struct', 'array'], help: 'Statistics.' });
    server.addMethod('calc.when', () => new Date(0), { signature: ['dateTime.iso8601', 'base64', 'i8', 'boolean', 'nil'] });
    server.addMethod('free-form', (...a) => a);
    server.addMethod('calc', () => 1, { signature: ['int'] });
    server.addMethod('x.then', () => 1);
    const address = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}/RPC2`;
  });
  after(() => server.close());

  it('prints an interface with overloads, namespaces, doc comments and safe names', async () => {
    const r = await xmlrpc(['codegen', url, '--interface', '--name', 'CalcApi']);
    assert.equal(r.code, 0, r.stderr);
    const ts = r.stdout;
    assert.match(ts, /^\/\/ Generated by `xmlrpc codegen /);
    assert.match(ts, /import type \{ XmlRpcStruct, XmlRpcValue \} from 'xmlrpc-ts';/);
    assert.match(ts, /export interface CalcApi \{/);
    assert.match(ts, /   \* Adds two numbers\.\n   \* Overflow is \*\\\/ your problem\.\n/);
    // Several signatures merge into one (the typed proxy sees one call signature), listed in the comment.
    assert.match(ts, /   \* - `add\(int, int\) -> int`\n   \* - `add\(double, double\) -> double`\n   \* - `add\(string, string\) -> string`\n/);
    assert.match(ts, /  add\(arg1: number \| string, arg2: number \| string\): number \| string;\n  \/\*\*/);
    assert.match(ts, /  calc: \{\n    \(\): number;\n/);
    assert.match(ts, /    stats\(arg1: XmlRpcValue\[\]\): XmlRpcStruct;/);
    assert.match(ts, /    when\(arg1: Uint8Array, arg2: bigint, arg3: boolean, arg4: null\): Date;/);
    assert.match(ts, /  'free-form'\(\.\.\.params: XmlRpcValue\[\]\): XmlRpcValue;/);
    assert.match(ts, /\/\/ then: reserved by the typed proxy; call x\.then with client\.call\(\)/);
    assert.match(ts, /  system: \{\n/);
  });

  it('the interface type-checks with client.proxy<Api>() (tsc --strict)', async () => {
    const r = await xmlrpc(['codegen', url, '--interface']);
    assert.equal(r.code, 0, r.stderr);
    await typeCheckGenerated(join(dir, 'codegen-check'), r.stdout, [
      "import { Client } from 'xmlrpc-ts';",
      "import type { Api } from './api.js';",
      "const api = new Client('http://127.0.0.1:1/RPC2').proxy<Api>();",
      'export const sum: Promise<number | string> = api.add(1, 2);',
      'export const text: Promise<number | string> = api.add("a", "b");',
      'export const when: Promise<Date> = api.calc.when(new Uint8Array(1), 5n, true, null);',
      'export const own: Promise<number> = api.calc();',
      '// @ts-expect-error: no overload takes a boolean',
      'export const wrong = api.add(true, 2);',
    ]);
  });
});
