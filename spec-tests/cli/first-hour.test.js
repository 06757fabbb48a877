// The CLI as a new user meets it (#17 §3, #13 --strings): a finite default timeout, --strings
// reading no files, a warning for JSON typed without --json, request logs from `serve`, useful
// errors for a module that does not load, and a hint when the URL has the wrong scheme.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'xmlrpc-ts';
import { FIXTURES, ROOT, startServe, xmlrpc, xmlrpcJson } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-first-hour-'));
let echo;
let url;

before(async () => {
  echo = createServer({ closeTimeoutMs: 200 });
  echo.addMethod('echo', (...params) => params);
  const { port } = await echo.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}/RPC2`;
});

after(async () => {
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--strings makes every argument a plain string', () => {
  it('@FILE is not read under --strings', async () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'the secret');
    const { code, json, stderr } = await xmlrpcJson(['call', url, 'echo', '--strings', '--json', `@${secret}`, '-', '42']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(json, [`@${secret}`, '-', '42']);
  });

  it('without --strings, @FILE is read (the behaviour --strings turns off)', async () => {
    const secret = join(dir, 'read.txt');
    writeFileSync(secret, 'hi');
    const { code, json } = await xmlrpcJson(['call', url, 'echo', '--json', `@${secret}`]);
    assert.equal(code, 0);
    assert.deepEqual(json, [{ $base64: 'aGk=' }]);
  });
});

describe('an argument that looks like JSON, without --json', () => {
  it('is sent as a string, with a warning on stderr', async () => {
    const r = await xmlrpc(['call', url, 'echo', '{"a":1}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /argument 1 looks like JSON but is sent as a string; .*--json/);
    assert.match(r.stdout, /"\{\\"a\\":1\}"/);
  });

  it('gives no warning with --json, with --strings, or for text that is not JSON', async () => {
    for (const args of [['--json', '[{"a":1}]'], ['--strings', '{"a":1}'], ['[not json]'], ['hello']]) {
      const r = await xmlrpc(['call', url, 'echo', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', args.join(' '));
    }
  });
});

describe('--timeout', () => {
  it('defaults to 30 s, as --help says', async () => {
    for (const command of ['call', 'list', 'describe', 'multicall', 'codegen']) {
      const r = await xmlrpc([command, '--help']);
      assert.match(r.stdout, /--timeout TIME .*0: no limit.*default: 30s/, command);
    }
  });

  it('the client the commands make gets 30 s unless --timeout says otherwise', async () => {
    const { CONNECTION_OPTIONS, clientOptions } = await import('../../dist/cli/commands/common.js');
    const { parseCommandLine } = await import('../../dist/cli/flags.js');
    const optionsFor = (argv) => clientOptions({ line: parseCommandLine(argv, CONNECTION_OPTIONS), cwd: dir, version: '0' });
    // The client's whole-call limit option (its name is the one place to change on a rename).
    const limit = (options) => options.timeoutMs ?? options.timeout;
    assert.equal(limit(optionsFor([])), 30_000);
    assert.equal(limit(optionsFor(['--timeout', '2m'])), 120_000);
    assert.equal(limit(optionsFor(['--timeout', '0'])), 0);
  });

  it('0 turns the limit off', async () => {
    const r = await xmlrpc(['call', url, 'echo', '1', '--timeout', '0']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('a server that accepts and never answers ends the call at the limit', async () => {
    const silent = http.createServer(() => {});
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const r = await xmlrpc(['call', `http://127.0.0.1:${silent.address().port}/`, 'm', '--timeout', '300ms']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /300 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('xmlrpc serve', () => {
  it('logs each request on stderr: request line, status, method, time', async () => {
    const served = await startServe(FIXTURES + 'calc-module.js');
    try {
      assert.equal((await xmlrpc(['call', served.url, 'add', '2', '3'])).code, 0);
      assert.equal((await xmlrpc(['call', served.url, 'nope'])).code, 1);
    } finally {
      await served.stop();
    }
    assert.match(served.stderr(), /^127\.0\.0\.1 \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] "POST \/RPC2 HTTP\/1\.1" 200 add \d+\.\d ms$/m);
    assert.match(served.stderr(), /^127\.0\.0\.1 .* "POST \/RPC2 HTTP\/1\.1" 200 - \d+\.\d ms$/m);
  });

  it('--quiet turns the request log off', async () => {
    const served = await startServe(FIXTURES + 'calc-module.js', ['--quiet']);
    try {
      assert.equal((await xmlrpc(['call', served.url, 'add', '2', '3'])).code, 0);
    } finally {
      await served.stop();
    }
    assert.doesNotMatch(served.stderr(), /POST \/RPC2/);
  });

  it('a module with a syntax error: the error gives its line and column', async () => {
    const module = join(dir, 'broken.mjs');
    writeFileSync(module, 'export function ok() {\n  return 1;\n}\nexport const bad = [1, 2,, 3;\n');
    const r = await xmlrpc(['serve', module, '--port', '0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot load the module .*broken\.mjs.*: .* at line 4, column \d+\n/);
    assert.match(r.stderr, /^ {2}export const bad = \[1, 2,, 3;\n {2}\s*\^$/m);
  });

  it('a .ts module is served where Node strips types; elsewhere the error says how', async () => {
    const module = join(dir, 'typed.ts');
    writeFileSync(module, 'export function twice(n: number): number {\n  return n * 2;\n}\n');
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    if (process.features.typescript) {
      const served = await startServe(module);
      try {
        const r = await xmlrpc(['call', served.url, 'twice', '21']);
        assert.equal(r.stdout, '42\n');
      } finally {
        await served.stop();
      }
    } else {
      const r = await xmlrpc(['serve', module, '--port', '0']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /does not load TypeScript by itself; .*(tsc|strip-types)/);
      assert.doesNotMatch(r.stderr, /^Unknown file extension/m);
    }
  });
});

describe('a URL with the wrong scheme suggests the other one', () => {
  let tls;
  let plain;
  before(async () => {
    tls = https.createServer({ key: readFileSync(FIXTURES + 'tls-key.pem'), cert: readFileSync(FIXTURES + 'tls-cert.pem') }, (q, r) => r.end());
    plain = http.createServer((q, r) => r.end());
    await new Promise((resolve) => tls.listen(0, '127.0.0.1', resolve));
    await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    tls.closeAllConnections();
    tls.close();
    plain.closeAllConnections();
    plain.close();
  });

  it('https:// to a plain-HTTP port: try http://', async () => {
    const port = plain.address().port;
    const r = await xmlrpc(['call', `https://127.0.0.1:${port}/RPC2`, 'm']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`try http://127\\.0\\.0\\.1:${port}/RPC2`, 'i'));
  });

  it('http:// to a TLS port: try https://', async () => {
    const port = tls.address().port;
    const r = await xmlrpc(['call', `http://127.0.0.1:${port}/RPC2`, 'm']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`try https://127\\.0\\.0\\.1:${port}/RPC2`, 'i'));
  });
});

