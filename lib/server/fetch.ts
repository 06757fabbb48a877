/**
 * The Web-standard face of the dispatcher: `createFetchHandler(dispatcher)` returns a
 * `(request: Request) => Promise<Response>` for `Deno.serve`, `Bun.serve`, a Worker's `fetch`
 * export or a framework built on Web requests. It applies the node:http face's limits, statuses
 * and fault codes, and imports no `node:` module, so it runs where only Web APIs exist.
 */
import { CompressionError, gzipBody, inflateBody, isSupportedCoding } from '../core/compression.js';
import { HttpError, OptionError } from '../core/errors.js';
import { checkChoice, checkInteger, checkOptionNames } from '../core/options.js';
import type { IncomingMessage } from 'node:http';
import type { XmlRpcDispatcher } from './dispatcher.js';
import type { DocsPageOptions } from './docs-page.js';

/** Decides whether a request may call methods: returns the user, or `false`/`null`/`undefined` to refuse. */
export interface FetchAuthenticateHook {
  (request: Request): unknown;
  /** The `WWW-Authenticate` value sent with 401; default `Basic realm="XML-RPC", charset="UTF-8"`. */
  challenge?: string;
}

/** Options of {@link createFetchHandler}; see {@link FETCH_HANDLER_DEFAULTS} for the defaults. */
export interface FetchHandlerOptions {
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
  /** Called before the body is read; refusal is 401 with `WWW-Authenticate`, and no handler runs. */
  authenticate?: FetchAuthenticateHook;
  /** Answer a browser's GET (`Accept: text/html`) with the documentation page of the methods. */
  docsPage?: boolean | DocsPageOptions;
  /** Told about refused requests (as `HttpError`) and internal errors; a throwing hook is ignored. */
  onError?: (error: Error) => void;
}

/** The defaults of {@link FetchHandlerOptions}. */
export const FETCH_HANDLER_DEFAULTS = Object.freeze({
  paths: 'any' as const,
  maxBodyBytes: 10 * 1024 * 1024,
  maxInflatedBytes: 20 * 1024 * 1024,
  gzipThresholdBytes: 1400,
  bodyTimeoutMs: 30_000,
  docsPage: false as const,
});

/** A Web request handler: what `Deno.serve`, `Bun.serve` and a Worker's `fetch` take. */
export type FetchHandler = (request: Request) => Promise<Response>;

const OWNER = 'createFetchHandler options';
const OPTION_NAMES: readonly (keyof FetchHandlerOptions)[] = ['paths', 'maxBodyBytes', 'maxInflatedBytes', 'gzipThresholdBytes', 'bodyTimeoutMs', 'authenticate', 'docsPage', 'onError'];
const TEXT_XML = 'text/xml; charset=utf-8';
const DEFAULT_CHALLENGE = 'Basic realm="XML-RPC", charset="UTF-8"';
const encoder = new TextEncoder();

/** An HTTP-level refusal: the status and a short text for the body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

interface Settings {
  readonly paths: ReadonlySet<string> | 'any';
  readonly maxBodyBytes: number;
  readonly maxInflatedBytes: number;
  readonly gzipThresholdBytes: number;
  readonly bodyTimeoutMs: number;
  readonly authenticate: FetchAuthenticateHook | undefined;
  readonly docsPage: DocsPageOptions | undefined;
  readonly onError: ((error: Error) => void) | undefined;
}

/**
 * Serves `dispatcher` to Web `Request`s: POST calls with the node:http face's limits, statuses
 * and gzip; GET with `Accept: text/html` gets the documentation page when `docsPage` is on.
 */
