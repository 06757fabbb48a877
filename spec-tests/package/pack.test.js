// The package as a user installs it: a clean clone of the committed HEAD is packed the way a
// release is (`npm pack`, whose `prepack` builds dist/), the tarball is checked (its files,
// publint --strict, @arethetypeswrong/cli for an ESM-only package, `sideEffects`), then unpacked
// into a scratch app's node_modules (its runtime dependencies symlinked from the repo, so no
// registry is needed) and used from there by name: ESM import, `exports`, the `xmlrpc` bin, and
// the shipped type declarations under a strict NodeNext compile. Uncommitted changes are not in
// the clone: commit before running this file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** Linked into the scratch app from the repo's node_modules: what `npm install` would fetch. */
const RUNTIME_DEPENDENCIES = Object.keys(PKG.dependencies ?? {});

/** Longest one child process (git, npm pack with its build, tar, node, tsc) may take before it is killed. */
const RUN_LIMIT_MS = 180_000;
/** The package checkers, run from the repo's devDependencies. */
const PUBLINT = join(ROOT, 'node_modules', 'publint', 'src', 'cli.js');
const ATTW = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

let tmp; // the scratch directory: the clone, the tarball and the app
let app; // <tmp>/app, a consumer project
let installed; // <tmp>/app/node_modules/xmlrpc-ts, the unpacked tarball
let tarball; // path of the .tgz
let packed; // npm pack --json's entry for the package
let entries; // the tarball's file paths, `package/` stripped

/**
 * Runs a command; resolves with { code, stdout, stderr } whatever the exit code (a test asserts
 * it), rejects only if it could not be started or ran past the time limit.
 */
function run(command, args, { cwd = ROOT, input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')} failed to run (${error.code ?? error.signal ?? error.message})\n${stderr}`));
          return;
        }
        resolve({ code: error ? error.code : 0, stdout, stderr });
      },
    );
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** `run`, failing with the output unless the exit code is 0. */
async function runOk(command, args, options) {
  const result = await run(command, args, options);
  assert.equal(result.code, 0, `${command} ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** Runs `node FILE` inside the app. */
function nodeInApp(file, options = {}) {
  return run(process.execPath, [file], { cwd: app, ...options });
}

/** npm itself: the one running `npm test` when there is one, else `npm` on the PATH. */
function npm(args, cwd = ROOT) {
  const execPath = process.env.npm_execpath;
  const env = {
    // Packing reads only the working tree; make sure nothing reaches for a registry.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
  };
  if (execPath !== undefined && /\.[cm]?js$/.test(execPath)) return run(process.execPath, [execPath, ...args], { cwd, env });
  return run('npm', args, { cwd, env });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'xmlrpc-pack-'));
  // A fresh clone has no dist/: only `prepack` can put it in the tarball.
  const clone = join(tmp, 'clone');
  const head = (await runOk('git', ['rev-parse', 'HEAD'])).stdout.trim();
  await runOk('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
  await runOk('git', ['checkout', '--quiet', '--detach', head], { cwd: clone });
  assert.ok(!existsSync(join(clone, 'dist')), 'the clone already has dist/');
  // What `npm ci` would install from package-lock.json, linked from the repo: no registry.
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const pack = await npm(['pack', '--json', '--pack-destination', tmp], clone);
  assert.equal(pack.code, 0, `npm pack failed\n${pack.stderr}`);
  // npm prints the build's output before the JSON report.
  const report = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m)));
  assert.equal(report.length, 1, pack.stdout);
  [packed] = report;
  assert.equal(packed.name, PKG.name);
  assert.equal(packed.version, PKG.version);
  tarball = join(tmp, packed.filename);
  assert.ok(existsSync(tarball), `npm pack did not write ${packed.filename}`);

  const listing = await runOk('tar', ['-tzf', tarball]);
  const names = listing.stdout.split('\n').filter((line) => line !== '');
  for (const name of names) assert.ok(name.startsWith('package/'), `tarball entry outside package/: ${name}`);
  entries = names.map((name) => name.slice('package/'.length)).filter((name) => name !== '' && !name.endsWith('/'));

  app = join(tmp, 'app');
  installed = join(app, 'node_modules', PKG.name);
  mkdirSync(installed, { recursive: true });
  await runOk('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const dependency of RUNTIME_DEPENDENCIES) {
    symlinkSync(join(ROOT, 'node_modules', dependency), join(app, 'node_modules', dependency), 'dir');
  }
  // For the type check: `types: ["node"]` finds @types/node in the app's node_modules/@types.
  symlinkSync(join(ROOT, 'node_modules', '@types'), join(app, 'node_modules', '@types'), 'dir');
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`);
});

