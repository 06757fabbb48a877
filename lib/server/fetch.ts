/**
 * The Web-standard face of the dispatcher: `createFetchHandler(dispatcher)` returns a
 * `(request: Request) => Promise<Response>` for `Deno.serve`, `Bun.serve`, a Worker's `fetch`
 * export or a framework built on Web requests. It applies the node:http face's limits, statuses
 * and fault codes, and imports no `node:` module, so it runs where only Web APIs exist.
 */
import { concatBytes, gzipBody } from '../core/compression.js';
import { HttpError, OptionError } from '../core/errors.js';
import { quoteExcerpt } from '../core/message.js';
import { checkInteger, checkOptionNames } from '../core/options.js';
import { DEFAULT_CHALLENGE } from './auth.js';
import type { AuthenticateHook } from './auth.js';
import { CallState } from './context.js';
import { dispatchNow } from './dispatcher.js';
import type { XmlRpcDispatcher } from './dispatcher.js';
import { DOCS_PAGE_HEADERS, checkDocsPageOptions, docsPageInfo, renderDocsPage, wantsDocsPage } from './docs/render.js';
import type { DocsPageOptions } from './docs/render.js';
// Portable helpers of the node:http face (no node: import at run time): one home for each rule.
import { acceptsGzip, contentCoding, contentTypeCharset, inflateRequestBody } from './http-rules.js';
import { Refusal } from './refusal.js';
import { CROSS_SITE_OPTION_NAMES, checkCrossSite, createCrossSitePolicy } from './policy.js';
import type { CrossSiteOptions, CrossSitePolicy, CrossSiteRequest } from './policy.js';

/**
 * Options of {@link createFetchHandler}; see {@link FETCH_HANDLER_DEFAULTS} for the defaults.
 * @group Server
 */
export interface FetchHandlerOptions extends CrossSiteOptions {
  /**
   * Paths the handler answers on; others get 404. Default `'any'`: the runtime or framework
   * routes, so the handler answers wherever it is mounted.
   */
  paths?: readonly string[] | 'any';
  /** Largest request body as sent, in bytes; a bigger one gets 413, counted while it streams in. */
  maxBodyBytes?: number;
  /** Largest request body after gzip/deflate decoding, in bytes (413 beyond). */
  maxInflatedBytes?: number;
  /** Responses larger than this (bytes) are gzipped for clients that accept it; `Infinity` never. */
  gzipThresholdBytes?: number;
  /** Time to receive the whole request body, in ms (408 beyond). */
  bodyTimeoutMs?: number;
  /**
   * Called with the `Request` before the body is read (`basicAuth(...)` fits); refusal is 401 with
   * `WWW-Authenticate`, and no handler runs.
   */
  authenticate?: AuthenticateHook<Request>;
  /**
   * The handler is served on a loopback address (`Deno.serve`/`Bun.serve` on 127.0.0.1): a `Host`
   * that is not a loopback name is refused unless `allowedHosts` admits it (DNS rebinding), as
   * the node:http face does by the socket's address, which a fetch handler cannot see. Default false.
   */
  listeningOnLoopback?: boolean;
  /** Answer a browser's GET (`Accept: text/html`) with the documentation page of the methods. */
  docsPage?: boolean | DocsPageOptions;
  /** Told about refused requests (as `HttpError`) and internal errors; a throwing hook is ignored. */
  onError?: (error: Error) => void;
}

/**
 * The defaults of {@link FetchHandlerOptions}: the node:http face's, except `paths` (a test keeps them equal).
 * @group Server
 */
export const FETCH_HANDLER_DEFAULTS = Object.freeze({
  /** Every path: the runtime or framework routes. */
  paths: 'any' as const,
  /** Largest request body as sent. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Largest request body once inflated. */
  maxInflatedBytes: 20 * 1024 * 1024,
  /** Responses over this size are gzipped for clients that accept it. */
  gzipThresholdBytes: 1400,
  /** Time to receive a body. */
  bodyTimeoutMs: 30_000,
  /** No documentation page. */
  docsPage: false as const,
  /** Not known to listen on a loopback address: no Host check. */
  listeningOnLoopback: false as const,
});

/**
 * A Web request handler: what `Deno.serve`, `Bun.serve` and a Worker's `fetch` take.
 * @group Server
 */
