/**
 * The HTML documentation page a browser gets on GET: the server's title and description, every
 * method with its signatures and help, and a try-it form per method that makes real XML-RPC
 * calls with `fetch`. The page is built with xmlbuilder2, so every method name and help text is
 * escaped by construction; its own CSS and script are constants of this file, inlined and
 * allowed by their hashes in the Content-Security-Policy. It reads without JavaScript.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { create } from 'xmlbuilder2';
import type { XmlRpcDispatcher } from './dispatcher.js';
import type { Signature } from './signature.js';

/** What the page says about the server; everything else comes from the dispatcher. */
export interface DocsPageOptions {
  /** The page's heading and `<title>`. Default `"XML-RPC API"`. */
  title?: string;
  /** A paragraph (or several, separated by blank lines) under the title. */
  description?: string;
}

/** One method as the page shows it. */
export interface DocsPageMethod {
  /** The method's name, as clients call it. */
  readonly name: string;
  /** The declared signatures (return type first), or `undefined` when none was declared. */
  readonly signatures: readonly Signature[] | undefined;
  /** The help text, `""` when none. */
  readonly help: string;
}

/** Everything {@link renderDocsPage} shows. */
export interface DocsPageInfo {
  /** The heading and `<title>`. */
  readonly title: string;
  /** Paragraphs under the title, separated by blank lines. */
  readonly description?: string | undefined;
  /** The endpoint's path, shown as `POST /RPC2` (the form posts to the page's own URL). */
  readonly path?: string | undefined;
  /** The methods, in the order shown. */
  readonly methods: readonly DocsPageMethod[];
}

type Builder = ReturnType<typeof create>;

/** HTML elements that have no end tag (written `<x/>`, which HTML reads as `<x>`). */
const VOID_ELEMENTS: ReadonlySet<string> = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);
/** Characters HTML text must not carry: C0 controls but tab/LF/CR, lone surrogates, non-characters. */
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const DEFAULT_TITLE = 'XML-RPC API';
const SCRIPT_MARK = 'xmlrpc-ts:script';
const STYLE_MARK = 'xmlrpc-ts:style';

/** Application text made safe for HTML text: characters HTML refuses become U+FFFD. */
function clean(text: string): string {
  return text.replace(NOT_TEXT, '\uFFFD');
}

/**
 * Appends an element. A non-void element always gets a (possibly empty) text child so that it
 * is serialised `<x></x>`: HTML reads `<textarea/>` as an open tag that swallows the page.
 */
function el(parent: Builder, name: string, attributes: Readonly<Record<string, string>> = {}, text?: string): Builder {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) cleaned[key] = clean(value);
  const node = parent.ele(name, cleaned);
  if (!VOID_ELEMENTS.has(name)) node.txt(text === undefined ? '' : clean(text));
  return node;
}

/** `calc.add(int, int) → int`, or `calc.add() → array`. */
export function formatSignature(name: string, signature: Signature): string {
  const [returns = 'nil', ...params] = signature;
  return `${name}(${params.join(', ')}) → ${returns}`;
}

const EXAMPLES: Readonly<Record<string, string>> = {
  int: '0', i4: '0', i8: '{"$i8": "0"}', double: '0.5', boolean: 'true', string: '"text"',
  'dateTime.iso8601': '{"$dateTime": "20240101T00:00:00"}', base64: '{"$base64": "aGk="}',
  struct: '{}', array: '[]', nil: 'null',
};

/** A JSON example of a signature's parameters (`[0, 0]`), or `[]`. */
function exampleArguments(signatures: readonly Signature[] | undefined): string {
  const first = signatures?.[0];
  if (first === undefined) return '[]';
  return `[${first.slice(1).map((type) => EXAMPLES[type] ?? 'null').join(', ')}]`;
}

/** An `id` for a method's section: readable for ordinary names, by position otherwise. */
function sectionId(name: string, index: number): string {
  return /^[A-Za-z0-9_.:-]{1,200}$/.test(name) ? `m-${name}` : `m${index}`;
}

