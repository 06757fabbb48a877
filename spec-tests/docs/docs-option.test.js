// The documentation page as a server option (`docsPage`) and in `xmlrpc serve`, where it is on
// by default: who gets it, behind which checks, and who still gets XML-RPC's answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DOCS_PAGE_CSP, basicAuth, createServer } from 'xmlrpc-ts';
import { fetchText } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const CALL = '<?xml version="1.0"?><methodCall><methodName>ping</methodName><params></params></methodCall>';

async function listening(options) {
  const server = createServer(options);
  server.addMethod('ping', () => 'pong', { signature: ['string'], help: 'Answers pong.' });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}` };
}

describe('the docsPage server option', () => {
  let on;
  let off;
  let guarded;
  before(async () => {
    on = await listening({ docsPage: { title: 'Ping service', description: 'Says pong.' } });
    off = await listening({});
    guarded = await listening({ docsPage: true, authenticate: basicAuth({ alice: 'secret' }) });
  });
  after(async () => {
    await Promise.all([on, off, guarded].map((s) => s?.server.close()));
  });

  it('gives browsers the page of the path, under the CSP', async () => {
    const res = await fetchText(`${on.base}/RPC2`, { headers: HTML });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], DOCS_PAGE_CSP);
    assert.match(res.body, /<title>Ping service<\/title>/);
    assert.match(res.body, /<p class="description">Says pong\.<\/p>/);
    assert.match(res.body, /<pre class="help">Answers pong\.<\/pre>/);
    const head = await fetchText(`${on.base}/`, { method: 'HEAD', headers: HTML });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('keeps XML-RPC for programs: POST calls, GET without text/html is 405, unknown paths 404', async () => {
    const post = await fetchText(`${on.base}/RPC2`, { method: 'POST', headers: { ...HTML, 'content-type': 'text/xml' }, body: CALL });
    assert.match(post.body, /<string>pong<\/string>/);
    assert.equal((await fetchText(`${on.base}/RPC2`, { headers: { accept: '*/*' } })).status, 405);
    assert.equal((await fetchText(`${on.base}/nowhere`, { headers: HTML })).status, 404);
  });

  it('is off unless asked for', async () => {
    const res = await fetchText(`${off.base}/RPC2`, { headers: HTML });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'POST');
  });

  it('is behind the same authentication as calls', async () => {
    const refused = await fetchText(`${guarded.base}/RPC2`, { headers: HTML });
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'], /^Basic /);
    assert.doesNotMatch(refused.body, /ping/);
    const authorization = `Basic ${Buffer.from('alice:secret').toString('base64')}`;
    const allowed = await fetchText(`${guarded.base}/RPC2`, { headers: { ...HTML, authorization } });
    assert.equal(allowed.status, 200);
    assert.match(allowed.body, /<title>XML-RPC API<\/title>/);
  });

  it('refuses options of the wrong type when the server is made', () => {
    assert.throws(() => createServer({ docsPage: { title: 1 } }), { name: 'OptionError', code: 'ERR_XMLRPC_INVALID_OPTION', message: 'docsPage.title must be a string' });
    assert.throws(() => createServer({ docsPage: 'yes' }), { name: 'OptionError', option: 'docsPage' });
    assert.throws(() => createServer({ docsPage: { descripton: 'x' } }), { name: 'OptionError', message: 'docsPage: unknown option "descripton"; did you mean "description"?' });
  });
});

describe('the docs page mounted under Express', () => {
  let site;
  before(async () => {
    const { default: express } = await import('express');
    const server = createServer({ docsPage: { title: 'Mounted' } });
    server.addMethod('ping', () => 'pong', { signature: ['string'], help: 'Answers pong.' });
    const app = express();
    app.use('/api/xmlrpc', server.handler);
    const http = app.listen(0, '127.0.0.1');
    await once(http, 'listening');
    site = { server, http, base: `http://127.0.0.1:${http.address().port}` };
  });
  after(async () => {
    site?.http.closeAllConnections();
    await new Promise((resolve) => (site ? site.http.close(resolve) : resolve()));
    await site?.server.close();
  });

  it('names the endpoint by the path the browser asked for (the mount path), not the path inside the mount', async () => {
    for (const url of [`${site.base}/api/xmlrpc`, `${site.base}/api/xmlrpc?from=menu`]) {
      const res = await fetchText(url, { headers: HTML });
      assert.equal(res.status, 200, url);
      assert.match(res.body, /<code>POST \/api\/xmlrpc<\/code>/, url);
    }
    // The forms post to the page's own path, which reaches the server through the mount.
    const post = await fetchText(`${site.base}/api/xmlrpc`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: CALL });
    assert.match(post.body, /<string>pong<\/string>/);
  });
});

/** Starts `xmlrpc serve` on a free port; resolves with { url, lines, stop() } once it listens. */
function serve(extra) {
  const child = spawn(process.execPath, [`${ROOT}dist/bundle/cli.cjs`, 'serve', 'fixtures/cli/calc-module.js', '--port', '0', ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    process.kill(child.pid, 'SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const url = /^Listening on (\S+)$/m.exec(out)?.[1];
      // Wait for the line after "Listening on", if one is coming.
      if (url !== undefined && (extra.includes('--no-docs') || /^Documentation: .*\n/m.test(out))) resolve({ url, lines: out.split('\n'), stop });
    });
    child.once('exit', (code) => reject(new Error(`xmlrpc serve exited with ${code}: ${out}`)));
  });
}

describe('xmlrpc serve', () => {
  let served;
  let quiet;
  before(async () => {
    [served, quiet] = await Promise.all([serve([]), serve(['--no-docs'])]);
  });
  after(async () => {
    await Promise.all([served?.stop(), quiet?.stop()]);
  });

  it('serves the documentation page by default and says so', async () => {
    assert.ok(served.lines.includes(`Documentation: open ${served.url} in a browser`), served.lines.join('\n'));
    const res = await fetchText(served.url, { headers: HTML });
    assert.equal(res.status, 200);
    assert.match(res.body, /<title>calc-module\.js<\/title>/);
    assert.match(res.body, /<li><code>add\(int, int\) → int<\/code><\/li>/);
    assert.match(res.body, /<pre class="help">Adds two integers\.<\/pre>/);
  });

  it('--no-docs answers browsers with 405', async () => {
    assert.ok(!quiet.lines.some((l) => l.startsWith('Documentation:')));
    assert.equal((await fetchText(quiet.url, { headers: HTML })).status, 405);
  });
});
