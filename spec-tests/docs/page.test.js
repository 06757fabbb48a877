// The documentation page over HTTP, without a browser: who gets it, its headers, its escaping,
// and that its CSP hashes are those of the script and style it inlines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { XmlRpcDispatcher } from '../../dist/index.js';
import { DOCS_PAGE_CSP, checkDocsPageOptions, docsPageInfo, formatSignature, renderDocsPage } from '../../dist/server/docs-page.js';
import { fetchText, startDocsServer } from './support.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CALL = '<?xml version="1.0"?><methodCall><methodName>calc.add</methodName><params><param><value><int>2</int></value></param><param><value><int>3</int></value></param></params></methodCall>';

/** The text of every element `name` in `html` (no nesting of the same element assumed). */
function inner(html, name) {
  return [...html.matchAll(new RegExp(`<${name}(?: [^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]);
}

describe('who gets the page', () => {
  let site;
  before(async () => {
    site = await startDocsServer((server) => {
      server.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
      server.mount('/admin').addMethod('users.disable', () => true, { help: 'Disables a user.' });
    }, { title: 'Calc' });
  });
  after(() => site.close());

  it('a GET that accepts text/html gets the page with a strict CSP', async () => {
    const res = await fetchText(site.url, { headers: { accept: BROWSER_ACCEPT } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['content-security-policy'], DOCS_PAGE_CSP);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['vary'], 'Accept');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body));
    assert.match(res.body, /^<!DOCTYPE html><html lang="en">/);
    assert.match(res.body, /<code>POST \/RPC2<\/code>/);
    assert.deepEqual(inner(res.body, 'h3').filter((h) => h.startsWith('<code>')), [
      '<code>calc.add</code>', '<code>system.getCapabilities</code>', '<code>system.listMethods</code>',
      '<code>system.methodHelp</code>', '<code>system.methodSignature</code>', '<code>system.multicall</code>',
    ]);
  });

  it('the CSP allows exactly the inline script and style, by their SHA-256', async () => {
    const { body } = await fetchText(site.url, { headers: { accept: 'text/html' } });
    const [script] = inner(body, 'script');
    const [style] = inner(body, 'style');
    assert.equal(inner(body, 'script').length, 1);
    const hash = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    assert.ok(DOCS_PAGE_CSP.includes(`script-src ${hash(script)};`), DOCS_PAGE_CSP);
    assert.ok(DOCS_PAGE_CSP.includes(`style-src ${hash(style)};`), DOCS_PAGE_CSP);
    for (const directive of ["default-src 'none'", "connect-src 'self'", "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      assert.ok(DOCS_PAGE_CSP.includes(directive), directive);
    }
    assert.doesNotMatch(DOCS_PAGE_CSP, /unsafe-inline|unsafe-eval|\*/);
  });

  it('HEAD gets the headers and no body', async () => {
    const get = await fetchText(site.url, { headers: { accept: 'text/html' } });
    const head = await fetchText(site.url, { method: 'HEAD', headers: { accept: 'text/html' } });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], get.headers['content-length']);
  });

  it('programs keep the XML-RPC answers: POST calls, other GETs get 405', async () => {
    const post = await fetchText(site.url, { method: 'POST', headers: { 'content-type': 'text/xml', accept: 'text/html' }, body: CALL });
    assert.equal(post.status, 200);
    assert.match(post.body, /<int>5<\/int>/);
    for (const accept of [undefined, '*/*', 'text/xml', 'text/html;q=0', 'application/json, text/html ; q=0.0']) {
      const res = await fetchText(site.url, { headers: accept === undefined ? {} : { accept } });
      assert.equal(res.status, 405, `Accept: ${accept}`);
    }
  });

  it('each path shows its own dispatcher; an unknown path gets no page', async () => {
    const admin = await fetchText(`http://127.0.0.1:${site.port}/admin?x=1`, { headers: { accept: 'text/html' } });
    assert.equal(admin.status, 200);
    assert.match(admin.body, /<code>users\.disable<\/code>/);
    assert.doesNotMatch(admin.body, /calc\.add/);
    assert.match(admin.body, /<code>POST \/admin<\/code>/);
    const none = await fetchText(`http://127.0.0.1:${site.port}/nowhere`, { headers: { accept: 'text/html' } });
    assert.equal(none.status, 404); // routing comes before the method check
    assert.match(none.headers['content-type'], /^text\/plain/);
  });
});