export type FetchHandler = (request: Request) => Promise<Response>;

const OWNER = 'createFetchHandler options';
const OPTION_NAMES: readonly string[] = [...Object.keys(FETCH_HANDLER_DEFAULTS), 'authenticate', 'onError', ...CROSS_SITE_OPTION_NAMES];
const TEXT_XML = 'text/xml; charset=utf-8';
/** The headers of a small answer with no CORS headers (the common case), built once. */
const XML_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': TEXT_XML });
const encoder = new TextEncoder();

interface Settings {
  readonly paths: ReadonlySet<string> | 'any';
  readonly maxBodyBytes: number;
  readonly maxInflatedBytes: number;
  readonly gzipThresholdBytes: number;
  readonly bodyTimeoutMs: number;
  readonly authenticate: AuthenticateHook<Request> | undefined;
  readonly docsPage: DocsPageOptions | undefined;
  readonly crossSite: CrossSitePolicy;
  readonly listeningOnLoopback: boolean;
  readonly onError: ((error: Error) => void) | undefined;
}

/**
 * Serves `dispatcher` to Web `Request`s: POST calls with the node:http face's limits, statuses
 * and gzip; GET with `Accept: text/html` gets the documentation page when `docsPage` is on.
 * @example
 * ```ts
 * import { XmlRpcDispatcher, createFetchHandler } from 'xmlrpc-ts/server';
 *
 * const dispatcher = new XmlRpcDispatcher().addMethod('calc.add', (a: number, b: number) => a + b);
 * const handler: (request: Request) => Promise<Response> = createFetchHandler(dispatcher, { maxBodyBytes: 1_000_000 });
 * // Deno.serve(handler), Bun.serve({ fetch: handler }), or a Worker:
 * export default { fetch: (request: Request) => handler(request) };
 * ```
 * @group Server
 */
export function createFetchHandler(dispatcher: XmlRpcDispatcher, options: FetchHandlerOptions = {}): FetchHandler {
  if (dispatcher === null || typeof dispatcher !== 'object' || typeof dispatcher[dispatchNow] !== 'function') {
    throw new TypeError('createFetchHandler needs an XmlRpcDispatcher (or an XmlRpcServer)');
  }
  const settings = resolveSettings(options);
  return async (request) => {
    const answering: Answering = { headers: {} };
    try {
      return await answer(dispatcher, settings, request, answering);
    } catch (error) {
      if (error instanceof Refusal) {
        report(settings, new HttpError(error.message, error.status, {}, ''));
        return textResponse(error.status, error.message, { ...answering.headers, ...error.headers });
      }
      report(settings, error instanceof Error ? error : new Error(String(error)));
      return textResponse(500, 'internal server error', answering.headers);
    }
  };
}

function resolveSettings(options: FetchHandlerOptions): Settings {
  checkOptionNames(OWNER, options, OPTION_NAMES);
  checkInteger(OWNER, 'maxBodyBytes', options.maxBodyBytes, 1);
  checkInteger(OWNER, 'maxInflatedBytes', options.maxInflatedBytes, 1);
  if (options.gzipThresholdBytes !== Infinity) checkInteger(OWNER, 'gzipThresholdBytes', options.gzipThresholdBytes, 0);
  checkInteger(OWNER, 'bodyTimeoutMs', options.bodyTimeoutMs, 1, 2 ** 31 - 1);
  for (const name of ['authenticate', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new OptionError(`${OWNER}.${name}`, `${OWNER}.${name} must be a function`);
    }
  }
  const paths = options.paths ?? FETCH_HANDLER_DEFAULTS.paths;
  if (paths !== 'any' && (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || !p.startsWith('/')))) {
    throw new OptionError(`${OWNER}.paths`, `${OWNER}.paths must be 'any' or an array of paths starting with '/'`);
  }
  const docsPage = options.docsPage ?? false;
  if (options.listeningOnLoopback !== undefined && typeof options.listeningOnLoopback !== 'boolean') {
    throw new OptionError(`${OWNER}.listeningOnLoopback`, `${OWNER}.listeningOnLoopback must be true or false`);
  }
  return {
    paths: paths === 'any' ? 'any' : new Set(paths),
    maxBodyBytes: options.maxBodyBytes ?? FETCH_HANDLER_DEFAULTS.maxBodyBytes,
    maxInflatedBytes: options.maxInflatedBytes ?? FETCH_HANDLER_DEFAULTS.maxInflatedBytes,
    gzipThresholdBytes: options.gzipThresholdBytes ?? FETCH_HANDLER_DEFAULTS.gzipThresholdBytes,
    bodyTimeoutMs: options.bodyTimeoutMs ?? FETCH_HANDLER_DEFAULTS.bodyTimeoutMs,
    authenticate: options.authenticate,
    docsPage: docsPage === false ? undefined : checkDocsPageOptions(docsPage),
    onError: options.onError,
    crossSite: createCrossSitePolicy({ allowedOrigins: options.allowedOrigins, allowedHosts: options.allowedHosts }),
    listeningOnLoopback: options.listeningOnLoopback ?? FETCH_HANDLER_DEFAULTS.listeningOnLoopback,
  };
}

