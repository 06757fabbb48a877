// Chromium (Debian's, driven by playwright-core as the docs page tests do) loads a page that
// imports the esbuild-bundled client and calls our node:http server on another origin, admitted
// by the server's allowedOrigins (CORS): dates, bytes, i8 and faults come back typed.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { createServer } from 'xmlrpc-ts';
import { EXPECTED_CLIENT_RESULTS, EXPECTED_OWN_SERVER_RESULTS } from '../../fixtures/runtimes/client-checks.js';
import { registerMethods } from '../../fixtures/runtimes/methods.js';
import { CHROMIUM, launchBrowser } from '../docs/support.js';
import { FIXTURES, REQUIRED } from './support.js';

async function browserMissing() {
  const { existsSync } = await import('node:fs');
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
  }
  return undefined;
}

const reason = await browserMissing();
if (reason !== undefined && REQUIRED) throw new Error(`XMLRPC_TS_RUNTIMES=required: ${reason}`);
const skip = reason === undefined ? false : `skipped: ${reason}`;

/** Serves the page and its bundle on its own origin (a port of its own). */
async function startPageServer(bundle) {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>client</title></head><body><script type="module" src="/client.js"></script></body></html>';
  const server = createHttpServer((request, response) => {
    if (request.url === '/client.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(html);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('Chromium: the bundled client calls our server across origins', { skip }, () => {
  let pageServer;
  let allowed;
  let closed;
  let browser;
  let page;
  let pageOrigin;

  before(async () => {
    const bundled = await build({ entryPoints: [FIXTURES + 'browser-page.js'], bundle: true, format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'silent' });
    pageServer = await startPageServer(bundled.outputFiles[0].contents);
    pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
    allowed = registerMethods(createServer({ allowedOrigins: [pageOrigin] }));
    await allowed.listen(0, '127.0.0.1');
    closed = registerMethods(createServer());
    await closed.listen(0, '127.0.0.1');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(pageOrigin + '/');
    await page.waitForFunction(() => document.body.dataset.ready === 'yes');
  });

  after(async () => {
    await browser?.close();
    await allowed?.close();
    await closed?.close();
    await new Promise((resolve) => (pageServer === undefined ? resolve() : pageServer.close(resolve)));
  });

  test('an allowed origin gets typed values: Date, Uint8Array, i8 as bigint, faults as Fault', async () => {
    const url = `http://127.0.0.1:${allowed.address().port}/RPC2`;
    const results = await page.evaluate((u) => window.runChecks(u, true), url);
    assert.deepEqual(results, { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
  });

  test('an origin the server does not allow gets no answer it can read', async () => {
    const url = `http://127.0.0.1:${closed.address().port}/RPC2`;
    const results = await page.evaluate((u) => window.runChecks(u, false), url);
    assert.ok('$error' in results.add, JSON.stringify(results.add));
  });
});
