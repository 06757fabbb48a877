/**
 * The client's options and their defaults, in one place. docs/client.md explains each one.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { DecodeOptions, EncodeOptions } from '../codec/options.js';

/** TLS settings for `https:` URLs (the same names as Node's `tls.connect`). */
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

/** An HTTP proxy that requests go through. */
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

/** Basic authentication credentials. */
export interface BasicAuth {
  /** The user name, sent UTF-8 encoded in the `Authorization: Basic` header. */
  username: string;
  /** The password, sent UTF-8 encoded in the same header. */
  password: string;
}

/** Options of a {@link Client}. Every one is optional. */
export interface ClientOptions {
  /** Headers sent with every call (e.g. `{ authorization: 'Bearer …' }`). */
  headers?: Record<string, string>;
  /** Basic authentication; `http://user:pass@host/…` in the URL does the same. */
  auth?: BasicAuth;
  /** The `User-Agent` header. Default `xmlrpc-ts`. */
  userAgent?: string;
  /** Time limit for a whole call in ms (queue, connect, send, wait for and read the answer); 0 means none. Default 0. */
  timeout?: number;
  /** Time limit to open a connection (TCP and TLS handshake) in ms; 0 turns it off. Default 10,000. */
  connectTimeout?: number;
  /** Time limit from sending the request to the end of the response headers in ms; 0 turns it off. Default 300,000. */
  headersTimeout?: number;
  /** Longest pause between two chunks of the response body in ms; 0 turns it off. Default 300,000. */
  bodyTimeout?: number;
  /**
   * Most connections kept open to the server. Default 1, because many XML-RPC servers
   * serve one connection at a time (spec digest §10.6); raise it for concurrent servers.
   */
  connections?: number;
  /** Longest time an idle keep-alive connection is kept, in ms (a shorter `Keep-Alive: timeout` hint from the server wins). Default 4,000. */
  keepAliveTimeout?: number;
  /** TLS settings for `https:` URLs. */
  tls?: TlsOptions;
  /** Send requests through this HTTP proxy. A `TypeError` together with a Unix socket. */
  httpProxy?: string | HttpProxyOptions;
  /** Honour `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` from the environment (never for a Unix socket). Default false. */
  proxyFromEnv?: boolean;
  /** Connect to this Unix domain socket instead of the URL's host (as `http+unix:` URLs do); no proxy is used. */
  socketPath?: string;
  /** Keep cookies the server sets and send them back on later calls. Default false. */
  cookies?: boolean;
  /** Gzip request bodies of at least this many bytes (`Content-Encoding: gzip`). Default: never. */
  gzipRequestThreshold?: number;
  /** Ask for gzip/deflate responses (`Accept-Encoding`) and inflate them. Default true. */
  decompressResponses?: boolean;
  /** Largest response body, in bytes, both as received and after inflating. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Send a call once more, on a new connection, when a reused keep-alive connection failed before
   * the request was completely written and nothing was answered: the server cannot have run it.
   * A request that was completely written is never sent twice. Default true.
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
   * proxy options are then the dispatcher's business, and `close()` leaves it open.
   */
  dispatcher?: Dispatcher;
}

/** Options of one call; they add to or override the client's. */
export interface CallOptions {
  /** Cancels the call at once when aborted. */
  signal?: AbortSignal;
  /** Time limit for this call in ms (0 means none); overrides the client's `timeout`. */
  timeout?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** Defaults of the options above. */
export const CLIENT_DEFAULTS = Object.freeze({
  /** The `User-Agent` header sent by default. */
  userAgent: 'xmlrpc-ts',
  /** No limit for a whole call (0 means none). */
  timeout: 0,
  /** 10 s to open a connection, in ms. */
  connectTimeout: 10_000,
  /** 5 minutes for the response headers, in ms. */
  headersTimeout: 300_000,
  /** 5 minutes of silence allowed between body chunks, in ms. */
  bodyTimeout: 300_000,
  /** One connection to the server at a time. */
  connections: 1,
  /** 4 s before an idle keep-alive connection is closed, in ms. */
  keepAliveTimeout: 4_000,
  /** 64 MiB, in bytes. */
  maxResponseBytes: 64 * 1024 * 1024,
});
