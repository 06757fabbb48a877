// Contracts against Python: a SimpleXMLRPCServer with introspection -> `xmlrpc codegen` -> a
// contract that type-checks and drives client.proxy(contract); and our server implementing a
// contract, called by Python's xmlrpc.client with ints where doubles are declared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Client } from 'xmlrpc-ts';
import { startPython } from '../interop/client-support.js';
import { xmlrpc } from '../cli/support.js';
import { startShop } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = '../contract/py_contract.py';

let py;
let url;
let project;

before(async () => {
  py = await startPython(SCRIPT, ['server']);
  url = `http://127.0.0.1:${py.rest}/RPC2`;
  project = mkdtempSync(join(tmpdir(), 'xmlrpc-contract-py-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'xmlrpc-ts'), 'dir');
  writeFileSync(join(project, 'package.json'), '{"type": "module"}');
});

after(async () => {
  await py?.stop();
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

function runPython(args) {
  return new Promise((resolve, reject) => {
    execFile('python3', [fileURLToPath(new URL('../../fixtures/contract/py_contract.py', import.meta.url)), ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('Python server -> codegen -> contract -> client.proxy(contract)', () => {
  let source;

  test('codegen writes the contract: signatures, overloads, the flat form, help, "any" where Python says nothing', async () => {
    const r = await xmlrpc(['codegen', url]);
    assert.equal(r.code, 0, r.stderr);
    source = r.stdout;
    assert.match(source, /import \{ defineContract, rpc \} from 'xmlrpc-ts';/);
    assert.match(source, /export const api = defineContract\(\{/);
    assert.ok(source.includes([
      '  add: {',
      '    overloads: [',
      '      { params: [rpc.int, rpc.int], result: rpc.int },',
      '      { params: [rpc.double, rpc.double], result: rpc.double },',
      '    ],',
      '    help: "Adds two numbers.",',
      '  },',
    ].join('\n')), source);
    // supervisord's flat form, ['boolean', 'string'], is one signature.
    assert.match(source, /\n {2}is_running: \{\n {4}params: \[rpc\.string\],\n {4}result: rpc\.boolean,\n/);
    assert.match(source, /\n {2}info: \{ params: \[rpc\.int\], result: rpc\.anyStruct, help: "A user record\." \},\n/);
    assert.match(source, /\n {2}echo: \{\n? *params: \[\],\n? *rest: rpc\.any,\n? *result: rpc\.any,/);
    assert.match(source, /"system\.listMethods": \{\n {4}params: \[\],\n {4}result: rpc\.arrayOf\(rpc\.string\),/);
  });

  test('the generated module type-checks under strict, and its types reach the proxy', async () => {
    writeFileSync(join(project, 'api.ts'), source);
    writeFileSync(join(project, 'use.ts'), [
      "import { Client } from 'xmlrpc-ts';",
      "import { api } from './api.js';",
      "const py = new Client('http://127.0.0.1:1/RPC2').proxy(api);",
      'export const names: Promise<string[]> = py.system.listMethods();',
      'export const sum: Promise<number> = py.add(1, 2);',
      'export const running: Promise<boolean> = py.is_running("web");',
      '// @ts-expect-error is_running takes a string',
      'py.is_running(1);',
      '',
    ].join('\n'));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ['api.ts', 'use.ts'],
    }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await new Promise((resolve, reject) => {
      execFile(process.execPath, [tsc, '-p', project], { timeout: 90_000 }, (error, stdout) => (error ? reject(new Error(`tsc: ${stdout}`)) : resolve()));
    });
  });

  test('calls through the generated contract: doubles go as <double>, results are typed and checked', async () => {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(project, 'api.mjs'), js);
    const { api } = await import(join(project, 'api.mjs'));
    const client = new Client(url);
    try {
      const remote = client.proxy(api);
      assert.equal(await remote.kind(2), 'float', 'a double param 2 reaches Python as a float');
      assert.equal(await remote.scale(3, 2), 6);
      assert.equal(await remote.add(1, 2), 3);
      assert.equal(await remote.is_running('web'), true);
      assert.deepEqual(await remote.info(7), { id: 7, name: 'user 7' });
      assert.deepEqual(await remote.echo([1, 'a']), [1, 'a']);
      assert.ok((await remote.system.listMethods()).includes('kind'));
      const [sum, kindOf] = await client.multicall(api, (m) => [m.add(2, 2), m.kind(1)]);
      assert.deepEqual([sum, kindOf], [4, 'float']);
    } finally {
      await client.close();
    }
  });
});

describe('Python client -> our server implementing a contract', () => {
  test('ints where doubles are declared come back as floats; an <int> for an i8 param arrives as a bigint', async () => {
    const seen = [];
    const shop = await startShop({ twice: (x) => (seen.push(typeof x), x * 2n) });
    try {
      const out = JSON.parse(await runPython(['client', shop.url]));
      assert.deepEqual(out.scale, ['float', 6]);
      assert.deepEqual(out.echoDouble, ['float', 2]);
      assert.deepEqual(out.twice, ['int', 10]);
      assert.deepEqual(out.abs, ['int', 2]);
      assert.deepEqual(seen, ['bigint']);
      assert.deepEqual(shop.errors, []);
    } finally {
      await shop.server.close();
    }
  });
});