/** What the cross-site policy adds to every answer of one request (CORS headers). */
interface Answering {
  headers: Readonly<Record<string, string>>;
}

/** One request: policy, route, method, framing, credentials, body, call, answer. Throws a `Refusal`. */
async function answer(dispatcher: XmlRpcDispatcher, settings: Settings, request: Request, answering: Answering): Promise<Response> {
  // Read once: every lookup below is a property read, and handlers get the same record.
  const headers = headerRecord(request.headers);
  const path = pathOf(request.url);
  const known = settings.paths === 'any' || settings.paths.has(path);
  const preflight = crossSite(settings, request, headers, answering);
  if (preflight !== undefined) {
    if (!known) throw new Refusal(404, 'no XML-RPC endpoint here');
    return preflight;
  }
  // Route first: an unknown path is 404 whatever the method (RFC 9110 §15.5.5 and §15.5.6).
  if (!known) throw new Refusal(404, `no XML-RPC endpoint at ${quoteExcerpt(path)}`);
  if (request.method !== 'POST') {
    if (settings.docsPage === undefined) {
      throw new Refusal(405, `method ${request.method} not allowed: XML-RPC calls are POST`, { Allow: 'POST' });
    }
    if (!wantsDocsPage({ method: request.method, headers: { accept: headers['accept'] } })) {
      // GET serves the page to browsers only; a program's GET still gets 405.
      throw new Refusal(405, `method ${request.method} not allowed: XML-RPC calls are POST; GET with Accept: text/html shows the documentation page`, { Allow: 'GET, HEAD, POST' });
    }
    // The page lists the methods: it is behind the same authentication as calls.
    await authenticate(settings, request);
    const page = await renderDocsPage(docsPageInfo(dispatcher, settings.docsPage, path));
    return new Response(request.method === 'HEAD' ? null : page, { status: 200, headers: { ...DOCS_PAGE_HEADERS, ...answering.headers } });
  }
  const coding = contentCoding(headers['content-encoding']);
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > settings.maxBodyBytes) {
    throw new Refusal(413, `request body of ${declared} bytes is over the limit of ${settings.maxBodyBytes}`);
  }
  const user = settings.authenticate === undefined ? undefined : await authenticate(settings, request);
  // One reader loop for every body: a single `arrayBuffer()` when Content-Length is declared was
  // tried and measured slower on Node behind a node:http adapter (0.44 vs 0.67 of bare).
  const raw = await readBody(request, settings.maxBodyBytes, settings.bodyTimeoutMs);
  const body = coding === 'identity' ? raw : await inflateRequestBody(raw, coding, settings.maxInflatedBytes);
  // As the node:http face does: no promise hop when the method answers synchronously.
  const state = new CallState({ path, headers, user, signal: request.signal });
  let xml: string;
  try {
    const answered = dispatcher[dispatchNow](body, state, contentTypeCharset(headers['content-type']));
    xml = typeof answered === 'string' ? answered : await answered;
  } finally {
    state.release();
  }
  return xmlResponse(xml, headers['accept-encoding'], settings.gzipThresholdBytes, answering.headers);
}

/**
 * The path of a request's URL, without query or fragment. `Request.url` is already a parsed and
 * serialized absolute URL, so cutting it is what `new URL(url).pathname` gives, without the parse.
 */
