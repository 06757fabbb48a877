// The typed argument syntax of `xmlrpc call`: every form, as it appears on the wire (--trace)
// and as it comes back (--json), against our own server; and the usage errors, with the
// argument number and column.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'xmlrpc-ts';
import { tracedRequests, xmlrpc, xmlrpcJson } from './support.js';

let server;
let url;
let dir;

before(async () => {
  server = createServer({ encode: { allowNonFinite: true } });
  server.addMethod('echo_all', (...params) => params);
  const address = await server.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${address.port}/RPC2`;
  dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-'));
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls echo_all with `args` and returns the <param> values of the traced request and the JSON result. */
async function echo(args, options = {}) {
  const result = await xmlrpcJson(['call', url, 'echo_all', '--trace', '--json', ...args], options);
  assert.equal(result.code, 0, result.stderr);
  const [request] = tracedRequests(result.stderr);
  assert.ok(request !== undefined, `no request in the trace: ${result.stderr}`);
  const values = [...request.matchAll(/<param>(.*?)<\/param>/g)].map((m) => m[1]);
  return { values, json: result.json };
}

describe('typed scalars (xmlrpc-c syntax)', () => {
  it('sends each type as written and reads it back', async () => {
    const { values, json } = await echo([
      'i/42', 'i/-7', 'I/9007199254740993', 'd/1.5', 'd/2', 'b/true', 'b/f', 's/text, with commas', 's/',
      'n/', 'h/0a1bff', 'base64/aGk=', 't/19980717T14:08:55',
    ]);
    assert.deepEqual(values, [
      '<value><int>42</int></value>',
      '<value><int>-7</int></value>',
      '<value><i8>9007199254740993</i8></value>',
      '<value><double>1.5</double></value>',
      '<value><double>2.0</double></value>',
      '<value><boolean>1</boolean></value>',
      '<value><boolean>0</boolean></value>',
      '<value><string>text, with commas</string></value>',
      '<value><string></string></value>',
      '<value><nil/></value>',
      '<value><base64>Chv/</base64></value>',
      '<value><base64>aGk=</base64></value>',
      '<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>',
    ]);
    assert.deepEqual(json, [
      42, -7, { $i8: '9007199254740993' }, 1.5, 2, true, false, 'text, with commas', '',
      null, { $base64: 'Chv/' }, { $base64: 'aGk=' }, { $dateTime: '19980717T14:08:55' },
    ]);
  });

  it('accepts the long type names too', async () => {
    const { values } = await echo(['int/1', 'i8/2', 'double/3', 'boolean/1', 'string/x', 'nil/', 'hex/00', 'dateTime/2024-02-29T23:59:59']);
    assert.deepEqual(values, [
      '<value><int>1</int></value>', '<value><i8>2</i8></value>', '<value><double>3.0</double></value>',
      '<value><boolean>1</boolean></value>', '<value><string>x</string></value>', '<value><nil/></value>',
      '<value><base64>AA==</base64></value>', '<value><dateTime.iso8601>20240229T23:59:59</dateTime.iso8601></value>',
    ]);
  });
});

describe('untyped arguments', () => {
  it('infers int, i8, double and boolean, and keeps everything else a string', async () => {
    const { values } = await echo(['42', '-5', '3000000000', '1.25', '1e3', 'true', 'false', 'hello', '007', 'a/b', '1.']);
    assert.deepEqual(values, [
      '<value><int>42</int></value>', '<value><int>-5</int></value>', '<value><i8>3000000000</i8></value>',
      '<value><double>1.25</double></value>', '<value><double>1000.0</double></value>',
      '<value><boolean>1</boolean></value>', '<value><boolean>0</boolean></value>',
      '<value><string>hello</string></value>', '<value><string>007</string></value>',
      '<value><string>a/b</string></value>', '<value><string>1.</string></value>',
    ]);
  });

  it('--strings sends them all as strings', async () => {
    const { values, json } = await echo(['--strings', '42', 'true', '1.5', 'i/1']);
    assert.deepEqual(values, [
      '<value><string>42</string></value>', '<value><string>true</string></value>',
      '<value><string>1.5</string></value>', '<value><int>1</int></value>',
    ]);
    assert.deepEqual(json, ['42', 'true', '1.5', 1]);
  });
});

describe('arrays and structs', () => {
  it('nest, may be empty, and take escapes inside', async () => {
    const { json } = await echo([
      'array/(i/1,s/x,array/(true,n/),struct/{})',
      'struct/{name:s/a\\,b\\)c,id:i/1,tags:array/(),inner:struct/{deep:array/(array/(7))}}',
      'array/()',
      'struct/{url:http://example.com/x,__proto__:1}',
    ]);
    assert.deepEqual(json[0], [1, 'x', [true, null], {}]);
    assert.deepEqual(json[1], { name: 'a,b)c', id: 1, tags: [], inner: { deep: [[7]] } });
    assert.deepEqual(json[2], []);
    assert.equal(json[3].url, 'http://example.com/x');
    assert.ok(Object.hasOwn(json[3], '__proto__'), 'a member named __proto__ is data');
    assert.equal(json[3]['__proto__'], 1);
  });
});

describe('@FILE and - (stdin) send bytes as base64', () => {
  it('reads a file and standard input', async () => {
    const file = join(dir, 'bytes.bin');
    writeFileSync(file, Buffer.from([0, 1, 2, 254, 255]));
    const { json } = await echo([`@${file}`, '-', `array/(@${file})`], { input: 'from stdin' });
    assert.deepEqual(json, [
      { $base64: Buffer.from([0, 1, 2, 254, 255]).toString('base64') },
      { $base64: Buffer.from('from stdin').toString('base64') },
      [{ $base64: 'AAEC/v8=' }],
    ]);
  });
});

describe('--json parameters', () => {
  it('takes one JSON array with tagged types, keeping 2.0 a double and big integers exact', async () => {
    const { values, json } = await echo(['[1, 2.0, 5000000000, {"$i8": "9007199254740993"}, {"$base64": "aGk="},' +
      ' {"$dateTime": "19980717T14:08:55"}, {"$double": "-inf"}, {"$struct": {"$i8": "x"}}, {"a": [null]}]']);
    assert.deepEqual(values.slice(0, 4), [
      '<value><int>1</int></value>', '<value><double>2.0</double></value>',
      '<value><i8>5000000000</i8></value>', '<value><i8>9007199254740993</i8></value>',
    ]);
    assert.equal(values[6], '<value><double>-inf</double></value>');
    assert.equal(values[7], '<value><struct><member><name>$i8</name><value><string>x</string></value></member></struct></value>');
    assert.deepEqual(json, [1, 2, { $i8: '5000000000' }, { $i8: '9007199254740993' }, { $base64: 'aGk=' },
      { $dateTime: '19980717T14:08:55' }, { $double: '-inf' }, { $struct: { $i8: 'x' } }, { a: [null] }]);
  });

  it('reports invalid JSON with line and column, exit 2', async () => {
    const r = await xmlrpc(['call', url, 'echo_all', '--json', '[1,\n 2,, 3]']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid JSON: expected a value, found "," at line 2, column 4/);
    assert.equal(r.stdout, '');
  });

  it('reports a bad tag with its path', async () => {
    const r = await xmlrpc(['call', url, 'echo_all', '--json', '[{"x": {"$dateTime": "1998-13-01T00:00:00"}}]']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at params\[0\]\.x: month 13 does not exist/);
  });
});

describe('usage errors name the argument and the column', () => {
  const cases = [
    [['s/ok', 'struct/{id,i/1}'], /argument 2: struct\/\{id,i\/1\}: expected ':' after the member name "id", found "," at column 11/, 11],
    [['array/(1,2'], /argument 1: array\/\(1,2: expected ',' or '\)' .* found the end of the argument at column 11/, 11],
    [['x', 'y', 'i/12a'], /argument 3: i\/12a: "12a" is not an integer at column 5/, 5],
    [['i/3000000000'], /outside the int range .* at column 3; use I\//, 3],
    [['h/0g'], /"g" is not a hexadecimal digit at column 4/, 4],
    [['b/yes'], /"yes" is not a boolean at column 3/, 3],
    [['t/19980230T00:00:00'], /day 30 does not exist in 1998-02 at column 9/, 9],
    [['S/x'], /unknown type 'S\/' at column 1; did you mean 's\/'\?/, 1],
    [['n/x'], /nil takes no value/, 3],
    [['array/(1,,2)'], /expected a value, found "," at column 10/, 10],
    [['struct/{a:1,a:2}'], /duplicate member name "a" at column 13/, 13],
    [['array/(1))'], /unexpected "\)" after the value at column 10/, 10],
    [['@no-such-file.bin'], /cannot read the file "no-such-file.bin": no such file at column 1/, 1],
    // Columns count characters: the emoji is one column, though two UTF-16 units.
    [['struct/{\u{1F600}:s/x,x:i/z}'], /"z" is not an integer at column 19/, 19],
  ];
  for (const [args, message, column] of cases) {
    it(`${args.at(-1)}`, async () => {
      const r = await xmlrpc(['call', url, 'echo_all', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      // The caret line points at the column.
      const lines = r.stderr.split('\n');
      const caret = lines.find((l) => /^ +\^$/.test(l));
      assert.equal(caret.length - 2, column, r.stderr);
    });
  }

  it('refuses reading standard input twice', async () => {
    const r = await xmlrpc(['call', url, 'echo_all', '-', '-'], { input: 'x' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /argument 2: -: standard input can be read only once/);
  });
});
