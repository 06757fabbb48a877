// The deployment recipes of docs/runtimes.md run as written: deploy/workers/src/worker.js in
// workerd (no flags; `xmlrpc-ts/server` resolved as the package's workerd condition does) and
// deploy/deno-deploy/main.ts in Deno (its `npm:` specifiers mapped to this build).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { Client, Fault, HttpError } from 'xmlrpc-ts';
import { singleWorkerConfig } from '../../fixtures/runtimes/workerd-config.js';
import { REQUIRED, ROOT, binary, requireRuntimes, skipUnless, startServer } from './support.js';

/** What `xmlrpc-ts/...` resolves to for a Web runtime (the server entry without the node:http face). */
const WEB_ENTRIES = {
  'xmlrpc-ts/server': `${ROOT}dist/server/fetch/index.js`,
  'xmlrpc-ts/codec': `${ROOT}dist/codec/index.js`,
};

/** Calls the calculator of a recipe: with the password, without it, and from a browser origin. */
async function checkCalculator(base) {
  const withPassword = new Client(base.replace('http://', 'http://rpc:s3cret@'));
  assert.equal(await withPassword.call('calc.add', [2, 3]), 5);
  await assert.rejects(withPassword.call('calc.divide', [1, 0]), (error) => error instanceof Fault && error.faultCode === 1);
  await withPassword.close();
  const anonymous = new Client(base);
  await assert.rejects(anonymous.call('calc.add', [2, 3]), (error) => error instanceof HttpError && error.status === 401);
  await anonymous.close();
  const preflight = await fetch(base, { method: 'OPTIONS', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
  const foreign = await fetch(base, { method: 'POST', body: '<methodCall/>', headers: { Origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
}

/** The `[alias]` table of deploy/workers/wrangler.toml, paths made absolute. */
function wranglerAliases() {
  const toml = readFileSync(`${ROOT}deploy/workers/wrangler.toml`, 'utf8');
  const table = toml.split(/^\[alias\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  const aliases = {};
  for (const [, name, target] of table.matchAll(/^"([^"]+)" = "([^"]+)"$/gm)) aliases[name] = target.startsWith('./') ? `${ROOT}deploy/workers/${target.slice(2)}` : target;
  return aliases;
}

describe('deploy/workers: the Worker recipe in workerd', { skip: skipUnless('workerd') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-deploy-workers-'));
  let workerd;
  let base;

  before(async () => {
    if (REQUIRED) requireRuntimes('workerd');
    await build({
      entryPoints: [`${ROOT}deploy/workers/src/worker.js`],
      outfile: join(dir, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      // wrangler.toml's [alias] table, as wrangler hands it to esbuild.
      alias: { ...WEB_ENTRIES, ...wranglerAliases() },
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'config.capnp'), singleWorkerConfig({ script: 'worker.js', bindings: { RPC_PASSWORD: 's3cret', ALLOWED_ORIGINS: 'https://app.example.com' } }));
    const socket = createNetServer();
    await new Promise((resolve) => socket.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${socket.address().port}/`;
    workerd = startServer(binary('workerd'), ['serve', join(dir, 'config.capnp'), '--socket-fd', 'http=3'], { stdio: ['ignore', 'pipe', 'pipe', socket._handle.fd], ready: false });
    socket.close(); // workerd has its own copy of the listening socket
  });
  after(async () => {
    await workerd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('wrangler.toml names the Worker and sets no compatibility flag', () => {
    const toml = readFileSync(`${ROOT}deploy/workers/wrangler.toml`, 'utf8');
    assert.match(toml, /^main = "src\/worker\.js"$/m);
    assert.doesNotMatch(toml, /^\s*compatibility_flags/m);
    assert.deepEqual(Object.keys(wranglerAliases()), ['xmlbuilder2']);
  });

  test('serves the calculator: Basic auth, faults, CORS for the allowed origin, 403 for others', async () => {
    await checkCalculator(base);
  });
});

describe('deploy/deno-deploy: the Deno Deploy recipe in Deno', { skip: skipUnless('deno') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-deploy-deno-'));
  let deno;
  let base;

  before(async () => {
    if (REQUIRED) requireRuntimes('deno');
    const imports = {
      'npm:xmlrpc-ts@0/server': pathToFileURL(WEB_ENTRIES['xmlrpc-ts/server']).href,
      'npm:xmlrpc-ts@0/codec': pathToFileURL(WEB_ENTRIES['xmlrpc-ts/codec']).href,
    };
    writeFileSync(join(dir, 'import-map.json'), JSON.stringify({ imports }));
    deno = startServer(binary('deno'), ['run', '--cached-only', `--import-map=${join(dir, 'import-map.json')}`, '--allow-net=127.0.0.1', `--allow-read=${ROOT}`, '--allow-env', `${ROOT}deploy/deno-deploy/main.ts`], {
      env: { HOST: '127.0.0.1', PORT: '0', RPC_PASSWORD: 's3cret', ALLOWED_ORIGINS: 'https://app.example.com' },
      readyPattern: /Listening on http:\/\/127\.0\.0\.1:(\d+)/,
    });
    base = `http://127.0.0.1:${await deno.ready}/`;
  });
  after(async () => {
    await deno?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves the calculator: Basic auth, faults, CORS for the allowed origin, 403 for others', async () => {
    await checkCalculator(base);
  });
});
