/**
 * The HTML documentation page a browser gets on GET: the server's title and description, the
 * service's methods then the `system.*` ones, each with its signatures, help and a try-it form.
 * Portable (no `node:` import): the node:http face and the fetch handler both serve it. The page
 * is built with xmlbuilder2, loaded on the first render, so every method name and help text is
 * escaped by construction; its script and stylesheet come from the build (page-assets.js), and
 * the CSP allows them by the hashes the build computed. It reads without JavaScript.
 */
import { OptionError } from '../../core/errors.js';
import { checkOptionNames } from '../../core/options.js';
import type { XmlRpcDispatcher } from '../dispatcher.js';
import type { Signature } from '../signature.js';
import { describeImplementedMethod, implementedMethod } from '../../contract/server.js';
import { PAGE_SCRIPT_HASH, PAGE_STYLE_HASH } from './page-hashes.js';

/**
 * What the page says about the server; everything else comes from the dispatcher.
 * @group Server
 */
export interface DocsPageOptions {
  /** The page's heading and `<title>`. Default `"XML-RPC API"`. */
  title?: string;
  /** A paragraph (or several, separated by blank lines) under the title. */
  description?: string;
}

/**
 * One method as the page shows it.
 * @group Server
 */
export interface DocsPageMethod {
  /** The method's name, as clients call it. */
  readonly name: string;
  /** The declared signatures (return type first), or `undefined` when none was declared. */
  readonly signatures: readonly Signature[] | undefined;
  /** The help text, `""` when none. */
  readonly help: string;
  /** A contract's signatures as text, struct members included; shown instead of `signatures`. */
  readonly declared?: readonly string[] | undefined;
}

/**
 * Everything {@link renderDocsPage} shows.
 * @group Server
 */
export interface DocsPageInfo {
  /** The heading and `<title>`. */
  readonly title: string;
  /** Paragraphs under the title, separated by blank lines. */
  readonly description?: string | undefined;
  /** The endpoint's path as the browser sees it, shown as `POST /RPC2` (the forms post to the page's own URL). */
  readonly path?: string | undefined;
  /** The methods; the service's own are shown first, then the `system.*` ones, each in this order. */
  readonly methods: readonly DocsPageMethod[];
}

/**
 * The Content-Security-Policy the page is sent with: nothing may load or run but its own inline
 * style and script (by hash), and calls may go to its own origin only.
 * @group Server
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${PAGE_SCRIPT_HASH}`,
  `style-src ${PAGE_STYLE_HASH}`,
  "connect-src 'self'",
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The response headers of the page (every face adds `Content-Length`).
 * @group Server
 */
export const DOCS_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': DOCS_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
  // The same URL answers XML-RPC to programs.
  Vary: 'Accept',
});

type XmlBuilder2 = typeof import('xmlbuilder2');
type Builder = ReturnType<XmlBuilder2['create']>;

/** HTML elements that have no end tag (written `<x/>`, which HTML reads as `<x>`). */
const VOID_ELEMENTS: ReadonlySet<string> = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);
/** Characters HTML text must not carry: C0 controls but tab/LF/CR, DEL, lone surrogates, non-characters. */
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const DEFAULT_TITLE = 'XML-RPC API';
const SYSTEM_PREFIX = 'system.';
const SCRIPT_MARK = 'xmlrpc-ts:script';
const STYLE_MARK = 'xmlrpc-ts:style';

let loading: Promise<[XmlBuilder2, typeof import('./page-assets.js')]> | undefined;

/** xmlbuilder2 and the page's script and style, loaded once, on the first render. */
function loadRenderer(): Promise<[XmlBuilder2, typeof import('./page-assets.js')]> {
  loading ??= Promise.all([import('xmlbuilder2'), import('./page-assets.js')]);
  return loading;
}

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

/** A method with its place in the page (ids stay unique whatever the names). */
interface Placed {
  readonly method: DocsPageMethod;
  readonly id: string;
  readonly index: number;
}

/** The service's own methods, then the `system.*` ones, each group in the given order. */
function grouped(methods: readonly DocsPageMethod[]): { own: Placed[]; system: Placed[] } {
  const placed = methods.map((method, index) => ({ method, index, id: sectionId(method.name, index) }));
  return {
    own: placed.filter((p) => !p.method.name.startsWith(SYSTEM_PREFIX)),
    system: placed.filter((p) => p.method.name.startsWith(SYSTEM_PREFIX)),
  };
}

