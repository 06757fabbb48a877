// Cloudflare Workers, run locally in workerd (the npm package `workerd`) with NO compatibility
// flags (no nodejs_compat): one Worker serves createFetchHandler, called by Python's
// xmlrpc.client and by our client; another calls Python's xmlrpc.server and our node:http
// server with our Client. esbuild bundles both Workers for the browser platform, so a `node:`
// import anywhere on their path fails the build.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { Client, Fault, createServer } from 'xmlrpc-ts';
import { EXPECTED_CLIENT_RESULTS, EXPECTED_OWN_SERVER_RESULTS, runClientChecks } from '../../fixtures/runtimes/client-checks.js';
import { registerMethods } from '../../fixtures/runtimes/methods.js';
import { workerdConfig } from '../../fixtures/runtimes/workerd-config.js';
import { EXPECTED_PYTHON_RESULTS } from './server-runtime.js';
import { FIXTURES, REQUIRED, ROOT, binary, requireRuntimes, runJson, skipUnless, startPythonServer, startServer } from './support.js';

const skip = skipUnless('workerd', 'python3');

/** Bundles a Worker as Workers do: ESM, browser platform, the `workerd` export condition. */
export async function bundleWorker(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    minify: true,
    // The docs page's HTML builder needs Node's `events`: a Worker serves calls, not the page
    // (the stub deploy/workers/wrangler.toml aliases it to).
    alias: { xmlbuilder2: `${ROOT}deploy/workers/src/no-docs-page.js` },
    logLevel: 'silent',
  });
}

/** A listening socket on 127.0.0.1 whose descriptor workerd inherits (--socket-fd): no port race. */
async function listeningSocket() {
  const server = createNetServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

/** Waits until `url` answers (any status), polling at most `attempts` times. */
async function answering(url, attempts = 100) {
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw new Error(`${url} did not answer after ${attempts} attempts`);
}

describe('Cloudflare Workers (workerd, no nodejs_compat)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-workerd-'));
  let python;
  let node;
  let workerd;
  let serverUrl;
  let clientUrl;

  before(async () => {
    if (REQUIRED) requireRuntimes('workerd', 'python3');
    await bundleWorker(FIXTURES + 'worker-server.js', join(dir, 'server.js'));
    await bundleWorker(FIXTURES + 'worker-client.js', join(dir, 'client.js'));
    python = startPythonServer();
    node = registerMethods(createServer());
    const nodePort = (await node.listen(0, '127.0.0.1')).port;
    const config = workerdConfig({
      serverScript: 'server.js',
      clientScript: 'client.js',
      pythonUrl: `http://127.0.0.1:${await python.ready}/RPC2`,
      nodeUrl: `http://127.0.0.1:${nodePort}/RPC2`,
    });
    writeFileSync(join(dir, 'config.capnp'), config);
    const sockets = [await listeningSocket(), await listeningSocket()];
    serverUrl = `http://127.0.0.1:${sockets[0].address().port}/RPC2`;
    clientUrl = `http://127.0.0.1:${sockets[1].address().port}`;
    workerd = startServer(binary('workerd'), ['serve', join(dir, 'config.capnp'), '--socket-fd', 'server=3', '--socket-fd', 'client=4'], {
      stdio: ['ignore', 'pipe', 'pipe', ...sockets.map((socket) => socket._handle.fd)],
      ready: false,
    });
    // workerd has its own copies of the sockets; the parent's must not accept connections too.
    for (const socket of sockets) socket.close();
    await answering(clientUrl);
  });

  after(async () => {
    await workerd?.stop();
    await python?.stop();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the createFetchHandler Worker answers Python's xmlrpc.client", async () => {
    assert.deepEqual(await runJson('python3', [FIXTURES + 'py_calls.py', serverUrl]), EXPECTED_PYTHON_RESULTS);
  });

  test('the createFetchHandler Worker answers our client', async () => {
    assert.deepEqual(await runClientChecks(Client, Fault, serverUrl, {}, true), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
  });

  test("a Worker calls Python's xmlrpc.server with our client", async () => {
    const response = await fetch(`${clientUrl}/python`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), EXPECTED_CLIENT_RESULTS);
  });

  test('a Worker calls our node:http server with our client', async () => {
    const response = await fetch(`${clientUrl}/node`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
  });
});
