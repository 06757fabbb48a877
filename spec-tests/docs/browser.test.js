// The documentation page in a real browser: Debian's Chromium driven by playwright-core. The
// page lists the methods, its forms make real XML-RPC calls, bad input is reported, and
// application text never runs as script (escaped by construction, and a CSP behind that).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Fault, asDouble, createServer } from 'xmlrpc-ts';
import { parseArgument } from '../../dist/cli/args.js';
import { jsonParams } from '../../dist/cli/json.js';
import { encodeCall } from '../../dist/codec/encode.js';
import { DOCS_PAGE_CSP } from '../../dist/server/docs-page.js';
import { browserUnavailable, callFromPage, launchBrowser, startDocsServer } from './support.js';

/** The message (and caret lines) the command line's own readers give for the same input. */
function cliMessage(read) {
  try {
    read();
  } catch (error) {
    return [error.message, ...(error.details ?? [])].join('\n');
  }
  throw new Error('the command line accepted it');
}

// Without Chromium or playwright-core the suite is skipped, with the reason as its one line.
const skip = await browserUnavailable();

const HOSTILE_NAME = 'evil.<script>window.__pwnedName = 1</script>';
const HOSTILE_HELP = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">Adds & "quotes"';

describe('the docs page in Chromium', { skip }, () => {
  let site;
  let browser;
  let page;
  /** Params each call of `echo` received, for checking what the page sent. */
  const received = [];

  before(async () => {
    site = await startDocsServer(
      (server) => {
        server.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
        server.addMethod('echo', (...params) => {
          received.push(params);
          return params.length === 1 ? params[0] : params;
        }, { help: 'Returns its arguments.' });
        server.addMethod('calc.divide', (a, b) => {
          if (b === 0) throw new Fault(20, 'division by zero');
          return asDouble(a / b);
        }, { signature: ['double', 'double', 'double'], help: 'Divides.' });
        server.addMethod(HOSTILE_NAME, () => 'still callable', { help: HOSTILE_HELP });
      },
      { title: 'Calculator', description: 'A calculator for the tests.' },
      { maxBodyBytes: 4096 },
    );
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('lists every method with its signatures and help, under a CSP', async () => {
    const violations = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(site.url);
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.match(headers['content-type'], /^text\/html; charset=utf-8$/);
    assert.equal(headers['content-security-policy'], DOCS_PAGE_CSP);
    assert.match(DOCS_PAGE_CSP, /script-src 'sha256-[A-Za-z0-9+/]+='/);

    assert.equal(await page.title(), 'Calculator');
    assert.equal(await page.locator('h1').textContent(), 'Calculator');
    const listed = await page.locator('section.method').evaluateAll((sections) => sections.map((s) => s.dataset.method));
    assert.deepEqual(listed, site.server.listMethods());
    const add = page.locator('section.method[data-method="calc.add"]');
    assert.equal(await add.locator('.signatures li').textContent(), 'calc.add(int, int) → int');
    assert.equal(await add.locator('pre.help').textContent(), 'Adds two integers.');
    assert.equal(await page.locator('section.method[data-method="echo"] .signatures').textContent(), 'No signature declared.');

    // The script ran (forms shown) and the stylesheet applied: both allowed by their hashes.
    assert.equal(await page.locator('form.try').first().isVisible(), true);
    assert.equal(await page.locator('form.try').first().evaluate((f) => getComputedStyle(f).display), 'grid');
    assert.deepEqual(violations, []);
  });

  it('calls a method from its form and shows the result and the XML', async () => {
    const json = await callFromPage(page, 'calc.add', '[2, 3]');
    assert.equal(json.state, 'ok', json.value);
    assert.equal(json.value, '5');
    assert.match(json.request, /<methodName>calc\.add<\/methodName><params><param><value><int>2<\/int><\/value><\/param><param><value><int>3<\/int>/);
    assert.match(json.response, /^HTTP 200 OK\nContent-Type: text\/xml; charset=utf-8\n\n<\?xml version="1.0"\?><methodResponse>.*<int>5<\/int>/s);

    const typed = await callFromPage(page, 'calc.add', 'i/40\ni/2');
    assert.equal(typed.value, '42');
  });

  it('sends every type as written, in JSON and in the typed syntax', async () => {
    const cases = [
      ['[2.0]', '<double>2.0</double>', (v) => v === 2],
      ['d/2', '<double>2.0</double>', (v) => v === 2],
      ['[{"$i8": "9007199254740993"}]', '<i8>9007199254740993</i8>', (v) => v === 9007199254740993n],
      ['I/-9223372036854775808', '<i8>-9223372036854775808</i8>', (v) => v === -9223372036854775808n],
      ['["a<b&c"]', '<string>a&lt;b&amp;c</string>', (v) => v === 'a<b&c'],
      ['s/a,b c', '<string>a,b c</string>', (v) => v === 'a,b c'],
      ['h/6869', '<base64>aGk=</base64>', (v) => v instanceof Uint8Array && new TextDecoder().decode(v) === 'hi'],
      ['t/1998-07-17T14:08:55', '<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>', (v) => v instanceof Date && v.toISOString() === '1998-07-17T14:08:55.000Z'],
      ['n/', '<nil/>', (v) => v === null],
      ['b/t', '<boolean>1</boolean>', (v) => v === true],
      ['[{"$struct": {"$i8": "x"}}]', '<struct><member><name>$i8</name><value><string>x</string>', (v) => v.$i8 === 'x'],
      ['struct/{name:s/Ada,tags:array/(x,7)}', '<struct><member><name>name</name><value><string>Ada</string></value></member><member><name>tags</name><value><array><data><value><string>x</string></value><value><int>7</int></value></data></array>', (v) => v.name === 'Ada' && v.tags[1] === 7],
    ];
    for (const [input, xml, check] of cases) {
      const before = received.length;
      const out = await callFromPage(page, 'echo', input);
      assert.equal(out.state, 'ok', `${input}: ${out.status} ${out.value}`);
      assert.ok(out.request.includes(xml), `${input}: request ${out.request}`);
      assert.equal(received.length, before + 1);
      assert.ok(check(received.at(-1)[0]), `${input}: the server received ${String(received.at(-1)[0])}`);
    }
  });

  it('shows results in the JSON form, with tags for the types JSON lacks', async () => {
    const out = await callFromPage(page, 'echo', '[{"$i8": "9007199254740993"}, {"$dateTime": "19980717T14:08:55"}, {"$base64": "aGk="}, null, "x", [1, 2], {"a": true}]');
    assert.equal(out.state, 'ok');
    assert.equal(out.value, [
      '[',
      '  {"$i8": "9007199254740993"},',
      '  {"$dateTime": "19980717T14:08:55"},',
      '  {"$base64": "aGk="},',
      '  null,',
      '  "x",',
      '  [1, 2],',
      '  {',
      '    "a": true',
      '  }',
      ']',
    ].join('\n'));
    const divided = await callFromPage(page, 'calc.divide', 'd/6\nd/3');
    assert.equal(divided.value, '2.0');
  });

  it('reports bad arguments before sending, in the words of the command line', async () => {
    const before = received.length;
    const json = await callFromPage(page, 'echo', '[1, {"a": }]');
    assert.equal(json.state, 'error');
    assert.equal(json.status, 'Bad arguments');
    assert.equal(json.value, 'arguments: invalid JSON: expected a value, found "}" at line 1, column 11');
    assert.equal(json.value, cliMessage(() => jsonParams('[1, {"a": }]', 'arguments')));
    assert.equal(json.request, undefined);

    const typed = await callFromPage(page, 'echo', 'i/1\nstruct/{id,i/1}');
    assert.equal(typed.state, 'error');
    assert.equal(typed.value, cliMessage(() => parseArgument('struct/{id,i/1}', { inferTypes: true, sources: {} }, 2)));
    assert.match(typed.value, /^argument 2: struct\/\{id,i\/1\}: expected ':' after .* at column 11/);

    const range = await callFromPage(page, 'echo', '[{"$i8": "9223372036854775808"}]');
    assert.equal(range.value, cliMessage(() => jsonParams('[{"$i8": "9223372036854775808"}]', 'arguments')));
    assert.match(range.value, /params\[0\].*9223372036854775808/);

    const control = await callFromPage(page, 'echo', '["bell \\u0007"]');
    assert.equal(control.value, cliMessage(() => encodeCall('echo', ['bell \u0007'])));
    assert.match(control.value, /U\+0007/);

    const file = await callFromPage(page, 'echo', '@/etc/passwd');
    assert.match(file.value, /cannot read the file "\/etc\/passwd": a web page cannot read files/);
    assert.equal(received.length, before, 'nothing was sent');
  });

  it('shows the fault when the server refuses the call', async () => {
    const out = await callFromPage(page, 'calc.add', '["two", 3]');
    assert.equal(out.state, 'fault');
    assert.equal(out.value, "Fault -32602: param 1 (params[0]) of 'calc.add' must be int, got string");
    assert.match(out.response, /<name>faultCode<\/name><value><int>-32602<\/int>/);

    const own = await callFromPage(page, 'calc.divide', '[1, 0]');
    assert.equal(own.value, 'Fault 20: division by zero');
  });

  it('shows an HTTP error with its status and body', async () => {
    const before = received.length;
    const out = await callFromPage(page, 'echo', JSON.stringify(['x'.repeat(5000)]));
    assert.equal(out.state, 'error');
    assert.equal(out.status, 'HTTP 413 Payload Too Large');
    assert.match(out.value, /^request body of \d+ bytes is over the limit of 4096/);
    assert.equal(received.length, before);
  });

  it('never runs a method name or help text as script', async () => {
    await page.goto(site.url);
    const section = page.locator('section.method').filter({ has: page.locator('h3', { hasText: 'evil.' }) });
    assert.equal(await section.locator('h3').textContent(), HOSTILE_NAME);
    assert.equal(await section.locator('pre.help').textContent(), HOSTILE_HELP);
    const state = await page.evaluate(() => ({
      pwned: window.__pwned,
      pwnedName: window.__pwnedName,
      scripts: document.scripts.length,
      images: document.images.length,
    }));
    assert.deepEqual(state, { pwned: undefined, pwnedName: undefined, scripts: 1, images: 0 });
    // The hostile name still works as a method name.
    const out = await callFromPage(page, HOSTILE_NAME, '');
    assert.equal(out.value, '"still callable"');

    // And behind the escaping, the CSP refuses any inline script that is not the page's own.
    const blocked = await page.addScriptTag({ content: 'window.__injected = 1;' }).then(() => 'added', (e) => e.message);
    assert.equal(await page.evaluate(() => window.__injected), undefined, String(blocked));
  });

  it('reads without JavaScript: methods listed, forms hidden, a note shown', async () => {
    const quiet = await browser.context.newPage();
    try {
      const cdp = await browser.context.newCDPSession(quiet);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
      await quiet.goto(site.url);
      assert.equal(await quiet.locator('section.method').count(), site.server.listMethods().length);
      assert.equal(await quiet.locator('section.method[data-method="calc.add"] pre.help').isVisible(), true);
      assert.equal(await quiet.locator('form.try').first().isVisible(), false);
      assert.match(await quiet.locator('noscript').first().textContent(), /Turn on JavaScript/);
    } finally {
      await quiet.close();
    }
  });
});

// The page as people see it, at a desktop width and a 375 px phone width: the calculator of the
// tutorial (six methods of its own, five system methods), mounted under Express. Screenshots at
// both widths are kept for a reviewer in the folder the test prints.
describe('the docs page layout in Chromium, mounted under Express', { skip }, () => {
  const SCREENSHOTS = fileURLToPath(new URL('../../.scratch/screenshots/', import.meta.url));
  const WIDTHS = [['desktop', { width: 1280, height: 800 }], ['mobile', { width: 375, height: 667 }]];
  let site;
  let browser;

  before(async () => {
    const { default: express } = await import('express');
    const server = createServer({ docsPage: { title: 'Calculator', description: 'Integer and floating-point arithmetic, for the tutorial.' } });
    server.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
    server.addMethod('calc.subtract', (a, b) => a - b, { signature: ['int', 'int', 'int'], help: 'Subtracts the second integer from the first.' });
    server.addMethod('calc.multiply', (a, b) => asDouble(a * b), { signature: ['double', 'double', 'double'], help: 'Multiplies two numbers.' });
    server.addMethod('calc.divide', (a, b) => asDouble(a / b), { signature: ['double', 'double', 'double'], help: 'Divides the first number by the second.' });
    server.addMethod('sample.update', (record) => ({ ...record, updated: true }), { signature: ['struct', 'struct'], help: 'Returns the struct with updated: true.' });
    server.addMethod('echo', (value) => value, { help: 'Returns its argument unchanged.' });
    const app = express();
    app.use('/xmlrpc', server.handler);
    const http = app.listen(0, '127.0.0.1');
    await once(http, 'listening');
    site = { server, http, url: `http://127.0.0.1:${http.address().port}/xmlrpc` };
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    site?.http.closeAllConnections();
    await new Promise((resolve) => (site ? site.http.close(resolve) : resolve()));
    await site?.server.close();
  });

  for (const [name, viewport] of WIDTHS) {
    it(`${name} (${viewport.width} px): heading levels, labels, 24 px targets, first method on the first screen`, async (t) => {
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize(viewport);
        await page.goto(site.url);
        await page.screenshot({ path: join(SCREENSHOTS, `docs-page-${name}.png`) });
        await page.screenshot({ path: join(SCREENSHOTS, `docs-page-${name}-full.png`), fullPage: true });
        t.diagnostic(`screenshots: ${SCREENSHOTS}docs-page-${name}{,-full,-syntax-open}.png`);

        const layout = await page.evaluate(() => {
          const box = (node) => node.getBoundingClientRect();
          const sections = [...document.querySelectorAll('section.method')];
          return {
            endpoint: document.querySelector('.endpoint code').textContent,
            headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => [Number(h.tagName[1]), h.textContent]),
            order: sections.map((s) => s.dataset.method),
            methodHeadings: sections.map((s) => s.querySelector(':scope > h3')?.textContent),
            labels: sections.map((s) => [s.dataset.method, s.querySelector('textarea').labels[0]?.textContent]),
            links: [...document.querySelectorAll('nav a')].map((a) => ({ text: a.textContent, height: box(a).height, width: box(a).width })),
            methodSize: parseFloat(getComputedStyle(document.querySelector('section.method h3 code')).fontSize),
            syntaxSize: parseFloat(getComputedStyle(document.querySelector('#how-to-call summary')).fontSize),
            syntax: { open: document.querySelector('#how-to-call').open, shown: box(document.querySelector('#how-to-call')).height > 0 },
            firstMethodBottom: box(sections[0].querySelector('h3')).bottom,
            scrollWidth: document.documentElement.scrollWidth,
            viewportWidth: innerWidth,
          };
        });

        // The page names the endpoint the browser can call (Express's mount path).
        assert.equal(layout.endpoint, 'POST /xmlrpc');
        // One h1; the groups are h2; each method is an h3 inside its group; no level is skipped.
        const own = ['calc.add', 'calc.divide', 'calc.multiply', 'calc.subtract', 'echo', 'sample.update'];
        const system = ['system.getCapabilities', 'system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall'];
        assert.deepEqual(layout.headings, [
          [1, 'Calculator'], [2, 'Contents'], [2, 'Methods'], ...own.map((m) => [3, m]), [2, 'System methods'], ...system.map((m) => [3, m]),
        ]);
        assert.deepEqual(layout.order, [...own, ...system], 'system.* after the service\'s own methods');
        assert.deepEqual(layout.methodHeadings, layout.order);
        assert.ok(layout.methodSize > layout.syntaxSize, `method headings (${layout.methodSize}px) larger than the syntax box's title (${layout.syntaxSize}px)`);
        // Each box's label names its method.
        assert.deepEqual(layout.labels, layout.order.map((m) => [m, `Arguments for ${m}`]));
        // WCAG 2.2 target size: every contents link at least 24 x 24 CSS px.
        assert.equal(layout.links.length, own.length + system.length);
        for (const link of layout.links) assert.ok(link.height >= 24 && link.width >= 24, `${link.text}: ${link.width} x ${link.height}`);
        // The syntax help is there but collapsed, and the first method starts on the first screen.
        assert.deepEqual(layout.syntax, { open: false, shown: true });
        assert.ok(layout.firstMethodBottom <= viewport.height, `first method heading ends at ${layout.firstMethodBottom}px`);
        assert.ok(layout.scrollWidth <= layout.viewportWidth, `no sideways scrolling (${layout.scrollWidth} > ${layout.viewportWidth})`);

        // The forms post to the mounted path and work there.
        const out = await callFromPage(page, 'calc.add', '[2, 3]');
        assert.equal(out.value, '5');

        // Opened, the syntax help shows its text (kept as a screenshot too).
        await page.locator('#how-to-call summary').click();
        assert.equal(await page.locator('#how-to-call').evaluate((d) => d.open), true);
        assert.equal(await page.getByText('Or write one argument per line').isVisible(), true);
        await page.screenshot({ path: join(SCREENSHOTS, `docs-page-${name}-syntax-open.png`) });
      } finally {
        await page.close();
      }
    });
  }
});