/** Renders the whole page (a complete HTML document) for these methods. */
export function renderDocsPage(info: DocsPageInfo): string {
  const doc = create().dtd({ name: 'html' });
  const html = doc.ele('html', { lang: 'en' });
  const head = html.ele('head');
  el(head, 'meta', { charset: 'utf-8' });
  el(head, 'meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' });
  el(head, 'meta', { name: 'generator', content: 'xmlrpc-ts' });
  el(head, 'title', {}, info.title);
  head.ele('style').com(STYLE_MARK);

  const body = html.ele('body');
  const header = el(body, 'header');
  el(header, 'h1', {}, info.title);
  for (const paragraph of (info.description ?? '').split(/\n\s*\n/)) {
    if (paragraph.trim() !== '') el(header, 'p', { class: 'description' }, paragraph.trim());
  }
  const endpoint = el(header, 'p', { class: 'endpoint' }, 'XML-RPC endpoint: ');
  el(endpoint, 'code', {}, `POST ${info.path ?? '/'}`);
  const count = info.methods.length;
  endpoint.txt(` · ${count} method${count === 1 ? '' : 's'}`);
  const howTo = el(endpoint, 'span', { hidden: 'hidden', 'data-needs-script': '' }, ' · ');
  el(howTo, 'a', { href: '#how-to-call' }, 'how to call from this page');

  const main = el(body, 'main');
  const nav = el(main, 'nav', { 'aria-label': 'Methods' });
  el(nav, 'h2', {}, 'Methods');
  const list = el(nav, 'ul', { class: 'toc' });
  info.methods.forEach((method, index) => {
    const item = el(list, 'li');
    el(el(item, 'a', { href: `#${sectionId(method.name, index)}` }), 'code', {}, method.name);
  });

  const noscript = el(main, 'noscript');
  el(noscript, 'p', { class: 'note' }, 'Turn on JavaScript to call the methods from this page; everything else reads without it.');
  renderSyntaxHelp(main);

  info.methods.forEach((method, index) => renderMethod(main, method, index));

  const footer = el(body, 'footer');
  el(footer, 'p', {}, 'Served by xmlrpc-ts. Programs call this endpoint with POST and an XML-RPC <methodCall>; browsers get this page.');
  el(body, 'script').com(SCRIPT_MARK);

  // Our constants replace our own comment nodes: application text cannot contain a raw "<!--"
  // (every "<" in text and attributes is escaped), so nothing else can match.
  return doc
    .end({ headless: true })
    .replace(`<!--${STYLE_MARK}-->`, () => PAGE_STYLE)
    .replace(`<!--${SCRIPT_MARK}-->`, () => PAGE_SCRIPT);
}

/** How to write arguments in the try-it forms (shown when the script runs). */
function renderSyntaxHelp(main: Builder): void {
  const section = el(main, 'section', { id: 'how-to-call', class: 'syntax', hidden: 'hidden', 'data-needs-script': '' });
  el(section, 'h2', {}, 'Calling a method from this page');
  const p1 = el(section, 'p', {}, 'Type the arguments as a JSON array, ');
  el(p1, 'code', {}, '[2, 3.5, "text", true, null, {"id": 1}]');
  p1.txt(', with tagged objects for the types JSON lacks: ');
  el(p1, 'code', {}, '{"$i8": "9007199254740993"}');
  p1.txt(', ');
  el(p1, 'code', {}, '{"$dateTime": "19980717T14:08:55"}');
  p1.txt(', ');
  el(p1, 'code', {}, '{"$base64": "aGk="}');
  p1.txt(', ');
  el(p1, 'code', {}, '{"$double": "nan"}');
  p1.txt('. A number with a fraction or exponent is a <double> (2.0 too); an integer is an <int>, or an <i8> beyond 32 bits.');
  const p2 = el(section, 'p', {}, 'Or write one argument per line in the typed syntax of the xmlrpc command line: ');
  el(p2, 'code', {}, 'i/42');
  p2.txt(', ');
  el(p2, 'code', {}, 'd/1.5');
  p2.txt(', ');
  el(p2, 'code', {}, 's/some text');
  p2.txt(', ');
  el(p2, 'code', {}, 't/19980717T14:08:55');
  p2.txt(', ');
  el(p2, 'code', {}, 'h/0a1b');
  p2.txt(', ');
  el(p2, 'code', {}, 'array/(1,2)');
  p2.txt(', ');
  el(p2, 'code', {}, 'struct/{id:i/1,name:s/x}');
  p2.txt('; untyped values are inferred (42 is an int, 1.5 a double, true a boolean, anything else a string). Text starting with "[" is read as JSON; an empty box sends no arguments. Ctrl+Enter calls.');
}