/**
 * Renders the whole page (a complete HTML document) for these methods. Asynchronous because the
 * HTML builder and the page's script are loaded on the first call.
 * @group Server
 */
export async function renderDocsPage(info: DocsPageInfo): Promise<string> {
  const [{ create }, { PAGE_SCRIPT, PAGE_STYLE }] = await loadRenderer();
  const doc = create().dtd({ name: 'html' });
  const html = doc.ele('html', { lang: 'en' });
  const head = html.ele('head');
  el(head, 'meta', { charset: 'utf-8' });
  el(head, 'meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' });
  el(head, 'meta', { name: 'generator', content: 'xmlrpc-ts' });
  el(head, 'title', {}, info.title);
  head.ele('style').com(STYLE_MARK);

  const { own, system } = grouped(info.methods);
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

  const main = el(body, 'main');
  renderContents(main, own, system);
  const noscript = el(main, 'noscript');
  el(noscript, 'p', { class: 'note' }, 'Turn on JavaScript to call the methods from this page; everything else reads without it.');
  renderSyntaxHelp(main);
  if (own.length > 0) renderGroup(main, 'methods', 'Methods', undefined, own);
  if (system.length > 0) {
    renderGroup(main, 'system-methods', 'System methods', 'Provided by the server: introspection and batched calls.', system);
  }

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

/** The contents: a link to each method, the service's own first. */
function renderContents(main: Builder, own: readonly Placed[], system: readonly Placed[]): void {
  const nav = el(main, 'nav', { 'aria-labelledby': 'contents' });
  el(nav, 'h2', { id: 'contents' }, 'Contents');
  const list = (placed: readonly Placed[], label: string): void => {
    const items = el(nav, 'ul', { class: 'toc', 'aria-label': label });
    for (const { method, id } of placed) el(el(el(items, 'li'), 'a', { href: `#${id}` }), 'code', {}, method.name);
  };
  if (own.length > 0) list(own, 'Methods');
  if (system.length > 0) {
    el(nav, 'p', { class: 'toc-group', 'aria-hidden': 'true' }, 'System methods');
    list(system, 'System methods');
  }
}

/** How to write arguments in the try-it forms: collapsed, shown when the script runs. */
function renderSyntaxHelp(main: Builder): void {
  const box = el(main, 'details', { id: 'how-to-call', class: 'syntax', hidden: 'hidden', 'data-needs-script': '' });
  el(box, 'summary', {}, 'How to call a method from this page');
  paragraph(box, [
    'Type the arguments as a JSON array, ', ['[2, 3.5, "text", true, null, {"id": 1}]'],
    ', with tagged objects for the types JSON lacks: ', ...listed(['{"$i8": "9007199254740993"}', '{"$dateTime": "19980717T14:08:55"}', '{"$base64": "aGk="}', '{"$double": "nan"}']),
    '. A number with a fraction or exponent is a <double> (2.0 too); an integer is an <int>, or an <i8> beyond 32 bits.',
  ]);
  paragraph(box, [
    'Or write one argument per line in the typed syntax of the xmlrpc command line: ',
    ...listed(['i/42', 'd/1.5', 's/some text', 't/19980717T14:08:55', 'h/0a1b', 'array/(1,2)', 'struct/{id:i/1,name:s/x}']),
    '; untyped values are inferred (42 is an int, 1.5 a double, true a boolean, anything else a string). Text starting with "[" is read as JSON; an empty box sends no arguments. Ctrl+Enter calls.',
  ]);
}

/** Text, and code where a part is `[code]`. */
type Prose = ReadonlyArray<string | readonly [string]>;

/** Code examples separated by commas. */
function listed(examples: readonly string[]): Prose {
  return examples.flatMap((example, i) => (i === 0 ? [[example] as const] : [', ', [example] as const]));
}

function paragraph(parent: Builder, parts: Prose): void {
  const p = el(parent, 'p');
  for (const part of parts) {
    if (typeof part === 'string') p.txt(part);
    else el(p, 'code', {}, part[0]);
  }
}