export function createFetchHandler(dispatcher: XmlRpcDispatcher, options: FetchHandlerOptions = {}): FetchHandler {
  if (dispatcher === null || typeof dispatcher !== 'object' || typeof dispatcher.dispatch !== 'function') {
    throw new TypeError('createFetchHandler needs an XmlRpcDispatcher (or an XmlRpcServer)');
  }
  const settings = resolveSettings(options);
  return async (request) => {
    try {
      return await answer(dispatcher, settings, request);
    } catch (error) {
      if (error instanceof Refusal) {
        report(settings, new HttpError(error.message, error.status, {}, ''));
        return textResponse(error.status, error.message, error.headers);
      }
      report(settings, error instanceof Error ? error : new Error(String(error)));
      return textResponse(500, 'internal server error', {});
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
  if (typeof docsPage !== 'boolean') {
    checkOptionNames(`${OWNER}.docsPage`, docsPage, ['title', 'description']);
    for (const name of ['title', 'description'] as const) {
      if (docsPage[name] !== undefined && typeof docsPage[name] !== 'string') {
        throw new OptionError(`${OWNER}.docsPage.${name}`, `${OWNER}.docsPage.${name} must be a string`);
      }
    }
  } else {
    checkChoice(OWNER, 'docsPage', docsPage, [true, false]);
  }
  return {
    paths: paths === 'any' ? 'any' : new Set(paths),
    maxBodyBytes: options.maxBodyBytes ?? FETCH_HANDLER_DEFAULTS.maxBodyBytes,
    maxInflatedBytes: options.maxInflatedBytes ?? FETCH_HANDLER_DEFAULTS.maxInflatedBytes,
    gzipThresholdBytes: options.gzipThresholdBytes ?? FETCH_HANDLER_DEFAULTS.gzipThresholdBytes,
    bodyTimeoutMs: options.bodyTimeoutMs ?? FETCH_HANDLER_DEFAULTS.bodyTimeoutMs,
    authenticate: options.authenticate,
    docsPage: docsPage === false ? undefined : docsPage === true ? {} : { ...docsPage },
    onError: options.onError,
  };
}

/** One request: route, method, framing, credentials, body, call, answer. Throws a `Refusal`. */
async function answer(dispatcher: XmlRpcDispatcher, settings: Settings, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  // Route first: an unknown path is 404 whatever the method (RFC 9110 §15.5.5 and §15.5.6).
  if (settings.paths !== 'any' && !settings.paths.has(path)) throw new Refusal(404, `no XML-RPC endpoint at ${path.slice(0, 200)}`);
  if (request.method !== 'POST') {
    if (settings.docsPage === undefined) {
      throw new Refusal(405, `method ${request.method} not allowed: XML-RPC calls are POST`, { Allow: 'POST' });
    }
    if (!(await asksForPage(request))) {
      throw new Refusal(405, `method ${request.method} not allowed: XML-RPC calls are POST; GET with Accept: text/html shows the documentation page`, { Allow: 'GET, HEAD, POST' });
    }
    // The page lists the methods: it is behind the same authentication as calls.
    await authenticate(settings, request);
    return docsPageResponse(dispatcher, settings.docsPage, request, path);
  }
  const coding = request.headers.get('content-encoding') ?? '';
  if (!isSupportedCoding(coding)) {
    throw new Refusal(415, `unsupported Content-Encoding ${JSON.stringify(coding.slice(0, 40))}: use gzip, deflate or none`, { 'Accept-Encoding': 'gzip, deflate' });
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > settings.maxBodyBytes) {
    throw new Refusal(413, `request body of ${declared} bytes is over the limit of ${settings.maxBodyBytes}`);
  }
  const user = await authenticate(settings, request);
  const raw = await readBody(request, settings.maxBodyBytes, settings.bodyTimeoutMs);
  const body = await inflate(raw, coding, settings.maxInflatedBytes);
  const xml = await dispatcher.dispatch(body, { path, headers: headerRecord(request.headers), user, signal: request.signal });
  return xmlResponse(xml, request, settings.gzipThresholdBytes);
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
 * than `timeoutMs` (408); the rest is never buffered.
 */
async function readBody(request: Request, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Refusal(408, `request body not received within ${timeoutMs} ms`)), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), expired]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new Refusal(413, `request body is over the limit of ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    if (error instanceof Refusal) throw error;
    throw new Refusal(400, 'the client closed the connection before sending the whole body');
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** Inflates a gzip/deflate body within `maxBytes`; 413 over it, 400 for bad data. */
async function inflate(raw: Uint8Array, coding: string, maxBytes: number): Promise<Uint8Array> {
  if (coding === '' || coding.trim().toLowerCase() === 'identity') return raw;
  try {
    return await inflateBody(raw, coding, maxBytes);
  } catch (error) {
    if (!(error instanceof CompressionError)) throw error;
    if (error.reason === 'limit') throw new Refusal(413, `request body is over the limit of ${maxBytes} bytes once decompressed`);
    throw new Refusal(400, `request body is not valid ${error.coding} data`);
  }
}

async function xmlResponse(xml: string, request: Request, gzipThresholdBytes: number): Promise<Response> {
  const bytes = encoder.encode(xml);
  const headers: Record<string, string> = { 'Content-Type': TEXT_XML };
  if (bytes.byteLength <= gzipThresholdBytes) return new Response(bytes, { status: 200, headers });
  headers['Vary'] = 'Accept-Encoding';
  if (!acceptsGzip(request.headers.get('accept-encoding'))) return new Response(bytes, { status: 200, headers });
  headers['Content-Encoding'] = 'gzip';
  return new Response(await gzipBody(bytes), { status: 200, headers });
}

function textResponse(status: number, message: string, extra: Readonly<Record<string, string>>): Response {
  return new Response(`${message}\n`, { status, headers: { ...extra, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** Whether a GET or HEAD asks for the page, by the docs-page module's rule (loaded then, not at import). */
async function asksForPage(request: Request): Promise<boolean> {
  const { wantsDocsPage } = await import('./docs-page.js');
  const view = { method: request.method, headers: { accept: request.headers.get('accept') ?? undefined } };
  return wantsDocsPage(view as unknown as IncomingMessage);
}

/** The documentation page, rendered by the docs-page module (loaded on the first page asked for). */
async function docsPageResponse(dispatcher: XmlRpcDispatcher, options: DocsPageOptions, request: Request, path: string): Promise<Response> {
  const { DOCS_PAGE_CSP, docsPageInfo, renderDocsPage } = await import('./docs-page.js');
  const page = await renderDocsPage(docsPageInfo(dispatcher, options, path));
  const headers = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': DOCS_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    // The same URL answers XML-RPC to programs.
    Vary: 'Accept',
  };
  return new Response(request.method === 'HEAD' ? null : page, { status: 200, headers });
}

/** Whether an `Accept-Encoding` value allows gzip (`q=0` forbids). */
function acceptsGzip(header: string | null): boolean {
  if (header === null) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() === 'q') q = Number(value.trim());
    }
    if (coding === 'gzip' || coding === 'x-gzip') return q > 0;
    if (coding === '*') star = q > 0;
  }
  return star;
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
