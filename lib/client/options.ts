/**
 * The client's options and their defaults, in one place, checked once where the `Client` takes
 * them. docs/client.md explains each one.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { DecodeOptions, EncodeOptions } from '../codec/options.js';
import { OptionError } from '../core/errors.js';
import { checkChoice, checkInteger, checkOptionNames } from '../core/options.js';
import type { Transport } from './transport.js';

/**
 * TLS settings for `https:` URLs (the same names as Node's `tls.connect`).
 * @group Client
 */
export type TlsOptions = Pick<
  ConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'pfx'
  | 'servername'
  | 'rejectUnauthorized'
  | 'minVersion'
  | 'maxVersion'
  | 'ciphers'
  | 'checkServerIdentity'
>;

/**
 * An HTTP proxy that requests go through.
 * @group Client
 */
export interface HttpProxyOptions {
  /** The proxy's URL, e.g. `http://proxy.example:3128`; `user:pass@` in it becomes `Proxy-Authorization`. */
  url: string;
  /** A ready `Proxy-Authorization` value, e.g. `Bearer …` (instead of credentials in the URL). */
  token?: string;
  /** Extra headers sent to the proxy. */
  headers?: Record<string, string>;
  /** TLS settings for an `https:` proxy itself. */
  tls?: TlsOptions;
  /**
   * `true` (default): tunnel with CONNECT for every target. `false`: plain `http:` targets
   * are sent to the proxy in absolute form (`POST http://host/RPC2`), as classic proxies expect.
   */
  tunnel?: boolean;
}

/**
 * The credentials a client sends with Basic authentication.
 * @group Client
 */
export interface ClientBasicAuth {
  /** The user name, sent UTF-8 encoded in the `Authorization: Basic` header. */
  username: string;
  /** The password, sent UTF-8 encoded in the same header. */
  password: string;
}

/**
 * A `fetch` function: the global one, or one of the user's (a test double, a runtime's own).
 * @group Client
 */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Which built-in transport to use: `'auto'` picks undici on Node and Deno, fetch elsewhere.
 * @group Client
 */
export type TransportChoice = 'auto' | 'undici' | 'fetch';

/**
 * Options of a {@link Client}. Every one is optional.
 * @group Client
 */
export interface ClientOptions {
  /**
   * How requests are sent: `'auto'` (default: undici on Node and Deno, fetch in browsers, Workers,
   * Bun and wherever undici cannot load), `'undici'`, `'fetch'`, or your own {@link Transport}.
   */
  transport?: TransportChoice | Transport;
  /** The fetch function of the fetch transport (implies it). Default: the global `fetch`. */
  fetch?: FetchFunction;
  /** Headers sent with every call (e.g. `{ authorization: 'Bearer …' }`). */
  headers?: Record<string, string>;
  /** Basic authentication; `http://user:pass@host/…` in the URL does the same. */
  auth?: ClientBasicAuth;
  /** The `User-Agent` header. Default `xmlrpc-ts`. */
  userAgent?: string;
  /** Time limit for a whole call (queue, connect, send, wait for and read the answer); 0 means none. Default 30,000 ms. */
  timeoutMs?: number;
  /** Time limit to open a connection (TCP, proxy CONNECT and TLS handshake); 0 turns it off. Default 10,000 ms. undici only. */
  connectTimeoutMs?: number;
  /** Time limit from sending the request to the end of the response headers; 0 turns it off. Default 300,000 ms. */
  headersTimeoutMs?: number;
  /** Longest pause between two chunks of the response body; 0 turns it off. Default 300,000 ms. */
  bodyTimeoutMs?: number;
  /**
   * Most connections kept open to the server, so most calls at the same time. Default 1, because
   * many XML-RPC servers serve one connection at a time (spec digest §10.6); raise it for
   * concurrent servers. undici only (a browser's fetch manages its own connections).
   */
  connections?: number;
  /** Longest time an idle keep-alive connection is kept (a shorter `Keep-Alive: timeout` hint wins). Default 4,000 ms. undici only. */
  keepAliveTimeoutMs?: number;
  /** TLS settings for `https:` URLs. undici only. */
  tls?: TlsOptions;
  /** Send requests through this HTTP proxy. Refused together with a Unix socket. undici only. */
  httpProxy?: string | HttpProxyOptions;
  /** Honour `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` from the environment (never for a Unix socket). Default false. undici only. */
  proxyFromEnv?: boolean;
  /** Connect to this Unix domain socket instead of the URL's host (as `http+unix:` URLs do); no proxy is used. undici only. */
  socketPath?: string;
  /** Keep cookies the server sets and send them back on later calls. Default false. */
  cookies?: boolean;
  /** Gzip request bodies of at least this many bytes (`Content-Encoding: gzip`). Default: never. */
  gzipRequestThresholdBytes?: number;
  /** Ask for gzip/deflate responses (`Accept-Encoding`) and inflate them. Default true. */
  decompressResponses?: boolean;
  /** Largest response body, in bytes, both as received and after inflating. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Send a call once more, on a new connection, when a reused keep-alive connection failed before
   * the request was completely written and nothing was answered: the server cannot have run it.
   * A request that was completely written is never sent twice. Default true. undici only.
   */
  retryStaleConnection?: boolean;
  /** `multicall` falls back to one call each when the server lacks `system.multicall`. Default true. */
  multicallFallback?: boolean;
  /** How parameters are written. */
  encode?: EncodeOptions;
  /** How responses are read, including the decoder's limits. */
  decode?: DecodeOptions;
  /**
   * An undici dispatcher to send requests with (e.g. a `MockAgent`). The connection, TLS and
   * proxy options are then the dispatcher's business, and `close()` leaves it open. undici only.
   */
  dispatcher?: Dispatcher;
}