describe('rendering', () => {
  const hostile = new XmlRpcDispatcher({ system: false });
  hostile.addMethod('x"><script>alert(1)</script>', () => 1, { help: '</pre><script>alert(2)</script> & <!-- --> ]]>' });
  hostile.addMethod('ctl', () => 1, { help: 'bell\u0007 nul\u0000 lone\uD800 ok\u00e9\u{1F600}' });

  it('escapes method names and help in text and attributes', async () => {
    const html = await renderDocsPage(docsPageInfo(hostile, { title: '<b>T</b>', description: 'a <i>b</i>' }));
    assert.equal(inner(html, 'script').length, 1, 'only the page script');
    assert.ok(!html.includes('<script>alert'));
    assert.ok(!html.includes('<b>T</b>') && !html.includes('<i>b</i>'));
    assert.ok(html.includes('<title>&lt;b&gt;T&lt;/b&gt;</title>'));
    assert.ok(html.includes('data-method="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(html.includes('<pre class="help">&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; &lt;!-- --&gt; ]]&gt;</pre>'));
    // A comment opener in help text is escaped, so it cannot take the page script's place.
    assert.equal(html.match(/<!--/g), null);
  });

  it('replaces characters HTML cannot carry with U+FFFD and keeps the rest', async () => {
    const html = await renderDocsPage(docsPageInfo(hostile));
    assert.ok(html.includes('bell\uFFFD nul\uFFFD lone\uFFFD ok\u00e9\u{1F600}'));
  });

  it('writes no empty element as <x/> except void ones (HTML would read <textarea/> as open)', async () => {
    const page = await renderDocsPage(docsPageInfo(new XmlRpcDispatcher(), { title: 'T' }));
    const html = page.replace(/<(script|style)>[\s\S]*?<\/\1>/g, '<$1></$1>');
    const selfClosed = [...html.matchAll(/<([a-zA-Z0-9]+)[^>]*\/>/g)].map((m) => m[1]);
    assert.ok(selfClosed.length > 0);
    assert.deepEqual([...new Set(selfClosed)], ['meta']);
    assert.match(html, /<textarea [^>]*><\/textarea>/);
    assert.match(html, /<div class="outcome" [^>]*><\/div>/);
  });

  it('shows each signature, "no signature", help or "no help", and a JSON example', async () => {
    const d = new XmlRpcDispatcher({ system: false });
    d.addMethod('fmt', () => '', { signature: [['string', 'string'], ['string', 'int', 'dateTime.iso8601']] });
    d.addMethod('bare', () => null);
    const html = await renderDocsPage(docsPageInfo(d));
    assert.ok(html.includes('<li><code>fmt(string) → string</code></li><li><code>fmt(int, dateTime.iso8601) → string</code></li>'));
    assert.ok(html.includes('<p class="signatures none">No signature declared.</p>'));
    assert.equal(html.match(/<p class="help none">No help text.<\/p>/g).length, 2);
    assert.ok(html.includes('placeholder="e.g. [&quot;text&quot;]"'));
    assert.equal(formatSignature('m', ['array']), 'm() → array');
  });

  it('splits the description into paragraphs and counts the methods', async () => {
    const html = await renderDocsPage({ title: 'T', description: 'One.\n\n  Two.\n', methods: [{ name: 'a', signatures: undefined, help: '' }] });
    assert.deepEqual(inner(html, 'p').filter((p) => !p.includes('<')).slice(0, 2), ['One.', 'Two.']);
    assert.match(html, /· 1 method</);
  });

  it('shows a heading per method, the service\'s own under "Methods", then "System methods"', async () => {
    const d = new XmlRpcDispatcher();
    d.addMethod('zeta.last', () => 1);
    d.addMethod('alpha', () => 1);
    const info = docsPageInfo(d);
    assert.deepEqual(info.methods.map((m) => m.name).slice(0, 2), ['alpha', 'zeta.last']);
    assert.ok(info.methods.slice(2).every((m) => m.name.startsWith('system.')));
    const html = await renderDocsPage(info);
    const headings = [...html.matchAll(/<h([1-6])[^>]*>(.*?)<\/h\1>/g)].map((m) => `${m[1]} ${m[2].replace(/<[^>]+>/g, '')}`);
    assert.deepEqual(headings, ['1 XML-RPC API', '2 Contents', '2 Methods', '3 alpha', '3 zeta.last', '2 System methods', ...info.methods.slice(2).map((m) => `3 ${m.name}`)]);
    // Each box's label names its method.
    assert.ok(html.includes('<label for="args-1">Arguments for <code>zeta.last</code></label>'));
    // The syntax help is collapsed.
    assert.match(html, /<details id="how-to-call" class="syntax" [^>]*><summary>How to call a method from this page<\/summary>/);
  });

  it('loads the HTML builder on the first render, not at import', () => {
    const probe = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/xmlbuilder2/'));
      const page = await import(${JSON.stringify(new URL('../../dist/server/docs-page.js', import.meta.url).href)});
      const before = loaded();
      const { XmlRpcDispatcher } = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)});
      await page.renderDocsPage(page.docsPageInfo(new XmlRpcDispatcher({ system: false })));
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { before: false, after: true });
  });

  it('inlines the bundled page script, within its size budget', async () => {
    const { PAGE_SCRIPT } = await import('../../dist/server/docs/page-assets.js');
    const html = await renderDocsPage({ title: 'T', methods: [] });
    assert.deepEqual(inner(html, 'script'), [PAGE_SCRIPT]);
    // Minified and gzipped, as a browser receives it with compression; today about 20 kB.
    const gzipped = gzipSync(PAGE_SCRIPT).length;
    assert.ok(gzipped <= 24 * 1024, `the page script is ${gzipped} bytes gzipped`);
  });

  it('renders without Node: the renderer bundles for a neutral platform, xmlbuilder2 its only import', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../dist/server/docs/render.js', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      external: ['xmlbuilder2'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    assert.deepEqual([...new Set(imports)], ['xmlbuilder2']);
  });

  it('refuses options of the wrong type', () => {
    const invalid = { name: 'OptionError', code: 'ERR_XMLRPC_INVALID_OPTION' };
    assert.throws(() => checkDocsPageOptions({ title: 5 }), { ...invalid, option: 'docsPage.title', message: 'docsPage.title must be a string' });
    assert.throws(() => checkDocsPageOptions({ description: [] }), { ...invalid, message: 'docsPage.description must be a string' });
    assert.throws(() => checkDocsPageOptions('yes'), { ...invalid, option: 'docsPage' });
    assert.throws(() => checkDocsPageOptions({ titel: 'T' }), { ...invalid, option: 'docsPage.titel', message: 'docsPage: unknown option "titel"; did you mean "title"?' });
    assert.deepEqual(checkDocsPageOptions(true), {});
  });
});
