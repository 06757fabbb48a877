/** The options of the node:http face, their defaults, and their one check. */
import type { IncomingMessage } from 'node:http';
import { OptionError } from '../../core/errors.js';
import { checkInteger } from '../../core/options.js';
import type { AuthenticateHook } from '../auth.js';
import { checkDocsPageOptions } from '../docs-page.js';
import type { DocsPageOptions } from '../docs-page.js';
import { CROSS_SITE_OPTION_NAMES, createCrossSitePolicy } from '../policy.js';
import type { CrossSiteOptions, CrossSitePolicy } from '../policy.js';

/**
 * The HTTP options of a server; defaults in {@link SERVER_DEFAULTS}.
 * @group Server
 */
export interface HttpOptions extends CrossSiteOptions {
  /** Paths the server's own methods answer on; `'any'` for every path. Default `['/', '/RPC2']`. */
  paths?: readonly string[] | 'any';
  /** Largest request body as sent, in bytes; a bigger one gets 413 before it is read. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Largest request body after gzip/deflate decoding, in bytes. Default 20 MiB. */
  maxInflatedBytes?: number;
  /** Responses larger than this (bytes) are gzip-compressed for clients that accept it; `Infinity` never. Default 1,400. */
  gzipThresholdBytes?: number;
  /** zlib level for responses, 1 (fast) … 9 (small). Default 1: XML shrinks well even so. */
  gzipLevel?: number;
  /** Time to receive the whole body once the headers are in, in ms. Default 30,000. */
  bodyTimeoutMs?: number;
  /** Time to receive the request headers, in ms (servers started by `listen`). Default 10,000. */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, in ms (servers started by `listen`). Default 5,000. */
  keepAliveTimeoutMs?: number;
  /**
   * Time the client gets to take a response, in ms: one still not handed to the network after this
   * (a client that never reads) is dropped and its connection closed. Default 30,000.
   */
  sendTimeoutMs?: number;
  /**
   * Bytes of responses written but not yet taken by their clients, over all connections; past it
   * the oldest such connections are closed (a single larger response is still sent). Default 64 MiB.
   */
  maxPendingResponseBytes?: number;
  /** Calls running at once; more wait in a queue. Default 256. */
  maxConcurrentCalls?: number;
  /** Calls waiting for a slot; beyond this a request gets 503. Default 1,024. */
  maxQueuedCalls?: number;
  /** Called before the body is read; refusal is 401 with `WWW-Authenticate`, and no handler runs. */
  authenticate?: AuthenticateHook<IncomingMessage>;
  /** How long `close()` lets in-flight calls finish before aborting them, in ms. Default 10,000. */
  closeTimeoutMs?: number;
  /**
   * Open connections at once (servers started by `listen`); beyond this a new connection is
   * closed at once. With `maxBodyBytes` it bounds the memory requests can hold. Default 10,000.
   */
  maxConnections?: number;
  /** Connections the kernel queues before `listen`'s server accepts them. Default 511. */
  backlog?: number;
  /**
   * Answer a browser's GET (`Accept: text/html`) on a path with an HTML page of that path's
   * methods, signatures and help, with a form to call each (docs/server.md). Default false.
   */
  docsPage?: boolean | DocsPageOptions;
}

/** The defaults of the HTTP options (sizes in bytes, durations in ms). */
export const HTTP_DEFAULTS = Object.freeze({
  /** Paths the server's own methods answer on. */
  paths: Object.freeze(['/', '/RPC2']) as readonly string[],
  /** Largest request body as sent. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Largest request body once inflated. */
  maxInflatedBytes: 20 * 1024 * 1024,
  /** Responses over this size are gzipped for clients that accept it. */
  gzipThresholdBytes: 1400,
  /** zlib level of gzipped responses. */
  gzipLevel: 1,
  /** Time to receive a body. */
  bodyTimeoutMs: 30_000,
  /** Time to receive the headers. */
  headersTimeoutMs: 10_000,
  /** Idle keep-alive time. */
  keepAliveTimeoutMs: 5_000,
  /** Time a client gets to take a response. */
  sendTimeoutMs: 30_000,
  /** Bytes of responses waiting for their clients, over all connections. */
  maxPendingResponseBytes: 64 * 1024 * 1024,
  /** Calls running at once. */
  maxConcurrentCalls: 256,
  /** Calls waiting for a slot. */
  maxQueuedCalls: 1024,
  /** Time `close()` gives in-flight calls. */
  closeTimeoutMs: 10_000,
  /** Open connections at once. */
  maxConnections: 10_000,
  /** The listen backlog. */
  backlog: 511,
});

/** The names of the HTTP options. */
export const HTTP_OPTION_NAMES: readonly string[] = Object.freeze([
  ...Object.keys(HTTP_DEFAULTS),
  'authenticate',
  'docsPage',
  ...CROSS_SITE_OPTION_NAMES,
]);

/** Resolved HTTP settings (internal). */
export interface HttpSettings {
  readonly maxBodyBytes: number;
  readonly maxInflatedBytes: number;
  readonly gzipThresholdBytes: number;
  readonly gzipLevel: number;
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly maxPendingResponseBytes: number;
  readonly maxConcurrentCalls: number;
  readonly maxQueuedCalls: number;
  readonly closeTimeoutMs: number;
  readonly maxConnections: number;
  readonly backlog: number;
  readonly authenticate: AuthenticateHook<IncomingMessage> | undefined;
  /** The documentation page's options, or `undefined` when it is off. */
  readonly docsPage: DocsPageOptions | undefined;
  /** The cross-site policy. */
  readonly crossSite: CrossSitePolicy;
}

const OWNER = 'Server options';

/** Checks and fills in the HTTP options (names are checked by the server); throws `OptionError`. */
export function resolveHttpSettings(options: HttpOptions): HttpSettings {
  const int = (name: Exclude<keyof typeof HTTP_DEFAULTS, 'paths'>, min: number, max?: number): number => {
    const value = options[name];
    checkInteger(OWNER, name, value, min, max);
    return value ?? HTTP_DEFAULTS[name];
  };
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw new OptionError(`${OWNER}.authenticate`, `${OWNER}.authenticate must be a function`);
  }
  const gzipThreshold = options.gzipThresholdBytes;
  return {
    maxBodyBytes: int('maxBodyBytes', 1),
    maxInflatedBytes: int('maxInflatedBytes', 1),
    gzipThresholdBytes: gzipThreshold === Infinity ? Infinity : int('gzipThresholdBytes', 0),
    gzipLevel: int('gzipLevel', 1, 9),
    bodyTimeoutMs: int('bodyTimeoutMs', 1),
    headersTimeoutMs: int('headersTimeoutMs', 1),
    keepAliveTimeoutMs: int('keepAliveTimeoutMs', 1),
    sendTimeoutMs: int('sendTimeoutMs', 1),
    maxPendingResponseBytes: int('maxPendingResponseBytes', 1),
    maxConcurrentCalls: int('maxConcurrentCalls', 1),
    maxQueuedCalls: int('maxQueuedCalls', 0),
    closeTimeoutMs: int('closeTimeoutMs', 0),
    maxConnections: int('maxConnections', 1),
    backlog: int('backlog', 1),
    authenticate: options.authenticate,
    docsPage: options.docsPage === undefined || options.docsPage === false ? undefined : checkDocsPageOptions(options.docsPage),
    crossSite: createCrossSitePolicy({ allowedOrigins: options.allowedOrigins, allowedHosts: options.allowedHosts }),
  };
}