/** What a file of dist/cli/ imports or requires at its top level (not its import() calls). */
function staticImports(file) {
  const found = [];
  for (const line of readFileSync(join(ROOT, 'dist/cli', file), 'utf8').split('\n')) {
    const required = /^(?:const|let|var) \w+ = require\("([^"]+)"\);$/.exec(line);
    if (required !== null) {
      found.push(required[1].startsWith('./') ? required[1].slice(2) : required[1]);
      continue;
    }
    if (!line.startsWith('import ')) continue;
    const from = line.lastIndexOf(' from ');
    const specifier = (from < 0 ? line.slice(7) : line.slice(from + 6)).trim().replace(/^['"]|['"];?$/g, '');
    found.push(specifier.startsWith('./') ? specifier.slice(2) : specifier);
  }
  return found;
}

describe('--version', () => {
  it('prints the version', async () => {
    const r = await xmlrpc(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^xmlrpc-ts \d+\.\d+\.\d+/);
  });

  it('loads nothing of the library: main.cjs reaches only version.cjs, node:fs and node:path statically', () => {
    const seen = new Set();
    const queue = ['main.cjs'];
    while (queue.length > 0 && seen.size < 50) {
      const file = queue.shift();
      if (seen.has(file)) continue;
      seen.add(file);
      for (const next of staticImports(file)) {
        if (next.startsWith('node:')) seen.add(next);
        else queue.push(next);
      }
    }
    assert.deepEqual([...seen].sort(), ['main.cjs', 'node:fs', 'node:path', 'version.cjs']);
  });
});