function renderMethod(main: Builder, method: DocsPageMethod, index: number): void {
  const section = el(main, 'section', { class: 'method', id: sectionId(method.name, index), 'data-method': method.name });
  el(el(section, 'h2'), 'code', {}, method.name);
  if (method.signatures === undefined || method.signatures.length === 0) {
    el(section, 'p', { class: 'signatures none' }, 'No signature declared.');
  } else {
    const signatures = el(section, 'ul', { class: 'signatures' });
    for (const signature of method.signatures) el(el(signatures, 'li'), 'code', {}, formatSignature(method.name, signature));
  }
  if (method.help === '') el(section, 'p', { class: 'help none' }, 'No help text.');
  else el(section, 'pre', { class: 'help' }, method.help);

  const form = el(section, 'form', { class: 'try', hidden: 'hidden', 'data-method': method.name, autocomplete: 'off' });
  const fieldId = `args-${index}`;
  el(form, 'label', { for: fieldId }, 'Arguments');
  el(form, 'textarea', {
    id: fieldId,
    name: 'arguments',
    rows: '2',
    spellcheck: 'false',
    placeholder: `e.g. ${exampleArguments(method.signatures)}`,
  });
  const actions = el(form, 'div', { class: 'actions' });
  el(actions, 'button', { type: 'submit' }, `Call ${method.name}`);
  el(form, 'div', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
}

/** The page data of a dispatcher: its methods, sorted, with signatures and help. */
export function docsPageInfo(dispatcher: XmlRpcDispatcher, options: DocsPageOptions = {}, path?: string): DocsPageInfo {
  const methods: DocsPageMethod[] = [];
  for (const name of dispatcher.listMethods()) {
    const info = dispatcher.methodInfo(name);
    if (info !== undefined) methods.push({ name, signatures: info.signatures, help: info.help });
  }
  return { title: options.title ?? DEFAULT_TITLE, description: options.description, path, methods };
}

/** Checks `docsPage` options; throws a `TypeError` naming a bad one. */
export function checkDocsPageOptions(options: unknown): DocsPageOptions {
  if (options === undefined || options === true) return {};
  if (typeof options !== 'object' || options === null) throw new TypeError('docsPage must be true, false or { title?, description? }');
  const { title, description } = options as Record<string, unknown>;
  if (title !== undefined && typeof title !== 'string') throw new TypeError('docsPage.title must be a string');
  if (description !== undefined && typeof description !== 'string') throw new TypeError('docsPage.description must be a string');
  return { title, description } as DocsPageOptions;
}

/**
 * Whether a request is a browser asking for a page: GET or HEAD whose `Accept` lists
 * `text/html` (or `application/xhtml+xml`) with a non-zero quality. A wildcard alone (curl's
 * default) does not count, so programs keep getting XML-RPC's answers.
 */
export function wantsDocsPage(request: IncomingMessage): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const accept = request.headers.accept;
  if (accept === undefined) return false;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';');
    const mediaType = type.trim().toLowerCase();
    if (mediaType !== 'text/html' && mediaType !== 'application/xhtml+xml') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Answers a browser's GET (or HEAD) with the documentation page of `dispatcher`, under a strict
 * Content-Security-Policy; returns false, writing nothing, when the request is not for the page
 * (see {@link wantsDocsPage}) or there is no dispatcher. Routing and authentication are the
 * caller's: pass the dispatcher that serves the request's path.
 */
export function docsPageHandler(
  request: IncomingMessage,
  response: ServerResponse,
  dispatcher: XmlRpcDispatcher | undefined,
  options: DocsPageOptions = {},
): boolean {
  if (dispatcher === undefined || !wantsDocsPage(request)) return false;
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const page = renderDocsPage(docsPageInfo(dispatcher, checkDocsPageOptions(options), path));
  const bytes = Buffer.from(page, 'utf8');
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': bytes.length,
    'Content-Security-Policy': DOCS_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    // The same URL answers XML-RPC to programs.
    Vary: 'Accept',
  });
  if (request.method === 'HEAD') response.end();
  else response.end(bytes);
  return true;
}

/* The page's stylesheet and script. Both are ASCII and must never contain "</" + "style",
 * "</" + "script" or "<!--" (checked below), as they are inlined verbatim. */

const PAGE_STYLE = String.raw`
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--accent:#0550ae;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--accent:#4493f8;--ok:#3fb950;--bad:#f85149;--warn:#d29922}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:64rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.5rem;border-bottom:1px solid var(--line)}
h1{font-size:1.75rem;margin:0 0 .5rem}
h2{font-size:1.2rem;margin:0 0 .5rem}
a{color:var(--accent)}
code,pre,textarea{font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.description{margin:.25rem 0 .75rem}
.endpoint{color:var(--muted)}
nav{margin:1.25rem 0}
.toc{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:0;list-style:none}
.note,.syntax{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.syntax p{margin:.25rem 0}
.method{border-top:1px solid var(--line);padding:1.25rem 0}
.method h2 code{font-size:1.1rem}
.signatures{margin:.25rem 0;padding-left:1.25rem;color:var(--muted)}
.none{color:var(--muted);font-style:italic;margin:.25rem 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0}
pre.help{font:inherit;white-space:pre-wrap}
form.try{margin-top:.75rem;display:grid;gap:.35rem}
form.try label{font-size:.85rem;color:var(--muted)}
textarea{width:100%;min-height:2.6rem;resize:vertical;padding:.4rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{justify-self:start;font:inherit;padding:.3rem .9rem;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg);cursor:pointer}
button:disabled{opacity:.6;cursor:progress}
.outcome:empty{display:none}
.outcome{border-left:4px solid var(--line);padding:.1rem 0 .1rem .75rem}
.outcome[data-state=ok]{border-color:var(--ok)}
.outcome[data-state=fault],.outcome[data-state=error]{border-color:var(--bad)}
.outcome[data-state=pending]{border-color:var(--warn)}
.outcome .status{margin:.25rem 0;font-weight:600}
.outcome .value{background:var(--panel);border-radius:6px;padding:.5rem .75rem;max-height:30rem;overflow:auto}
details{margin:.25rem 0}
summary{cursor:pointer;color:var(--muted);font-size:.9rem}
details pre{background:var(--panel);border-radius:6px;padding:.5rem .75rem;max-height:24rem;overflow:auto;font-size:12.5px}
footer{color:var(--muted);font-size:.85rem;padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line)}
`;