function pathOf(url: string): string {
  const authority = url.indexOf('//');
  const start = authority === -1 ? -1 : url.indexOf('/', authority + 2);
  if (start === -1) return new URL(url).pathname;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x3f /* ? */ || c === 0x23 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

/**
 * Applies the cross-site policy (lib/server/policy.ts, as the node:http face does): returns the
 * answer to a CORS preflight, throws a 403 `Refusal`, or notes the CORS headers and returns undefined.
 */
function crossSite(settings: Settings, request: Request, headers: Readonly<Record<string, string>>, answering: Answering): Response | undefined {
  const facts: CrossSiteRequest = {
    method: request.method,
    // Without a Host header (a Request built in code), the URL's authority stands for it.
    host: headers['host'] ?? new URL(request.url).host,
    origin: headers['origin'],
    secFetchSite: headers['sec-fetch-site'],
    secFetchMode: headers['sec-fetch-mode'],
    listeningOnLoopback: settings.listeningOnLoopback,
    accessControlRequestMethod: headers['access-control-request-method'],
    accessControlRequestHeaders: headers['access-control-request-headers'],
  };
  const verdict = checkCrossSite(facts, settings.crossSite);
  if (verdict.action === 'refuse') throw new Refusal(verdict.status, verdict.reason, verdict.headers);
  answering.headers = verdict.headers;
  if (verdict.action === 'preflight') return new Response(null, { status: verdict.status, headers: verdict.headers });
  return undefined;
}

/** Runs the `authenticate` hook (the user, or `undefined` without a hook); refuses with 401. */
async function authenticate(settings: Settings, request: Request): Promise<unknown> {
  const hook = settings.authenticate;
  if (hook === undefined) return undefined;
  const user: unknown = await hook(request);
  if (user === false || user === null || user === undefined) {
    throw new Refusal(401, 'authentication required', { 'WWW-Authenticate': hook.challenge ?? DEFAULT_CHALLENGE });
  }
  return user;
}

/**
 * Reads the body as it streams in, refusing it once it passes `maxBytes` (413) or takes longer
 * than `timeoutMs` (408); the rest is never buffered. The deadline cancels the reader (which ends
 * the pending read) rather than racing every read against a promise.
 */
async function readBody(request: Request, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    reader.cancel().catch(() => undefined);
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (expired) throw new Refusal(408, `request body not received within ${timeoutMs} ms`);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new Refusal(413, `request body is over the limit of ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    if (error instanceof Refusal) throw error;
    if (expired) throw new Refusal(408, `request body not received within ${timeoutMs} ms`);
    throw new Refusal(400, 'the client closed the connection before sending the whole body');
  } finally {
    clearTimeout(timer);
  }
  return concatBytes(chunks, size);
}

async function xmlResponse(xml: string, acceptEncoding: string | undefined, gzipThresholdBytes: number, extra: Readonly<Record<string, string>>): Promise<Response> {
  const bytes = encoder.encode(xml);
  if (bytes.byteLength <= gzipThresholdBytes) {
    return new Response(bytes, { status: 200, headers: isEmpty(extra) ? XML_HEADERS : { ...extra, 'Content-Type': TEXT_XML } });
  }
  const headers: Record<string, string> = { ...extra, 'Content-Type': TEXT_XML };
  headers['Vary'] = extra['Vary'] === undefined ? 'Accept-Encoding' : `${extra['Vary']}, Accept-Encoding`;
  if (!acceptsGzip(acceptEncoding)) return new Response(bytes, { status: 200, headers });
  headers['Content-Encoding'] = 'gzip';
  // gzipBody's bytes are a fresh ArrayBuffer's (never shared), which a Response body must be.
  // `encodeBody: 'manual'`: Workers would otherwise gzip the gzipped body again; others ignore it.
  const init: ResponseInit & { encodeBody: 'manual' } = { status: 200, headers, encodeBody: 'manual' };
  return new Response((await gzipBody(bytes)) as Uint8Array<ArrayBuffer>, init);
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

function textResponse(status: number, message: string, extra: Readonly<Record<string, string>>): Response {
  return new Response(`${message}\n`, { status, headers: { ...extra, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The request headers as a record of lower-case names, as handlers see them in `currentCall().headers`. */
function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

function report(settings: Settings, error: Error): void {
  if (settings.onError === undefined) return;
  try {
    settings.onError(error);
  } catch {
    // A logging hook must not change the answer.
  }
}
