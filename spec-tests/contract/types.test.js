// The contract's types are inferred: tsc --strict compiles fixtures/contract/*.ts, whose
// @ts-expect-error lines (a wrong param or result type on the server and on the client) must
// each be an error; an unused @ts-expect-error fails the compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'fixtures', 'contract');

/** Runs tsc --strict on `files` (name → path) in a project where 'xmlrpc-ts' is this package; resolves tsc's output and exit code. */
export function compile(files) {
  const project = mkdtempSync(join(tmpdir(), 'xmlrpc-contract-types-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'xmlrpc-ts'), 'dir');
  writeFileSync(join(project, 'package.json'), '{"type": "module"}');
  for (const [name, source] of Object.entries(files)) copyFileSync(source, join(project, name));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
    files: Object.keys(files),
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', project], { timeout: 90_000 }, (error, stdout, stderr) => {
      rmSync(project, { recursive: true, force: true });
      resolve({ code: error ? (error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

const fixtures = Object.fromEntries(readdirSync(FIXTURES).filter((f) => f.endsWith('.ts')).map((f) => [f, join(FIXTURES, f)]));

test('wrong param and result types do not compile, on the server and on the client; right ones do', async () => {
  const { code, output } = await compile(fixtures);
  assert.equal(output, '');
  assert.equal(code, 0);
});

test('the check can fail: a fixture with a correct line marked @ts-expect-error does not compile', async () => {
  const probe = join(tmpdir(), `contract-probe-${process.pid}.ts`);
  writeFileSync(probe, [
    "import { Client } from 'xmlrpc-ts';",
    "import { shop } from './shop.js';",
    "const api = new Client('http://127.0.0.1:1/').proxy(shop);",
    '// @ts-expect-error (wrongly: this line is fine)',
    'export const sum: Promise<number> = api.calc.add(1, 2);',
    '',
  ].join('\n'));
  try {
    const { code, output } = await compile({ 'shop.ts': fixtures['shop.ts'], 'probe.ts': probe });
    assert.notEqual(code, 0);
    assert.match(output, /Unused '@ts-expect-error' directive/);
  } finally {
    rmSync(probe, { force: true });
  }
});