/*
 * The try-it script. Arguments: a JSON array (number lexemes kept, tagged objects for i8,
 * dateTime, base64, non-finite doubles, bigdecimal) or the CLI's typed syntax, one argument per
 * line. It writes the <methodCall> itself, posts it to the page's URL, and shows the response
 * read with DOMParser. Everything it shows goes through textContent, never innerHTML.
 */
const PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const INT32_MIN = -2147483648n, INT32_MAX = 2147483647n;
  const I8_MIN = -(2n ** 63n), I8_MAX = 2n ** 63n - 1n;
  const MAX_DEPTH = 200;
  const SHOW_LIMIT = 200000;

  class InputError extends Error {}

  const quote = (text) => JSON.stringify(text.length > 40 ? text.slice(0, 37) + '...' : text);
  const INTEGER = /^[+-]?[0-9]+$/;
  const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  const NON_FINITE = { 'nan': 'nan', '+nan': 'nan', '-nan': 'nan', 'inf': 'inf', '+inf': 'inf', 'infinity': 'inf', '+infinity': 'inf', '-inf': '-inf', '-infinity': '-inf' };
  const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const DATE_TIME = /^([0-9]{4})(-?)([0-9]{2})\2([0-9]{2})T([0-9]{2}):?([0-9]{2}):?([0-9]{2})(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$/;
  const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  // Scalar readers: text in, a value node {t, v} out, or an InputError.
  function readInt(text) {
    if (!INTEGER.test(text)) throw new InputError(quote(text) + ' is not an integer');
    const n = BigInt(text);
    if (n < INT32_MIN || n > INT32_MAX) throw new InputError(text + ' is outside the int range (-2147483648 to 2147483647); use an i8');
    return { t: 'int', v: String(n) };
  }
  function readI8(text) {
    if (!INTEGER.test(text)) throw new InputError(quote(text) + ' is not an integer');
    const n = BigInt(text);
    if (n < I8_MIN || n > I8_MAX) throw new InputError(text + ' is outside the 64-bit range of <i8>');
    return { t: 'i8', v: String(n) };
  }
  function readDouble(text) {
    const special = NON_FINITE[text.toLowerCase()];
    if (special !== undefined) return { t: 'double', v: special };
    if (!DECIMAL.test(text)) throw new InputError(text === '' ? 'expected a number, found nothing' : quote(text) + ' is not a number; write e.g. 1.5, -2, 6.02e23, nan or inf');
    if (!Number.isFinite(Number(text))) throw new InputError(text + ' is too large for a double');
    return { t: 'double', v: /^[+-]?[0-9]+$/.test(text) ? text + '.0' : text };
  }
  function readBoolean(text) {
    const t = text.toLowerCase();
    if (t === 'true' || t === 't' || t === '1') return { t: 'boolean', v: '1' };
    if (t === 'false' || t === 'f' || t === '0') return { t: 'boolean', v: '0' };
    throw new InputError(quote(text) + ' is not a boolean; write true, false, t, f, 1 or 0');
  }
  function readNil(text) {
    if (text !== '') throw new InputError('nil takes no value, found ' + quote(text));
    return { t: 'nil' };
  }
  function readHex(text) {
    if (!/^[0-9A-Fa-f]*$/.test(text)) throw new InputError(quote(text) + ' is not hexadecimal');
    if (text.length % 2 !== 0) throw new InputError('hexadecimal bytes need an even number of digits, found ' + text.length);
    let binary = '';
    for (let i = 0; i < text.length; i += 2) binary += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
    return { t: 'base64', v: btoa(binary) };
  }
  function readBase64(text) {
    const compact = text.replace(/[ \t\r\n]+/g, '');
    if (!BASE64.test(compact)) throw new InputError(quote(text) + ' is not valid base64 (standard alphabet, padded)');
    return { t: 'base64', v: compact };
  }
  function daysIn(year, month) {
    if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
    return [4, 6, 9, 11].includes(month) ? 30 : 31;
  }
  function readDateTime(text) {
    const m = DATE_TIME.exec(text);
    if (m === null) throw new InputError(quote(text) + ' is not a date-time; write YYYYMMDDTHH:MM:SS, e.g. 19980717T14:08:55');
    const year = Number(m[1]), month = Number(m[3]), day = Number(m[4]);
    if (month < 1 || month > 12) throw new InputError('month ' + m[3] + ' does not exist');
    if (day < 1 || day > daysIn(year, month)) throw new InputError('day ' + m[4] + ' does not exist in ' + m[1] + '-' + m[3]);
    if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) throw new InputError(quote(text) + ' has a time of day that does not exist');
    let zone = m[9] || '';
    if (zone !== '' && zone !== 'Z') {
      const digits = zone.slice(1).replace(':', '');
      if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2) || '0') > 59) throw new InputError('time zone ' + zone + ' does not exist');
      zone = zone[0] + digits.slice(0, 2) + ':' + (digits.slice(2) || '00');
    }
    return { t: 'dateTime', v: m[1] + m[3] + m[4] + 'T' + m[5] + ':' + m[6] + ':' + m[7] + (m[8] ? '.' + m[8] : '') + zone };
  }
  function readBigDecimal(text) {
    if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) throw new InputError(quote(text) + ' is not decimal text (digits with an optional point, no exponent)');
    return { t: 'double', v: text };
  }
  const SCALARS = new Map([
    ['i', readInt], ['int', readInt], ['i4', readInt], ['I', readI8], ['i8', readI8],
    ['d', readDouble], ['double', readDouble], ['b', readBoolean], ['bool', readBoolean], ['boolean', readBoolean],
    ['s', (text) => ({ t: 'string', v: text })], ['string', (text) => ({ t: 'string', v: text })],
    ['n', readNil], ['nil', readNil], ['h', readHex], ['hex', readHex], ['base64', readBase64],
    ['t', readDateTime], ['dateTime', readDateTime],
  ]);
  const KNOWN_TYPES = [...SCALARS.keys(), 'array', 'struct'];

  function inferUntyped(text) {
    if (/^-?(?:0|[1-9][0-9]*)$/.test(text)) {
      const n = BigInt(text);
      if (n >= INT32_MIN && n <= INT32_MAX) return { t: 'int', v: String(n) };
      if (n >= I8_MIN && n <= I8_MAX) return { t: 'i8', v: String(n) };
      throw new InputError(text + ' is too large for any XML-RPC integer; write s/' + text + ' for a string');
    }
    if (/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(text)) return readDouble(text);
    if (text === 'true' || text === 'false') return { t: 'boolean', v: text === 'true' ? '1' : '0' };
    return { t: 'string', v: text };
  }

  // The typed syntax of the xmlrpc command line: one argument, 'where' names it in errors.
  function parseTyped(text, where) {
    let pos = 0;
    const fail = (message, at) => { throw new InputError(where + ', column ' + ((at === undefined ? pos : at) + 1) + ': ' + message); };
    const here = () => pos < text.length ? JSON.stringify(text[pos]) : 'the end of the argument';
    function token(stops) {
      let out = '';
      while (pos < text.length && !stops.includes(text[pos])) {
        if (text[pos] === '\\') {
          if (pos + 1 >= text.length) fail('nothing after the escape character "\\"');
          pos++;
        }
        out += text[pos++];
      }
      return out;
    }
    function scalar(read, body, at) {
      try { return read(body); } catch (e) { if (e instanceof InputError) fail(e.message, at); throw e; }
    }
    function value(top, depth) {
      const start = pos;
      const m = /^([A-Za-z][A-Za-z0-9]*)\//.exec(text.slice(pos));
      if (m !== null) {
        const name = m[1];
        if (name === 'array' || name === 'struct') {
          if (depth >= MAX_DEPTH) fail('arrays and structs nested deeper than ' + MAX_DEPTH);
          pos += m[0].length;
          return name === 'array' ? array(depth) : struct(depth);
        }
        const read = SCALARS.get(name);
        if (read !== undefined) {
          pos += m[0].length;
          const at = pos;
          return scalar(read, top ? text.slice(pos, pos = text.length) : token(',)}'), at);
        }
        const near = KNOWN_TYPES.find((k) => k.toLowerCase() === name.toLowerCase());
        if (near !== undefined) fail('unknown type "' + name + '/"; did you mean "' + near + '/"?', start);
      }
      const body = top ? text.slice(pos, pos = text.length) : token(',)}');
      if (!top && body === '') fail('expected a value, found ' + here() + '; write s/ for an empty string');
      if (top && (body === '-' || body.startsWith('@'))) fail('files and standard input cannot be read from this page; use base64/ or h/', start);
      return scalar(inferUntyped, body, start);
    }
    function closeOrNext(close, what, open) {
      if (text[pos] === close) { pos++; return true; }
      if (text[pos] === ',') { pos++; return false; }
      fail('expected "," or "' + close + '" to continue or close the ' + what + ' opened at column ' + (open + 1) + ', found ' + here());
    }
    function array(depth) {
      const open = pos;
      if (text[pos] !== '(') fail('expected "(" after "array/", found ' + here());
      pos++;
      const items = [];
      if (text[pos] === ')') { pos++; return { t: 'array', v: items }; }
      do items.push(value(false, depth + 1)); while (!closeOrNext(')', 'array', open));
      return { t: 'array', v: items };
    }
    function struct(depth) {
      const open = pos;
      if (text[pos] !== '{') fail('expected "{" after "struct/", found ' + here());
      pos++;
      const members = [];
      const seen = new Set();
      if (text[pos] === '}') { pos++; return { t: 'struct', v: members }; }
      do {
        const at = pos;
        const name = token(':,)}');
        if (text[pos] !== ':') fail('expected ":" after the member name ' + JSON.stringify(name) + ', found ' + here());
        if (seen.has(name)) fail('duplicate member name ' + JSON.stringify(name), at);
        seen.add(name);
        pos++;
        members.push([name, value(false, depth + 1)]);
      } while (!closeOrNext('}', 'struct', open));
      return { t: 'struct', v: members };
    }
    const result = value(true, 0);
    if (pos < text.length) fail('unexpected ' + here() + ' after the value');
    return result;
  }

  // JSON with number lexemes kept, tagged objects for the types JSON lacks.
  function parseJson(text) {
    let pos = 0;
    const fail = (message, at) => {
      const upto = text.slice(0, at === undefined ? pos : at).split('\n');
      throw new InputError('invalid JSON: ' + message + ' at line ' + upto.length + ', column ' + (upto[upto.length - 1].length + 1));
    };
    const space = () => { while (pos < text.length && ' \t\r\n'.includes(text[pos])) pos++; };
    const here = () => pos < text.length ? JSON.stringify(text[pos]) : 'the end of the input';
    function string() {
      const start = pos;
      const m = /^"(?:[^"\\\u0000-\u001F]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/.exec(text.slice(pos));
      if (m === null) fail('unterminated or invalid string', start);
      pos += m[0].length;
      return JSON.parse(m[0]);
    }
    function value(depth) {
      space();
      if (depth > MAX_DEPTH) fail('nested deeper than ' + MAX_DEPTH);
      const c = text[pos];
      if (c === '"') return { t: 'string', v: string() };
      if (c === '[') {
        pos++;
        const items = [];
        space();
        if (text[pos] === ']') { pos++; return { t: 'array', v: items }; }
        for (;;) {
          items.push(value(depth + 1));
          space();
          if (text[pos] === ']') { pos++; return { t: 'array', v: items }; }
          if (text[pos] !== ',') fail('expected "," or "]", found ' + here());
          pos++;
        }
      }
      if (c === '{') {
        pos++;
        const members = [];
        const seen = new Set();
        space();
        if (text[pos] === '}') { pos++; return { t: 'object', v: members }; }
        for (;;) {
          space();
          const at = pos;
          if (text[pos] !== '"') fail('expected a member name, found ' + here());
          const name = string();
          if (seen.has(name)) fail('duplicate member name ' + JSON.stringify(name), at);
          seen.add(name);
          space();
          if (text[pos] !== ':') fail('expected ":", found ' + here());
          pos++;
          members.push([name, value(depth + 1)]);
          space();
          if (text[pos] === '}') { pos++; return { t: 'object', v: members }; }
          if (text[pos] !== ',') fail('expected "," or "}", found ' + here());
          pos++;
        }
      }
      const m = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)/.exec(text.slice(pos));
      if (m === null) fail('unexpected ' + here());
      pos += m[0].length;
      if (m[0] === 'true' || m[0] === 'false') return { t: 'boolean', v: m[0] === 'true' ? '1' : '0' };
      if (m[0] === 'null') return { t: 'nil' };
      return { t: 'number', v: m[0] };
    }
    const result = value(0);
    space();
    if (pos < text.length) fail('unexpected text after the JSON value');
    return result;
  }

  const TAGS = new Map([
    ['$i8', (n) => readI8(n.t === 'number' || n.t === 'string' ? n.v : '?')],
    ['$double', (n) => readDouble(n.t === 'number' || n.t === 'string' ? n.v : '?')],
    ['$base64', (n) => readBase64(n.t === 'string' ? n.v : '?')],
    ['$dateTime', (n) => readDateTime(n.t === 'string' ? n.v : '?')],
    ['$bigdecimal', (n) => readBigDecimal(n.t === 'string' ? n.v : '?')],
    ['$struct', (n, path) => { if (n.t !== 'object') throw new InputError('"$struct" takes an object'); return struct(n, path); }],
  ]);

  // A JSON node to an XML-RPC value node; 'path' names it in errors (params[1].id).
  function fromJson(n, path) {
    if (n.t === 'number') {
      if (/[.eE]/.test(n.v)) {
        if (!Number.isFinite(Number(n.v))) throw new InputError(path + ': ' + n.v + ' is too large for a double');
        return { t: 'double', v: /^-?[0-9]+$/.test(n.v) ? n.v + '.0' : n.v };
      }
      const big = BigInt(n.v);
      if (big >= INT32_MIN && big <= INT32_MAX) return { t: 'int', v: n.v };
      if (big >= I8_MIN && big <= I8_MAX) return { t: 'i8', v: n.v };
      throw new InputError(path + ': ' + n.v + ' is too large for any XML-RPC integer');
    }
    if (n.t === 'array') return { t: 'array', v: n.v.map((item, i) => fromJson(item, path + '[' + i + ']')) };
    if (n.t !== 'object') return n;
    if (n.v.length === 1 && n.v[0][0].startsWith('$')) {
      const [name, inner] = n.v[0];
      const tag = TAGS.get(name);
      if (tag !== undefined) {
        try { return tag(inner, path); } catch (e) { if (e instanceof InputError && !e.message.startsWith(path)) throw new InputError(path + ': ' + e.message); throw e; }
      }
      const near = [...TAGS.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
      if (near !== undefined) throw new InputError(path + ': unknown tag "' + name + '"; did you mean "' + near + '"?');
    }
    return struct(n, path);
  }
  function struct(n, path) {
    return { t: 'struct', v: n.v.map(([name, item]) => [name, fromJson(item, path + '.' + name)]) };
  }

  /** The textarea's text to the call's params: JSON array, typed lines, or nothing. */
  function parseArguments(text) {
    const trimmed = text.trim();
    if (trimmed === '') return [];
    if (trimmed.startsWith('[')) {
      const node = parseJson(trimmed);
      if (node.t !== 'array') throw new InputError('the arguments must be a JSON array');
      return node.v.map((item, i) => fromJson(item, 'params[' + i + ']'));
    }
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    return lines.map((line, i) => parseTyped(line, 'argument ' + (i + 1)));
  }

  function xmlText(text, what) {
    const bad = NOT_XML.exec(text);
    if (bad !== null) {
      const code = bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
      throw new InputError(what + ': the character U+' + code + ' cannot be carried by XML; send bytes as base64');
    }
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  }
  function valueXml(n, path) {
    switch (n.t) {
      case 'int': return '<value><int>' + n.v + '</int></value>';
      case 'i8': return '<value><i8>' + n.v + '</i8></value>';
      case 'double': return '<value><double>' + n.v + '</double></value>';
      case 'boolean': return '<value><boolean>' + n.v + '</boolean></value>';
      case 'string': return '<value><string>' + xmlText(n.v, path) + '</string></value>';
      case 'nil': return '<value><nil/></value>';
      case 'base64': return '<value><base64>' + n.v + '</base64></value>';
      case 'dateTime': return '<value><dateTime.iso8601>' + n.v + '</dateTime.iso8601></value>';
      case 'array': return '<value><array><data>' + n.v.map((item, i) => valueXml(item, path + '[' + i + ']')).join('') + '</data></array></value>';
      case 'struct': return '<value><struct>' + n.v.map(([name, item]) => '<member><name>' + xmlText(name, path + ' member name') + '</name>' + valueXml(item, path + '.' + name) + '</member>').join('') + '</struct></value>';
    }
    throw new InputError(path + ': cannot be sent');
  }
  function callXml(methodName, params) {
    return '<?xml version="1.0"?><methodCall><methodName>' + xmlText(methodName, 'method name') + '</methodName><params>' +
      params.map((p, i) => '<param>' + valueXml(p, 'params[' + i + ']') + '</param>').join('') + '</params></methodCall>';
  }

  // The response, read with DOMParser, to a display node.
  class ResponseError extends Error {}
  const elements = (node) => [...node.childNodes].filter((c) => c.nodeType === 1);
  function only(node, name) {
    const found = elements(node).filter((c) => c.localName === name);
    return found.length === 1 ? found[0] : undefined;
  }
  function decodeValue(valueElement, depth) {
    if (depth > 1000) throw new ResponseError('the response nests values too deeply to show');
    const [typed] = elements(valueElement);
    if (typed === undefined) return { t: 'string', v: valueElement.textContent };
    const text = typed.textContent;
    switch (typed.localName) {
      case 'int': case 'i4': case 'i1': case 'i2': return { t: 'int', v: text.trim() };
      case 'i8': return { t: 'i8', v: text.trim() };
      case 'double': case 'float': return { t: 'double', v: text.trim() };
      case 'boolean': return { t: 'bool', v: text.trim() === '1' };
      case 'string': return { t: 'string', v: text };
      case 'nil': return { t: 'nil' };
      case 'base64': return { t: 'base64', v: text.replace(/\s+/g, '') };
      case 'dateTime.iso8601': return { t: 'dateTime', v: text.trim() };
      case 'array': {
        const data = only(typed, 'data');
        return { t: 'array', v: data === undefined ? [] : elements(data).map((v) => decodeValue(v, depth + 1)) };
      }
      case 'struct':
        return { t: 'struct', v: elements(typed).map((member) => {
          const name = only(member, 'name'), value = only(member, 'value');
          if (name === undefined || value === undefined) throw new ResponseError('a <member> without <name> and <value>');
          return [name.textContent, decodeValue(value, depth + 1)];
        }) };
    }
    return { t: 'other', v: typed.localName, text };
  }
  function readResponse(xml) {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length > 0) throw new ResponseError('the response is not well-formed XML');
    const root = doc.documentElement;
    if (root.localName !== 'methodResponse') throw new ResponseError('expected <methodResponse>, got <' + root.nodeName + '>');
    const fault = only(root, 'fault');
    if (fault !== undefined) {
      const value = only(fault, 'value');
      const f = value === undefined ? undefined : decodeValue(value, 0);
      const member = (name) => f !== undefined && f.t === 'struct' ? (f.v.find(([k]) => k === name) || [])[1] : undefined;
      const code = member('faultCode'), string = member('faultString');
      return { fault: { code: code === undefined ? '?' : String(code.v), string: string === undefined ? '' : String(string.v) } };
    }
    const params = only(root, 'params');
    const param = params && only(params, 'param');
    const value = param && only(param, 'value');
    if (value === undefined) throw new ResponseError('the response has no <params><param><value>');
    return { value: decodeValue(value, 0) };
  }

  // A display node as JSON, in the form of the command line's --json output.
  function show(n, level) {
    const pad = (k) => '\n' + '  '.repeat(k);
    switch (n.t) {
      case 'int': return n.v.replace(/^\+/, '');
      case 'i8': return '{"$i8": ' + JSON.stringify(n.v.replace(/^\+/, '')) + '}';
      case 'double': {
        const x = Number(n.v);
        if (!DECIMAL.test(n.v) || !Number.isFinite(x)) return '{"$double": ' + JSON.stringify(n.v) + '}';
        const s = String(x);
        return /^-?[0-9]+$/.test(s) ? s + '.0' : s;
      }
      case 'bool': return String(n.v);
      case 'string': return JSON.stringify(n.v);
      case 'nil': return 'null';
      case 'base64': return '{"$base64": ' + JSON.stringify(n.v) + '}';
      case 'dateTime': return '{"$dateTime": ' + JSON.stringify(n.v) + '}';
      case 'other': return '{"$' + n.v + '": ' + JSON.stringify(n.text) + '}';
      case 'array': {
        if (n.v.length === 0) return '[]';
        const items = n.v.map((item) => show(item, level + 1));
        const flat = '[' + items.join(', ') + ']';
        if (flat.length <= 72 && !flat.includes('\n') && n.v.every((item) => item.t !== 'array' && item.t !== 'struct')) return flat;
        return '[' + items.map((item) => pad(level + 1) + item).join(',') + pad(level) + ']';
      }
      case 'struct': {
        if (n.v.length === 0) return '{}';
        const body = '{' + n.v.map(([k, item]) => pad(level + 1) + JSON.stringify(k) + ': ' + show(item, level + 1)).join(',') + pad(level) + '}';
        return n.v.length === 1 && n.v[0][0].startsWith('$') ? '{"$struct": ' + body + '}' : body;
      }
    }
    return '?';
  }

  function element(name, className, text) {
    const e = document.createElement(name);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clip(text) {
    return text.length <= SHOW_LIMIT ? text : text.slice(0, SHOW_LIMIT) + '\n... (' + (text.length - SHOW_LIMIT) + ' more characters)';
  }
  function details(summary, text, className) {
    const d = element('details', className);
    d.append(element('summary', '', summary), element('pre', '', clip(text)));
    return d;
  }
  function report(out, state, status, text, request, response) {
    const parts = [element('p', 'status', status)];
    if (text !== undefined) parts.push(element('pre', 'value', clip(text)));
    if (request !== undefined) parts.push(details('Request XML', request, 'request'));
    if (response !== undefined) parts.push(details('Response', response, 'response'));
    out.replaceChildren(...parts);
    out.dataset.state = state;
  }

  async function call(form) {
    const out = form.querySelector('.outcome');
    const button = form.querySelector('button');
    const methodName = form.dataset.method;
    let body;
    try {
      body = callXml(methodName, parseArguments(form.elements.namedItem('arguments').value));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      report(out, 'error', 'Bad arguments', e.message);
      return;
    }
    report(out, 'pending', 'Calling ' + methodName + '...', undefined, body);
    button.disabled = true;
    const started = performance.now();
    try {
      let response, text;
      try {
        response = await fetch(location.pathname + location.search, {
          method: 'POST', headers: { 'Content-Type': 'text/xml' }, body, credentials: 'same-origin', cache: 'no-store',
        });
        text = await response.text();
      } catch (e) {
        report(out, 'error', 'Network error', String(e && e.message || e), body);
        return;
      }
      const ms = Math.round(performance.now() - started);
      const head = 'HTTP ' + response.status + ' ' + response.statusText + '\n' + 'Content-Type: ' + (response.headers.get('content-type') || '') + '\n\n';
      if (response.status !== 200) {
        report(out, 'error', 'HTTP ' + response.status + ' ' + response.statusText, text, body, head + text);
        return;
      }
      let answer;
      try {
        answer = readResponse(text);
      } catch (e) {
        if (!(e instanceof ResponseError)) throw e;
        report(out, 'error', 'Not an XML-RPC response: ' + e.message, undefined, body, head + text);
        return;
      }
      if (answer.fault !== undefined) {
        report(out, 'fault', 'Fault ' + answer.fault.code + ' (' + ms + ' ms)', 'Fault ' + answer.fault.code + ': ' + answer.fault.string, body, head + text);
      } else {
        report(out, 'ok', 'Result (' + ms + ' ms)', show(answer.value, 0), body, head + text);
      }
    } finally {
      button.disabled = false;
    }
  }

  for (const section of document.querySelectorAll('[data-needs-script]')) section.hidden = false;
  for (const form of document.querySelectorAll('form.try')) {
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      call(form).catch((e) => report(form.querySelector('.outcome'), 'error', 'Error in this page', String(e && e.stack || e)));
    });
    const area = form.elements.namedItem('arguments');
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
})();
`;

for (const [name, text] of [['style', PAGE_STYLE], ['script', PAGE_SCRIPT]] as const) {
  // Inlined verbatim: an end tag or a comment opener would break out of the element.
  if (/<\/(?:script|style)|<!--/i.test(text) || /[^\x09\x0A\x20-\x7E]/.test(text)) {
    throw new Error(`the docs page ${name} must be ASCII without "</script", "</style" or "<!--"`);
  }
}

/**
 * The Content-Security-Policy the page is sent with: nothing may load or run but its own inline
 * style and script (by hash), and calls may go to its own origin only.
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