after(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('lists the same files as npm pack --json reports', () => {
    assert.deepEqual([...entries].sort(), packed.files.map((f) => f.path).sort());
  });

  it('ships the entry points, the declarations, the CLI and the docs', () => {
    const have = new Set(entries);
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/bundle/cli.cjs', 'dist/bundle/core.js']) {
      assert.ok(have.has(file), `${file} is not in the tarball`);
    }
    // Whatever package.json points at must be in it.
    const targets = [PKG.main, PKG.types, ...Object.values(PKG.bin)];
    // Conditions nest (`"workerd": { "types": …, "default": … }`): every string leaf is a target.
    const leaves = (entry) => (typeof entry === 'string' ? [entry] : Object.values(entry).flatMap(leaves));
    targets.push(...leaves(PKG.exports));
    for (const target of targets) assert.ok(have.has(posix.normalize(target)), `package.json points at ${target}, which is not in the tarball`);

    const docs = readdirMarkdown(join(ROOT, 'docs'));
    assert.ok(docs.length > 0);
    for (const doc of docs) assert.ok(have.has(`docs/${doc}`), `docs/${doc} is not in the tarball`);
  });

  it('has no tests, fixtures, benchmarks, dependencies or CI files', () => {
    for (const prefix of ['spec-tests/', 'fixtures/', 'bench/', 'node_modules/', '.ci/']) {
      const found = entries.filter((e) => e.startsWith(prefix) || e.includes(`/${prefix}`));
      assert.deepEqual(found, [], `the tarball holds ${prefix}`);
    }
  });

  it('has every source its source maps name', () => {
    const have = new Set(entries);
    const maps = entries.filter((e) => e.startsWith('dist/') && e.endsWith('.js.map'));
    assert.ok(maps.length > 0, 'no source maps in dist/');
    const missing = [];
    for (const map of maps) {
      const { file, sources, sourceRoot = '' } = JSON.parse(readFileSync(join(installed, map), 'utf8'));
      const base = posix.dirname(map);
      if (file !== undefined && !have.has(posix.join(base, file))) missing.push(`${map}: file ${file}`);
      for (const source of sources) {
        const resolved = posix.normalize(posix.join(base, sourceRoot, source));
        if (!have.has(resolved)) missing.push(`${map}: ${source} (${resolved})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('ships the CLI with a node shebang and the executable bit', async () => {
    assert.deepEqual(new Set(Object.values(PKG.bin)), new Set(['./dist/bundle/cli.cjs']));
    const main = join(installed, 'dist', 'bundle', 'cli.cjs');
    assert.equal(readFileSync(main, 'utf8').split('\n')[0], '#!/usr/bin/env node');
    const verbose = await runOk('tar', ['-tvzf', tarball]);
    const line = verbose.stdout.split('\n').find((l) => l.endsWith(' package/dist/bundle/cli.cjs'));
    assert.ok(line !== undefined, verbose.stdout);
    assert.match(line, /^-rwxr-xr-x /);
    assert.equal(statSync(main).mode & 0o111, 0o111, 'dist/bundle/cli.cjs is not executable after extraction');
  });
});

describe('the release checks', () => {
  it('built dist/ in the clean clone through prepack', () => {
    assert.equal(PKG.scripts?.prepack, 'npm run build');
    const built = entries.filter((e) => e.startsWith('dist/') && e.endsWith('.js'));
    assert.ok(built.length >= 10, `only ${built.length} dist/ modules in the tarball`);
  });

  it('passes publint --strict', async () => {
    const result = await run(process.execPath, [PUBLINT, 'run', tarball, '--strict']);
    assert.equal(result.code, 0, `publint:\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /All good!/);
  });

  it('passes @arethetypeswrong/cli for an ESM-only package', async () => {
    const result = await run(process.execPath, [ATTW, tarball, '--profile', 'esm-only', '--format', 'ascii']);
    assert.equal(result.code, 0, `attw:\n${result.stdout}${result.stderr}`);
  });

  /** `__name(Thing, "Thing")`: esbuild's keepNames (dist/bundle/) naming the module's own class or function. */
  const namesItsOwn = (statement) =>
    ts.isCallExpression(statement.expression) && ts.isIdentifier(statement.expression.expression) &&
    statement.expression.expression.text === '__name';

  /** In a CommonJS file: `"use strict"`, or the file's exports being set (`module.exports = …`, `exports.x = …`). */
  const setsItsExports = (statement) => {
    const e = statement.expression;
    if (ts.isStringLiteral(e)) return e.text === 'use strict';
    const target = ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken ? e.left
      : ts.isCallExpression(e) && e.expression.getText() === 'Object.defineProperty' ? e.arguments[0] : undefined;
    if (target === undefined) return false;
    const text = target.getText();
    return text === 'exports' || text === 'module.exports' || text.startsWith('exports.');
  };

  it('names in sideEffects every module that does something at import time', () => {
    // A statement at the top level that is not a declaration (a call, an assignment) runs when
    // the module loads: a bundler must keep such a module even when none of its exports is used.
    // Loops that fill the module's own tables are not effects on anything outside it.
    const listed = new Set((PKG.sideEffects ?? []).map((path) => posix.normalize(path)));
    assert.ok(Array.isArray(PKG.sideEffects), 'sideEffects should list the modules with effects');
    const acting = [];
    for (const file of entries.filter((e) => e.startsWith('dist/') && (e.endsWith('.js') || e.endsWith('.cjs')))) {
      const source = ts.createSourceFile(file, readFileSync(join(installed, file), 'utf8'), ts.ScriptTarget.ES2022, true);
      const commonJs = file.endsWith('.cjs');
      const acts = (statement) => ts.isExpressionStatement(statement) && !namesItsOwn(statement) && !(commonJs && setsItsExports(statement));
      if (source.statements.some(acts)) acting.push(file);
    }
    assert.deepEqual(acting.sort(), [...listed].sort());
  });
});