/**
 * Options of one call; they add to or override the client's.
 * @group Client
 */
export interface CallOptions {
  /** Cancels the call at once when aborted. */
  signal?: AbortSignal;
  /** Time limit for this call in ms (0 means none); overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/**
 * Defaults of the options above.
 * @group Client
 */
export const CLIENT_DEFAULTS = Object.freeze({
  /** The `User-Agent` header sent by default. */
  userAgent: 'xmlrpc-ts',
  /** 30 s for a whole call. */
  timeoutMs: 30_000,
  /** 10 s to open a connection. */
  connectTimeoutMs: 10_000,
  /** 5 minutes for the response headers. */
  headersTimeoutMs: 300_000,
  /** 5 minutes of silence allowed between body chunks. */
  bodyTimeoutMs: 300_000,
  /** One connection to the server at a time: calls made together run one after another. */
  connections: 1,
  /** 4 s before an idle keep-alive connection is closed. */
  keepAliveTimeoutMs: 4_000,
  /** 64 MiB. */
  maxResponseBytes: 64 * 1024 * 1024,
});

/** The options only the undici transport can honour; the fetch transport refuses them. */
export const UNDICI_ONLY_OPTIONS = [
  'connectTimeoutMs', 'connections', 'keepAliveTimeoutMs', 'tls', 'httpProxy', 'proxyFromEnv', 'socketPath',
  'retryStaleConnection', 'dispatcher',
] as const;

/** Every client option: those any transport honours, then the undici-only ones. */
const CLIENT_OPTION_NAMES = [
  'transport', 'fetch', 'headers', 'auth', 'userAgent', 'timeoutMs', 'headersTimeoutMs', 'bodyTimeoutMs', 'cookies',
  'gzipRequestThresholdBytes', 'decompressResponses', 'maxResponseBytes', 'multicallFallback', 'encode', 'decode',
  ...UNDICI_ONLY_OPTIONS,
] as const;

const CALL_OPTION_NAMES = ['signal', 'timeoutMs', 'headers'] as const;

/** The client's options with every default applied. */
export interface ClientSettings {
  /** See {@link ClientOptions.userAgent}. */
  readonly userAgent: string;
  /** See {@link ClientOptions.timeoutMs}. */
  readonly timeoutMs: number;
  /** See {@link ClientOptions.connectTimeoutMs}. */
  readonly connectTimeoutMs: number;
  /** See {@link ClientOptions.headersTimeoutMs}. */
  readonly headersTimeoutMs: number;
  /** See {@link ClientOptions.bodyTimeoutMs}. */
  readonly bodyTimeoutMs: number;
  /** See {@link ClientOptions.connections}. */
  readonly connections: number;
  /** See {@link ClientOptions.keepAliveTimeoutMs}. */
  readonly keepAliveTimeoutMs: number;
  /** See {@link ClientOptions.maxResponseBytes}. */
  readonly maxResponseBytes: number;
  /** See {@link ClientOptions.gzipRequestThresholdBytes}; `Infinity` for never. */
  readonly gzipRequestThresholdBytes: number;
  /** See {@link ClientOptions.retryStaleConnection}. */
  readonly retryStaleConnection: boolean;
}

const OWNER = 'Client options';

/** Throws the `OptionError` of a client option that is not `what` it must be. */
function refuse(name: string, what: string): never {
  throw new OptionError(`${OWNER}.${name}`, `${OWNER}.${name} must be ${what}`);
}

/** Checks the client's options (names, types, ranges) and applies the defaults. */
export function resolveClientOptions(options: ClientOptions): ClientSettings {
  checkOptionNames(OWNER, options, CLIENT_OPTION_NAMES);
  for (const name of ['timeoutMs', 'connectTimeoutMs', 'headersTimeoutMs', 'bodyTimeoutMs', 'gzipRequestThresholdBytes'] as const) {
    checkInteger(OWNER, name, options[name], 0);
  }
  for (const name of ['connections', 'keepAliveTimeoutMs', 'maxResponseBytes'] as const) checkInteger(OWNER, name, options[name], 1);
  for (const name of ['proxyFromEnv', 'cookies', 'decompressResponses', 'retryStaleConnection', 'multicallFallback'] as const) {
    checkChoice(OWNER, name, options[name], [true, false]);
  }
  for (const name of ['userAgent', 'socketPath'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') refuse(name, 'a string');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') refuse('fetch', 'a fetch function');
  const transport = options.transport;
  if (transport !== undefined && typeof transport !== 'object') checkChoice(OWNER, 'transport', transport, ['auto', 'undici', 'fetch']);
  if (transport !== null && typeof transport === 'object' && typeof transport.post !== 'function') {
    refuse('transport', "'auto', 'undici', 'fetch' or an object with a post(request) method");
  }
  if (options.auth !== undefined && (options.auth === null || typeof options.auth.username !== 'string' || typeof options.auth.password !== 'string')) {
    refuse('auth', '{ username: string, password: string }');
  }
  // Each setting is the option when given, else its default.
  const settings: Record<string, unknown> = { ...CLIENT_DEFAULTS, gzipRequestThresholdBytes: Infinity, retryStaleConnection: true };
  for (const name of Object.keys(settings)) settings[name] = options[name as keyof ClientSettings] ?? settings[name];
  return settings as unknown as ClientSettings;
}

/** Checks the options of one call. */
export function checkCallOptions(options: CallOptions | undefined): void {
  checkOptionNames('Call options', options, CALL_OPTION_NAMES);
  checkInteger('Call options', 'timeoutMs', options?.timeoutMs, 0);
}

/**
 * Refuses, for a transport that is not undici, every option only undici can honour, naming the
 * option and the transport (never silently ignored). A Unix-socket URL counts as `socketPath`.
 */
export function refuseUndiciOnlyOptions(options: ClientOptions, transportName: string, socketPath: string | undefined): void {
  for (const name of UNDICI_ONLY_OPTIONS) {
    if (options[name] === undefined) continue;
    throw new OptionError(`${OWNER}.${name}`, `${OWNER}.${name} is honoured only by the undici transport, not by ${transportName}`);
  }
  if (socketPath !== undefined) {
    throw new OptionError('url', `A Unix socket URL needs the undici transport; ${transportName} cannot connect to ${JSON.stringify(socketPath)}`);
  }
}
