// Helpers for the docs-page tests: a node:http server that answers browsers with the docs page
// and everything else with the XML-RPC server, and a Chromium driven by playwright-core.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'xmlrpc-ts';
import { docsPageHandler } from '../../dist/server/docs-page.js';

/** The browser the tests drive (Debian's chromium); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts an XML-RPC server (methods added by `configure(server)`) behind a listener that gives
 * browsers the docs page and passes everything else to `server.handler`. Resolves with
 * { server, url, port, close() }.
 */
export async function startDocsServer(configure, docsOptions = {}, serverOptions = {}) {
  const server = createServer(serverOptions);
  configure(server);
  const http = createHttpServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (!docsPageHandler(request, response, server.dispatcherFor(path), docsOptions)) server.handler(request, response);
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/RPC2`,
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await server.close();
    },
  };
}

/** One HTTP request; resolves with { status, headers, body } (body as text). */
export function fetchText(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.end(body);
  });
}

/** True when XMLRPC_TS_BROWSER=required (CI): a missing browser fails the tests instead of skipping them. */
export const BROWSER_REQUIRED = process.env.XMLRPC_TS_BROWSER === 'required';

/**
 * Why the browser tests cannot run here (chromium or playwright-core missing), or undefined.
 * playwright-core is a development dependency that drives the system Chromium; it never
 * downloads a browser. With XMLRPC_TS_BROWSER=required it throws that reason instead, so the
 * test file fails rather than skips.
 */
export async function browserUnavailable() {
  const reason = await missingBrowser();
  if (reason !== undefined && BROWSER_REQUIRED) throw new Error(`XMLRPC_TS_BROWSER=required, but ${reason}`);
  return reason;
}

async function missingBrowser() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install --no-save playwright-core)';
  }
  return undefined;
}

/**
 * Launches headless Chromium with a fresh profile directory; resolves with
 * { context, close() }. close() also removes the profile.
 */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Fills the try-it form of `method` on `page`, submits it and waits for the outcome. Resolves
 * with { state, status, value, request, response } read from the page.
 */
export async function callFromPage(page, method, text) {
  const form = page.locator(`form.try[data-method="${method.replace(/["\\]/g, '\\$&')}"]`);
  const outcome = form.locator('.outcome');
  await form.locator('textarea').fill(text);
  // A marker the page clears when it writes an outcome, so a stale one is never read.
  await outcome.evaluate((node) => { node.dataset.state = 'submitted'; });
  await form.locator('button').click();
  await page.waitForFunction(
    (node) => node.dataset.state !== 'submitted' && node.dataset.state !== 'pending',
    await outcome.elementHandle(),
  );
  const read = (selector) => outcome.locator(selector).count().then((n) => (n === 0 ? undefined : outcome.locator(selector).first().textContent()));
  return {
    state: await outcome.getAttribute('data-state'),
    status: await read('.status'),
    value: await read('pre.value'),
    request: await read('details.request pre'),
    response: await read('details.response pre'),
  };
}