describe('the installed package, imported by name', () => {
  it('serves and calls through the public API', async () => {
    writeFileSync(
      join(app, 'smoke.mjs'),
      `import { createServer, Client, encodeCall, decodeCall, Fault } from 'xmlrpc-ts';

const server = createServer();
server.addMethod('add', (a, b) => a + b);
server.addMethod('fail', () => {
  throw new Fault(4, 'too many parameters');
});
const { port } = await server.listen(0, '127.0.0.1');
const client = new Client(\`http://127.0.0.1:\${port}/RPC2\`);
try {
  const api = client.proxy();
  const sum = await api.add(2, 3);
  const fault = await api.fail().then(() => 'no fault', (error) => error);
  console.log(JSON.stringify({
    sum,
    fault: fault instanceof Fault ? [fault.faultCode, fault.faultString] : String(fault),
    roundTrip: decodeCall(encodeCall('add', [1, 'x'])),
    from: import.meta.resolve('xmlrpc-ts'),
  }));
} finally {
  await client.close();
  await server.close();
}
`,
    );
    const result = await nodeInApp('smoke.mjs');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      sum: 5,
      fault: [4, 'too many parameters'],
      roundTrip: { methodName: 'add', params: [1, 'x'] },
      // the unpacked tarball's Node build, not the repo's dist/
      from: pathToFileURL(join(installed, 'dist', 'bundle', 'index.js')).href,
    });
  });

  it('exports package.json and nothing but the entry point', async () => {
    writeFileSync(
      join(app, 'exports.mjs'),
      `import { createRequire } from 'node:module';
import pkg from 'xmlrpc-ts/package.json' with { type: 'json' };

const required = createRequire(import.meta.url)('xmlrpc-ts/package.json');
const refused = async (specifier) => {
  try {
    await import(specifier);
    return 'imported';
  } catch (error) {
    return error.code;
  }
};
console.log(JSON.stringify({
  imported: [pkg.name, pkg.version],
  required: [required.name, required.version],
  deep: await refused('xmlrpc-ts/dist/codec/scanner.js'),
  deepIndex: await refused('xmlrpc-ts/dist/index.js'),
}));
`,
    );
    const result = await nodeInApp('exports.mjs');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      imported: [PKG.name, PKG.version],
      required: [PKG.name, PKG.version],
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      deepIndex: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });

  it('loads with require() too, where Node can require ES modules (20.19 and later)', async (t) => {
    if (process.features.require_module !== true) return t.skip(`Node ${process.version} cannot require() ES modules`);
    writeFileSync(join(app, 'required.cjs'), `const { createServer, encodeCall, decodeCall } = require('xmlrpc-ts');
console.log(JSON.stringify([typeof createServer, decodeCall(encodeCall('m', [1])).params]));
`);
    const result = await nodeInApp('required.cjs');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ['function', [1]]);
  });
});