/** A group of methods under its own second-level heading. */
function renderGroup(main: Builder, id: string, title: string, note: string | undefined, placed: readonly Placed[]): void {
  const group = el(main, 'section', { class: 'group', id, 'aria-labelledby': `${id}-heading` });
  el(group, 'h2', { id: `${id}-heading` }, title);
  if (note !== undefined) el(group, 'p', {}, note);
  for (const p of placed) renderMethod(group, p);
}

function renderMethod(group: Builder, { method, id, index }: Placed): void {
  const section = el(group, 'section', { class: 'method', id, 'data-method': method.name });
  el(el(section, 'h3'), 'code', {}, method.name);
  if (method.declared !== undefined) {
    const signatures = el(section, 'ul', { class: 'signatures' });
    for (const line of method.declared) el(el(signatures, 'li'), 'code', {}, line);
  } else if (method.signatures === undefined || method.signatures.length === 0) {
    el(section, 'p', { class: 'signatures none' }, 'No signature declared.');
  } else {
    const signatures = el(section, 'ul', { class: 'signatures' });
    for (const signature of method.signatures) el(el(signatures, 'li'), 'code', {}, formatSignature(method.name, signature));
  }
  if (method.help === '') el(section, 'p', { class: 'help none' }, 'No help text.');
  else el(section, 'pre', { class: 'help' }, method.help);

  const form = el(section, 'form', { class: 'try', hidden: 'hidden', 'data-method': method.name, autocomplete: 'off' });
  const fieldId = `args-${index}`;
  const label = el(form, 'label', { for: fieldId }, 'Arguments for ');
  el(label, 'code', {}, method.name);
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

/**
 * The page data of a dispatcher: its methods with signatures and help, the service's own first
 * (in `listMethods()` order), then the `system.*` ones. `path` is the endpoint's path as the
 * browser sees it (under a framework's mount point, the full path).
 * @group Server
 */
export function docsPageInfo(dispatcher: XmlRpcDispatcher, options: DocsPageOptions = {}, path?: string): DocsPageInfo {
  const methods: DocsPageMethod[] = [];
  for (const name of dispatcher.listMethods()) {
    const info = dispatcher.methodInfo(name);
    const contract = implementedMethod(dispatcher, name);
    const declared = contract === undefined ? undefined : describeImplementedMethod(name, contract);
    if (info !== undefined) methods.push({ name, signatures: info.signatures, help: info.help, declared });
  }
  const { own, system } = grouped(methods);
  return { title: options.title ?? DEFAULT_TITLE, description: options.description, path, methods: [...own, ...system].map((p) => p.method) };
}

const DOCS_PAGE_OPTION_NAMES: readonly (keyof DocsPageOptions)[] = ['title', 'description'];

/** Checks `docsPage` options; throws an {@link OptionError} naming a bad one (an unknown name with the closest known one). */
export function checkDocsPageOptions(options: unknown): DocsPageOptions {
  if (options === undefined || options === true) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError('docsPage', 'docsPage must be true, false or { title?, description? }');
  }
  checkOptionNames('docsPage', options, DOCS_PAGE_OPTION_NAMES);
  const checked: DocsPageOptions = {};
  for (const name of DOCS_PAGE_OPTION_NAMES) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new OptionError(`docsPage.${name}`, `docsPage.${name} must be a string`);
    checked[name] = value;
  }
  return checked;
}

/**
 * The parts of a request {@link wantsDocsPage} reads (a node:http `IncomingMessage` has them).
 * @group Server
 */
export interface DocsPageRequest {
  /** The HTTP method. */
  readonly method?: string | undefined;
  /** The request headers; only `accept` is read. */
  readonly headers: {
    /** The `Accept` header, if sent. */
    readonly accept?: string | undefined;
  };
}

/**
 * Whether a request is a browser asking for a page: GET or HEAD whose `Accept` lists
 * `text/html` (or `application/xhtml+xml`) with a non-zero quality. A wildcard alone (curl's
 * default) does not count, so programs keep getting XML-RPC's answers. A fetch handler passes
 * `{ method: request.method, headers: { accept: request.headers.get('accept') ?? undefined } }`.
 * @group Server
 */
export function wantsDocsPage(request: DocsPageRequest): boolean {
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