describe('the packed CLI', () => {
  const main = () => join(installed, 'dist', 'bundle', 'cli.cjs');

  it('prints the version of package.json', async () => {
    const result = await run(process.execPath, [main(), '--version'], { cwd: app });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `xmlrpc-ts ${PKG.version}\n`);
  });

  it('encodes a JSON call read from stdin', async () => {
    const result = await run(process.execPath, [main(), 'encode'], {
      cwd: app,
      input: JSON.stringify({ methodName: 'add', params: [2, 'x'] }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      '<?xml version="1.0"?><methodCall><methodName>add</methodName><params>' +
        '<param><value><int>2</int></value></param><param><value><string>x</string></value></param>' +
        '</params></methodCall>\n',
    );
  });

  it('runs as the bin npm links, through its shebang', async () => {
    // What `npm install` creates: node_modules/.bin/<name> -> ../<package>/<bin path>.
    const bin = join(app, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    const [[name, target]] = Object.entries(PKG.bin);
    symlinkSync(posix.join('..', PKG.name, target), join(bin, name));
    const result = await run(join(bin, name), ['--version'], {
      cwd: app,
      env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `xmlrpc-ts ${PKG.version}\n`);
  });
});

describe('the shipped types', () => {
  it('type-check a strict NodeNext consumer, declarations included', async () => {
    const project = join(app, 'types');
    mkdirSync(project);
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            lib: ['ES2023'],
            types: ['node'],
            noEmit: true,
            // The package's .d.ts files, undici's and @types/node are all checked too.
            skipLibCheck: false,
          },
          files: ['check.ts'],
        },
        null,
        2,
      )}\n`,
    );
    // @ts-expect-error lines fail the compile if the types are missing or `any`.
    writeFileSync(
      join(project, 'check.ts'),
      `import { Client, createServer, DecodeError, decodeResponse, type DecodeErrorReason } from 'xmlrpc-ts';
// @ts-expect-error: only '.' and './package.json' are exported
import { Scanner } from 'xmlrpc-ts/dist/codec/scanner.js';

interface Calc {
  add(a: number, b: number): number;
}

const api = new Client('http://127.0.0.1:8080/RPC2').proxy<Calc>();
export async function sum(): Promise<number> {
  return await api.add(1, 2);
}
export async function wrong(): Promise<string> {
  // @ts-expect-error: add resolves to a number
  return await api.add(1, 2);
}
// @ts-expect-error: add takes numbers
void api.add('1', 2);

export const server = createServer().addMethod('add', (a: number, b: number) => a + b);
export const listening: Promise<{ port: number }> = server.listen(0, '127.0.0.1');

export function why(error: unknown): string {
  if (!(error instanceof DecodeError)) return 'not a decode error';
  const reason: DecodeErrorReason = error.reason;
  switch (reason) {
    case 'xml':
      return \`xml (\${error.xmlKind ?? 'unknown'}) at \${error.position?.line ?? '?'}\`;
    case 'dtd':
    case 'structure':
    case 'value':
    case 'limit':
      return reason;
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}
export const decoded = (xml: string) => decodeResponse(xml);
void Scanner;
`,
    );
    const result = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project });
    assert.equal(result.code, 0, `tsc reported errors:\n${result.stdout}${result.stderr}`);
  });
});

/** The names of the .md files directly in `dir`. */
function readdirMarkdown(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.md'))
    .map((d) => d.name);
}
